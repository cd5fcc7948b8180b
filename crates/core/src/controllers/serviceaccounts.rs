//! The serviceaccounts-controller (pkg/controller/serviceaccount): every active
//! namespace has a `default` ServiceAccount; one missing (a new namespace, or the
//! account deleted) is made again.

use super::{Controller, ControllerContext, Progress};
use crate::apiserver::service_accounts::DEFAULT_SERVICE_ACCOUNT;
use crate::clock::SimTime;

/// The serviceaccounts-controller (stateless).
#[derive(Debug, Clone, Copy, Default)]
pub struct ServiceAccountsController;

impl Controller for ServiceAccountsController {
    fn sync(&mut self, ctx: &mut ControllerContext<'_>) -> Progress {
        let api = &mut *ctx.api;
        let missing: Vec<String> = api
            .namespaces
            .list()
            .filter(|n| n.metadata.deletion_timestamp.is_none())
            .filter_map(|n| n.metadata.name.clone())
            .filter(|ns| {
                api.service_accounts
                    .get(ns, DEFAULT_SERVICE_ACCOUNT)
                    .is_none()
            })
            .collect();
        let mut progress = Progress::Idle;
        for ns in missing {
            progress |=
                Progress::changed_if(api.create_default_service_account(&ns, ctx.now).is_ok());
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

    #[test]
    fn every_active_namespace_gets_its_default_account() {
        let mut api = ApiServer::new(1, SimTime(0));
        let mut ctx = ControllerContext::new(&mut api, SimTime(0));
        let mut c = ServiceAccountsController;
        assert_eq!(c.sync(&mut ctx), Progress::Changed);
        assert_eq!(c.sync(&mut ctx), Progress::Idle);
        for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            assert!(
                ctx.api.service_accounts.get(ns, "default").is_some(),
                "{ns}"
            );
        }
        ctx.api
            .remove_object("serviceaccounts", "default", "default")
            .unwrap();
        assert_eq!(c.sync(&mut ctx), Progress::Changed);
        assert!(ctx.api.service_accounts.get("default", "default").is_some());
    }
}
