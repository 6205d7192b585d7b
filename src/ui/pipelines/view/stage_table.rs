//! The live figures of a running pipeline as a table, one row per simulated stage: large
//! enough to read from the back of a room, where the diagram's small print is not.

use crate::pipeline::model::Behaviour;
use crate::pipeline::PipelineRun;

use super::diagram::{kind_label, wrap_label, LAG_ALERT};

#[derive(Clone, Debug, PartialEq)]
pub struct StageRow {
    pub node: String,
    pub label: String,
    pub kind: String,
    /// Records per second, formatted: in, or out for a source (which creates them).
    pub rate: String,
    /// Records so far: in, or out for a source.
    pub total: u64,
    /// Consumer lag of a processor's group, formatted; empty for other stages.
    pub lag: String,
    pub members: String,
    pub watched: bool,
    pub alert: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StageTable {
    pub pipeline: String,
    pub rows: Vec<StageRow>,
}

impl StageTable {
    /// Every simulated stage, or only the watched ones when `only_watched` is set.
    pub fn build(
        run: &PipelineRun,
        in_per_sec: &[f64],
        out_per_sec: &[f64],
        watch: &[String],
        only_watched: bool,
    ) -> StageTable {
        let pipeline = run.pipeline();
        let rows = pipeline
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.behaviour != Behaviour::Drawn)
            .filter(|(_, n)| !only_watched || watch.contains(&n.id))
            .map(|(i, node)| {
                let lag = run.lag(&node.id);
                let is_processor = matches!(node.behaviour, Behaviour::Processor(_));
                let is_source = matches!(node.behaviour, Behaviour::Source { .. });
                let (rates, total) = if is_source {
                    (out_per_sec, run.records_out(&node.id))
                } else {
                    (in_per_sec, run.records_in(&node.id))
                };
                StageRow {
                    node: node.id.clone(),
                    label: wrap_label(&node.label).join(" "),
                    kind: kind_label(node.kind).to_owned(),
                    rate: format!("{:.1}", rates.get(i).copied().unwrap_or(0.0)),
                    total,
                    lag: match (is_processor, lag) {
                        (true, Some(lag)) => lag.to_string(),
                        _ => String::new(),
                    },
                    members: run
                        .members(&node.id)
                        .map(|m| m.to_string())
                        .unwrap_or_default(),
                    watched: watch.contains(&node.id),
                    alert: lag.is_some_and(|l| l > LAG_ALERT),
                }
            })
            .collect();
        StageTable {
            pipeline: pipeline.id.clone(),
            rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{builtin, stories};

    #[test]
    fn rows_cover_simulated_stages_only() {
        let pipeline = builtin::netflix();
        let run = PipelineRun::new(&pipeline, 1, crate::pipeline::Load::standard());
        let table = StageTable::build(&run, &[], &[], &[], false);
        assert!(table.rows.iter().any(|r| r.node == "fk"));
        assert!(
            !table.rows.iter().any(|r| r.node == "ctl"),
            "the control plane is not simulated"
        );
        let router = table.rows.iter().find(|r| r.node == "r_es").unwrap();
        assert_eq!(router.members, "2");
        assert_eq!(router.lag, "0");
        assert_eq!(router.kind, "consumer group");
        let mut run = run;
        run.advance_to(10_000);
        let table = StageTable::build(&run, &[], &[], &[], false);
        let apps = table.rows.iter().find(|r| r.node == "apps").unwrap();
        assert!(apps.total > 0, "a source counts the records it sends");
    }

    #[test]
    fn a_slow_sink_shows_as_an_alerting_lag_in_its_own_row_only() {
        let story = stories()
            .into_iter()
            .find(|s| s.id == "netflix-slow-sink")
            .unwrap();
        let mut run = story.start(1);
        run.advance_to(50_000);
        let table = StageTable::build(&run, &[], &[], &story.watch, true);
        assert_eq!(table.rows.len(), story.watch.len());
        let es = table.rows.iter().find(|r| r.node == "r_es").unwrap();
        assert!(es.alert, "lag {}", es.lag);
        for other in ["r_s3", "r_kf"] {
            let row = table.rows.iter().find(|r| r.node == other).unwrap();
            assert!(!row.alert, "{other} lags {}", row.lag);
        }
    }
}
