//! ImageLocality: prefers nodes that already have the pod's images (as their
//! `status.images` report them), by the images' sizes, each scaled by the share of nodes
//! that have it (so an image every node has counts as much as one only here, spread
//! thin: the spread factor), between kube-scheduler's thresholds (23 MB, and 1000 MB per
//! container).

use crate::model::Pod;
use crate::scheduler::framework::{NodeInfo, PodInfo, ScorePlugin, MAX_NODE_SCORE};
use crate::scheduler::Snapshot;

const MB: i64 = 1024 * 1024;
/// Below this the score is 0 (`minThreshold`).
pub const MIN_THRESHOLD: i64 = 23 * MB;
/// At this per container the score is the maximum (`maxContainerThreshold`).
pub const MAX_CONTAINER_THRESHOLD: i64 = 1000 * MB;

pub struct ImageLocality;

/// What PreScore works out for a pod: each of its containers' images (init containers
/// first) with the image's size and how many nodes have it, of `total` nodes.
#[derive(Debug, Clone, Default)]
struct ImageStates {
    images: Vec<ImageState>,
    total: usize,
}

#[derive(Debug, Clone)]
struct ImageState {
    name: String,
    size: i64,
    nodes: usize,
    /// The places in the snapshot of the nodes that have it, ascending (`None` outside
    /// a pass: the node is asked).
    on: Option<std::sync::Arc<[u32]>>,
}

/// `normalizedImageName`: `:latest` added when the name has no tag (a name with a
/// digest keeps it as it is).
pub fn normalized_image_name(name: &str) -> String {
    let colon = name.rfind(':');
    let slash = name.rfind('/');
    if colon.map(|c| c as isize).unwrap_or(-1) <= slash.map(|s| s as isize).unwrap_or(-1) {
        format!("{name}:latest")
    } else {
        name.to_string()
    }
}

/// The size the node reports for an image called `name`, if it has it.
fn size_on(node: &crate::model::Node, name: &str) -> Option<i64> {
    let images = node.status.as_ref()?.images.as_ref()?;
    images
        .iter()
        .find(|i| i.names.iter().flatten().any(|n| n == name))
        .map(|i| i.size_bytes.unwrap_or(0))
}

fn container_images(pod: &Pod) -> Vec<String> {
    let Some(spec) = &pod.spec else {
        return Vec::new();
    };
    spec.init_containers
        .iter()
        .flatten()
        .chain(&spec.containers)
        .map(|c| normalized_image_name(c.image.as_deref().unwrap_or_default()))
        .collect()
}

/// `calculatePriority`: the sum clamped between the thresholds, scaled to 0..=100.
fn calculate_priority(sum: i64, containers: usize) -> i64 {
    let max = MAX_CONTAINER_THRESHOLD.saturating_mul(containers as i64);
    let sum = if sum < MIN_THRESHOLD {
        MIN_THRESHOLD
    } else if sum > max {
        max
    } else {
        sum
    };
    if max <= MIN_THRESHOLD {
        return 0;
    }
    MAX_NODE_SCORE * (sum - MIN_THRESHOLD) / (max - MIN_THRESHOLD)
}

impl ScorePlugin for ImageLocality {
    fn name(&self) -> &'static str {
        "ImageLocality"
    }

    fn weight(&self) -> i64 {
        1
    }

    fn pre_score(&self, pod: &mut PodInfo<'_>, snapshot: &Snapshot<'_>) {
        let images = container_images(pod.pod)
            .into_iter()
            .map(|name| {
                let (size, on) = snapshot
                    .image_state(&name)
                    .unwrap_or((0, Default::default()));
                ImageState {
                    size,
                    nodes: on.len(),
                    on: Some(on),
                    name,
                }
            })
            .collect();
        pod.cycle.insert(ImageStates {
            images,
            total: snapshot.infos.len(),
        });
    }

    fn score(&self, pod: &PodInfo<'_>, node: &NodeInfo<'_>) -> i64 {
        match pod.cycle.get::<ImageStates>() {
            Some(states) => states.score(node),
            // Outside a scheduling pass: this node alone.
            None => ImageStates {
                images: container_images(pod.pod)
                    .into_iter()
                    .map(|name| ImageState {
                        size: size_on(node.node, &name).unwrap_or(0),
                        nodes: 1,
                        on: None,
                        name,
                    })
                    .collect(),
                total: 1,
            }
            .score(node),
        }
    }

    /// PreScore's states read once for all the nodes. When no node has any of the
    /// pod's images (the common case), every node scores the same.
    fn score_nodes(&self, pod: &PodInfo<'_>, nodes: &[&NodeInfo<'_>], out: &mut Vec<i64>) {
        let Some(states) = pod.cycle.get::<ImageStates>() else {
            out.extend(nodes.iter().map(|n| self.score(pod, n)));
            return;
        };
        let nowhere = states
            .images
            .iter()
            .all(|i| i.on.as_deref().is_some_and(<[u32]>::is_empty));
        if nowhere {
            let score = calculate_priority(0, states.images.len());
            out.extend(std::iter::repeat_n(score, nodes.len()));
        } else {
            out.extend(nodes.iter().map(|n| states.score(n)));
        }
    }
}

