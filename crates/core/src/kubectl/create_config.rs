//! `kubectl create configmap` and `kubectl create secret generic|tls|docker-registry`:
//! the objects kubectl's generators build from literals, files, directories and env
//! files (create_configmap.go, create_secret.go, create_secret_tls.go,
//! create_secret_docker.go), with their client-side checks and messages.

use super::command::{Command, Group, Operands};
use super::common::{create_object, dry_run, join_path, DryRun};
use super::config_hash;
use super::flags::{flag, Kind, Parsed, DRY_RUN, NAMESPACE, OUTPUT};
use super::{FileSource, Output};
use crate::model::config::{key_errors, TYPE_DOCKER_CONFIG_JSON, TYPE_TLS};
use crate::model::{ConfigMap, Object, ObjectMeta, Secret};
use crate::Cluster;
use base64::Engine;
use k8s_openapi::ByteString;
use std::collections::BTreeMap;

const FROM_LITERAL: super::flags::Flag = flag("from-literal", None, Kind::StringArray)
    .help("Specify a key and literal value to insert in configmap (i.e. mykey=somevalue)");
const FROM_FILE: super::flags::Flag = flag("from-file", None, Kind::StringArray).help("Key file can be specified using its file path, in which case file basename will be used as configmap key, or optionally with a key and file path, in which case the given key will be used.  Specifying a directory will iterate each named file in the directory whose basename is a valid configmap key.");
const FROM_ENV_FILE: super::flags::Flag = flag("from-env-file", None, Kind::StringArray)
    .help("Specify the path to a file to read lines of key=val pairs to create a configmap.");
const APPEND_HASH_CONFIGMAP: super::flags::Flag =
    flag("append-hash", None, Kind::Bool).help("Append a hash of the configmap to its name.");
const APPEND_HASH_SECRET: super::flags::Flag =
    flag("append-hash", None, Kind::Bool).help("Append a hash of the secret to its name.");

pub(super) const CONFIGMAP: Command = Command {
    name: "configmap",
    aliases: &["cm"],
    group: Group::Beginner,
    summary: "Create a config map from a local file, directory or literal value",
    usage: "kubectl create configmap NAME [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none]",
    flags: &[
        NAMESPACE,
        OUTPUT,
        DRY_RUN,
        FROM_LITERAL,
        FROM_FILE,
        FROM_ENV_FILE,
        APPEND_HASH_CONFIGMAP,
    ],
    operands: Operands::Nothing,
    subcommands: &[],
    run: create_configmap,
};

pub(super) const SECRET: Command = Command {
    name: "secret",
    aliases: &[],
    group: Group::Beginner,
    summary: "Create a secret using a specified subcommand",
    usage: "kubectl create secret (docker-registry | generic | tls)",
    flags: &[],
    operands: Operands::Nothing,
    subcommands: &[DOCKER_REGISTRY, GENERIC, TLS],
    run: secret_help,
};

const GENERIC: Command = Command {
    name: "generic",
    aliases: &[],
    group: Group::Beginner,
    summary: "Create a secret from a local file, directory, or literal value",
    usage: "kubectl create secret generic NAME [--type=string] [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none]",
    flags: &[
        NAMESPACE,
        OUTPUT,
        DRY_RUN,
        FROM_LITERAL,
        FROM_FILE,
        FROM_ENV_FILE,
        APPEND_HASH_SECRET,
        flag("type", None, Kind::String).help("The type of secret to create"),
    ],
    operands: Operands::Nothing,
    subcommands: &[],
    run: create_generic,
};

const TLS: Command = Command {
    name: "tls",
    aliases: &[],
    group: Group::Beginner,
    summary: "Create a TLS secret",
    usage: "kubectl create secret tls NAME --cert=path/to/cert/file --key=path/to/key/file [--dry-run=server|client|none]",
    flags: &[
        NAMESPACE,
        OUTPUT,
        DRY_RUN,
        flag("cert", None, Kind::String).help("Path to PEM encoded public key certificate."),
        flag("key", None, Kind::String).help("Path to private key associated with given certificate."),
        APPEND_HASH_SECRET,
    ],
    operands: Operands::Nothing,
    subcommands: &[],
    run: create_tls,
};

