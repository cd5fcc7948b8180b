//! `kubectl explain`'s OpenAPI schema (`openapi-v1_34.json`, copied into dist by trunk),
//! fetched the first time something needs it instead of at every load: a terminal line
//! that runs `explain` or reads manifests with `-f`, and a manifest Apply rejected (Go's
//! type errors and the hints name the schema's fields). Until it has arrived, or when it
//! cannot be loaded, core answers without it (explain says it is still loading).

use yew::Callback;

/// Where the app finds the schema, beside index.html.
const SCHEMA_URL: &str = "openapi-v1_34.json";

/// Whether core has the schema.
pub fn loaded() -> bool {
    podlab_core::openapi::definitions().is_some()
}

/// Fetches the schema in the background and hands it to core, then calls `done`
/// (whether it arrived or not); marks `<html data-explain-schema="loaded">` (a hook for
/// tests and tools) when core took it.
pub fn fetch(done: Callback<()>) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    wasm_bindgen_futures::spawn_local(async move {
        let text = async {
            let window = web_sys::window()?;
            let response = JsFuture::from(window.fetch_with_str(SCHEMA_URL))
                .await
                .ok()?;
            let response: web_sys::Response = response.dyn_into().ok()?;
            if !response.ok() {
                return None;
            }
            JsFuture::from(response.text().ok()?)
                .await
                .ok()?
                .as_string()
        };
        if let Some(text) = text.await {
            if podlab_core::openapi::provide_schema(&text).is_ok() {
                let root = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.document_element());
                if let Some(root) = root {
                    let _ = root.set_attribute("data-explain-schema", "loaded");
                }
            }
        }
        done.emit(());
    });
}
