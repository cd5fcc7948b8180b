//! Pods arriving on a node and leaving it, read from the API server's watch cache (the
//! changes `kubectl get --watch` prints): a pod bound by the scheduler (its
//! `Scheduled` event) or created on a node flies in from the pending lane; a pod
//! deleted from a node is drawn fading out of it for a moment.

use podlab_core::apiserver::watch_cache::{ChangeType, Closed};
use podlab_core::model::Object;
use podlab_core::Cluster;

/// A pod that left a node (deleted, evicted), drawn fading out of it for a moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaving {
    pub key: String,
    pub name: String,
    pub node: String,
    /// The tick after which it is no longer drawn.
    pub until: u64,
}

/// Ticks a leaving pod stays drawn (with its animation).
const LEAVING_TICKS: u64 = 5;
/// The most newly bound pods animated from the pending lane at once.
const MAX_FLIGHTS: usize = 20;

/// Where the app is in the watch, the pods drawn leaving, and the pods to fly in on the
/// next render.
#[derive(Default)]
pub struct Motion {
    /// The last change read; none before the first look at a cluster.
    seq: Option<u64>,
    leaving: Vec<Leaving>,
    arrived: Vec<String>,
}

impl Motion {
    /// The pods drawn leaving a node.
    pub fn leaving(&self) -> &[Leaving] {
        &self.leaving
    }

    /// A new cluster: the next look starts a watch of it (its pods are where they are).
    pub fn reset(&mut self) {
        self.seq = None;
        self.arrived.clear();
    }

    /// The pods to fly in, once.
    pub fn take_arrived(&mut self) -> Vec<String> {
        std::mem::take(&mut self.arrived)
    }

    /// Reads the changes since the last look: pods bound or created on a node since, to
    /// fly them in, and pods deleted from a node, to draw them leaving; drops leaving
    /// pods whose time is up. Returns whether the drawing changed.
    pub fn watch(&mut self, cluster: &mut Cluster, ticks: u64) -> bool {
        let before = self.leaving.len();
        self.leaving.retain(|l| l.until > ticks);
        let Some(mut seq) = self.seq else {
            // The first look: where pods are now; the next change is drawn moving.
            cluster.watch("pods");
            self.seq = Some(cluster.watch("events"));
            return self.leaving.len() != before;
        };
        let closed = match cluster.api().watch_cache().since(seq) {
            Ok(changes) => {
                for c in changes {
                    seq = c.seq;
                    match (&c.object, c.change) {
                        (Object::Pod(p), change) => {
                            let Some(node) = p.spec.as_ref().and_then(|s| s.node_name.as_deref())
                            else {
                                continue;
                            };
                            let ns = p.metadata.namespace.as_deref().unwrap_or_default();
                            let name = p.metadata.name.as_deref().unwrap_or_default();
                            let key = format!("{ns}/{name}");
                            match change {
                                ChangeType::Added => self.arrive(key),
                                ChangeType::Deleted => {
                                    self.arrived.retain(|k| *k != key);
                                    self.leaving.push(Leaving {
                                        key,
                                        name: name.to_string(),
                                        node: node.to_string(),
                                        until: ticks + LEAVING_TICKS,
                                    });
                                }
                                ChangeType::Modified => {}
                            }
                        }
                        // The scheduler bound a pod.
                        (Object::Event(e), ChangeType::Added)
                            if e.reason.as_deref() == Some("Scheduled")
                                && e.involved_object.kind.as_deref() == Some("Pod") =>
                        {
                            let o = &e.involved_object;
                            let ns = o.namespace.as_deref().unwrap_or_default();
                            let name = o.name.as_deref().unwrap_or_default();
                            self.arrive(format!("{ns}/{name}"));
                        }
                        _ => {}
                    }
                }
                self.seq = Some(seq);
                false
            }
            Err(Closed) => true,
        };
        if closed {
            // So much changed at once (a pasted cluster's thousands of pods) that the
            // cache moved past this watch: pods are drawn where they are now.
            self.seq = Some(cluster.watch("pods"));
        }
        self.leaving.len() != before || !self.arrived.is_empty()
    }

    /// A few at a time: a pasted cluster's thousands land without a flight each.
    fn arrive(&mut self, key: String) {
        if self.arrived.len() < MAX_FLIGHTS && !self.arrived.contains(&key) {
            self.arrived.push(key);
        }
    }
}

/// How long a newly bound pod's chip is drawn in the pending lane before it flies, and
/// the whole animation's length (ms).
const HOLD_MS: f64 = 400.0;
const FLIGHT_MS: f64 = 900.0;

/// Newly bound pods' chips fly from the pending lane into their node (a Web Animations
/// transform from where the lane is to where the chip now sits), unless the person
/// prefers reduced motion.
pub fn fly_in(keys: &[String]) {
    use wasm_bindgen::{JsCast, JsValue};
    let Some(window) = web_sys::window() else {
        return;
    };
    let reduced = window
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches());
    let Some(doc) = window.document() else { return };
    let Some(lane) = doc.query_selector("[data-lane='pending']").ok().flatten() else {
        return;
    };
    if reduced {
        return;
    }
    let from = lane.get_bounding_client_rect();
    for key in keys {
        let selector = format!("[data-node] [data-pod=\"{}\"]", key.replace('"', ""));
        let Some(chip) = doc.query_selector(&selector).ok().flatten() else {
            continue;
        };
        let to = chip.get_bounding_client_rect();
        let (dx, dy) = (from.left() + 12.0 - to.left(), from.top() + 24.0 - to.top());
        let frame = |transform: &str, opacity: f64, offset: f64| {
            let o = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&o, &"transform".into(), &transform.into());
            let _ = js_sys::Reflect::set(&o, &"opacity".into(), &opacity.into());
            let _ = js_sys::Reflect::set(&o, &"offset".into(), &offset.into());
            o
        };
        // The chip first waits in the pending lane (the scheduler binds within the
        // frame an Apply is drawn in, so the lane would never be seen), then flies.
        let lane = format!("translate({dx}px, {dy}px) scale(.9)");
        let frames = js_sys::Array::of3(
            &frame(&lane, 0.6, 0.0),
            &frame(&lane, 1.0, HOLD_MS / FLIGHT_MS),
            &frame("none", 1.0, 1.0),
        );
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"duration".into(), &JsValue::from(FLIGHT_MS));
        let _ = js_sys::Reflect::set(&options, &"easing".into(), &"ease-out".into());
        if let Ok(animate) = js_sys::Reflect::get(&chip, &"animate".into()) {
            if let Some(f) = animate.dyn_ref::<js_sys::Function>() {
                let _ = f.call2(&chip, &frames, &options);
            }
        }
    }
}
