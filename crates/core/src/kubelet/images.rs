//! The emulated container registry: the images the lessons use, with realistic sizes
//! (which set pull times) and what their default process does.

use crate::clock::SimTime;
use crate::fs::Tree;
use crate::model::reference::parse_normalized;
use crate::shell::System;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Image {
    /// Repository as written in pod specs (`nginx`, `ansilh/demo-tea`).
    pub repository: &'static str,
    pub size_bytes: u64,
    pub digest: &'static str,
    /// Which programs the image has.
    pub system: System,
    /// The image config's Entrypoint and Cmd (what runs when the pod gives neither
    /// `command` nor `args`).
    pub entrypoint: &'static [&'static str],
    pub cmd: &'static [&'static str],
    /// The image config's Env.
    pub env: &'static [(&'static str, &'static str)],
}

const PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const IMAGES: &[Image] = &[
    Image {
        repository: "nginx",
        size_bytes: 72_223_946,
        digest: "sha256:2d194184b067db3598771b4cf326cfe6ad5051937ba1132b8b7d4b0184e0d0a6",
        system: System::Nginx,
        entrypoint: &["/docker-entrypoint.sh"],
        cmd: &["nginx", "-g", "daemon off;"],
        env: &[
            ("PATH", PATH),
            ("NGINX_VERSION", "1.29.3"),
            ("NJS_VERSION", "0.9.4"),
            ("NJS_RELEASE", "1~bookworm"),
            ("PKG_RELEASE", "1~bookworm"),
            ("DYNPKG_RELEASE", "1~bookworm"),
        ],
    },
    Image {
        repository: "ansilh/demo-tea",
        size_bytes: 4_873_218,
        digest: "sha256:998d07a15151235132dae9781f587ea4d2822c62165778570145b0f659dda7bb",
        system: System::Demo,
        entrypoint: &[],
        cmd: &["demo-tea"],
        env: &[("PATH", PATH)],
    },
    Image {
        repository: "ansilh/demo-coffee",
        size_bytes: 4_873_402,
        digest: "sha256:0ae5ab8e4c4b2c1f4a1c3e6d7b2f9a8e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a",
        system: System::Demo,
        entrypoint: &[],
        cmd: &["demo-coffee"],
        env: &[("PATH", PATH)],
    },
    Image {
        repository: "ansilh/debug-tools",
        size_bytes: 39_652_310,
        digest: "sha256:4f7b1c3e5d9a2b8c6e0f1a3d5b7c9e2f4a6b8d0c1e3f5a7b9d2c4e6f8a0b1c3d",
        system: System::DebugTools,
        entrypoint: &[],
        cmd: &["/bin/bash"],
        env: &[("PATH", PATH)],
    },
    Image {
        repository: "busybox",
        size_bytes: 2_166_802,
        digest: "sha256:e246aa22ad2cbdfbd19e2a6ca2b275e26245a21920e2b2d0666324cee3f15549",
        system: System::Busybox,
        entrypoint: &[],
        cmd: &["sh"],
        env: &[(
            "PATH",
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        )],
    },
    // The Kubernetes docs' busybox (registry.k8s.io/busybox:1.27.2, :latest): a plain
    // busybox whose config runs `sh`.
    Image {
        repository: "registry.k8s.io/busybox",
        size_bytes: 1_144_547,
        digest: "sha256:545e6a6310a27636260920bc07b994a299b6708a1b26910cfefd335fdfb60d2b",
        system: System::Busybox,
        entrypoint: &[],
        cmd: &["sh"],
        env: &[("PATH", PATH)],
    },
    // The Kubernetes docs' test server (registry.k8s.io/e2e-test-images/agnhost:2.40):
    // Alpine with bash, curl and nc, running `/agnhost pause` unless told otherwise.
    Image {
        repository: "registry.k8s.io/e2e-test-images/agnhost",
        size_bytes: 51_336_475,
        digest: "sha256:af7e3857d87770ddb40f5ea4f89b5a2709504ab1ee31f9ea4ab5823c045f2146",
        system: System::Agnhost,
        entrypoint: &["/agnhost"],
        cmd: &["pause"],
        env: &[("PATH", PATH)],
    },
    // The docs' Service walkthroughs' hostname server (registry.k8s.io/serve_hostname):
    // busybox with `/serve_hostname`, HTTP on 9376.
    Image {
        repository: "registry.k8s.io/serve_hostname",
        size_bytes: 2_391_612,
        digest: "sha256:9b7f2f2ec8ae8a83f0e5cf6e30cc6cc6e2bf3e85de6bc1f5b2a4e4b7c1a0c5d3",
        system: System::ServeHostname,
        entrypoint: &["/serve_hostname"],
        cmd: &[],
        env: &[("PATH", PATH)],
    },
    // The docs' TCP probe example (registry.k8s.io/goproxy:0.1): a scratch image with
    // one static binary, an HTTP proxy on 8080.
    Image {
        repository: "registry.k8s.io/goproxy",
        size_bytes: 2_653_714,
        digest: "sha256:5334c7ad43048e3538775cb09aaf184f5e8acf4b0ea60e3bc8f1d93c209865a5",
        system: System::Goproxy,
        entrypoint: &["/goproxy"],
        cmd: &[],
        env: &[("PATH", PATH)],
    },
    // The docs' gRPC probe example (registry.k8s.io/etcd:3.5.1-0): distroless, etcd and
    // etcdctl in /usr/local/bin and no shell.
    Image {
        repository: "registry.k8s.io/etcd",
        size_bytes: 98_888_614,
        digest: "sha256:64b9ea357325d5db9f8a723dcf503b5a449177b17ac87d69481e126bb724c263",
        system: System::Etcd,
        entrypoint: &[],
        cmd: &["/usr/local/bin/etcd"],
        env: &[("PATH", PATH)],
    },
    Image {
        repository: "alpine",
        size_bytes: 3_802_452,
        digest: "sha256:4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1",
        system: System::Busybox,
        entrypoint: &[],
        cmd: &["/bin/sh"],
        env: &[("PATH", PATH)],
    },
    Image {
        repository: "redis",
        size_bytes: 45_120_612,
        digest: "sha256:a35bd0a9c2a9c3cbc4e3b3c7f6b1d0e1c5f0a0c1f6a0b8e7d5c3b1a9f7e5d3c1",
        system: System::Redis,
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["redis-server"],
        env: &[("PATH", PATH), ("REDIS_VERSION", "7.4.1")],
    },
];

