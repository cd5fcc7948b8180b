//! The inspector's account of a preemption: the node the scheduler nominated the pod to,
//! the victims it chose there, every node where preemption would have helped with the
//! victims each would have needed, and which of kube-scheduler's rules
//! (`pickOneNodeForPreemption`) chose the node.

use podlab_core::scheduler::preemption::{PickRule, PreemptionChoice};
use yew::prelude::*;

/// The rule, as the explanation words it.
fn rule_text(rule: PickRule) -> &'static str {
    match rule {
        PickRule::OnlyCandidate => "it was the only node where preemption helps",
        PickRule::FewestPdbViolations => "its victims break the fewest PodDisruptionBudgets",
        PickRule::LowestHighestPriority => "its most important victim has the lowest priority",
        PickRule::SmallestPrioritySum => "its victims' priorities add up to the least",
        PickRule::FewestVictims => "it needs the fewest victims",
        PickRule::LatestStartTime => "its highest-priority victims started the latest",
        PickRule::FirstCandidate => "every rule tied, and it came first",
    }
}

fn victims_text(victims: &[(String, i32)]) -> String {
    victims
        .iter()
        .map(|(pod, priority)| format!("{pod} (priority {priority})"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The preemption behind a decision: `placed` when the pod now runs on that node.
pub fn section(choice: &PreemptionChoice, placed: bool) -> Html {
    let victims = choice
        .candidates
        .iter()
        .find(|c| c.node == choice.node)
        .map(|c| victims_text(&c.victims))
        .unwrap_or_default();
    let summary = if placed {
        format!("Placed on {} after preempting {victims}.", choice.node)
    } else {
        format!(
            "Nominated to {}: preempting {victims}; the pod waits there until they are gone.",
            choice.node
        )
    };
    html! {
        <div class="preemption" data-preemption={choice.node.clone()}>
            <h4>{"Preemption"}</h4>
            <p>{ summary }</p>
            <p data-preemption-rule="">{ format!("{} was chosen because {}.", choice.node, rule_text(choice.decided_by)) }</p>
            <div class="table-scroll">
                <table>
                    <thead><tr>
                        <th>{"Candidate node"}</th><th>{"Victims it would need"}</th><th>{"Budgets broken"}</th>
                    </tr></thead>
                    <tbody>
                    { for choice.candidates.iter().map(|c| html! {
                        <tr class={classes!((c.node == choice.node).then_some("chosen"))}>
                            <th scope="row">{ &c.node }{ if c.node == choice.node { " ✓" } else { "" } }</th>
                            <td>{ victims_text(&c.victims) }</td>
                            <td>{ c.pdb_violations }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            </div>
        </div>
    }
}
