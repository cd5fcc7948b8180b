//! `kubectl create serviceaccount NAME` and `kubectl create token SERVICE_ACCOUNT_NAME`
//! (create_serviceaccount.go, create_token.go): the account, and a token from the
//! API server's TokenRequest for it, printed alone on its line.

use super::command::{Command, Group, Operands};
use super::common::{create_object, dry_run};
use super::flags::{flag, Kind, Parsed, DRY_RUN, NAMESPACE, OUTPUT};
use super::{FileSource, Output};
use crate::model::{Object, ObjectMeta, ServiceAccount};
use crate::Cluster;

pub(super) const SERVICEACCOUNT: Command = Command {
    name: "serviceaccount",
    aliases: &["sa"],
    group: Group::Beginner,
    summary: "Create a service account with the specified name",
    usage: "kubectl create serviceaccount NAME [--dry-run=server|client|none]",
    flags: &[NAMESPACE, OUTPUT, DRY_RUN],
    operands: Operands::Nothing,
    subcommands: &[],
    run: create_service_account,
};

pub(super) const TOKEN: Command = Command {
    name: "token",
    aliases: &[],
    group: Group::Beginner,
    summary: "Request a service account token",
    usage: "kubectl create token SERVICE_ACCOUNT_NAME",
    flags: &[
        NAMESPACE,
        flag("duration", None, Kind::String).help("Requested lifetime of the issued token. If not set or if set to 0, the lifetime will be determined by the server automatically. The server may return a token with a longer or shorter lifetime."),
        flag("audience", None, Kind::StringArray).help("Audience of the requested token. If unset, defaults to requesting a token for use with the Kubernetes API server. May be repeated to request a token valid for multiple audiences."),
    ],
    operands: Operands::Nothing,
    subcommands: &[],
    run: create_token,
};

/// What the API server gives a token when the request names no lifetime (an hour).
const DEFAULT_TOKEN_SECONDS: i64 = 3600;

fn create_service_account(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let Some(name) = super::common::create_name(p, "serviceaccount", out) else {
        return;
    };
    let Some(mode) = dry_run(p, cluster, out) else {
        return;
    };
    let sa = ServiceAccount {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: p.string("namespace").map(str::to_string),
            ..Default::default()
        },
        ..Default::default()
    };
    create_object(
        cluster,
        Object::ServiceAccount(Box::new(sa)),
        mode,
        p.string("output"),
        out,
    );
}

fn create_token(cluster: &mut Cluster, p: &Parsed, _: &dyn FileSource, out: &mut Output) {
    let [name] = p.positionals.as_slice() else {
        return out.fail(
            "SERVICE_ACCOUNT_NAME is required\nSee 'kubectl create token -h' for help and examples",
        );
    };
    let lifetime = match p.string("duration") {
        None => 0,
        Some(d) => match crate::clock::parse_duration(d) {
            Ok(ms) if ms % 1000 != 0 => {
                return out.fail("--duration cannot be expressed in units less than seconds")
            }
            Ok(ms) => (ms / 1000) as i64,
            Err(_) => {
                return out.fail(format!(
                "invalid argument \"{d}\" for \"--duration\" flag: time: invalid duration \"{d}\""
            ))
            }
        },
    };
    let lifetime = if lifetime == 0 {
        DEFAULT_TOKEN_SECONDS
    } else {
        lifetime
    };
    let ns = p.string("namespace").unwrap_or("default").to_string();
    for a in p.strings("audience") {
        if a.is_empty() {
            return out.fail("--audience must not be an empty string");
        }
    }
    match cluster.create_token(&ns, name, p.strings("audience"), lifetime) {
        Ok(token) => out.out(format!("{token}\n")),
        Err(e) => {
            // The status's own message (kubectl's "The " before an Invalid one is its
            // error printer's, which this wrapped error does not go through).
            let msg = e.to_string();
            let msg = msg.strip_prefix("The ").unwrap_or(&msg);
            out.fail(format!("failed to create token: {msg}"))
        }
    }
}