const DOCKER_REGISTRY: Command = Command {
    name: "docker-registry",
    aliases: &[],
    group: Group::Beginner,
    summary: "Create a secret for use with a Docker registry",
    usage: "kubectl create secret docker-registry NAME --docker-username=user --docker-password=password --docker-email=email [--docker-server=string] [--from-file=[key=]source] [--dry-run=server|client|none]",
    flags: &[
        NAMESPACE,
        OUTPUT,
        DRY_RUN,
        flag("docker-server", None, Kind::String)
            .default("https://index.docker.io/v1/")
            .help("Server location for Docker registry"),
        flag("docker-username", None, Kind::String).help("Username for Docker registry authentication"),
        flag("docker-password", None, Kind::String).help("Password for Docker registry authentication"),
        flag("docker-email", None, Kind::String).help("Email for Docker registry"),
        FROM_FILE,
        APPEND_HASH_SECRET,
    ],
    operands: Operands::Nothing,
    subcommands: &[],
    run: create_docker_registry,
};

fn secret_help(_: &mut Cluster, _: &Parsed, _: &dyn FileSource, out: &mut Output) {
    out.out(super::command::help(&SECRET));
}

/// Which object the keys go into: their messages differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    ConfigMap,
    Secret,
}

/// Keys and values being gathered for one object, checked as kubectl checks each new
/// key.
struct Gathered<'a> {
    target: Target,
    name: &'a str,
    data: BTreeMap<String, Vec<u8>>,
}

impl Gathered<'_> {
    fn add(&mut self, key: &str, value: Vec<u8>) -> Result<(), String> {
        let errs = key_errors(key);
        match self.target {
            Target::ConfigMap => {
                if !errs.is_empty() {
                    return Err(format!(
                        "{key:?} is not a valid key name for a ConfigMap: {}",
                        errs.join(",")
                    ));
                }
                if let Some(existing) = self.data.get(key) {
                    // A value that is not UTF-8 text went into binaryData.
                    let field = if std::str::from_utf8(existing).is_ok() {
                        "Data"
                    } else {
                        "BinaryData"
                    };
                    return Err(format!(
                        "cannot add key {key:?}, another key by that name already exists in {field} for ConfigMap {:?}",
                        self.name
                    ));
                }
            }
            Target::Secret => {
                if !errs.is_empty() {
                    return Err(format!(
                        "{key:?} is not valid key name for a Secret {}",
                        errs.join(";")
                    ));
                }
                if self.data.contains_key(key) {
                    return Err(format!(
                        "cannot add key {key}, another key by that name already exists"
                    ));
                }
            }
        }
        self.data.insert(key.to_string(), value);
        Ok(())
    }
}

/// `parseLiteralSource`: `key=value`, split at the first `=`.
fn parse_literal(source: &str) -> Result<(&str, &str), String> {
    match source.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k, v)),
        _ => Err(format!(
            "invalid literal source {source}, expected key=value"
        )),
    }
}

/// `parseFileSource`: `path` (the key is its base name) or `key=path`.
fn parse_file_source(source: &str) -> Result<(String, &str), String> {
    match source.matches('=').count() {
        0 => {
            let trimmed = source.trim_end_matches('/');
            let base = trimmed.rsplit('/').next().unwrap_or(trimmed);
            let base = if base.is_empty() { "/" } else { base };
            Ok((base.to_string(), source))
        }
        1 if source.starts_with('=') => {
            Err(format!("key name for file path {} missing", &source[1..]))
        }
        1 if source.ends_with('=') => Err(format!(
            "file path for key name {} missing",
            &source[..source.len() - 1]
        )),
        1 => {
            let (k, p) = source.split_once('=').unwrap_or((source, ""));
            Ok((k.to_string(), p))
        }
        _ => Err("key names or file paths cannot contain '='".into()),
    }
}

/// `IsEnvVarName`'s message for an env file's key.
fn env_var_name_errors(key: &str) -> Option<String> {
    let b = key.as_bytes();
    let ok = !b.is_empty()
        && !b[0].is_ascii_digit()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'));
    (!ok).then(|| "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')".to_string())
}