/// nginx's default page, as the image ships it.
pub const NGINX_WELCOME: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n<a href=\"http://nginx.org/\">nginx.org</a>.<br/>\nCommercial support is available at\n<a href=\"http://nginx.com/\">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n";

/// A fresh root file system for a container of `image`.
pub fn rootfs(image: Option<&Image>, now: SimTime) -> Tree {
    let mut t = Tree::new(now);
    for d in [
        "bin",
        "dev",
        "etc",
        "home",
        "lib",
        "media",
        "mnt",
        "opt",
        "proc",
        "root",
        "run",
        "sbin",
        "srv",
        "sys",
        "usr/bin",
        "usr/local/bin",
        "var/log",
    ] {
        t.mkdir_all(&format!("/{d}"), 0o755, 0, now);
    }
    t.mkdir_all("/tmp", 0o1777, 0, now);
    t.add_dev_null(now);
    let Some(image) = image else { return t };
    match image.system {
        System::Nginx => {
            t.put(
                "/usr/share/nginx/html/index.html",
                NGINX_WELCOME.as_bytes(),
                0o644,
                now,
            );
            t.put("/usr/share/nginx/html/50x.html", b"<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n</head>\n<body>\n<h1>An error occurred.</h1>\n</body>\n</html>\n", 0o644, now);
            t.put("/etc/nginx/conf.d/default.conf", b"server {\n    listen       80;\n    listen  [::]:80;\n    server_name  localhost;\n\n    location / {\n        root   /usr/share/nginx/html;\n        index  index.html index.htm;\n    }\n\n    error_page   500 502 503 504  /50x.html;\n    location = /50x.html {\n        root   /usr/share/nginx/html;\n    }\n}\n", 0o644, now);
            t.put("/docker-entrypoint.sh", b"#!/bin/sh\n", 0o775, now);
            t.mkdir_all("/docker-entrypoint.d", 0o755, 0, now);
            t.mkdir_all("/var/cache/nginx", 0o755, 0, now);
        }
        System::Redis => t.mkdir_all("/data", 0o755, 999, now),
        System::Demo => t.put("/app/demo", b"\x7fELF", 0o755, now),
        System::Agnhost => {
            t.put("/agnhost", b"\x7fELF", 0o755, now);
            t.put("/agnhost-2", b"\x7fELF", 0o755, now);
            t.put("/coredns", b"\x7fELF", 0o755, now);
            t.mkdir_all("/uploads", 0o755, 0, now);
        }
        System::Goproxy => t.put("/goproxy", b"\x7fELF", 0o755, now),
        System::ServeHostname => t.put("/serve_hostname", b"\x7fELF", 0o755, now),
        System::Etcd => {
            for bin in ["etcd", "etcdctl", "etcdutl"] {
                t.put(&format!("/usr/local/bin/{bin}"), b"\x7fELF", 0o755, now);
            }
            t.mkdir_all("/var/lib/etcd", 0o700, 0, now);
        }
        _ => {}
    }
    t
}

