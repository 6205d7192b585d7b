//! The comparison table: the sourced statements of each pipeline next to what its graph says
//! (Kafka hops, sinks, groups per topic, tiers), so the two can be checked against each other.

use crate::engine::sorted::VecSet;

use serde::Serialize;

use super::model::{Behaviour, EdgeStyle, Fact, Pipeline, Tier, When};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ComparisonRow {
    pub pipeline: String,
    pub name: String,
    pub ingestion_point: Fact,
    pub kafka_hops: Fact,
    /// The most topics a record crosses on one path from a source, failure paths excluded.
    pub kafka_hops_counted: u32,
    pub fan_out: Fact,
    /// Distinct places where records end, failure paths excluded.
    pub ends_counted: u32,
    /// The most consumer groups reading one topic.
    pub max_groups_per_topic: u32,
    pub latency_tiers: Fact,
    /// The tiers of the data edges, in order.
    pub tiers: Vec<Tier>,
    pub replay_and_dlq: Fact,
    /// Whether failed records have somewhere to go (retry topics, a DLQ).
    pub has_failure_path: bool,
    pub published_scale: Fact,
}

/// One row per pipeline, in the order given.
pub fn comparison(pipelines: &[Pipeline]) -> Vec<ComparisonRow> {
    pipelines.iter().map(row).collect()
}

fn row(pipeline: &Pipeline) -> ComparisonRow {
    let (hops, ends) = walk(pipeline);
    let c = &pipeline.comparison;
    let tiers: VecSet<Tier> = pipeline
        .edges
        .iter()
        .filter(|e| e.style == EdgeStyle::Data && e.tier != Tier::None)
        .map(|e| e.tier)
        .collect();
    ComparisonRow {
        pipeline: pipeline.id.clone(),
        name: pipeline.name.clone(),
        ingestion_point: c.ingestion_point.clone(),
        kafka_hops: c.kafka_hops.clone(),
        kafka_hops_counted: hops,
        fan_out: c.fan_out.clone(),
        ends_counted: ends.len() as u32,
        max_groups_per_topic: max_groups_per_topic(pipeline),
        latency_tiers: c.latency_tiers.clone(),
        tiers: tiers.into_iter().collect(),
        replay_and_dlq: c.replay_and_dlq.clone(),
        has_failure_path: pipeline.edges.iter().any(|e| e.when == When::Failure),
        published_scale: c.published_scale.clone(),
    }
}

fn is_topic(pipeline: &Pipeline, id: &str) -> bool {
    matches!(
        pipeline.node(id).map(|n| &n.behaviour),
        Some(Behaviour::Topic { .. })
    )
}

fn max_groups_per_topic(pipeline: &Pipeline) -> u32 {
    pipeline
        .nodes
        .iter()
        .filter(|n| matches!(n.behaviour, Behaviour::Topic { .. }))
        .map(|topic| {
            pipeline
                .edges
                .iter()
                .filter(|e| e.style == EdgeStyle::Data && e.from == topic.id)
                .filter(|e| {
                    matches!(
                        pipeline.node(&e.to).map(|n| &n.behaviour),
                        Some(Behaviour::Processor(_))
                    )
                })
                .count() as u32
        })
        .max()
        .unwrap_or(0)
}

/// Walks every path from every source along the data edges a successful record takes,
/// returning the most topics on one path and the nodes where paths end.
fn walk(pipeline: &Pipeline) -> (u32, VecSet<String>) {
    let mut walk = Walk {
        pipeline,
        seen: VecSet::new(),
        best: 0,
        ends: VecSet::new(),
    };
    for source in pipeline
        .nodes
        .iter()
        .filter(|n| matches!(n.behaviour, Behaviour::Source { .. }))
    {
        // Each source's walk starts afresh: a node reached from two sources counts for both.
        walk.seen.clear();
        walk.visit(&source.id, &source.id, 0, true);
    }
    (walk.best, walk.ends)
}

/// What a walk over the graph has found so far.
struct Walk<'a> {
    pipeline: &'a Pipeline,
    /// (node, the node it was entered from) pairs already visited on this source's walk.
    seen: VecSet<(String, String)>,
    /// The most topics on one path.
    best: u32,
    /// The nodes where paths end.
    ends: VecSet<String>,
}

impl Walk<'_> {
    fn visit(&mut self, node: &str, came_from: &str, topics: u32, at_source: bool) {
        let pipeline = self.pipeline;
        // A node is visited once per input, so a request/reply loop through one server ends.
        if !self.seen.insert((node.to_owned(), came_from.to_owned())) {
            return;
        }
        let topics = topics + u32::from(is_topic(pipeline, node));
        self.best = self.best.max(topics);
        let next: Vec<&str> = pipeline
            .edges
            .iter()
            .filter(|e| e.style == EdgeStyle::Data && e.from == node)
            .filter(|e| match &e.when {
                When::Always | When::Success => true,
                When::Failure => false,
                When::From(input) => input == came_from,
            })
            .map(|e| e.to.as_str())
            .collect();
        let is_source = matches!(
            pipeline.node(node).map(|n| &n.behaviour),
            Some(Behaviour::Source { .. })
        );
        if next.is_empty() || (is_source && !at_source) {
            self.ends.insert(node.to_owned());
            return;
        }
        for to in next {
            self.visit(to, node, topics, false);
        }
    }
}
