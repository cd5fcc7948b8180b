//! Persistence and sharing: the autosave in localStorage (periodic, after actions,
//! when the page is left), share links (the workspace deflated into the fragment),
//! and the light or dark theme.

use podlab_core::share::Workspace;
use podlab_core::Cluster;
use yew::prelude::*;

/// Where the workspace is saved, and where an unreadable save is kept aside.
pub const STORAGE_KEY: &str = "podlab.workspace.v1";
pub const UNREADABLE_KEY: &str = "podlab.workspace.unreadable";
/// Saved every this many ticks (5 s), after every Apply and command, and when the page
/// is hidden or left (`pagehide`).
const SAVE_EVERY_TICKS: u32 = 25;
/// A save that took longer than this (a big cluster's snapshot) would stall the page
/// every 5 s: such workspaces are saved every 30 s instead (and still on every action
/// and when the page is left).
const SLOW_SAVE_MS: f64 = 16.0;
const SLOW_SAVE_EVERY_TICKS: u32 = 150;

/// Where the previous workspace is kept when a share link replaces it.
pub const BEFORE_SHARE_KEY: &str = "podlab.workspace.before-share";
/// Where the previous workspace is kept when an imported cluster replaces it.
pub const BEFORE_IMPORT_KEY: &str = "podlab.workspace.before-import";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn parse(s: &str) -> Option<Theme> {
        match s {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    /// The address's choice, else the one saved, else the system's preference.
    pub fn initial(chosen: Option<Theme>) -> Theme {
        let saved = storage()
            .and_then(|s| s.get_item(THEME_KEY).ok().flatten())
            .and_then(|t| Theme::parse(&t));
        let system_dark = web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            .is_some_and(|m| m.matches());
        chosen.or(saved).unwrap_or(if system_dark {
            Theme::Dark
        } else {
            Theme::Light
        })
    }

    /// Puts the theme on `<html data-theme>`, where the style sheet looks for it.
    pub fn apply(self) {
        let root = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element());
        if let Some(root) = root {
            let _ = root.set_attribute("data-theme", self.name());
        }
    }
}

/// Where the terminal's scrollback (the commands typed, what they printed) is kept, so
/// that it and the commands' history survive a reload.
pub const TERMINAL_KEY: &str = "podlab.terminal.v1";

/// The terminal's scrollback as saved, if any.
pub fn load_terminal() -> Option<String> {
    storage()?.get_item(TERMINAL_KEY).ok().flatten()
}

/// Where the chosen theme is remembered.
pub const THEME_KEY: &str = "podlab.theme";

/// The autosave's rhythm, the last share link and the theme.
pub struct Persistence {
    /// Embedded playgrounds save nothing (several on one page would share it).
    embed: bool,
    pub theme: Theme,
    /// The last share link made, shown for copying.
    pub share_url: Option<String>,
    /// Whether that link went to the clipboard (None: not known yet).
    pub share_copied: Option<bool>,
    /// Ticks since the workspace was last saved.
    since_save: u32,
    /// Ticks between periodic saves (longer once a save proved slow).
    save_every: u32,
}

pub enum Msg {
    /// Switch between the light and the dark theme (and remember the choice).
    ToggleTheme,
    /// Save the workspace now (the page is being hidden or left).
    Save,
    /// Make a share link for the workspace.
    Share,
    /// The link (or why it could not be made).
    Shared(Result<String, String>),
    /// Whether the link went to the clipboard.
    Copied(bool),
}

/// What a persistence message did: whether to redraw, and a notice to show.
pub struct Done {
    pub render: bool,
    pub notice: Option<String>,
}

impl Persistence {
    pub fn new(embed: bool, theme: Theme) -> Persistence {
        Persistence {
            embed,
            theme,
            share_url: None,
            share_copied: None,
            since_save: 0,
            save_every: SAVE_EVERY_TICKS,
        }
    }

