//! The editor's text: line numbers with the last Apply's diagnostics marked, and the
//! text highlighted in a layer under a transparent textarea.

use yew::prelude::*;

/// A diagnostic's mark in the editor's gutter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub line: usize,
    pub error: bool,
    pub message: String,
}

#[derive(Properties, PartialEq)]
pub struct CodeProps {
    pub text: AttrValue,
    pub marks: std::rc::Rc<Vec<Mark>>,
    /// Made once, so the editor is redrawn only when its text or marks change.
    pub oninput: Callback<InputEvent>,
}

/// Files longer than this are shown without highlighting (the spans would cost more
/// than they help).
const HIGHLIGHT_MAX_BYTES: usize = 64 * 1024;

/// The editor: line numbers (with diagnostics marked), the text highlighted in a layer
/// under a transparent textarea that is sized to the text, so both scroll together.
#[function_component(Code)]
pub fn code(props: &CodeProps) -> Html {
    let text = props.text.as_str();
    let lines = text.split('\n').count().max(1);
    let cols = text
        .split('\n')
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    // A mark is an inline block: its line's newline goes after it, or the next number
    // would share its row.
    let gutter = (1..=lines).map(|n| match props.marks.iter().find(|m| m.line == n) {
        Some(m) => html! {
            <>
                <span class={classes!("mark", if m.error { "error" } else { "warning" })} data-mark={n.to_string()} title={m.message.clone()}>{ n }</span>
                { "\n" }
            </>
        },
        None => html! { { format!("{n}\n") } },
    });
    let layer = if text.len() <= HIGHLIGHT_MAX_BYTES {
        use podlab_core::manifest::highlight::{highlight, Token};
        highlight(text)
            .into_iter()
            .map(|(t, s)| match t {
                Token::Plain => html! { { s } },
                t => html! { <span class={t.class()}>{ s }</span> },
            })
            .collect::<Html>()
    } else {
        html! { { text } }
    };
    let size = format!("height:calc({lines} * 1.5em + 16px);min-width:calc({cols}ch + 24px)");
    html! {
        <div class="editor">
            <pre class="gutter" aria-hidden="true">{ for gutter }</pre>
            <div class="code">
                <pre class="highlight" aria-hidden="true">{ layer }{"\n"}</pre>
                <textarea data-editor="" spellcheck="false" autocomplete="off" wrap="off" style={size}
                    aria-label="Manifest (YAML or JSON)" value={props.text.clone()} oninput={props.oninput.clone()} />
            </div>
        </div>
    }
}
