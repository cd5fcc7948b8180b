//! The scheduler tool: the cluster's KubeSchedulerConfiguration as YAML to edit and
//! apply (errors shown with their field path, line and column), back to
//! kube-scheduler's defaults with Reset, and each profile's plugins with their weights.
//! The configuration lives in the cluster, so the saved workspace and share links
//! keep it.

use crate::common::{input_value, Outcome};
use podlab_core::scheduler::config::{self, SchedulerConfiguration};
use podlab_core::Cluster;
use yew::prelude::*;

/// The panel's text while being edited, and what the last Apply said.
#[derive(Default)]
pub struct SchedulerPanel {
    /// The text in the editor; `None` shows the cluster's configuration.
    text: Option<String>,
    errors: Vec<String>,
    applied: Option<String>,
}

pub enum Msg {
    Text(String),
    Apply,
    Reset,
}

/// The text of the configuration the cluster runs (the defaults written out when it
/// has none).
fn current(cluster: &Cluster) -> String {
    cluster
        .scheduler_configuration()
        .map(SchedulerConfiguration::text)
        .unwrap_or(config::DEFAULT_TEXT)
        .to_string()
}

fn profile_names(cluster: &Cluster) -> String {
    let names: Vec<&str> = cluster
        .scheduler_profiles()
        .iter()
        .map(|p| p.scheduler_name.as_str())
        .collect();
    names.join(", ")
}

impl SchedulerPanel {
    pub fn update(&mut self, cluster: &mut Cluster, msg: Msg) -> Outcome {
        match msg {
            Msg::Text(text) => {
                self.text = Some(text);
                Outcome::quiet()
            }
            Msg::Apply => {
                let text = self.text.clone().unwrap_or_else(|| current(cluster));
                match config::parse("scheduler-config.yaml", &text) {
                    Ok(c) => {
                        cluster.set_scheduler_configuration(Some(c));
                        self.text = None;
                        self.errors.clear();
                        self.applied =
                            Some(format!("Applied: profiles {}", profile_names(cluster)));
                        Outcome::saved()
                    }
                    Err(errors) => {
                        self.errors = errors.iter().map(|e| e.to_string()).collect();
                        self.applied = None;
                        Outcome::render()
                    }
                }
            }
            Msg::Reset => {
                cluster.set_scheduler_configuration(None);
                self.text = None;
                self.errors.clear();
                self.applied = Some(format!(
                    "Reset to kube-scheduler's defaults: profile {}",
                    profile_names(cluster)
                ));
                Outcome::saved()
            }
        }
    }

    pub fn view(&self, cluster: &Cluster, send: &Callback<Msg>) -> Html {
        let text = self.text.clone().unwrap_or_else(|| current(cluster));
        html! {
            <div class="scheduler-config" data-scheduler-config="">
                <p class="muted">{"kube-scheduler's configuration (kubescheduler.config.k8s.io/v1): a pod's spec.schedulerName picks its profile; a pod naming no profile stays Pending."}</p>
                <textarea data-scheduler-text="" spellcheck="false" wrap="off" aria-label="KubeSchedulerConfiguration"
                    value={text} oninput={send.reform(|e| Msg::Text(input_value(e)))} />
                <div class="inline-form">
                    <button class="primary" data-action="scheduler-apply" onclick={send.reform(|_| Msg::Apply)}>{"Apply"}</button>
                    <button data-action="scheduler-reset" onclick={send.reform(|_| Msg::Reset)}>{"Reset to defaults"}</button>
                </div>
                { for self.applied.iter().map(|a| html! { <pre class="result" data-scheduler-result="">{ a }</pre> }) }
                { for self.errors.iter().map(|e| html! { <pre class="result error" data-scheduler-error="">{ e }</pre> }) }
                <ul class="profiles" data-scheduler-profiles="">
                    { for cluster.scheduler_profiles().iter().map(|p| {
                        let filters: Vec<&str> = p.filters.iter().map(|f| f.name()).collect();
                        let scores: Vec<String> = p.scores.iter().map(|s| format!("{} ({})", s.name(), s.weight())).collect();
                        html! {
                            <li data-profile={p.scheduler_name.clone()}>
                                <strong>{ &p.scheduler_name }</strong>
                                <div><span class="muted">{"Filter: "}</span>{ filters.join(", ") }</div>
                                <div><span class="muted">{"Score: "}</span>{ scores.join(", ") }</div>
                                if p.preemption.is_none() { <div class="muted">{"No preemption (DefaultPreemption disabled)"}</div> }
                            </li>
                        }
                    }) }
                </ul>
            </div>
        }
    }
}
