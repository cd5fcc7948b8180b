//! `kubectl describe poddisruptionbudget` (describePodDisruptionBudget).

use super::writer::*;
use crate::clock::SimTime;
use crate::kubectl::workload_printers::format_label_selector;
use crate::model::{Event, PodDisruptionBudget};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// Name, namespace, the budget (min available, else max unavailable), the selector as
/// `labels.Selector.String()` writes it (empty when it selects all or nothing), the
/// status counts, events.
pub fn pod_disruption_budget(
    pdb: &PodDisruptionBudget,
    pdb_events: &[&Event],
    now: SimTime,
) -> String {
    let mut w = Writer::new();
    let meta = &pdb.metadata;
    name_and_namespace(&mut w, meta);
    let text = |v: &IntOrString| match v {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    };
    let spec = pdb.spec.clone().unwrap_or_default();
    if let Some(min) = &spec.min_available {
        w.write(0, &format!("Min available:\t{}\n", text(min)));
    } else if let Some(max) = &spec.max_unavailable {
        w.write(0, &format!("Max unavailable:\t{}\n", text(max)));
    }
    let selector = match &spec.selector {
        Some(s) => format_label_selector(s),
        None => String::new(),
    };
    let selector = match selector.as_str() {
        "<none>" => "",
        "<error>" => "<unset>",
        s => s,
    };
    w.write(0, &format!("Selector:\t{selector}\n"));
    let status = pdb.status.clone().unwrap_or_default();
    w.write(0, "Status:\n");
    w.write(
        2,
        &format!("Allowed disruptions:\t{}\n", status.disruptions_allowed),
    );
    w.write(2, &format!("Current:\t{}\n", status.current_healthy));
    w.write(2, &format!("Desired:\t{}\n", status.desired_healthy));
    w.write(2, &format!("Total:\t{}\n", status.expected_pods));
    events(&mut w, pdb_events, now);
    w.finish()
}
