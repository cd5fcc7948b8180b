//! Where a pod's configuration comes from: each container's `env` entries with their
//! source (a literal, a ConfigMap's or a Secret's key, the downward API's fieldRef or
//! resourceFieldRef) in `kubectl describe`'s words, its `envFrom` sources; each volume
//! with its source (a claim with its bound volume and node) and mounts, and what each
//! file of a configMap, secret, downwardAPI or projected volume holds now on the node
//! (as the kubelet wrote it through `..data`). Secret values are never shown as they
//! are: env entries show the key's size as `describe secret` does, and a Secret's
//! files are masked until revealed.

use super::{section, table, text, Ctx, Msg};
use podlab_core::model::{Container, Pod, Volume};
use yew::prelude::*;

/// `optional` as describe prints it.
fn optional(o: Option<bool>) -> String {
    format!("Optional: {}", o.unwrap_or(false))
}

/// The size of a Secret's key now (`8 bytes`), or why there is none.
fn secret_size(app: &Ctx, ns: &str, name: &str, key: &str) -> String {
    match app.cluster.api().secrets.get(ns, name) {
        None => format!("secret {name:?} not found"),
        Some(s) => match s.data.as_ref().and_then(|d| d.get(key)) {
            Some(v) => format!("{} bytes", v.0.len()),
            None => format!("couldn't find key {key} in Secret {ns}/{name}"),
        },
    }
}

/// Each container's env entries and envFrom sources.
pub(super) fn sources_section(app: &Ctx, pod: &Pod) -> Html {
    let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
    let name = pod.metadata.name.as_deref().unwrap_or_default();
    let containers: Vec<&Container> = pod
        .spec
        .iter()
        .flat_map(|s| s.init_containers.iter().flatten().chain(&s.containers))
        .filter(|c| {
            c.env.as_ref().is_some_and(|e| !e.is_empty())
                || c.env_from.as_ref().is_some_and(|e| !e.is_empty())
        })
        .collect();
    if containers.is_empty() {
        return Html::default();
    }
    html! {
        <section class="env-sources" data-env-sources="">
            <h3>{"Configuration sources"}</h3>
            { for containers.into_iter().map(|c| {
                let started = app.cluster.environment(ns, name, &c.name);
                let value_now = |var: &str| -> String {
                    match started {
                        Some(env) => env.get(var).cloned().unwrap_or_else(|| "<unset>".into()),
                        None => "(not started yet)".into(),
                    }
                };
                let rows = c.env.iter().flatten().map(|e| {
                    let (kind, source, value) = match e.value_from.as_ref() {
                        None => ("literal", "literal".to_string(), value_now(&e.name)),
                        Some(from) => {
                            if let Some(m) = &from.config_map_key_ref {
                                ("configMapKeyRef", format!("<set to the key '{}' of config map '{}'>  {}", m.key, m.name, optional(m.optional)), value_now(&e.name))
                            } else if let Some(s) = &from.secret_key_ref {
                                let size = secret_size(app, ns, &s.name, &s.key);
                                ("secretKeyRef", format!("<set to the key '{}' in secret '{}'>  {}", s.key, s.name, optional(s.optional)), size)
                            } else if let Some(f) = &from.field_ref {
                                let api = f.api_version.as_deref().unwrap_or("v1");
                                ("fieldRef", format!("fieldRef ({api}:{})", f.field_path), value_now(&e.name))
                            } else if let Some(r) = &from.resource_field_ref {
                                let container = r.container_name.as_deref().filter(|n| !n.is_empty()).unwrap_or(&c.name);
                                ("resourceFieldRef", format!("resourceFieldRef {container} ({})", r.resource), value_now(&e.name))
                            } else {
                                ("", String::new(), value_now(&e.name))
                            }
                        }
                    };
                    (e.name.clone(), vec![
                        text(e.name.clone()),
                        html! { <span data-source-kind={kind}>{ source }</span> },
                        html! { <span class={classes!((kind == "secretKeyRef").then_some("masked"))} data-env-value="">{ value }</span> },
                    ])
                });
                let from_rows = c.env_from.iter().flatten().enumerate().map(|(i, e)| {
                    let (kind, source, opt) = if let Some(r) = &e.config_map_ref {
                        ("ConfigMap", r.name.clone(), r.optional)
                    } else if let Some(r) = &e.secret_ref {
                        ("Secret", r.name.clone(), r.optional)
                    } else {
                        ("", String::new(), None)
                    };
                    let keys = match kind {
                        "ConfigMap" => app.cluster.api().config_maps.get(ns, &source).map(|cm| {
                            cm.data.iter().flat_map(|d| d.keys()).chain(cm.binary_data.iter().flat_map(|d| d.keys())).cloned().collect::<Vec<_>>().join(", ")
                        }),
                        "Secret" => app.cluster.api().secrets.get(ns, &source).map(|s| {
                            s.data.iter().flatten().map(|(k, v)| format!("{k} ({} bytes)", v.0.len())).collect::<Vec<_>>().join(", ")
                        }),
                        _ => None,
                    };
                    let prefix = e.prefix.clone().filter(|p| !p.is_empty());
                    let with = prefix.as_ref().map(|p| format!(" with prefix '{p}'")).unwrap_or_default();
                    (i.to_string(), vec![
                        text(source.clone()),
                        html! { <span data-source-kind={kind}>{ format!("{kind}{with}  {}", optional(opt)) }</span> },
                        text(keys.unwrap_or_else(|| format!("{} {source:?} not found", kind.to_lowercase()))),
                    ])
                });
                let has_from = c.env_from.as_ref().is_some_and(|e| !e.is_empty());
                html! {
                    <div class="container-sources" data-sources-container={c.name.clone()}>
                        <div class="container-name">{ &c.name }</div>
                        if c.env.as_ref().is_some_and(|e| !e.is_empty()) {
                            { table("env-sources", &["Variable", "From", "Value at start"], rows) }
                        }
                        if has_from {
                            { table("env-from", &["Name", "Environment Variables from", "Keys"], from_rows) }
                        }
                    </div>
                }
            }) }
        </section>
    }
}

