//! A pipeline as data: nodes, edges, the facts behind them and where each fact comes from.
//!
//! Nothing here runs; [`super::run::PipelineRun`] turns a [`Pipeline`] into engine topics,
//! producers and consumer groups. Positions are in a unit square (`x` left to right, `y` top
//! to bottom, both in `0.0..=1.0`) so a view can scale the diagram to any size.

use serde::Serialize;

/// Where a number or a piece of structure comes from. The screen marks the two differently.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Provenance {
    /// A public source (or the CodeMentor source document) says it. `source` is the `id` of one
    /// of the pipeline's [`Source`]s.
    Sourced { source: String },
    /// The playground chose it, for the reason given.
    Modelled { why: String },
}

impl Provenance {
    pub fn sourced(source: &str) -> Self {
        Provenance::Sourced {
            source: source.to_owned(),
        }
    }

    pub fn modelled(why: &str) -> Self {
        Provenance::Modelled {
            why: why.to_owned(),
        }
    }

    pub fn is_sourced(&self) -> bool {
        matches!(self, Provenance::Sourced { .. })
    }
}

/// A number the simulation uses, with its provenance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Measure {
    pub value: u64,
    pub provenance: Provenance,
}

impl Measure {
    pub fn sourced(value: u64, source: &str) -> Self {
        Measure {
            value,
            provenance: Provenance::sourced(source),
        }
    }

    pub fn modelled(value: u64, why: &str) -> Self {
        Measure {
            value,
            provenance: Provenance::modelled(why),
        }
    }
}

/// A statement shown on screen: a key number, a comparison cell, a caveat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fact {
    pub label: String,
    pub value: String,
    /// The year the source states it for, when it has one.
    pub year: Option<String>,
    pub provenance: Provenance,
}

impl Fact {
    pub fn new(label: &str, value: &str, year: Option<&str>, provenance: Provenance) -> Self {
        Fact {
            label: label.to_owned(),
            value: value.to_owned(),
            year: year.map(str::to_owned),
            provenance,
        }
    }
}

/// A public source, cited by its `id` from [`Provenance::Sourced`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub date: String,
    /// Empty for the CodeMentor source document, which has no public address.
    pub url: String,
}

impl Source {
    pub fn new(id: &str, title: &str, date: &str, url: &str) -> Self {
        Source {
            id: id.to_owned(),
            title: title.to_owned(),
            date: date.to_owned(),
            url: url.to_owned(),
        }
    }
}

/// What a node is drawn as (the `kind` column of the diagrams in the design notes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Client,
    Producer,
    Proxy,
    Kafka,
    Processor,
    Replicator,
    Service,
    Sink,
    External,
    Control,
    Audit,
}

/// How long a node takes per record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ServiceTime {
    /// The same for every record.
    Fixed { ms: Measure },
    /// One time per record class (see [`Pipeline::classes`]), in the classes' order.
    ByClass { ms: Vec<Measure> },
}

impl ServiceTime {
    pub fn fixed(ms: Measure) -> Self {
        ServiceTime::Fixed { ms }
    }

    /// The time for a record of `class`.
    pub fn for_class(&self, class: u32) -> u64 {
        match self {
            ServiceTime::Fixed { ms } => ms.value,
            ServiceTime::ByClass { ms } => ms
                .get(class as usize)
                .or_else(|| ms.last())
                .map_or(0, |m| m.value),
        }
    }
}

/// Scaling out a consumer group on a probe, the way a Kubernetes autoscaler does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Autoscale {
    /// How often the autoscaler looks at the group's lag.
    pub probe_every_ms: Measure,
    /// The most members it runs; more members than partitions would sit idle.
    pub max_members: Measure,
}

/// A processor: an engine consumer group reading the topic on the processor's incoming edge,
/// processing each record for its service time and forwarding it along its outgoing edges.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProcessorSpec {
    /// The consumer group (`group.id`).
    pub group: String,
    /// Members at the start; each is one engine consumer.
    pub members: Measure,
    pub service: ServiceTime,
    /// `max.poll.records` of its members.
    pub max_poll_records: u32,
    /// A retry lane waits until this long after a record entered its topic before trying it
    /// again (Uber's later retry levels wait longer).
    pub hold_ms: Option<Measure>,
    /// Results become visible only at multiples of this period (a file roll, a commit
    /// interval): the batch-ness of a path.
    pub release_every_ms: Option<Measure>,
    /// Whether processing a poison record fails (it then takes the `Failure` edges).
    pub fails_on_poison: bool,
    /// Records that fail once, in thousandths, chosen by a hash of the seed and the record.
    pub transient_failures_per_mille: u32,
    pub autoscale: Option<Autoscale>,
}