impl ImageStates {
    /// `Score` on one node: the sizes of the pod's images the node has, each scaled by
    /// the share of nodes that have it, through [`calculate_priority`].
    fn score(&self, node: &NodeInfo<'_>) -> i64 {
        let mut sum: i64 = 0;
        for image in &self.images {
            let has = match &image.on {
                Some(on) => on.binary_search(&node.index).is_ok(),
                None => size_on(node.node, &image.name).is_some(),
            };
            if has && self.total > 0 {
                // `scaledImageScore`: the size by the share of nodes that have it.
                let spread = image.nodes as f64 / self.total as f64;
                sum = sum.saturating_add((image.size as f64 * spread) as i64);
            }
        }
        calculate_priority(sum, self.images.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Node;
    use crate::scheduler::testing::make_node;

    fn node(name: &str, images: &[(&[&str], i64)]) -> Node {
        let mut n = make_node(name).obj();
        let list = images
            .iter()
            .map(|(names, size)| k8s_openapi::api::core::v1::ContainerImage {
                names: Some(names.iter().map(|s| s.to_string()).collect()),
                size_bytes: Some(*size),
            })
            .collect();
        n.status.get_or_insert_with(Default::default).images = Some(list);
        n
    }

    fn pod(images: &[&str]) -> Pod {
        let containers: Vec<_> = images
            .iter()
            .enumerate()
            .map(|(i, image)| serde_json::json!({"name": format!("c{i}"), "image": image}))
            .collect();
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "p"}, "spec": {"containers": containers}
        }))
        .unwrap()
    }

    fn scores(pod: &Pod, nodes: &[Node]) -> Vec<i64> {
        let snapshot = Snapshot::new(nodes, &[]);
        let mut info = snapshot.pod_info(pod);
        ImageLocality.pre_score(&mut info, &snapshot);
        let one: Vec<i64> = snapshot
            .infos
            .iter()
            .map(|n| ImageLocality.score(&info, n))
            .collect();
        // All the nodes at once give the same scores.
        let all: Vec<&NodeInfo<'_>> = snapshot.infos.iter().collect();
        let mut out = Vec::new();
        ImageLocality.score_nodes(&info, &all, &mut out);
        assert_eq!(out, one);
        one
    }

    #[test]
    fn image_names_are_normalized() {
        for (name, want) in [
            ("nginx", "nginx:latest"),
            ("nginx:1.27", "nginx:1.27"),
            ("localhost:5000/app", "localhost:5000/app:latest"),
            ("registry.k8s.io/pause:3.10", "registry.k8s.io/pause:3.10"),
        ] {
            assert_eq!(normalized_image_name(name), want);
        }
    }

    /// kube-scheduler's `TestImageLocalityPriority`, in small: node1 has gcr.io/40
    /// (40 MB) and gcr.io/300 (300 MB), node2 gcr.io/250 (250 MB) and gcr.io/10.
    #[test]
    fn score_by_sizes_spread_and_thresholds() {
        let nodes = [
            node(
                "node1",
                &[
                    (&["gcr.io/40:latest", "gcr.io/40:v1"], 40 * MB),
                    (&["gcr.io/300:latest"], 300 * MB),
                ],
            ),
            node(
                "node2",
                &[
                    (&["gcr.io/250:latest"], 250 * MB),
                    (&["gcr.io/10:v1"], 10 * MB),
                ],
            ),
        ];
        // (name, pod's images, scores of node1 and node2).
        let cases: Vec<(&str, Vec<&str>, Vec<i64>)> = vec![
            // node1: 40 MB × 1/2 = 20 MB, below 23 MB: 0. node2: 250 × 1/2 = 125 MB:
            // 100 × (125 - 23) / (2000 - 23) = 5.
            (
                "two images, one on each",
                vec!["gcr.io/40", "gcr.io/250"],
                vec![0, 5],
            ),
            // node1: 300 × 1/2 = 150 MB: 100 × (150 - 23) / (1000 - 23) = 12 (one
            // container).
            ("a big image on one node", vec!["gcr.io/300"], vec![12, 0]),
            ("a tag no node has", vec!["gcr.io/10"], vec![0, 0]),
            ("no image anywhere", vec!["nginx"], vec![0, 0]),
        ];
        for (name, images, want) in cases {
            assert_eq!(scores(&pod(&images), &nodes), want, "{name}");
        }
    }

    /// An image on every node counts fully; the score is capped at 1000 MB per
    /// container.
    #[test]
    fn an_image_everywhere_counts_fully_and_the_score_is_capped() {
        let nodes = [
            node("a", &[(&["big:latest"], 3000 * MB)]),
            node("b", &[(&["big:latest"], 3000 * MB)]),
        ];
        assert_eq!(scores(&pod(&["big"]), &nodes), vec![100, 100]);
    }
}