/// The volume's source, in words; for a claim, the volume bound to it and where.
fn source(app: &Ctx, ns: &str, v: &Volume) -> String {
    if let Some(e) = &v.empty_dir {
        match e.medium.as_deref().filter(|m| !m.is_empty()) {
            Some(m) => format!("emptyDir (medium {m})"),
            None => "emptyDir".into(),
        }
    } else if let Some(h) = &v.host_path {
        match h.type_.as_deref().filter(|t| !t.is_empty()) {
            Some(t) => format!("hostPath {} ({t})", h.path),
            None => format!("hostPath {}", h.path),
        }
    } else if let Some(c) = &v.persistent_volume_claim {
        claim(app, ns, &c.claim_name)
    } else if let Some(c) = &v.config_map {
        format!("configMap {}", c.name)
    } else if let Some(s) = &v.secret {
        format!("secret {}", s.secret_name.clone().unwrap_or_default())
    } else if let Some(p) = &v.projected {
        let parts: Vec<String> = p
            .sources
            .iter()
            .flatten()
            .map(|s| {
                if let Some(c) = &s.config_map {
                    format!("configMap {}", c.name)
                } else if let Some(x) = &s.secret {
                    format!("secret {}", x.name)
                } else if s.downward_api.is_some() {
                    "downwardAPI".into()
                } else if let Some(t) = &s.service_account_token {
                    format!("serviceAccountToken ({})", t.path)
                } else {
                    "other".into()
                }
            })
            .collect();
        format!("projected: {}", parts.join(", "))
    } else if v.downward_api.is_some() {
        "downwardAPI".into()
    } else {
        "other".into()
    }
}

/// A claim, the volume bound to it, its status and the node its files are on.
fn claim(app: &Ctx, ns: &str, name: &str) -> String {
    let api = app.cluster.api();
    let Some(pvc) = api.persistent_volume_claims.get(ns, name) else {
        return format!("persistentVolumeClaim {name} (persistentvolumeclaim {name:?} not found)");
    };
    let phase = pvc
        .status
        .as_ref()
        .and_then(|s| s.phase.clone())
        .unwrap_or_else(|| "Pending".into());
    let Some(volume) = pvc
        .spec
        .as_ref()
        .and_then(|s| s.volume_name.clone())
        .filter(|v| !v.is_empty())
    else {
        return format!("persistentVolumeClaim {name} ({phase}, no volume bound yet)");
    };
    let pv = api.persistent_volumes.get("", &volume);
    let spec = pv.and_then(|p| p.spec.as_ref());
    let path = if let Some(h) = spec.and_then(|s| s.host_path.as_ref()) {
        format!("hostPath {}", h.path)
    } else if let Some(l) = spec.and_then(|s| s.local.as_ref()) {
        format!("local {}", l.path)
    } else {
        String::new()
    };
    let node = pv.and_then(crate::common::pinned_node);
    let on = node.map(|n| format!(" on node {n}")).unwrap_or_default();
    format!("persistentVolumeClaim {name} \u{2192} pv {volume} ({phase}, {path}{on})")
}

