//! The four built-in pipelines, from `shared/design/pipelines.md`: what the sources say, the
//! diagram, and the settings the simulation needs (each marked sourced or modelled).

mod codementor;
mod coupang_eats;
mod netflix;
mod uber;

pub use codementor::{
    codementor, codementor_with, CodementorShape, DOC as CODEMENTOR_DOC, JAVA_MS, MIX_WHY,
    PROBE_MS, PYTHON_MS,
};
pub use coupang_eats::coupang_eats;
pub use netflix::netflix;
pub(crate) use netflix::{EVOLUTION as NETFLIX_EVOLUTION, KAFKA_INSIDE as NETFLIX_KAFKA_INSIDE};
pub use uber::uber;

use super::model::{
    Behaviour, ClusterSpec, Edge, EdgeStyle, Measure, Node, NodeKind, Pipeline, ProcessorSpec,
    Provenance, ServiceTime, Tier, When,
};

/// Every built-in pipeline, in the order the comparison shows them.
pub fn all() -> Vec<Pipeline> {
    vec![codementor(), coupang_eats(), uber(), netflix()]
}

/// The built-in pipeline with this id (`codementor`, `coupang-eats`, `uber`, `netflix`).
pub fn by_id(id: &str) -> Option<Pipeline> {
    all().into_iter().find(|p| p.id == id)
}

/// The ids of the built-in pipelines.
pub fn ids() -> Vec<String> {
    all().into_iter().map(|p| p.id).collect()
}

/// Why the simulated cluster has three brokers: no source gives broker counts per topic.
const CLUSTER_WHY: &str = "a small cluster that still shows replication; the real ones have hundreds or thousands of brokers";

pub(crate) fn cluster(acks_all: bool, acks_provenance: Provenance) -> ClusterSpec {
    ClusterSpec {
        brokers: Measure::modelled(3, CLUSTER_WHY),
        replication_factor: Measure::modelled(3, "Kafka's usual production replication factor"),
        min_insync_replicas: Measure::modelled(2, "the usual pairing with replication factor 3"),
        acks_all,
        acks_provenance,
    }
}

pub(crate) fn node(
    id: &str,
    label: &str,
    kind: NodeKind,
    (x, y): (f64, f64),
    provenance: Provenance,
    behaviour: Behaviour,
) -> Node {
    Node {
        id: id.to_owned(),
        label: label.to_owned(),
        kind,
        x,
        y,
        provenance,
        behaviour,
    }
}

pub(crate) fn topic(name: &str, partitions: Measure) -> Behaviour {
    Behaviour::Topic {
        name: name.to_owned(),
        partitions,
    }
}

pub(crate) fn stage(service_ms: Measure) -> Behaviour {
    Behaviour::Stage {
        service_ms,
        release_every_ms: None,
    }
}

pub(crate) fn source(share_percent: Measure) -> Behaviour {
    Behaviour::Source { share_percent }
}

/// A processor with 10 records per poll (so a slow worker holds few records outside Kafka and
/// its lag shows), and no holds,
/// batching, failures or autoscaling; callers change what they need.
pub(crate) fn processor(group: &str, members: Measure, service: ServiceTime) -> ProcessorSpec {
    ProcessorSpec {
        group: group.to_owned(),
        members,
        service,
        max_poll_records: 10,
        hold_ms: None,
        release_every_ms: None,
        fails_on_poison: false,
        transient_failures_per_mille: 0,
        autoscale: None,
    }
}

/// A data edge every record takes.
pub(crate) fn data(from: &str, to: &str, label: &str, tier: Tier, provenance: Provenance) -> Edge {
    Edge {
        from: from.to_owned(),
        to: to.to_owned(),
        label: label.to_owned(),
        tier,
        style: EdgeStyle::Data,
        when: When::Always,
        provenance,
    }
}

/// An edge drawn but not travelled by records.
pub(crate) fn drawn(
    from: &str,
    to: &str,
    label: &str,
    style: EdgeStyle,
    tier: Tier,
    provenance: Provenance,
) -> Edge {
    Edge {
        style,
        ..data(from, to, label, tier, provenance)
    }
}

pub(crate) fn when(edge: Edge, when: When) -> Edge {
    Edge { when, ..edge }
}

pub(crate) fn from(node: &str) -> When {
    When::From(node.to_owned())
}