    /// `workspace` is the workspace's JSON, made only when it is saved or shared.
    pub fn update(
        &mut self,
        msg: Msg,
        workspace: impl FnOnce() -> String,
        send: &Callback<Msg>,
    ) -> Done {
        let done = |render| Done {
            render,
            notice: None,
        };
        match msg {
            Msg::ToggleTheme => {
                self.theme = match self.theme {
                    Theme::Light => Theme::Dark,
                    Theme::Dark => Theme::Light,
                };
                self.theme.apply();
                if let Some(store) = storage() {
                    let _ = store.set_item(THEME_KEY, self.theme.name());
                }
                done(true)
            }
            Msg::Save => {
                self.save(workspace);
                done(false)
            }
            Msg::Share => {
                let json = workspace();
                let base = page_address();
                let send = send.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let shared = match deflate(json.as_bytes()).await {
                        Ok(zlib) => Ok(format!("{base}#{}", podlab_core::share::fragment(&zlib))),
                        Err(e) => Err(format!("The share link could not be made: {e}")),
                    };
                    send.emit(Msg::Shared(shared));
                });
                done(false)
            }
            Msg::Shared(Ok(url)) => {
                self.share_copied = None;
                let send = send.clone();
                let copy = url.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let copied = match web_sys::window() {
                        Some(w) => {
                            let promise = w.navigator().clipboard().write_text(&copy);
                            wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
                        }
                        None => false,
                    };
                    send.emit(Msg::Copied(copied));
                });
                self.share_url = Some(url);
                done(true)
            }
            Msg::Copied(copied) => {
                self.share_copied = Some(copied);
                done(true)
            }
            Msg::Shared(Err(e)) => Done {
                render: true,
                notice: Some(e),
            },
        }
    }

    /// Autosaves (not when embedded: several playgrounds on one page would share it).
    pub fn save(&mut self, workspace: impl FnOnce() -> String) {
        self.since_save = 0;
        if self.embed {
            return;
        }
        let perf = performance();
        let start = perf.as_ref().map(|p| p.now());
        if let Some(store) = storage() {
            let _ = store.set_item(STORAGE_KEY, &workspace());
        }
        if let (Some(p), Some(start)) = (perf, start) {
            self.save_every = if p.now() - start > SLOW_SAVE_MS {
                SLOW_SAVE_EVERY_TICKS
            } else {
                SAVE_EVERY_TICKS
            };
        }
    }

    /// A tick: saves when the periodic save is due.
    pub fn tick(&mut self, workspace: impl FnOnce() -> String) {
        self.since_save += 1;
        if self.since_save >= self.save_every {
            self.save(workspace);
        }
    }

    /// Saves the terminal's scrollback (`text`, made only when it is saved).
    pub fn save_terminal(&self, text: impl FnOnce() -> String) {
        if !self.embed {
            if let Some(store) = storage() {
                let _ = store.set_item(TERMINAL_KEY, &text());
            }
        }
    }

    /// Keeps the workspace an imported cluster replaces.
    pub fn keep_before_import(&self, workspace: &str) {
        if !self.embed {
            if let Some(store) = storage() {
                let _ = store.set_item(BEFORE_IMPORT_KEY, workspace);
            }
        }
    }
}

/// The page's Performance, for User Timing marks and measures.
pub fn performance() -> Option<web_sys::Performance> {
    web_sys::window()?.performance()
}

pub fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The saved workspace, or why it could not be read (it is then kept aside).
pub fn load_saved() -> Result<Option<(Workspace, Cluster)>, String> {
    let Some(store) = storage() else {
        return Ok(None);
    };
    let Ok(Some(text)) = store.get_item(STORAGE_KEY) else {
        return Ok(None);
    };
    match Workspace::parse(&text) {
        Ok(ok) => Ok(Some(ok)),
        Err(e) => {
            let _ = store.set_item(UNREADABLE_KEY, &text);
            let _ = store.remove_item(STORAGE_KEY);
            Err(format!(
                "The saved workspace could not be read ({e}); it is kept in localStorage under \"{UNREADABLE_KEY}\", and a fresh cluster started."
            ))
        }
    }
}

