//! Fuzz targets over core's untrusted inputs, and a small mutational fuzzer that runs on
//! stable Rust (cargo-fuzz needs a nightly toolchain, which this project does not
//! install). Each target takes bytes and returns a short signature of what happened; an
//! input whose signature is new joins the corpus, so inputs reaching new outcomes breed.
//! A panic or an input slower than a second is a finding, saved under `fuzz/findings/`.

use podlab_core::kubectl::{self, NoFiles};
use podlab_core::manifest::{self, Validation};
use podlab_core::{Cluster, Session};

pub const TARGETS: &[&str] = &[
    "manifest", "jsonpath", "kubectl", "shell", "snapshot", "share",
];

/// A realistic document for JSONPath: the default cluster's pods and nodes as kubectl
/// would list them.
fn sample_cluster() -> Cluster {
    let mut c = Cluster::with_default_nodes(7);
    let _ = c.create_from_text(
        "seed.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tea\n  labels:\n    run: tea\nspec:\n  containers:\n  - name: tea\n    image: ansilh/demo-tea\n    ports:\n    - containerPort: 8080\n",
    );
    c.advance(20_000);
    c
}

/// A message with its specifics (quoted values, numbers) cut off: its kind.
fn kind_of(message: &str) -> String {
    message
        .split(|c: char| c == '"' || c == '\'' || c.is_ascii_digit())
        .next()
        .unwrap_or_default()
        .chars()
        .take(40)
        .collect()
}

fn first_line(s: &str) -> String {
    s.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(60)
        .collect()
}

/// Runs one input through `target`; the signature says what kind of outcome it had.
pub fn run(target: &str, data: &[u8]) -> String {
    let text = String::from_utf8_lossy(data);
    match target {
        "manifest" => {
            // The editor highlights whatever is typed: its spans must cover the text.
            let spans = manifest::highlight::highlight(&text);
            assert_eq!(
                spans.iter().map(|(_, s)| s.len()).sum::<usize>(),
                text.len()
            );
            let sig = match manifest::decode("fuzz.yaml", &text, Validation::Strict) {
                Ok(d) => format!("ok {} objects", d.manifests.len()),
                Err(ds) => {
                    let d = &ds[0];
                    let _ = d.hint(&text);
                    format!("err {:?}", std::mem::discriminant(&d.error))
                }
            };
            let mut c = Cluster::with_default_nodes(1);
            match c.create_from_text("fuzz.yaml", &text) {
                Ok(applied) => {
                    c.advance(5_000);
                    format!(
                        "{sig} created {}",
                        applied.iter().filter(|a| a.result.is_ok()).count()
                    )
                }
                Err(_) => sig,
            }
        }
        "jsonpath" => {
            let (template, doc) = text.split_once('\n').unwrap_or((&text, ""));
            let parsed = match podlab_core::jsonpath::Template::parse(template) {
                Ok(t) => t,
                Err(e) => return format!("parse {}", kind_of(&e.to_string())),
            };
            let data: serde_json::Value = serde_json::from_str(doc).unwrap_or_else(|_| {
                let c = sample_cluster();
                let items: Vec<_> = c
                    .api()
                    .pods
                    .list()
                    .map(|p| serde_json::to_value(p).unwrap_or_default())
                    .collect();
                serde_json::json!({"kind": "List", "items": items})
            });
            for allow in [true, false] {
                let opts = podlab_core::jsonpath::Options {
                    allow_missing_keys: allow,
                };
                let _ = podlab_core::jsonpath::execute(&parsed, &data, &opts);
                let _ = podlab_core::jsonpath::find_results(&parsed, &data, &opts);
            }
            "ran".into()
        }
        "kubectl" => {
            let Ok(words) = kubectl::split_words(&text) else {
                return "split error".into();
            };
            let mut c = sample_cluster();
            let out = kubectl::run(&mut c, &words, &NoFiles);
            let shown = if out.stderr.is_empty() {
                &out.stdout
            } else {
                &out.stderr
            };
            let mut sig = format!("{} {}", out.exit_code, kind_of(&first_line(shown)));
            // `logs -f`, `get -w`: the cluster changes and time runs while it goes on.
            if let Some(mut follow) = out.follow {
                let words = ["label", "pod", "tea", "fuzz=1"].map(String::from);
                let _ = kubectl::run(&mut c, &words, &NoFiles);
                let words = ["delete", "pod", "tea", "--wait=false"].map(String::from);
                let _ = kubectl::run(&mut c, &words, &NoFiles);
                for _ in 0..3 {
                    c.advance(2_000);
                    let polled = follow.poll(&c);
                    let text = polled.stdout + &polled.stderr;
                    sig.push_str(&format!(
                        " +{} {:?}",
                        kind_of(&first_line(&text)),
                        polled.ended
                    ));
                }
            }
            sig
        }
        "shell" => {
            let mut c = Cluster::with_default_nodes(1);
            let mut session = Session::new("k8s-worker-01");
            let mut sig = String::new();
            for line in text.lines().take(20) {
                let out = c.terminal(&mut session, line);
                sig = format!(
                    "{} chunks, status {}",
                    out.len().min(3),
                    session.last_status()
                );
            }
            c.advance(2_000);
            sig
        }
        "snapshot" => match Cluster::restore(&text) {
            Ok(mut c) => {
                c.advance(1_000);
                "restored".into()
            }
            Err(e) => format!(
                "err {}",
                first_line(&e.to_string()).split(':').next().unwrap_or("")
            ),
        },
        // A share link as typed or altered, or (anything else) the workspace a link
        // carries, packed into a link first so that mutations reach the JSON too.
        "share" => {
            let link =
                if text.starts_with('#') || text.starts_with("share=") || text.contains("://") {
                    text.to_string()
                } else {
                    let packed = miniz_oxide::deflate::compress_to_vec_zlib(text.as_bytes(), 1);
                    use base64::Engine;
                    let data = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed);
                    format!("share=1.{data}")
                };
            match podlab_core::share::decode(&link) {
                Ok((_, mut c)) => {
                    c.advance(1_000);
                    "opened".into()
                }
                Err(e) => format!(
                    "err {}",
                    first_line(&e.to_string())
                        .chars()
                        .take(40)
                        .collect::<String>()
                ),
            }
        }
        other => format!("unknown target {other}"),
    }
}

