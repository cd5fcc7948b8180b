//! The top bar: a notice, the Kubernetes version, the simulated clock (play, step,
//! next event, speed), the theme switch and the share link.

use crate::common::clock_text;
use crate::persist::{self, Theme};
use podlab_core::clock::SimTime;
use yew::prelude::*;

/// What the clock's buttons ask of the app, which keeps the clock.
pub enum Clock {
    TogglePlay,
    SetSpeed(u32),
    /// Advance the clock one second.
    Step,
    /// Advance to the next moment something is due.
    NextEvent,
}

/// What the top bar shows, and where its buttons send.
#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub notice: Option<AttrValue>,
    pub now: SimTime,
    pub playing: bool,
    pub speed: u32,
    pub theme: Theme,
    /// The last share link made, shown for copying.
    pub share_url: Option<AttrValue>,
    /// Whether the link was copied to the clipboard (None: not tried yet).
    pub share_copied: Option<bool>,
    /// The notice's close button.
    pub dismiss: Callback<()>,
    pub clock: Callback<Clock>,
    pub save: Callback<persist::Msg>,
}

#[function_component(Header)]
pub fn header(h: &HeaderProps) -> Html {
    let (clock, save) = (&h.clock, &h.save);
    let speeds = [1u32, 10, 100];
    let dark = h.theme == Theme::Dark;
    html! {
        <header class="topbar">
            <h1 class="brand">{"Podlab"}</h1>
            { for h.notice.clone().map(|n| html! {
                <div class="notice" role="alert" data-notice="">
                    { n }
                    <button class="close" data-action="dismiss-notice" aria-label="Dismiss the notice" title="Dismiss"
                        onclick={h.dismiss.reform(|_| ())}>{"\u{d7}"}</button>
                </div>
            }) }
            <span class="version">{ format!("Kubernetes {}", podlab_core::model::KUBERNETES_VERSION) }</span>
            <div class="clock" role="group" aria-label="Simulated clock">
                <button data-action="play" onclick={clock.reform(|_| Clock::TogglePlay)}
                    aria-pressed={h.playing.to_string()}>
                    { if h.playing { "Pause" } else { "Play" } }
                </button>
                <button data-action="step" title="Advance the clock one second"
                    onclick={clock.reform(|_| Clock::Step)}>{"Step"}</button>
                <button data-action="next-event" title="Jump to the next moment something is due (a container, a timer, a controller)"
                    onclick={clock.reform(|_| Clock::NextEvent)}>{"Next event"}</button>
                <span class="time" data-clock={h.now.0.to_string()}>{ clock_text(h.now) }</span>
                if !h.playing {
                    <span class="paused" data-paused="" role="status">{"Paused"}</span>
                }
                { for speeds.iter().map(|&s| html! {
                    <button class={classes!("speed", (h.speed == s).then_some("active"))} data-speed={s.to_string()}
                        onclick={clock.reform(move |_| Clock::SetSpeed(s))}>{ format!("{s}×") }</button>
                }) }
            </div>
            <button data-action="theme" aria-pressed={dark.to_string()}
                title="Switch between the light and the dark theme"
                onclick={save.reform(|_| persist::Msg::ToggleTheme)}>
                { if dark { "Light theme" } else { "Dark theme" } }
            </button>
            <div class="share" role="group" aria-label="Share">
                <button data-action="share" onclick={save.reform(|_| persist::Msg::Share)}
                    title="A link that opens this workspace (manifest, cluster, clock, lesson) in any browser">{"Share"}</button>
                { for h.share_url.as_ref().map(|url| html! {
                    <div class="share-pop" data-share-pop="">
                        <span class="share-status" role="status" data-share-copied={h.share_copied.map(|c| c.to_string()).unwrap_or_default()}>{
                            match h.share_copied {
                                Some(true) => "Link copied to the clipboard.",
                                Some(false) => "Select the link and copy it:",
                                None => "The link:",
                            }
                        }</span>
                        <input class="share-url" data-share-url="" readonly=true value={url.clone()}
                            aria-label="Share link (select and copy)"
                            onfocus={Callback::from(|e: FocusEvent| {
                                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                                input.select();
                            })} />
                    </div>
                }) }
            </div>
        </header>
    }
}
