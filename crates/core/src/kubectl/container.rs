//! Which container of a pod kubectl means (`logs`, `exec`).

use super::Output;
use crate::model::Pod;
use crate::model::ResourceExt;

pub use super::logs::LogFollow;

/// The container kubectl picks when none is named: the default-container annotation,
/// else the first, saying so when there are several.
pub(super) fn pick_container(pod: &Pod, named: Option<&str>, out: &mut Output) -> Option<String> {
    let spec = pod.spec.clone().unwrap_or_default();
    let app: Vec<String> = spec.containers.iter().map(|c| c.name.clone()).collect();
    let init: Vec<String> = spec
        .init_containers
        .iter()
        .flatten()
        .map(|c| c.name.clone())
        .collect();
    let pod_name = pod.name_any().to_string();
    if let Some(n) = named {
        if app.iter().chain(&init).any(|c| c == n) {
            return Some(n.to_string());
        }
        out.fail(format!("container {n} is not valid for pod {pod_name}"));
        return None;
    }
    let default = pod
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get("kubectl.kubernetes.io/default-container"))
        .filter(|d| app.contains(d))
        .cloned()
        .or_else(|| app.first().cloned())?;
    if app.len() + init.len() > 1 {
        let mut all: Vec<String> = app.clone();
        all.extend(init.iter().map(|c| format!("{c} (init)")));
        out.err(format!(
            "Defaulted container {default:?} out of: {}\n",
            all.join(", ")
        ));
    }
    Some(default)
}

pub(super) fn state_of(
    pod: &Pod,
    container: &str,
) -> Option<k8s_openapi::api::core::v1::ContainerState> {
    let st = pod.status.as_ref()?;
    st.container_statuses
        .iter()
        .flatten()
        .chain(st.init_container_statuses.iter().flatten())
        .find(|s| s.name == container)
        .and_then(|s| s.state.clone())
}
