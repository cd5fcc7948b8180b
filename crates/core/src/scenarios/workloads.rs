//! The workload controllers' benches (issue 25), shared by the native criterion bench
//! (`crates/core/benches/workloads.rs`) and the wasm one in Chromium
//! (`crates/web/benches/wasm.rs`), so that both time exactly the same steps: a
//! 1,000-replica Deployment rolled out to a new image across 100 nodes (`kubectl set
//! image`, then advanced until every replica is updated and available and the old
//! ReplicaSet is down to 0), and a Deployment scaled from 0 to 10,000 replicas on 500
//! nodes (`kubectl scale`, then advanced until all are Running and ready).
//!
//! [`DeploymentBench::prepare`] runs the untimed part once and saves the cluster just
//! before the measured step; each run restores it and times [`DeploymentBench::run`].

use crate::kubectl::{self, NoFiles};
use crate::Cluster;

/// The measured step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// `kubectl set image deployment/web nginx=nginx:1.16.1` on `replicas` replicas.
    Rollout,
    /// `kubectl scale deployment/web --replicas=N` from 0.
    Scale,
}

/// One workload bench: a Deployment `web` on a cluster of `workers` schedulable nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeploymentBench {
    /// Schedulable nodes (the default cluster's two workers and more).
    pub workers: usize,
    /// The replicas the Deployment has when the measured step is done.
    pub replicas: usize,
    step: Step,
}

/// Issue 25's rollout: 1,000 replicas rolled out to a new image on 100 nodes.
pub const ROLLOUT: DeploymentBench = DeploymentBench {
    workers: 100,
    replicas: 1_000,
    step: Step::Rollout,
};

/// Issue 25's scale-up: 0 to 10,000 replicas on 500 nodes, until all are Running.
pub const SCALE: DeploymentBench = DeploymentBench {
    workers: 500,
    replicas: 10_000,
    step: Step::Scale,
};

/// Why a workload bench could not run its steps (its inputs are fixed, so any of these
/// is a regression in core).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkloadBenchError {
    /// The nodes or the Deployment were refused: what `kubectl create` would print.
    Rejected { file: &'static str, message: String },
    /// A kubectl command failed: its arguments and standard error.
    Kubectl { args: String, stderr: String },
    /// The saved cluster does not restore.
    Restore(String),
    /// The Deployment was not done within a simulated hour.
    NotDone { replicas: usize },
}

impl std::fmt::Display for WorkloadBenchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WorkloadBenchError::Rejected { file, message } => write!(f, "{file}: {message}"),
            WorkloadBenchError::Kubectl { args, stderr } => write!(f, "kubectl {args}: {stderr}"),
            WorkloadBenchError::Restore(e) => write!(f, "the saved cluster: {e}"),
            WorkloadBenchError::NotDone { replicas } => write!(
                f,
                "deployment/web is not done with {replicas} replicas within a simulated hour"
            ),
        }
    }
}

impl std::error::Error for WorkloadBenchError {}

impl DeploymentBench {
    /// The same bench at another size (when a page cannot hold the full one).
    pub fn with_size(self, workers: usize, replicas: usize) -> DeploymentBench {
        DeploymentBench {
            workers,
            replicas,
            ..self
        }
    }

    /// The bench's name, as the native and the wasm criterion print it.
    pub fn name(&self) -> String {
        let (workers, replicas) = (thousands(self.workers), thousands(self.replicas));
        match self.step {
            Step::Rollout => format!(
                "{replicas}-replica Deployment rolled out to a new image on {workers} nodes"
            ),
            Step::Scale => format!(
                "Deployment scaled from 0 to {replicas} replicas on {workers} nodes, until all Running"
            ),
        }
    }

    /// The untimed part: the nodes, then the Deployment (with `replicas` for a rollout,
    /// 0 for a scale-up) advanced until it is done. Returns the cluster's snapshot and
    /// the simulated seconds it took.
    pub fn prepare(&self) -> Result<(String, u64), WorkloadBenchError> {
        let mut c = Cluster::with_default_nodes(1);
        let mut nodes = String::new();
        for i in 0..self.workers.saturating_sub(2) {
            nodes.push_str(&format!(
                "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-{i:04}\n  labels:\n    kubernetes.io/hostname: node-{i:04}\nstatus:\n  allocatable:\n    cpu: '64'\n    memory: 256Gi\n    pods: '110'\n"
            ));
        }
        create(&mut c, "nodes.yaml", &nodes)?;
        let replicas = match self.step {
            Step::Rollout => self.replicas,
            Step::Scale => 0,
        };
        create(&mut c, "web.yaml", &deployment(replicas, "nginx:1.14.2"))?;
        let secs = run_until_done(&mut c, replicas)?;
        Ok((c.snapshot(), secs))
    }

