//! One pane alone: under 1,100 px the panes stack, and a person can show one of them
//! alone, full height, and go back to all of them, with the pane's own control or
//! with Alt+1 … Alt+5 (in the stacked order; the focused pane's digit again, or
//! Alt+0, shows them all).

use yew::prelude::*;

/// A pane of the playground.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Editor,
    Cluster,
    Terminal,
    Inspector,
    Tools,
}

impl Pane {
    /// In the order the stacked panes show: Alt+1 is the first.
    pub const ALL: [Pane; 5] = [
        Pane::Editor,
        Pane::Cluster,
        Pane::Terminal,
        Pane::Inspector,
        Pane::Tools,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Pane::Editor => "editor",
            Pane::Cluster => "cluster",
            Pane::Terminal => "terminal",
            Pane::Inspector => "inspector",
            Pane::Tools => "tools",
        }
    }

    /// Its digit for the Alt shortcut.
    fn digit(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0) + 1
    }

    /// What Alt+digit asks for: `Some(Some(pane))` to show a pane alone, `Some(None)`
    /// (Alt+0) to show them all; `None` for any other key. The digit is read from the
    /// key's place (`Digit1`) as well as its character, which Alt changes on some
    /// keyboards.
    pub fn for_key(e: &KeyboardEvent) -> Option<Option<Pane>> {
        if !e.alt_key() || e.ctrl_key() || e.meta_key() {
            return None;
        }
        let code = e.code();
        let key = e.key();
        let digit = code
            .strip_prefix("Digit")
            .filter(|d| d.len() == 1)
            .or(Some(key.as_str()).filter(|k| k.len() == 1))?;
        match digit {
            "0" => Some(None),
            d => Pane::ALL
                .into_iter()
                .find(|p| p.digit().to_string() == d)
                .map(Some),
        }
    }
}

/// What a pane's control needs: whether the pane is shown alone, and where to ask
/// (`Some(pane)` toggles it; made once, so a pane's props compare equal).
#[derive(Clone, PartialEq)]
pub struct Focus {
    pub alone: bool,
    pub send: Callback<Option<Pane>>,
}

impl Focus {
    /// The pane's control: show it alone, or (shown alone) show all the panes.
    pub fn control(&self, pane: Pane) -> Html {
        let n = pane.digit();
        let (label, title) = if self.alone {
            (
                "Show all".to_string(),
                format!("Show all the panes again (Alt+{n} or Alt+0)"),
            )
        } else {
            (
                "Focus".to_string(),
                format!("Show the {} alone, full height (Alt+{n})", pane.name()),
            )
        };
        html! {
            <button class="focus-pane" data-focus-pane={pane.name()} aria-pressed={self.alone.to_string()}
                {title} onclick={self.send.reform(move |_| Some(pane))}>{ label }</button>
        }
    }
}
