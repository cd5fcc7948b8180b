//! What the component tests share: mounting the app, driving it as a person would
//! (typing, clicking, the terminal), and waiting for what the page should show.
//!
//! Nothing here sleeps a fixed time: each wait polls for the condition it expects,
//! yielding to the browser between tries, and fails after a deadline naming what it
//! waited for. A loaded machine only makes the tests slower.

#![allow(dead_code)]

use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlTextAreaElement};

/// How long a wait for the page to show something lasts before the test fails.
pub const PATIENCE_MS: f64 = 5_000.0;

/// How long a wait for simulated time to bring something about (an image pulled, a
/// pod running) lasts: the clock advances on the browser's timers, which a loaded
/// machine delays.
pub const SIMULATION_MS: f64 = 30_000.0;

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// A wait for `what`: [`Patience::next`] yields to the browser and fails the test once
/// the deadline has passed.
pub struct Patience {
    what: String,
    started: f64,
    limit: f64,
}

impl Patience {
    pub fn new(what: impl Into<String>, limit: f64) -> Patience {
        Patience {
            what: what.into(),
            started: now_ms(),
            limit,
        }
    }

    /// Lets the browser run (renders, timers) before the next try; fails the test
    /// when the deadline has passed, with `seen`, what the last try found.
    pub async fn next(&self, seen: &str) {
        let waited = now_ms() - self.started;
        if waited > self.limit {
            panic!(
                "waited {:.1} s for {}; the last try saw: {seen:?}",
                waited / 1000.0,
                self.what
            );
        }
        TimeoutFuture::new(10).await;
    }
}

/// Polls `ready` until it gives a value (at most [`PATIENCE_MS`]).
pub async fn wait_for<T>(what: &str, mut ready: impl FnMut() -> Option<T>) -> T {
    let patience = Patience::new(what, PATIENCE_MS);
    loop {
        if let Some(v) = ready() {
            return v;
        }
        patience.next("").await;
    }
}

/// The element `selector` matches inside `root`, once there is one.
pub async fn find(root: &Element, selector: &str) -> Element {
    wait_for(&format!("an element matching {selector}"), || {
        root.query_selector(selector).unwrap()
    })
    .await
}

/// Waits until nothing inside `root` matches `selector`.
pub async fn gone(root: &Element, selector: &str) {
    wait_for(&format!("no element matching {selector}"), || {
        root.query_selector(selector)
            .unwrap()
            .is_none()
            .then_some(())
    })
    .await
}

/// The text of `selector` once `ok` holds for it (an element missing has the empty
/// text).
pub async fn wait_text(root: &Element, selector: &str, ok: impl Fn(&str) -> bool) -> String {
    let patience = Patience::new(format!("the text of {selector}"), PATIENCE_MS);
    loop {
        let text = text_of(root, selector);
        if ok(&text) {
            return text;
        }
        patience.next(&text).await;
    }
}

/// Waits until the text of `selector` is `expected`.
pub async fn text_is(root: &Element, selector: &str, expected: &str) {
    wait_text(root, selector, |t| t == expected).await;
}

/// Waits until the text of `selector` contains `part`, and returns it.
pub async fn text_has(root: &Element, selector: &str, part: &str) -> String {
    wait_text(root, selector, |t| t.contains(part)).await
}

/// Waits until `selector`'s attribute `name` is `value`.
pub async fn attribute_is(root: &Element, selector: &str, name: &str, value: &str) {
    let patience = Patience::new(format!("{selector} with {name}={value:?}"), PATIENCE_MS);
    loop {
        let seen = root
            .query_selector(selector)
            .unwrap()
            .and_then(|e| e.get_attribute(name));
        if seen.as_deref() == Some(value) {
            return;
        }
        patience.next(&format!("{seen:?}")).await;
    }
}

