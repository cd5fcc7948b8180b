//! The root-ca-cert-publisher (pkg/controller/certificates/rootcacertpublisher): every
//! active namespace has the ConfigMap `kube-root-ca.crt` with the cluster's CA
//! certificate (`ca.crt`, what the service-account volume mounts); one missing (a new
//! namespace, or the ConfigMap deleted) is made again, one changed is put back.

use super::{Controller, ControllerContext, Progress};
use crate::apiserver::config::{root_ca_config_map, ROOT_CA_CONFIG_MAP};
use crate::clock::SimTime;

/// The publisher (stateless).
#[derive(Debug, Clone, Copy, Default)]
pub struct RootCaCertPublisher;

impl Controller for RootCaCertPublisher {
    fn sync(&mut self, ctx: &mut ControllerContext<'_>) -> Progress {
        let api = &mut *ctx.api;
        let namespaces: Vec<String> = api
            .namespaces
            .list()
            .filter(|n| n.metadata.deletion_timestamp.is_none())
            .filter_map(|n| n.metadata.name.clone())
            .collect();
        let mut progress = Progress::Idle;
        for ns in namespaces {
            let done = match api.config_maps.get(&ns, ROOT_CA_CONFIG_MAP) {
                None => api.create_root_ca_config_map(&ns, ctx.now),
                Some(cm) if cm.data != root_ca_config_map(&ns).data || cm.binary_data.is_some() => {
                    api.reset_root_ca_config_map(&ns)
                }
                Some(_) => false,
            };
            progress |= Progress::changed_if(done);
        }
        progress
    }

    fn next_due(&self) -> Option<SimTime> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apiserver::ApiServer;

    /// Every namespace gets the ConfigMap; deleted, it comes back; changed, it is put
    /// back.
    #[test]
    fn every_namespace_has_the_root_ca() {
        let mut api = ApiServer::new(1, SimTime(0));
        let mut ctx = ControllerContext::new(&mut api, SimTime(0));
        let mut c = RootCaCertPublisher;
        assert_eq!(c.sync(&mut ctx), Progress::Changed);
        assert_eq!(c.sync(&mut ctx), Progress::Idle);
        for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            let cm = ctx.api.config_maps.get(ns, ROOT_CA_CONFIG_MAP);
            assert!(
                cm.and_then(|c| c.data.as_ref())
                    .is_some_and(|d| d.contains_key("ca.crt")),
                "{ns}"
            );
        }
        ctx.api
            .remove_object("configmaps", "default", ROOT_CA_CONFIG_MAP)
            .unwrap();
        assert_eq!(c.sync(&mut ctx), Progress::Changed);
        let mut changed = ctx
            .api
            .config_maps
            .get("default", ROOT_CA_CONFIG_MAP)
            .unwrap()
            .clone();
        changed.data = Some([("ca.crt".to_string(), "x".to_string())].into());
        ctx.api.update_config_map(changed).unwrap();
        assert_eq!(c.sync(&mut ctx), Progress::Changed);
        assert_eq!(
            ctx.api
                .config_maps
                .get("default", ROOT_CA_CONFIG_MAP)
                .unwrap()
                .data,
            root_ca_config_map("default").data
        );
    }
}
