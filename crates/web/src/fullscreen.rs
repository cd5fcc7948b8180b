//! A full-screen program in the terminal (`vi FILE`, `nano FILE`): core's editor screen
//! drawn as a monospace grid with its cursor. While it is open every key goes to it
//! (Esc, Tab, Ctrl-O, Ctrl-X, the arrows), and the focus stays in it; Alt+digit still
//! switches panes.

use podlab_core::terminal::editor::{Key, Screen};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FullScreenProps {
    pub screen: Screen,
    /// What the region is, for assistive technology (`vi pod.yaml`).
    pub label: AttrValue,
    pub on_key: Callback<Key>,
}

/// The editor's grid.
#[function_component(FullScreen)]
pub fn full_screen(props: &FullScreenProps) -> Html {
    let node = use_node_ref();
    {
        // The focus is in the editor while it is open (after every redraw too).
        let node = node.clone();
        use_effect(move || {
            focus(&node);
        });
    }
    let onkeydown = {
        let on_key = props.on_key.clone();
        Callback::from(move |e: KeyboardEvent| {
            if let Some(key) = key_of(&e) {
                e.prevent_default();
                e.stop_propagation();
                on_key.emit(key);
            }
        })
    };
    let onblur = {
        let node = node.clone();
        Callback::from(move |_: FocusEvent| focus(&node))
    };
    let (cursor_row, cursor_col) = props.screen.cursor;
    html! {
        <div class="fullscreen" data-fullscreen="" role="application" tabindex="0"
            aria-label={props.label.clone()} aria-roledescription="full-screen editor"
            ref={node} {onkeydown} {onblur}>
            { for props.screen.rows.iter().enumerate().map(|(i, row)| {
                let inverse = props.screen.inverse.contains(&i);
                let class = classes!("fs-row", inverse.then_some("inverse"));
                if i == cursor_row {
                    let chars: Vec<char> = row.chars().collect();
                    let before: String = chars.iter().take(cursor_col).collect();
                    let at = chars.get(cursor_col).copied().unwrap_or(' ');
                    let after: String = chars.iter().skip(cursor_col + 1).collect();
                    let pad = " ".repeat(cursor_col.saturating_sub(chars.len()));
                    html! {
                        <div {class} data-fs-row={i.to_string()}>{ before }{ pad }<span class="fs-cursor" data-fs-cursor="">{ at }</span>{ after }</div>
                    }
                } else {
                    html! { <div {class} data-fs-row={i.to_string()}>{ row.clone() }</div> }
                }
            }) }
        </div>
    }
}

fn focus(node: &NodeRef) {
    if let Some(el) = node.cast::<web_sys::HtmlElement>() {
        let _ = el.focus();
    }
}

/// The editor's key for a key pressed; `None` leaves it to the page (Alt+digit, a
/// modifier alone, a key the editors do not use).
fn key_of(e: &KeyboardEvent) -> Option<Key> {
    if e.alt_key() || e.meta_key() {
        return None;
    }
    let name = e.key();
    let mut chars = name.chars();
    let single = match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    };
    if e.ctrl_key() {
        return single.map(|c| Key::Ctrl(c.to_ascii_lowercase()));
    }
    Some(match name.as_str() {
        "Enter" => Key::Enter,
        "Backspace" => Key::Backspace,
        "Delete" => Key::Delete,
        "Escape" => Key::Esc,
        "Tab" => Key::Tab,
        "ArrowUp" => Key::Up,
        "ArrowDown" => Key::Down,
        "ArrowLeft" => Key::Left,
        "ArrowRight" => Key::Right,
        "Home" => Key::Home,
        "End" => Key::End,
        _ => Key::Char(single?),
    })
}
