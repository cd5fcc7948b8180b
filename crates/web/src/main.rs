fn main() {
    console_error_panic_hook::set_once();
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a browser document");
    let root = document.body().expect("a <body> element");
    podlab_web::mount(root.into());
}