/// Root file systems as each image unpacks them (every path's mtime 0), built at an
/// image's first container and copied, stamped with the start time, for each next one,
/// as a runtime's snapshotter unpacks an image once for all its containers.
#[derive(Debug, Clone, Default)]
pub struct RootfsTemplates(Vec<(Option<&'static str>, Tree)>);

impl RootfsTemplates {
    /// What [`rootfs`] makes for `image` at `now`.
    pub fn rootfs(&mut self, image: Option<&'static Image>, now: SimTime) -> Tree {
        let key = image.map(|i| i.repository);
        if !self.0.iter().any(|(k, _)| *k == key) {
            self.0.push((key, rootfs(image, SimTime(0))));
        }
        match self.0.iter().find(|(k, _)| *k == key) {
            Some((_, template)) => template.stamped(now),
            None => rootfs(image, now),
        }
    }
}

/// The familiar name and tag of a reference: `docker.io/library/nginx:1.27` is
/// (`nginx`, `1.27`), `registry.k8s.io/busybox` is (`registry.k8s.io/busybox`,
/// `latest`). `None` for a reference the kubelet cannot parse.
pub fn parse_reference(image: &str) -> Option<(String, String)> {
    let r = parse_normalized(image).ok()?;
    Some((r.familiar(), r.tag_or_latest().to_string()))
}

/// The registry's entry for an image reference, if it exists.
pub fn lookup(image: &str) -> Option<&'static Image> {
    let (name, _) = parse_reference(image)?;
    IMAGES.iter().find(|i| i.repository == name)
}

/// How soon the pod worker retries a pod whose image name does not parse (the kubelet's
/// sync back-off period).
pub const INVALID_NAME_RETRY_MS: u64 = 10_000;

/// The kubelet's message when a reference cannot be parsed (the container then waits
/// with reason `InvalidImageName`); `None` for a good reference.
pub fn invalid_name_message(image: &str) -> Option<String> {
    let err = parse_normalized(image).err()?;
    Some(format!(
        "Failed to apply default image tag {image:?}: couldn't parse image name {image:?}: {err}"
    ))
}

/// The fully qualified reference the runtime reports (`docker.io/library/nginx:latest`,
/// `registry.k8s.io/busybox:1.27.2`).
pub fn qualified(image: &str) -> String {
    match parse_normalized(image) {
        Ok(r) => qualified_of(&r),
        Err(_) => image.to_string(),
    }
}

/// An image reference as the runtime reads it, parsed once: a container's work record
/// keeps it while the container's image stays the same (several reads a pod sync).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageRef {
    /// The reference as the pod spec gives it.
    pub image: String,
    /// Whether it parses (else the kubelet's `InvalidImageName`).
    pub valid: bool,
    /// The registry's entry ([`lookup`]).
    pub entry: Option<&'static Image>,
    /// [`qualified`].
    pub qualified: String,
    /// Whether its tag is `latest` (the pull policy's default is then `Always`).
    pub latest: bool,
}

impl ImageRef {
    pub(crate) fn new(image: &str) -> ImageRef {
        match parse_normalized(image) {
            Ok(r) => {
                let name = r.familiar();
                ImageRef {
                    image: image.to_string(),
                    valid: true,
                    entry: IMAGES.iter().find(|i| i.repository == name),
                    qualified: qualified_of(&r),
                    latest: r.tag_or_latest() == "latest",
                }
            }
            Err(_) => ImageRef {
                image: image.to_string(),
                valid: false,
                entry: None,
                qualified: image.to_string(),
                latest: false,
            },
        }
    }
}

fn qualified_of(r: &crate::model::reference::Reference) -> String {
    let mut out = format!("{}/{}", r.domain, r.path);
    match (&r.tag, &r.digest) {
        (Some(t), _) => out.push_str(&format!(":{t}")),
        (None, None) => out.push_str(":latest"),
        (None, Some(_)) => {}
    }
    if let Some(d) = &r.digest {
        out.push_str(&format!("@{d}"));
    }
    out
}

/// The fully qualified repository of a reference, without tag or digest
/// (`docker.io/library/nginx`); `None` for a reference that does not parse.
pub fn qualified_repository(image: &str) -> Option<String> {
    let r = parse_normalized(image).ok()?;
    Some(format!("{}/{}", r.domain, r.path))
}