pub fn text_of(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

thread_local! {
    /// The apps mounted, destroyed when the next test mounts its own.
    static APPS: std::cell::RefCell<Vec<yew::AppHandle<podlab_web::App>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Mounts a fresh app in its own element and waits for its first render.
pub async fn mount() -> Element {
    mount_saved(None).await
}

/// Mounts the app over `workspace` (a saved workspace's JSON, as the app keeps it in
/// localStorage), or over nothing saved.
pub async fn mount_saved(workspace: Option<&str>) -> Element {
    // Each test starts from its own saved workspace (earlier tests' apps save theirs).
    if let Ok(Some(store)) = web_sys::window().unwrap().local_storage() {
        store.clear().unwrap();
        if let Some(w) = workspace {
            store.set_item("podlab.workspace.v1", w).unwrap();
        }
    }
    reload().await
}

/// Mounts a fresh app over what localStorage holds now, as reloading the page does
/// (the app before it is gone).
pub async fn reload() -> Element {
    // The apps earlier tests mounted stop (their clocks tick no more).
    APPS.with(|apps| {
        for app in apps.borrow_mut().drain(..) {
            app.destroy();
        }
    });
    // A test that failed left its app on the page: the app looks some things up in
    // the whole document (the pending lane a pod flies in from), so it goes first.
    let left = document().query_selector_all("[data-test-root]").unwrap();
    for i in 0..left.length() {
        if let Some(old) = left.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
            old.remove();
        }
    }
    let root = document().create_element("div").unwrap();
    root.set_attribute("data-test-root", "").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let app = podlab_web::mount(root.clone());
    APPS.with(|apps| apps.borrow_mut().push(app));
    find(&root, "[data-node]").await;
    find(&root, "input[data-terminal-input]").await;
    root
}

/// How many Applies the app has measured (a `podlab:apply` User Timing measure is
/// made once an Apply has been rendered).
fn applies_measured() -> u32 {
    web_sys::window()
        .unwrap()
        .performance()
        .unwrap()
        .get_entries_by_name("podlab:apply")
        .length()
}

/// Puts `manifest` in the editor and clicks Apply; returns once the report is drawn.
pub async fn apply(root: &Element, manifest: &str) {
    type_into(root, "textarea[data-editor]", manifest).await;
    let before = applies_measured();
    click(root, "button[data-action=apply]").await;
    wait_for("the Apply to be drawn (its podlab:apply measure)", || {
        (applies_measured() > before).then_some(())
    })
    .await;
}

/// The terminal's entries and the newest one's text.
fn terminal_state(root: &Element) -> (u32, String) {
    let entries = root.query_selector_all("[data-terminal-entry]").unwrap();
    let last = match entries.length() {
        0 => String::new(),
        n => entries
            .item(n - 1)
            .and_then(|e| e.text_content())
            .unwrap_or_default(),
    };
    (entries.length(), last)
}

/// Types `line` at the terminal's prompt and presses Enter; returns the newest entry's
/// text once the terminal has answered.
pub async fn terminal(root: &Element, line: &str) -> String {
    let before = terminal_state(root);
    let input = find(root, "input[data-terminal-input]").await;
    let input: web_sys::HtmlInputElement = input.dyn_into().unwrap();
    input.set_value(line);
    let init = EventInit::new();
    init.set_bubbles(true);
    input
        .dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    press(&input, "Enter", false);
    wait_for(&format!("the terminal's answer to {line:?}"), || {
        let now = terminal_state(root);
        (now != before).then_some(now.1)
    })
    .await
}

/// The terminal's prompt as shown.
pub fn prompt(root: &Element) -> String {
    text_of(root, "[data-terminal-prompt]")
}

/// Waits until the terminal's prompt is `expected`.
pub async fn prompt_is(root: &Element, expected: &str) {
    text_is(root, "[data-terminal-prompt]", expected).await;
}

/// Runs the simulated clock at 10×.
pub async fn speed_up(root: &Element) {
    click(root, "button[data-speed='10']").await;
}

/// A keydown on `target`, as typing it would send.
pub fn press(target: &web_sys::EventTarget, key: &str, ctrl: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    target
        .dispatch_event(
            &web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap(),
        )
        .unwrap();
}

/// The terminal's newest entry.
pub fn last_entry(root: &Element) -> Element {
    let entries = root.query_selector_all("[data-terminal-entry]").unwrap();
    entries
        .item(entries.length() - 1)
        .unwrap()
        .dyn_into()
        .unwrap()
}

/// Whether a command holds the terminal (`logs -f`, `get -w`, `wait`).
pub fn following(root: &Element) -> bool {
    root.query_selector("[data-following='true']")
        .unwrap()
        .is_some()
}

/// Waits until a command holds the terminal.
pub async fn until_following(root: &Element) {
    wait_for("a command holding the terminal", || {
        following(root).then_some(())
    })
    .await;
}

/// Waits until `entry`'s text satisfies `ok` (simulated time may have to pass).
pub async fn entry_shows(entry: &Element, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let patience = Patience::new(what, SIMULATION_MS);
    loop {
        let text = entry.text_content().unwrap_or_default();
        if ok(&text) {
            return text;
        }
        patience.next(&text).await;
    }
}

/// Ctrl-C ends the command that holds the terminal; its output ends with `^C`.
pub async fn ctrl_c_stops_it(root: &Element, entry: &Element) {
    let input = find(root, "input[data-terminal-input]").await;
    press(&input, "c", true);
    wait_for("Ctrl-C to end the command", || {
        (!following(root)).then_some(())
    })
    .await;
    entry_shows(entry, "the output to end with ^C", |t| t.ends_with("^C\n")).await;
}

/// Runs `command` (a kubectl jsonpath for a pod's phase) in the terminal until its
/// answer ends with `phase`, as simulated time runs.
pub async fn until_phase(root: &Element, command: &str, phase: &str) {
    let patience = Patience::new(format!("{command} to say {phase}"), SIMULATION_MS);
    loop {
        let seen = terminal(root, command).await;
        if seen.ends_with(phase) {
            return;
        }
        patience.next(&seen).await;
    }
}

/// Types `text` into the input or textarea matched by `selector` (an `input` event).
pub async fn type_into(root: &Element, selector: &str, text: &str) {
    let el = find(root, selector).await;
    if let Some(i) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        i.set_value(text);
    } else {
        el.dyn_ref::<HtmlTextAreaElement>().unwrap().set_value(text);
    }
    let init = EventInit::new();
    init.set_bubbles(true);
    el.dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
}

