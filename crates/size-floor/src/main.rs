//! A text area, a button and an output: with feature `k8s` the text is read and written
//! back as each kind Podlab serves (k8s-openapi's serde code, one Deserializer and one
//! Serializer), with `yaml` it is run through the YAML parser. Nothing else, so its
//! bundle is what those pieces cost on their own.

use yew::prelude::*;

#[function_component]
fn App() -> Html {
    let text = use_state(String::new);
    let out = use_state(String::new);
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            text.set(area.value());
        })
    };
    let onclick = {
        let (text, out) = (text.clone(), out.clone());
        Callback::from(move |_| out.set(format!("{}{}", kinds(&text), yaml(&text))))
    };
    html! {
        <main>
            <textarea {oninput} />
            <button {onclick}>{ "Convert" }</button>
            <pre>{ (*out).clone() }</pre>
        </main>
    }
}

#[cfg(feature = "k8s")]
fn kinds(text: &str) -> String {
    use k8s_openapi::api::core::v1::{Endpoints, Event, Namespace, Node, Pod, Service};
    fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(text: &str) -> String {
        serde_json::from_str::<T>(text)
            .and_then(|o| serde_json::to_string(&o))
            .unwrap_or_else(|e| e.to_string())
    }
    [
        round_trip::<Pod>(text),
        round_trip::<Node>(text),
        round_trip::<Service>(text),
        round_trip::<Namespace>(text),
        round_trip::<Event>(text),
        round_trip::<Endpoints>(text),
    ]
    .join("\n")
}

#[cfg(not(feature = "k8s"))]
fn kinds(_: &str) -> String {
    String::new()
}

#[cfg(feature = "yaml")]
fn yaml(text: &str) -> String {
    let mut out = String::new();
    for event in saphyr_parser::Parser::new_from_str(text) {
        match event {
            Ok((event, span)) => out.push_str(&format!("{}: {event:?}\n", span.start.line())),
            Err(e) => {
                out.push_str(&e.to_string());
                break;
            }
        }
    }
    out
}

#[cfg(not(feature = "yaml"))]
fn yaml(_: &str) -> String {
    String::new()
}

fn main() {
    yew::Renderer::<App>::new().render();
}