    /// The cluster [`DeploymentBench::prepare`] saved, restored for one run.
    pub fn restore(snapshot: &str) -> Result<Cluster, WorkloadBenchError> {
        Cluster::restore(snapshot).map_err(|e| WorkloadBenchError::Restore(e.to_string()))
    }

    /// The measured step: the kubectl command, then one simulated second at a time
    /// until the Deployment is done. Returns the simulated seconds it took.
    pub fn run(&self, c: &mut Cluster) -> Result<u64, WorkloadBenchError> {
        let replicas = format!("--replicas={}", self.replicas);
        let args: &[&str] = match self.step {
            Step::Rollout => &["set", "image", "deployment/web", "nginx=nginx:1.16.1"],
            Step::Scale => &["scale", "deployment/web", &replicas],
        };
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let out = kubectl::run(c, &args, &NoFiles);
        if out.exit_code != 0 {
            return Err(WorkloadBenchError::Kubectl {
                args: args.join(" "),
                stderr: out.stderr,
            });
        }
        run_until_done(c, self.replicas)
    }
}

/// `n` with a comma between thousands (1,000).
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    out
}

fn create(c: &mut Cluster, file: &'static str, text: &str) -> Result<(), WorkloadBenchError> {
    let rejected = |message: String| WorkloadBenchError::Rejected { file, message };
    let applied = c.create_from_text(file, text).map_err(|r| {
        rejected(
            r.diagnostics
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })?;
    match applied.iter().find(|a| a.result.is_err()) {
        Some(a) => Err(rejected(a.message())),
        None => Ok(()),
    }
}

/// A Deployment `web` of `replicas` nginx pods with small requests.
fn deployment(replicas: usize, image: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: {image}\n        resources:\n          requests:\n            cpu: 1m\n            memory: 1Mi\n"
    )
}

/// Whether `web` has seen its spec and has `n` replicas, all updated and available.
fn done(c: &Cluster, n: usize) -> bool {
    let Some(d) = c.api().deployments.get("default", "web") else {
        return false;
    };
    let Some(s) = d.status.as_ref() else {
        return false;
    };
    let is_n = |v: Option<i32>| usize::try_from(v.unwrap_or(0)).ok() == Some(n);
    s.observed_generation >= d.metadata.generation
        && is_n(s.replicas)
        && is_n(s.updated_replicas)
        && is_n(s.available_replicas)
}

/// Advances one simulated second at a time until `web` is done with `n` replicas;
/// returns the simulated seconds it took.
fn run_until_done(c: &mut Cluster, n: usize) -> Result<u64, WorkloadBenchError> {
    for s in 1..=3_600 {
        c.advance(1_000);
        if done(c, n) {
            return Ok(s);
        }
    }
    Err(WorkloadBenchError::NotDone { replicas: n })
}

/// How many pods in the default namespace are Running.
pub fn running_pods(c: &Cluster) -> usize {
    c.api()
        .pods
        .list_namespace("default")
        .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_the_benches_print_them() {
        assert_eq!(
            ROLLOUT.name(),
            "1,000-replica Deployment rolled out to a new image on 100 nodes"
        );
        assert_eq!(
            SCALE.name(),
            "Deployment scaled from 0 to 10,000 replicas on 500 nodes, until all Running"
        );
    }

    /// Both steps at a small size end with every replica Running, from the snapshot.
    #[test]
    fn small_benches_finish() {
        for bench in [ROLLOUT.with_size(4, 20), SCALE.with_size(5, 60)] {
            let (snapshot, _) = bench.prepare().unwrap();
            let mut c = DeploymentBench::restore(&snapshot).unwrap();
            assert!(bench.run(&mut c).unwrap() > 0, "{}", bench.name());
            assert_eq!(running_pods(&c), bench.replicas, "{}", bench.name());
        }
    }
}