/// Clicks the element `selector` matches, once there is one. What the click changes
/// is waited for by the caller, which knows what to expect.
pub async fn click(root: &Element, selector: &str) {
    let b: HtmlElement = find(root, selector).await.dyn_into().unwrap();
    b.click();
}

/// Opens `url` in the browser tab (types it, clicks Go).
pub async fn browse(root: &Element, url: &str) {
    type_into(root, "input[data-browser-url]", url).await;
    click(root, "[data-action='browse']").await;
}

/// Waits until `selector`'s attribute `name` satisfies `ok`, and returns it.
pub async fn attribute_when(
    root: &Element,
    selector: &str,
    name: &str,
    ok: impl Fn(&str) -> bool,
) -> String {
    let patience = Patience::new(format!("{selector}'s {name}"), PATIENCE_MS);
    loop {
        let seen = root
            .query_selector(selector)
            .unwrap()
            .and_then(|e| e.get_attribute(name))
            .unwrap_or_default();
        if ok(&seen) {
            return seen;
        }
        patience.next(&seen).await;
    }
}

/// Stops the simulated clock (the Play/Pause button) and waits until it shows stopped.
pub async fn pause(root: &Element) {
    click(root, "button[data-action='play']").await;
    attribute_is(root, "button[data-action='play']", "aria-pressed", "false").await;
}

/// The simulated clock as shown (ms).
pub fn clock(root: &Element) -> u64 {
    root.query_selector("[data-clock]")
        .unwrap()
        .and_then(|e| e.get_attribute("data-clock"))
        .and_then(|t| t.parse().ok())
        .unwrap_or_default()
}

/// Waits until the clock shown satisfies `ok`, and returns it.
pub async fn clock_when(root: &Element, what: &str, ok: impl Fn(u64) -> bool) -> u64 {
    wait_for(what, || Some(clock(root)).filter(|t| ok(*t))).await
}
