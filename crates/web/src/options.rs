//! How the page was opened: `?embed=1`, `panels=`, `lesson=`, `theme=` and a share
//! link's `#share=…`.

use crate::persist::Theme;

/// How the page was opened: `?embed=1` (compact, nothing saved), `panels=` (which
/// panels show), `lesson=` (a lesson to open), and a share link's `#share=…`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageOptions {
    pub embed: bool,
    /// Panel names (`editor`, `terminal`, `cluster`, `inspector`, and the tools
    /// `browser`, `git`, `timeline`, `export`); empty
    /// shows them all.
    pub panels: Vec<String>,
    pub lesson: Option<String>,
    pub share: Option<String>,
    /// `theme=light|dark` (an embedding page's choice).
    pub theme: Option<Theme>,
}

impl PageOptions {
    /// Reads a page address's query and fragment.
    pub fn parse(search: &str, hash: &str) -> PageOptions {
        let mut o = PageOptions::default();
        for pair in search.trim_start_matches('?').split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            match k {
                "embed" => o.embed = v != "0" && v != "false",
                "panels" => {
                    o.panels = v
                        .split(',')
                        .filter(|p| !p.is_empty())
                        .map(str::to_string)
                        .collect()
                }
                "lesson" if !v.is_empty() => o.lesson = Some(v.to_string()),
                "theme" => o.theme = Theme::parse(v),
                _ => {}
            }
        }
        let hash = hash.trim_start_matches('#');
        if hash.contains(podlab_core::share::FRAGMENT_KEY) {
            o.share = Some(hash.to_string());
        }
        o
    }

    pub fn shows(&self, panel: &str) -> bool {
        self.panels.is_empty() || self.panels.iter().any(|p| p == panel)
    }

    pub fn from_location() -> PageOptions {
        let location = web_sys::window().map(|w| w.location());
        let get = |f: fn(&web_sys::Location) -> Result<String, wasm_bindgen::JsValue>| {
            location
                .as_ref()
                .and_then(|l| f(l).ok())
                .unwrap_or_default()
        };
        PageOptions::parse(
            &get(web_sys::Location::search),
            &get(web_sys::Location::hash),
        )
    }
}