/// Simulated pull time: a fixed round trip plus the layers at 40 MB/s.
pub fn pull_millis(image: &Image) -> u64 {
    500 + image.size_bytes / 40_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        let r = |s: &str| parse_reference(s).unwrap();
        assert_eq!(r("nginx"), ("nginx".into(), "latest".into()));
        assert_eq!(
            r("docker.io/library/nginx:1.27"),
            ("nginx".into(), "1.27".into())
        );
        assert_eq!(
            r("index.docker.io/nginx"),
            ("nginx".into(), "latest".into())
        );
        assert_eq!(
            r("ansilh/demo-tea"),
            ("ansilh/demo-tea".into(), "latest".into())
        );
        assert_eq!(
            r("registry.k8s.io/busybox:1.27.2"),
            ("registry.k8s.io/busybox".into(), "1.27.2".into())
        );
        assert_eq!(
            qualified("ansilh/demo-tea"),
            "docker.io/ansilh/demo-tea:latest"
        );
        assert_eq!(qualified("nginx"), "docker.io/library/nginx:latest");
        // A first component with a dot, a port or `localhost` is a registry.
        assert_eq!(
            qualified("registry.k8s.io/busybox:1.27.2"),
            "registry.k8s.io/busybox:1.27.2"
        );
        assert_eq!(qualified("localhost:5000/app"), "localhost:5000/app:latest");
        assert_eq!(qualified("localhost/app:v1"), "localhost/app:v1");
        assert_eq!(qualified("quay.io/org/app"), "quay.io/org/app:latest");
        assert_eq!(
            qualified("nginx@sha256:2d194184b067db3598771b4cf326cfe6ad5051937ba1132b8b7d4b0184e0d0a6"),
            "docker.io/library/nginx@sha256:2d194184b067db3598771b4cf326cfe6ad5051937ba1132b8b7d4b0184e0d0a6"
        );
        assert!(lookup("nginx:1.27").is_some());
        assert!(lookup("registry.k8s.io/busybox:1.27.2").is_some());
        assert!(lookup("registry.k8s.io/busybox").is_some());
        assert!(lookup("nginxx").is_none());
        assert!(lookup("Nginx").is_none());
        assert_eq!(
            invalid_name_message("Nginx").unwrap(),
            "Failed to apply default image tag \"Nginx\": couldn't parse image name \"Nginx\": invalid reference format: repository name (library/Nginx) must be lowercase"
        );
        assert!(invalid_name_message("registry.k8s.io/busybox:1.27.2").is_none());
    }

    /// The docs' probe images normalise as containerd does (a registry host keeps the
    /// path as written, no `library/`) and are in the registry by any tag.
    #[test]
    fn docs_images() {
        for (image, name, tag, full) in [
            (
                "registry.k8s.io/e2e-test-images/agnhost:2.40",
                "registry.k8s.io/e2e-test-images/agnhost",
                "2.40",
                "registry.k8s.io/e2e-test-images/agnhost:2.40",
            ),
            (
                "registry.k8s.io/e2e-test-images/agnhost:2.53",
                "registry.k8s.io/e2e-test-images/agnhost",
                "2.53",
                "registry.k8s.io/e2e-test-images/agnhost:2.53",
            ),
            (
                "registry.k8s.io/goproxy:0.1",
                "registry.k8s.io/goproxy",
                "0.1",
                "registry.k8s.io/goproxy:0.1",
            ),
            (
                "registry.k8s.io/etcd:3.5.1-0",
                "registry.k8s.io/etcd",
                "3.5.1-0",
                "registry.k8s.io/etcd:3.5.1-0",
            ),
            (
                "registry.k8s.io/serve_hostname",
                "registry.k8s.io/serve_hostname",
                "latest",
                "registry.k8s.io/serve_hostname:latest",
            ),
            (
                "registry.k8s.io/busybox",
                "registry.k8s.io/busybox",
                "latest",
                "registry.k8s.io/busybox:latest",
            ),
        ] {
            assert_eq!(parse_reference(image), Some((name.into(), tag.into())));
            assert_eq!(qualified(image), full);
            assert!(lookup(image).is_some(), "{image}");
        }
        // Without the registry these are Docker Hub names the registry does not have.
        assert!(lookup("goproxy:0.1").is_none());
        assert!(lookup("e2e-test-images/agnhost:2.40").is_none());
        // Pull times follow the sizes: goproxy under a second, etcd about 3 s.
        let ms = |i: &str| pull_millis(lookup(i).unwrap());
        assert_eq!(ms("registry.k8s.io/goproxy:0.1"), 566);
        assert_eq!(ms("registry.k8s.io/e2e-test-images/agnhost:2.40"), 1_783);
        assert_eq!(ms("registry.k8s.io/etcd:3.5.1-0"), 2_972);
    }
}