/// Reads `path`'s bytes as kubectl's `os.Stat` and `os.ReadFile` would meet it.
fn read(cluster: &Cluster, files: &dyn FileSource, path: &str) -> Result<Vec<u8>, String> {
    files.read_bytes_in(cluster, path).map_err(|e| match e {
        super::ReadError::NotFound(_) => {
            format!("error reading {path}: no such file or directory")
        }
        other => format!("error reading {path}: {other}"),
    })
}

/// The `--from-file`, `--from-literal` and `--from-env-file` sources, in kubectl's
/// order (files, literals, env files).
fn gather(
    cluster: &Cluster,
    p: &Parsed,
    files: &dyn FileSource,
    g: &mut Gathered<'_>,
) -> Result<(), String> {
    let env_files = p.strings("from-env-file");
    if !env_files.is_empty()
        && (!p.strings("from-file").is_empty() || !p.strings("from-literal").is_empty())
    {
        return Err("from-env-file cannot be combined with from-file or from-literal".into());
    }
    for source in p.strings("from-file") {
        let (key, path) = parse_file_source(source)?;
        match files.list_in(cluster, path) {
            Ok(Some(mut names)) => {
                if source.contains('=') {
                    return Err("cannot give a key name for a directory path".into());
                }
                crate::sort::sort(&mut names);
                for name in names {
                    let item = join_path(path, &name);
                    // Regular files only: subdirectories are skipped.
                    if matches!(files.list_in(cluster, &item), Ok(Some(_))) {
                        continue;
                    }
                    let bytes = read(cluster, files, &item)?;
                    g.add(&name, bytes)?;
                }
            }
            _ => {
                let bytes = read(cluster, files, path)?;
                g.add(&key, bytes)?;
            }
        }
    }
    for source in p.strings("from-literal") {
        let (k, v) = parse_literal(source)?;
        g.add(k, v.as_bytes().to_vec())?;
    }
    for path in env_files {
        let bytes = read(cluster, files, path)?;
        for (i, line) in env_file_lines(&bytes).enumerate() {
            // kubectl checks each line is UTF-8 text, and shows the bytes of one that
            // is not as Go prints a byte slice.
            let Ok(line) = std::str::from_utf8(line) else {
                let shown: Vec<String> = line.iter().map(u8::to_string).collect();
                return Err(format!(
                    "env file {path} contains invalid utf8 bytes at line {}: [{}]",
                    i + 1,
                    shown.join(" ")
                ));
            };
            let line = if i == 0 {
                line.strip_prefix('\u{feff}').unwrap_or(line)
            } else {
                line
            };
            let line = line.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, value) = line.split_once('=').unwrap_or((line, ""));
            if let Some(msg) = env_var_name_errors(key) {
                return Err(format!("{key:?} is not a valid key name: {msg}"));
            }
            // A line without `=` takes the variable from kubectl's environment,
            // which has none here.
            g.add(key, value.as_bytes().to_vec())?;
        }
    }
    Ok(())
}

/// An env file's lines as kubectl's line scanner splits them: at each newline, a
/// carriage return before it dropped, no empty line after the last newline.
fn env_file_lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let lines = (!bytes.is_empty()).then(|| body.split(|b| *b == b'\n'));
    lines
        .into_iter()
        .flatten()
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
}

/// The new object's metadata: its namespace only when `-n` was given.
fn meta(name: &str, p: &Parsed) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: p.string("namespace").map(str::to_string),
        ..Default::default()
    }
}

/// What `create configmap` and `create secret generic` read first, in kubectl's order:
/// the one NAME, the dry-run mode, then the keys of --from-literal, --from-file and
/// --from-env-file (each failure printed to `out`).
fn name_and_data<'p>(
    cluster: &Cluster,
    p: &'p Parsed,
    files: &dyn FileSource,
    target: Target,
    out: &mut Output,
) -> Option<(DryRun, Gathered<'p>)> {
    let command = match target {
        Target::ConfigMap => "configmap",
        Target::Secret => "secret generic",
    };
    let name = super::common::create_name(p, command, out)?;
    let mode = dry_run(p, cluster, out)?;
    let mut g = Gathered {
        target,
        name,
        data: BTreeMap::new(),
    };
    if let Err(e) = gather(cluster, p, files, &mut g) {
        out.fail(e);
        return None;
    }
    Some((mode, g))
}