/// The paths of a volume whose contents are secret: None for a secret volume (every
/// file), else a projected volume's files from a Secret and its service account token.
fn secret_paths(app: &Ctx, ns: &str, v: &Volume) -> Option<Vec<String>> {
    if v.secret.is_some() {
        return None; // every file
    }
    let mut out = Vec::new();
    for s in v.projected.iter().flat_map(|p| p.sources.iter().flatten()) {
        if let Some(x) = &s.secret {
            match &x.items {
                Some(items) => out.extend(items.iter().map(|i| i.path.clone())),
                None => {
                    let keys = app.cluster.api().secrets.get(ns, &x.name);
                    out.extend(
                        keys.iter()
                            .flat_map(|s| s.data.iter().flatten())
                            .map(|(k, _)| k.clone()),
                    );
                }
            }
        }
        if let Some(t) = &s.service_account_token {
            out.push(t.path.clone());
        }
    }
    Some(out)
}

/// The pod's volumes (with their source) and where each container mounts them, then
/// the files of each configMap, secret, downwardAPI and projected volume.
pub(super) fn volumes_section(app: &Ctx, pod: &Pod) -> Html {
    let Some(spec) = pod.spec.as_ref() else {
        return Html::default();
    };
    let volumes = spec.volumes.as_deref().unwrap_or_default();
    if volumes.is_empty() {
        return Html::default();
    }
    let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
    let name = pod.metadata.name.as_deref().unwrap_or_default();
    let containers: Vec<_> = spec
        .init_containers
        .iter()
        .flatten()
        .chain(&spec.containers)
        .collect();
    let rows = volumes.iter().map(|v| {
        let mounts: Vec<String> = containers
            .iter()
            .flat_map(|c| {
                let mounts = c
                    .volume_mounts
                    .iter()
                    .flatten()
                    .filter(|m| m.name == v.name);
                mounts.map(|m| {
                    let ro = if m.read_only == Some(true) {
                        " (ro)"
                    } else {
                        ""
                    };
                    let sub = m
                        .sub_path
                        .as_deref()
                        .filter(|s| !s.is_empty())
                        .map(|s| format!(" (subPath {s})"))
                        .unwrap_or_default();
                    format!("{}: {}{sub}{ro}", c.name, m.mount_path)
                })
            })
            .collect();
        (
            v.name.clone(),
            vec![
                text(v.name.clone()),
                html! { <span data-volume-source="">{ source(app, ns, v) }</span> },
                text(mounts.join(", ")),
            ],
        )
    });
    html! {
        <>
            { section("Volumes and mounts", table("volumes", &["Volume", "Source", "Mounted at"], rows)) }
            { for volumes.iter().map(|v| files(app, ns, name, v)) }
        </>
    }
}

/// What each file of a configMap, secret, downwardAPI or projected volume holds now.
fn files(app: &Ctx, ns: &str, pod: &str, v: &Volume) -> Html {
    let Some(files) = app.cluster.volume_files(ns, pod, &v.name) else {
        return Html::default();
    };
    let secret = secret_paths(app, ns, v);
    let is_secret = |path: &str| match &secret {
        None => true,
        Some(paths) => paths.iter().any(|p| p == path),
    };
    let rows = files.iter().map(|f| {
        let key = format!("{ns}/{pod}/{}/{}", v.name, f.path);
        let masked = is_secret(&f.path) && !app.st.revealed.contains(&key);
        let contents = if masked {
            html! { <span class="masked" data-masked="">{ format!("\u{2022}\u{2022}\u{2022}\u{2022}\u{2022}\u{2022} ({} bytes)", f.data.len()) }</span> }
        } else if let Ok(text) = std::str::from_utf8(&f.data) {
            html! { <pre class="file-contents">{ text }</pre> }
        } else {
            // A ConfigMap's binaryData or a Secret's bytes that are not text.
            html! { <span class="binary" data-binary="">{ format!("binary data ({} bytes)", f.data.len()) }</span> }
        };
        let reveal = is_secret(&f.path).then(|| {
            let revealed = !masked;
            let k = key.clone();
            html! {
                <button class="small" data-action="reveal" aria-pressed={revealed.to_string()}
                    aria-label={format!("{} the contents of {}", if revealed { "Hide" } else { "Reveal" }, f.path)}
                    onclick={app.send.reform(move |_| Msg::Reveal(k.clone()))}>
                    { if revealed { "Hide" } else { "Reveal" } }
                </button>
            }
        });
        (
            f.path.clone(),
            vec![
                text(f.path.clone()),
                text(format!("{:04o}", f.mode & 0o7777)),
                text(f.data.len().to_string()),
                html! { <div class="file-cell" data-file-contents={f.path.clone()}>{ contents }{ reveal.unwrap_or_default() }</div> },
            ],
        )
    });
    html! {
        <section class="volume-files" data-volume-files={v.name.clone()}>
            <h3>{ format!("Files in {} (now, through ..data)", v.name) }</h3>
            { table("files", &["Path", "Mode", "Bytes", "Contents"], rows) }
        </section>
    }
}
