//! The comparison table: one column per pipeline, one row per aspect (ingestion point, Kafka
//! hops, fan-out, latency tiers, replay and DLQ, published scale), every cell with its
//! provenance badge, and beside the sourced statements what the simulated graph counts.

use crate::pipeline::model::{Fact, Pipeline};
use crate::pipeline::{comparison, ComparisonRow};

use super::badge::Badge;

#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub value: String,
    /// The year the source states it for, when it has one.
    pub year: Option<String>,
    pub badge: Badge,
    /// What the pipeline's graph says about the same aspect, when it can be counted.
    pub counted: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AspectRow {
    pub aspect: &'static str,
    pub cells: Vec<Cell>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ComparisonTable {
    /// Pipeline names, in column order.
    pub columns: Vec<String>,
    pub rows: Vec<AspectRow>,
}

fn cell(fact: &Fact, pipeline: &Pipeline, counted: Option<String>) -> Cell {
    Cell {
        value: fact.value.clone(),
        year: fact.year.clone(),
        badge: Badge::build(&fact.provenance, &pipeline.sources),
        counted,
    }
}

fn plural(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

impl ComparisonTable {
    pub fn build(pipelines: &[Pipeline]) -> ComparisonTable {
        let rows: Vec<ComparisonRow> = comparison(pipelines);
        let aspect =
            |name: &'static str, get: &dyn Fn(&ComparisonRow, &Pipeline) -> Cell| AspectRow {
                aspect: name,
                cells: rows.iter().zip(pipelines).map(|(r, p)| get(r, p)).collect(),
            };
        let tiers = |r: &ComparisonRow| {
            r.tiers
                .iter()
                .map(|t| t.label())
                .collect::<Vec<_>>()
                .join(", ")
        };
        ComparisonTable {
            columns: rows.iter().map(|r| r.name.clone()).collect(),
            rows: vec![
                aspect("Ingestion point", &|r, p| cell(&r.ingestion_point, p, None)),
                aspect("Kafka hops", &|r, p| {
                    cell(
                        &r.kafka_hops,
                        p,
                        Some(format!(
                            "simulated: {} on the longest path",
                            plural(r.kafka_hops_counted, "topic", "topics")
                        )),
                    )
                }),
                aspect("Fan-out", &|r, p| {
                    cell(
                        &r.fan_out,
                        p,
                        Some(format!(
                            "simulated: {}; up to {} on one topic",
                            plural(r.ends_counted, "end point", "end points"),
                            plural(r.max_groups_per_topic, "group", "groups")
                        )),
                    )
                }),
                aspect("Latency tiers", &|r, p| {
                    cell(
                        &r.latency_tiers,
                        p,
                        Some(format!("simulated: {}", tiers(r))),
                    )
                }),
                aspect("Replay / DLQ", &|r, p| {
                    cell(
                        &r.replay_and_dlq,
                        p,
                        Some(
                            if r.has_failure_path {
                                "simulated: failed records take retry topics"
                            } else {
                                "simulated: no failure path"
                            }
                            .to_owned(),
                        ),
                    )
                }),
                aspect("Published scale", &|r, p| cell(&r.published_scale, p, None)),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::builtin;

    #[test]
    fn one_column_per_pipeline_and_the_six_aspects() {
        let table = ComparisonTable::build(&builtin::all());
        assert_eq!(table.columns.len(), 4);
        let aspects: Vec<&str> = table.rows.iter().map(|r| r.aspect).collect();
        assert_eq!(
            aspects,
            vec![
                "Ingestion point",
                "Kafka hops",
                "Fan-out",
                "Latency tiers",
                "Replay / DLQ",
                "Published scale"
            ]
        );
        assert!(table.rows.iter().all(|r| r.cells.len() == 4));
    }

    #[test]
    fn published_scale_has_a_year_and_a_source_where_sourced() {
        let table = ComparisonTable::build(&builtin::all());
        let scale = table
            .rows
            .iter()
            .find(|r| r.aspect == "Published scale")
            .unwrap();
        let netflix = table
            .columns
            .iter()
            .position(|c| c.contains("Netflix"))
            .unwrap();
        let cell = &scale.cells[netflix];
        assert!(cell.badge.sourced);
        assert!(cell.badge.text.starts_with('S'));
        assert!(cell.year.is_some());
    }

    #[test]
    fn hops_show_what_the_graph_counts() {
        let pipelines = vec![builtin::netflix()];
        let table = ComparisonTable::build(&pipelines);
        let hops = &table.rows[1].cells[0];
        assert_eq!(
            hops.counted.as_deref(),
            Some("simulated: 2 topics on the longest path")
        );
    }
}