/// Seeds for each target (the corpus directory adds to these).
pub fn seeds(target: &str) -> Vec<Vec<u8>> {
    let texts: Vec<String> = match target {
        "manifest" => vec![
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: nginx\nspec:\n  containers:\n  - name: nginx\n    image: nginx\n".into(),
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: web\n  spec:\n    selector:\n      run: web\n    ports:\n    - port: 80\n".into(),
            "a: &a [*a, *a]\nb: &b [*a, *a]\n".into(),
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\",\"command\":[\"sh\",\"-c\",\"sleep 5\"]}]}}".into(),
        ],
        "jsonpath" => vec![
            "{range .items[*]}{.metadata.name}{\"\\t\"}{.spec.nodeName}{\"\\n\"}{end}\n".into(),
            "{.items[?(@.spec.nodeName==\"k8s-worker-01\")].metadata.name}\n".into(),
            "{..image}\n".into(),
            "{.a[1:3:2]}\n{\"a\":[1,2.5,\"x\",null,true,{\"b\":[]}]}".into(),
        ],
        "kubectl" => vec![
            "get pods -o wide".into(),
            "get pods -o custom-columns=NAME:.metadata.name --sort-by=.status.podIP".into(),
            "explain pod.spec.volumes.hostPath --recursive".into(),
            "run web --image=nginx --env=A=1 --labels=a=b --dry-run=client -o yaml".into(),
            "delete pod tea --grace-period=0 --force".into(),
            "taint nodes k8s-worker-01 key=value:NoExecute".into(),
        ],
        "shell" => vec![
            "echo hello | wc -c; for i in 1 2 3; do echo $i; done".into(),
            "x=$((3*4)); case $x in 12) echo ok;; *) echo no;; esac".into(),
            "sudo systemctl stop kubelet\nsystemctl status kubelet".into(),
            "cat /etc/hostname && ls -l / 2>&1 | head -3".into(),
            "ssh k8s-worker-02 'nc -zv 10.96.0.1 443; sudo -i pwd' > /dev/null; echo $?".into(),
            "ssh k8s-master-01\nkubectl run bb --image=busybox -- sleep 60\nkubectl exec -it bb -- sh\nls -l /dev; echo x | nc localhost 80\nexit 3".into(),
        ],
        "snapshot" => {
            let mut c = sample_cluster();
            c.advance(1_000);
            vec![c.snapshot()]
        }
        "share" => {
            let mut c = sample_cluster();
            c.advance(1_000);
            let w = podlab_core::share::Workspace::new("kind: Pod\n", &c, Some(0), &[true]);
            vec![
                format!("#{}", podlab_core::share::encode(&w)),
                w.to_json(),
                "https://podlab.example/?embed=1#share=1.".into(),
            ]
        }
        _ => Vec::new(),
    };
    texts.into_iter().map(String::into_bytes).collect()
}