fn create_configmap(cluster: &mut Cluster, p: &Parsed, files: &dyn FileSource, out: &mut Output) {
    let Some((mode, g)) = name_and_data(cluster, p, files, Target::ConfigMap, out) else {
        return;
    };
    let name = g.name;
    let mut data = BTreeMap::new();
    let mut binary = BTreeMap::new();
    for (k, v) in g.data {
        match String::from_utf8(v) {
            Ok(text) => {
                data.insert(k, text);
            }
            Err(e) => {
                binary.insert(k, ByteString(e.into_bytes()));
            }
        }
    }
    let cm = ConfigMap {
        metadata: meta(name, p),
        data: (!data.is_empty()).then_some(data),
        binary_data: (!binary.is_empty()).then_some(binary),
        immutable: None,
    };
    create(cluster, Object::ConfigMap(Box::new(cm)), mode, p, out);
}

/// Creates `object`, its name suffixed with its content hash under `--append-hash`.
fn create(cluster: &mut Cluster, mut object: Object, mode: DryRun, p: &Parsed, out: &mut Output) {
    if p.bool("append-hash") {
        let (meta, hash) = match &mut object {
            Object::ConfigMap(cm) => {
                let hash = config_hash::config_map(cm);
                (&mut cm.metadata, hash)
            }
            Object::Secret(s) => {
                let hash = config_hash::secret(s);
                (&mut s.metadata, hash)
            }
            _ => return create_object(cluster, object, mode, p.string("output"), out),
        };
        if let Some(name) = meta.name.as_mut() {
            name.push('-');
            name.push_str(&hash);
        }
    }
    create_object(cluster, object, mode, p.string("output"), out);
}

fn secret(name: &str, p: &Parsed, ty: Option<&str>, data: BTreeMap<String, Vec<u8>>) -> Object {
    let data: BTreeMap<String, ByteString> =
        data.into_iter().map(|(k, v)| (k, ByteString(v))).collect();
    Object::Secret(Box::new(Secret {
        metadata: meta(name, p),
        data: (!data.is_empty()).then_some(data),
        type_: ty.filter(|t| !t.is_empty()).map(str::to_string),
        ..Default::default()
    }))
}

fn create_generic(cluster: &mut Cluster, p: &Parsed, files: &dyn FileSource, out: &mut Output) {
    let Some((mode, g)) = name_and_data(cluster, p, files, Target::Secret, out) else {
        return;
    };
    let object = secret(g.name, p, p.string("type"), g.data);
    create(cluster, object, mode, p, out);
}

/// Whether `text` holds a PEM block whose type ends with `kind` (what Go's
/// `tls.X509KeyPair` looks for first).
fn has_pem(text: &str, kind: &str) -> bool {
    text.lines().any(|l| {
        l.strip_prefix("-----BEGIN ")
            .and_then(|r| r.strip_suffix("-----"))
            .is_some_and(|t| t.ends_with(kind))
    })
}

fn create_tls(cluster: &mut Cluster, p: &Parsed, files: &dyn FileSource, out: &mut Output) {
    let Some(name) = super::common::create_name(p, "secret tls", out) else {
        return;
    };
    let (Some(cert), Some(key)) = (
        p.string("cert").filter(|c| !c.is_empty()),
        p.string("key").filter(|k| !k.is_empty()),
    ) else {
        return out.fail("key and cert must be specified");
    };
    let Some(mode) = dry_run(p, cluster, out) else {
        return;
    };
    let read_pem = |path: &str| {
        files.read_in(cluster, path).map_err(|e| match e {
            super::ReadError::NotFound(_) => {
                format!("Cannot read file {path}, open {path}: no such file or directory")
            }
            other => format!("Cannot read file {path}, {other}"),
        })
    };
    let (cert_text, key_text) = match (read_pem(cert), read_pem(key)) {
        (Ok(c), Ok(k)) => (c, k),
        (Err(e), _) | (_, Err(e)) => return out.fail(e),
    };
    if !has_pem(&cert_text, "CERTIFICATE") {
        return out
            .fail("failed to load key pair tls: failed to find any PEM data in certificate input");
    }
    if !has_pem(&key_text, "PRIVATE KEY") {
        return out.fail("failed to load key pair tls: failed to find any PEM data in key input");
    }
    let data: BTreeMap<String, Vec<u8>> = [
        ("tls.crt".to_string(), cert_text.into_bytes()),
        ("tls.key".to_string(), key_text.into_bytes()),
    ]
    .into();
    let object = secret(name, p, Some(TYPE_TLS), data);
    create(cluster, object, mode, p, out);
}