/// What a node does in the simulation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Behaviour {
    /// Drawn for the story, not simulated (a control plane, an external API, a standby cluster).
    Drawn,
    /// Creates its share of the synthetic load; a record that comes back to it (a reply) ends
    /// its journey there.
    Source { share_percent: Measure },
    /// A step outside Kafka (an HTTP hop, a batch job): each record takes `service_ms`, in
    /// parallel, and is released at the next multiple of `release_every_ms` when given.
    Stage {
        service_ms: Measure,
        release_every_ms: Option<Measure>,
    },
    /// An engine topic.
    Topic { name: String, partitions: Measure },
    /// An engine consumer group. Direct (non-Kafka) inputs are served after the same service
    /// time, in parallel, like a [`Behaviour::Stage`].
    Processor(ProcessorSpec),
    /// Where records end.
    Sink,
}

/// One box of the diagram.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Node {
    pub id: String,
    pub label: String,
    pub kind: NodeKind,
    pub x: f64,
    pub y: f64,
    /// Whether the node itself is in the sources or was added to make the model run.
    pub provenance: Provenance,
    pub behaviour: Behaviour,
}

/// The latency tier an edge belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    RealTime,
    NearRealTime,
    Batch,
    None,
}

impl Tier {
    pub fn label(self) -> &'static str {
        match self {
            Tier::RealTime => "real-time",
            Tier::NearRealTime => "near-real-time",
            Tier::Batch => "batch",
            Tier::None => "-",
        }
    }
}

/// How an edge is drawn, and whether records travel on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeStyle {
    /// Records travel on it.
    Data,
    /// A synchronous side call (fetch the problem, save the code): drawn, not simulated.
    Call,
    /// Configuration from a control plane (dashed).
    Control,
    /// A failover path that is not in use (dashed).
    Failover,
    /// Audit counts (dashed).
    Audit,
}

/// Which records take a data edge out of a node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "node", rename_all = "snake_case")]
pub enum When {
    Always,
    /// Only records processed without failure.
    Success,
    /// Only records whose processing failed.
    Failure,
    /// Only records that came into this node from the given node.
    From(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub label: String,
    pub tier: Tier,
    pub style: EdgeStyle,
    pub when: When,
    pub provenance: Provenance,
}

/// A kind of record in the load, with its share (CodeMentor: Python and Java submissions).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordClass {
    pub name: String,
    pub percent: Measure,
}

/// The simulated Kafka cluster a pipeline runs on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClusterSpec {
    pub brokers: Measure,
    pub replication_factor: Measure,
    pub min_insync_replicas: Measure,
    /// `acks` of every producer in the pipeline: 1 or all (-1).
    pub acks_all: bool,
    pub acks_provenance: Provenance,
}

/// The cells of the comparison table that are statements rather than counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ComparisonFacts {
    pub ingestion_point: Fact,
    pub kafka_hops: Fact,
    pub fan_out: Fact,
    pub latency_tiers: Fact,
    pub replay_and_dlq: Fact,
    pub published_scale: Fact,
}

/// A whole pipeline: diagram, simulation settings, facts and sources.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pipeline {
    /// Stable identifier: `codementor`, `coupang-eats`, `uber`, `netflix`.
    pub id: String,
    pub name: String,
    /// The period the model describes (Keystone 2015–2018...).
    pub era: String,
    /// The pattern in one line.
    pub pattern: String,
    /// The role Kafka plays here, in one paragraph.
    pub kafka_role: String,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub classes: Vec<RecordClass>,
    pub cluster: ClusterSpec,
    /// Key numbers, with their years.
    pub facts: Vec<Fact>,
    /// Caveats and gaps in the sources.
    pub caveats: Vec<Fact>,
    pub comparison: ComparisonFacts,
    pub sources: Vec<Source>,
    /// Prefix of the synthetic records' keys (`evt-17`, `sub-17`).
    pub key_prefix: String,
}