/// Tokens mutations insert, per target.
pub fn dictionary(target: &str) -> &'static [&'static str] {
    match target {
        "manifest" => &[
            "apiVersion: v1\n",
            "kind: Pod\n",
            "metadata:\n",
            "  name: x\n",
            "- ",
            ": ",
            "{",
            "}",
            "[",
            "]",
            "&a ",
            "*a",
            "<<: *a",
            "\n  ",
            "\"",
            "'",
            "!!str ",
            "---\n",
            "null",
            "1e999",
            "0x1F",
            "\t",
        ],
        "jsonpath" => &[
            "{", "}", "[*]", "..", "?(@.", ")]", "range ", "end", "[-1]", "[::-1]", "\"", "'",
            "==", "<=", ",", ".*", "$", "@",
        ],
        "kubectl" => &[
            " -o ",
            "json",
            "yaml",
            "jsonpath=",
            "{.x}",
            " --",
            "=",
            " -n ",
            " pods",
            " nodes",
            " svc",
            " -l ",
            "a!=b",
            " --all",
            "'",
            "\"",
        ],
        "shell" => &[
            "$(",
            ")",
            "`",
            "while true; do ",
            "done",
            "|",
            "&&",
            "||",
            "&",
            "${",
            "}",
            "\"",
            "'",
            ";",
            ">",
            "<",
            "2>&1",
            "if ",
            "then ",
            "fi",
            "$((",
            "))",
            "\n",
        ],
        _ => &["{", "}", "\"", ":", ",", "[", "]", "0", "null"],
    }
}

/// A small xorshift generator: the fuzzer is reproducible from its seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
}

/// One to four random edits: byte flips, inserts, deletes, duplicated ranges, dictionary
/// tokens and splices with another corpus entry.
pub fn mutate(input: &[u8], other: &[u8], dict: &[&str], rng: &mut Rng) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(6) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 => v.insert(at, rng.next_u64() as u8),
            2 if !v.is_empty() => {
                let end = (at + 1 + rng.below(16)).min(v.len());
                v.drain(at.min(v.len())..end.max(at.min(v.len())));
            }
            3 if !v.is_empty() => {
                let start = rng.below(v.len());
                let end = (start + 1 + rng.below(32)).min(v.len());
                let chunk = v[start..end].to_vec();
                let at = rng.below(v.len() + 1);
                v.splice(at..at, chunk);
            }
            4 if !dict.is_empty() => {
                let t = dict[rng.below(dict.len())].as_bytes();
                v.splice(at..at, t.iter().copied());
            }
            _ if !other.is_empty() => {
                let start = rng.below(other.len());
                let end = (start + 1 + rng.below(64)).min(other.len());
                v.splice(at..at, other[start..end].iter().copied());
            }
            _ => {}
        }
    }
    v.truncate((64 * 1024).max(input.len() + 1024));
    v
}

#[cfg(test)]
mod tests {
    /// Every saved corpus and finding file still runs without panicking (the regression
    /// tests for fixed crashes live here as files).
    #[test]
    fn corpora_and_findings_replay() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
        for target in super::TARGETS {
            for seed in super::seeds(target) {
                super::run(target, &seed);
            }
            for dir in ["corpus", "findings"] {
                let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
                    continue;
                };
                for e in entries.flatten() {
                    let data = std::fs::read(e.path()).unwrap();
                    super::run(target, &data);
                }
            }
        }
    }
}