/// Opens a share link's workspace. The workspace it replaces is kept aside (embedded
/// playgrounds save nothing, so there is nothing to keep).
pub fn open_shared(
    fragment: &str,
    embed: bool,
) -> Result<((Workspace, Cluster), Option<String>), String> {
    forget_fragment();
    let opened = podlab_core::share::decode(fragment).map_err(|e| {
        format!("The shared link could not be opened: {e}. Your workspace is unchanged.")
    })?;
    let mut notice = None;
    if !embed {
        if let Some(store) = storage() {
            if let Ok(Some(previous)) = store.get_item(STORAGE_KEY) {
                let _ = store.set_item(BEFORE_SHARE_KEY, &previous);
                notice = Some(format!(
                    "Opened the shared scenario. Your previous workspace is kept in localStorage under \"{BEFORE_SHARE_KEY}\"."
                ));
            }
        }
    }
    Ok((opened, notice))
}

/// This page's address without its fragment: a share link adds the workspace to it.
fn page_address() -> String {
    let location = web_sys::window().map(|w| w.location());
    location
        .map(|l| {
            format!(
                "{}{}{}",
                l.origin().unwrap_or_default(),
                l.pathname().unwrap_or_default(),
                l.search().unwrap_or_default()
            )
        })
        .unwrap_or_default()
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The browser's `CompressionStream` (web-sys has it only behind an unstable flag).
    type CompressionStream;
    #[wasm_bindgen::prelude::wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, wasm_bindgen::JsValue>;
    #[wasm_bindgen::prelude::wasm_bindgen(method, getter)]
    fn readable(this: &CompressionStream) -> web_sys::ReadableStream;
    #[wasm_bindgen::prelude::wasm_bindgen(method, getter)]
    fn writable(this: &CompressionStream) -> web_sys::WritableStream;
}

/// zlib-compresses `data` with the browser's `CompressionStream("deflate")`.
async fn deflate(data: &[u8]) -> Result<Vec<u8>, String> {
    use wasm_bindgen_futures::JsFuture;
    let js_error = |e: wasm_bindgen::JsValue| e.as_string().unwrap_or_else(|| format!("{e:?}"));
    let stream = CompressionStream::new("deflate").map_err(js_error)?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(data));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(js_error)?;
    let pair = web_sys::ReadableWritablePair::new(&stream.readable(), &stream.writable());
    let compressed = blob.stream().pipe_through(&pair);
    let response =
        web_sys::Response::new_with_opt_readable_stream(Some(&compressed)).map_err(js_error)?;
    let buffer = JsFuture::from(response.array_buffer().map_err(js_error)?)
        .await
        .map_err(js_error)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Drops the share link from the address bar: a reload then restores the autosave
/// instead of reopening (or again refusing) the link.
fn forget_fragment() {
    if let Some(w) = web_sys::window() {
        if let Ok(history) = w.history() {
            let location = w.location();
            let url = format!(
                "{}{}",
                location.pathname().unwrap_or_default(),
                location.search().unwrap_or_default()
            );
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
}

/// Saves when the page is hidden or left, so a reload finds the latest state even
/// between periodic saves.
pub fn save_on_pagehide(save: Callback<()>) {
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return;
    };
    let handler = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || save.emit(()));
    let _ = window.add_event_listener_with_callback("pagehide", handler.as_ref().unchecked_ref());
    // The page keeps the handler for its lifetime.
    handler.forget();
}

/// A share link pasted into the address bar of an open playground changes only the
/// fragment, which loads nothing: reload so that it opens.
pub fn reload_on_share_links() {
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return;
    };
    let handler = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| {
        if let Some(location) = web_sys::window().map(|w| w.location()) {
            if location
                .hash()
                .is_ok_and(|h| h.contains(podlab_core::share::FRAGMENT_KEY))
            {
                let _ = location.reload();
            }
        }
    });
    window.set_onhashchange(Some(handler.as_ref().unchecked_ref()));
    // The page keeps the handler for its lifetime.
    handler.forget();
}