impl Pipeline {
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }

    pub fn node_mut(&mut self, id: &str) -> Option<&mut Node> {
        self.nodes.iter_mut().find(|n| n.id == id)
    }

    pub fn processor_mut(&mut self, id: &str) -> Option<&mut ProcessorSpec> {
        match &mut self.node_mut(id)?.behaviour {
            Behaviour::Processor(spec) => Some(spec),
            _ => None,
        }
    }

    /// Every provenance in the pipeline, for checks that each cited source exists.
    pub fn provenances(&self) -> Vec<&Provenance> {
        let mut all: Vec<&Provenance> = Vec::new();
        all.extend(self.nodes.iter().map(|n| &n.provenance));
        all.extend(self.edges.iter().map(|e| &e.provenance));
        all.extend(self.facts.iter().map(|f| &f.provenance));
        all.extend(self.caveats.iter().map(|f| &f.provenance));
        all.extend(self.classes.iter().map(|c| &c.percent.provenance));
        let c = &self.comparison;
        for fact in [
            &c.ingestion_point,
            &c.kafka_hops,
            &c.fan_out,
            &c.latency_tiers,
            &c.replay_and_dlq,
            &c.published_scale,
        ] {
            all.push(&fact.provenance);
        }
        all.push(&self.cluster.brokers.provenance);
        all.push(&self.cluster.replication_factor.provenance);
        all.push(&self.cluster.min_insync_replicas.provenance);
        all.push(&self.cluster.acks_provenance);
        for node in &self.nodes {
            for measure in node.measures() {
                all.push(&measure.provenance);
            }
        }
        all
    }

    /// Structural problems: edges to unknown nodes, citations of unknown sources, positions
    /// outside the unit square, processors without exactly one input topic.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for edge in &self.edges {
            for end in [&edge.from, &edge.to] {
                if self.node(end).is_none() {
                    problems.push(format!("edge {} -> {}: no node {end}", edge.from, edge.to));
                }
            }
        }
        for provenance in self.provenances() {
            if let Provenance::Sourced { source } = provenance {
                if !self.sources.iter().any(|s| &s.id == source) {
                    problems.push(format!("cites unknown source {source}"));
                }
            }
        }
        for node in &self.nodes {
            if !(0.0..=1.0).contains(&node.x) || !(0.0..=1.0).contains(&node.y) {
                problems.push(format!("node {} is outside the unit square", node.id));
            }
            if let Behaviour::Processor(_) = node.behaviour {
                let topics = self
                    .edges
                    .iter()
                    .filter(|e| e.style == EdgeStyle::Data && e.to == node.id)
                    .filter(|e| {
                        matches!(
                            self.node(&e.from).map(|n| &n.behaviour),
                            Some(Behaviour::Topic { .. })
                        )
                    })
                    .count();
                if topics != 1 {
                    problems.push(format!(
                        "processor {} reads {topics} topics; an engine consumer subscribes to one",
                        node.id
                    ));
                }
            }
        }
        problems
    }
}

impl Node {
    /// The numbers this node's behaviour uses.
    pub fn measures(&self) -> Vec<&Measure> {
        match &self.behaviour {
            Behaviour::Drawn | Behaviour::Sink => Vec::new(),
            Behaviour::Source { share_percent } => vec![share_percent],
            Behaviour::Stage {
                service_ms,
                release_every_ms,
            } => std::iter::once(service_ms)
                .chain(release_every_ms.iter())
                .collect(),
            Behaviour::Topic { partitions, .. } => vec![partitions],
            Behaviour::Processor(spec) => {
                let mut all = vec![&spec.members];
                match &spec.service {
                    ServiceTime::Fixed { ms } => all.push(ms),
                    ServiceTime::ByClass { ms } => all.extend(ms.iter()),
                }
                all.extend(spec.hold_ms.iter());
                all.extend(spec.release_every_ms.iter());
                if let Some(scale) = &spec.autoscale {
                    all.push(&scale.probe_every_ms);
                    all.push(&scale.max_members);
                }
                all
            }
        }
    }
}
