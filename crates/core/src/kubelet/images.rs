//! The emulated container registry: the images the lessons use, with realistic sizes
//! (which set pull times) and what their default process does.

/// What an image's default entrypoint does once started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultProcess {
    /// A long-running server listening on a port.
    Server { port: u16 },
    /// A shell or tool that exits at once with this code when given no terminal.
    Exits { code: i32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Image {
    /// Repository as written in pod specs (`nginx`, `ansilh/demo-tea`).
    pub repository: &'static str,
    pub size_bytes: u64,
    pub digest: &'static str,
    pub process: DefaultProcess,
}

const IMAGES: &[Image] = &[
    Image {
        repository: "nginx",
        size_bytes: 72_223_946,
        digest: "sha256:2d194184b067db3598771b4cf326cfe6ad5051937ba1132b8b7d4b0184e0d0a6",
        process: DefaultProcess::Server { port: 80 },
    },
    Image {
        repository: "ansilh/demo-tea",
        size_bytes: 4_873_218,
        digest: "sha256:998d07a15151235132dae9781f587ea4d2822c62165778570145b0f659dda7bb",
        process: DefaultProcess::Server { port: 8080 },
    },
    Image {
        repository: "ansilh/demo-coffee",
        size_bytes: 4_873_402,
        digest: "sha256:0ae5ab8e4c4b2c1f4a1c3e6d7b2f9a8e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a",
        process: DefaultProcess::Server { port: 8080 },
    },
    Image {
        repository: "ansilh/debug-tools",
        size_bytes: 39_652_310,
        digest: "sha256:4f7b1c3e5d9a2b8c6e0f1a3d5b7c9e2f4a6b8d0c1e3f5a7b9d2c4e6f8a0b1c3d",
        process: DefaultProcess::Exits { code: 0 },
    },
    Image {
        repository: "busybox",
        size_bytes: 2_166_802,
        digest: "sha256:e246aa22ad2cbdfbd19e2a6ca2b275e26245a21920e2b2d0666324cee3f15549",
        process: DefaultProcess::Exits { code: 0 },
    },
    Image {
        repository: "alpine",
        size_bytes: 3_802_452,
        digest: "sha256:4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1",
        process: DefaultProcess::Exits { code: 0 },
    },
    Image {
        repository: "redis",
        size_bytes: 45_120_612,
        digest: "sha256:a35bd0a9c2a9c3cbc4e3b3c7f6b1d0e1c5f0a0c1f6a0b8e7d5c3b1a9f7e5d3c1",
        process: DefaultProcess::Server { port: 6379 },
    },
];

/// Splits `docker.io/library/nginx:1.27` into (`nginx`, `1.27`).
pub fn parse_reference(image: &str) -> (String, String) {
    let (name, tag) = match image.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n, t),
        _ => (image, "latest"),
    };
    let name = name.split('@').next().unwrap_or(name);
    let name = name
        .strip_prefix("docker.io/")
        .or_else(|| name.strip_prefix("index.docker.io/"))
        .unwrap_or(name);
    let name = name.strip_prefix("library/").unwrap_or(name);
    (name.to_string(), tag.to_string())
}

/// The registry's entry for an image reference, if it exists.
pub fn lookup(image: &str) -> Option<&'static Image> {
    let (name, _) = parse_reference(image);
    IMAGES.iter().find(|i| i.repository == name)
}

/// The fully qualified reference the runtime reports (`docker.io/library/nginx:latest`).
pub fn qualified(image: &str) -> String {
    let (name, tag) = parse_reference(image);
    if name.contains('/') {
        format!("docker.io/{name}:{tag}")
    } else {
        format!("docker.io/library/{name}:{tag}")
    }
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
        assert_eq!(parse_reference("nginx"), ("nginx".into(), "latest".into()));
        assert_eq!(
            parse_reference("docker.io/library/nginx:1.27"),
            ("nginx".into(), "1.27".into())
        );
        assert_eq!(
            parse_reference("ansilh/demo-tea"),
            ("ansilh/demo-tea".into(), "latest".into())
        );
        assert_eq!(
            qualified("ansilh/demo-tea"),
            "docker.io/ansilh/demo-tea:latest"
        );
        assert!(lookup("nginx:1.27").is_some());
        assert!(lookup("nginxx").is_none());
    }
}