/// Go's JSON of a string (`json.Marshal`).
fn json_string(s: &str) -> String {
    crate::gofmt::json_typed(&serde_json::Value::String(s.to_string()), "", None)
}

/// The `.dockerconfigjson` of one registry login, as kubectl's DockerConfigJSON
/// marshals it (`email` left out when empty).
fn docker_config_json(server: &str, user: &str, password: &str, email: &str) -> String {
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let email = if email.is_empty() {
        String::new()
    } else {
        format!(",\"email\":{}", json_string(email))
    };
    format!(
        "{{\"auths\":{{{}:{{\"username\":{},\"password\":{}{email},\"auth\":{}}}}}}}",
        json_string(server),
        json_string(user),
        json_string(password),
        json_string(&auth)
    )
}

fn create_docker_registry(
    cluster: &mut Cluster,
    p: &Parsed,
    files: &dyn FileSource,
    out: &mut Output,
) {
    let Some(name) = super::common::create_name(p, "secret docker-registry", out) else {
        return;
    };
    let s = |f: &str| p.string(f).unwrap_or_default().to_string();
    let (server, user, password, email) = (
        p.string("docker-server")
            .unwrap_or("https://index.docker.io/v1/")
            .to_string(),
        s("docker-username"),
        s("docker-password"),
        s("docker-email"),
    );
    let from_files = !p.strings("from-file").is_empty();
    if !from_files && (user.is_empty() || password.is_empty() || server.is_empty()) {
        return out.fail("either --from-file or the combination of --docker-username, --docker-password and --docker-server is required");
    }
    let Some(mode) = dry_run(p, cluster, out) else {
        return;
    };
    let mut g = Gathered {
        target: Target::Secret,
        name,
        data: BTreeMap::new(),
    };
    if let Err(e) = gather(cluster, p, files, &mut g) {
        return out.fail(e);
    }
    if !from_files {
        let json = docker_config_json(&server, &user, &password, &email);
        g.data.insert(".dockerconfigjson".into(), json.into_bytes());
    }
    let object = secret(name, p, Some(TYPE_DOCKER_CONFIG_JSON), g.data);
    create(cluster, object, mode, p, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_sources_table() {
        for (source, want) in [
            (
                "game.properties",
                Ok(("game.properties", "game.properties")),
            ),
            (
                "configure-pod-container/configmap/",
                Ok(("configmap", "configure-pod-container/configmap/")),
            ),
            (
                "dir/ui.properties",
                Ok(("ui.properties", "dir/ui.properties")),
            ),
            ("key=dir/ui.properties", Ok(("key", "dir/ui.properties"))),
            ("=ok", Err("key name for file path ok missing")),
            ("key=", Err("file path for key name key missing")),
            ("a=b=c", Err("key names or file paths cannot contain '='")),
        ] {
            let got = parse_file_source(source);
            let got = got
                .as_ref()
                .map(|(k, p)| (k.as_str(), *p))
                .map_err(String::as_str);
            assert_eq!(got, want, "{source}");
        }
    }

    #[test]
    fn literal_sources_table() {
        assert_eq!(parse_literal("a=b=c"), Ok(("a", "b=c")));
        assert_eq!(parse_literal("a="), Ok(("a", "")));
        assert_eq!(
            parse_literal("ab"),
            Err("invalid literal source ab, expected key=value".into())
        );
        assert_eq!(
            parse_literal("=b"),
            Err("invalid literal source =b, expected key=value".into())
        );
    }

    #[test]
    fn docker_config_as_kubectl_writes_it() {
        assert_eq!(
            docker_config_json("https://index.docker.io/v1/", "u", "p", "e@x"),
            r#"{"auths":{"https://index.docker.io/v1/":{"username":"u","password":"p","email":"e@x","auth":"dTpw"}}}"#
        );
        assert_eq!(
            docker_config_json("r", "u", "p<", ""),
            r#"{"auths":{"r":{"username":"u","password":"p\u003c","auth":"dTpwPA=="}}}"#
        );
    }
}
