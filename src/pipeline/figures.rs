//! What a running pipeline shows: per-stage counts, throughput, lag and latency.

use serde::Serialize;

use super::model::NodeKind;
use crate::engine::LatencySummary;

/// One stage (node) of a running pipeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StageFigures {
    pub node: String,
    pub label: String,
    pub kind: NodeKind,
    /// Appended, for a topic; polled or received, for anything else.
    pub records_in: u64,
    /// Read by its consumer groups, for a topic; forwarded, for anything else.
    pub records_out: u64,
    /// Records in per second over the window.
    pub throughput_per_sec: f64,
    /// Kafka's consumer lag of a processor's group (high watermark minus committed offset).
    pub lag: Option<u64>,
    /// Running members of a processor's group.
    pub members: Option<u32>,
    /// Records being served, or held until a batch is released.
    pub in_progress: u64,
    /// Records whose processing failed here (they take the failure edges).
    pub failed: u64,
    /// Records that failed with no failure edge to take.
    pub dropped: u64,
    /// Records a producer gave up on, for a topic.
    pub lost: u64,
    /// End-to-end latency of the records that ended here.
    pub latency: Option<LatencySummary>,
}

/// A pipeline run's figures at one moment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunFigures {
    pub pipeline: String,
    pub seed: u64,
    pub at_ms: u64,
    pub window_ms: u64,
    /// Synthetic records created.
    pub created: u64,
    /// Arrivals at the end of a path (a record that fans out ends several times).
    pub delivered: u64,
    pub end_to_end: LatencySummary,
    pub stages: Vec<StageFigures>,
    pub rejections: Vec<String>,
}

impl RunFigures {
    pub fn stage(&self, node: &str) -> Option<&StageFigures> {
        self.stages.iter().find(|s| s.node == node)
    }
}

/// Count, p50, p99 and max by the nearest-rank method (the smallest value with at least that
/// share of the samples at or below it).
pub fn latency_summary(samples_ms: &[u64]) -> LatencySummary {
    if samples_ms.is_empty() {
        return LatencySummary::default();
    }
    let mut sorted = samples_ms.to_vec();
    sorted.sort_unstable();
    let rank = |percent: u64| {
        let n = sorted.len() as u64;
        let index = (percent * n).div_ceil(100).max(1) - 1;
        sorted[index as usize]
    };
    LatencySummary {
        count: sorted.len() as u64,
        p50_ms: rank(50),
        p99_ms: rank(99),
        max_ms: *sorted.last().expect("not empty"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<u64> = (1..=100).collect();
        let summary = latency_summary(&samples);
        assert_eq!(
            (
                summary.count,
                summary.p50_ms,
                summary.p99_ms,
                summary.max_ms
            ),
            (100, 50, 99, 100)
        );
        let one = latency_summary(&[7]);
        assert_eq!((one.p50_ms, one.p99_ms, one.max_ms), (7, 7, 7));
        assert_eq!(latency_summary(&[]), LatencySummary::default());
    }
}
