//! The audit summary bar, as data: the auditor's totals in a few short items, each with the
//! numbers behind it for a tooltip, and an alarm when acknowledged records were lost. Plain
//! Rust, no Yew.

use crate::engine::AuditReport;

/// One figure of the bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditItem {
    /// A stable name for tests and CSS: "produced", "lost"...
    pub id: &'static str,
    pub label: &'static str,
    pub value: String,
    /// The numbers behind the figure, or what it means.
    pub detail: String,
    /// Drawn as an alarm (with a marker, not only a colour).
    pub alarm: bool,
}

/// The bar as drawn.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditSummaryView {
    pub items: Vec<AuditItem>,
    /// When acknowledged records were lost: one sentence saying what that means and the first
    /// few of them with their reason.
    pub lost_explanation: Option<String>,
}

/// How many lost records the explanation names.
const LOST_NAMED: usize = 3;

fn per_reader(map: &crate::engine::sorted::VecMap<String, u64>, what: &str) -> String {
    if map.is_empty() {
        return format!("no reader yet, so no {what}");
    }
    let parts: Vec<String> = map
        .iter()
        .map(|(reader, n)| format!("{reader}: {n}"))
        .collect();
    parts.join(" · ")
}

/// What the producer's callbacks reported, by error.
fn failed_detail(report: &AuditReport) -> String {
    if report.failed_by_error.is_empty() {
        "no send failed".to_owned()
    } else {
        let parts: Vec<String> = report
            .failed_by_error
            .iter()
            .map(|(error, n)| format!("{error}: {n}"))
            .collect();
        format!("the producer's callback reported: {}", parts.join(" · "))
    }
}

/// The lost records named (the first few) and counted, for the banner.
fn lost_explanation(report: &AuditReport) -> String {
    let lost = report.acknowledged_then_lost.len();
    let named: Vec<String> = report
        .acknowledged_then_lost
        .iter()
        .take(LOST_NAMED)
        .map(|l| {
            format!(
                "record {} ({}@{}): {}",
                l.record.0, l.partition, l.offset, l.reason
            )
        })
        .collect();
    let more = report
        .acknowledged_then_lost
        .len()
        .saturating_sub(LOST_NAMED);
    format!(
        "{lost} record(s) the producer was told were safe are gone. {}{}",
        named.join("; "),
        if more > 0 {
            format!("; and {more} more")
        } else {
            String::new()
        }
    )
}

impl AuditSummaryView {
    pub fn build(report: &AuditReport) -> AuditSummaryView {
        let lost = report.acknowledged_then_lost.len() as u64;
        let duplicates: u64 = report.duplicates_delivered.values().sum();
        let reordered: u64 = report.reordered_per_key.values().sum();
        let lag: u64 = report.lag.values().flat_map(|p| p.values()).sum();
        let latency = &report.end_to_end_latency;
        let failed_detail = failed_detail(report);
        let items = vec![
            AuditItem {
                id: "produced",
                label: "produced",
                value: report.produced.to_string(),
                detail: "records handed to send()".to_owned(),
                alarm: false,
            },
            AuditItem {
                id: "acknowledged",
                label: "acked",
                value: report.acknowledged.to_string(),
                detail: "records the producer was told were written".to_owned(),
                alarm: false,
            },
            AuditItem {
                id: "failed",
                label: "failed",
                value: report.failed.to_string(),
                detail: failed_detail,
                alarm: false,
            },
            AuditItem {
                id: "lost",
                label: "acked then lost",
                value: lost.to_string(),
                detail: if lost == 0 {
                    "no acknowledged record has been lost".to_owned()
                } else {
                    "acknowledged to the producer, then gone from the log".to_owned()
                },
                alarm: lost > 0,
            },
            AuditItem {
                id: "duplicates",
                label: "duplicates",
                value: duplicates.to_string(),
                detail: format!(
                    "deliveries beyond the first, per reader: {}; extra copies in the logs: {}",
                    per_reader(&report.duplicates_delivered, "duplicates"),
                    report.duplicates_in_log
                ),
                alarm: false,
            },
            AuditItem {
                id: "reordered",
                label: "reordered",
                value: reordered.to_string(),
                detail: format!(
                    "records of one key delivered out of send order, per reader: {}",
                    per_reader(&report.reordered_per_key, "reordering")
                ),
                alarm: false,
            },
            AuditItem {
                id: "latency",
                label: "latency p50 / p99 / max",
                value: if latency.count == 0 {
                    "—".to_owned()
                } else {
                    format!(
                        "{} / {} / {} ms",
                        latency.p50_ms, latency.p99_ms, latency.max_ms
                    )
                },
                detail: format!(
                    "from send() to the first delivery, over {} delivered records",
                    latency.count
                ),
                alarm: false,
            },
            AuditItem {
                id: "lag",
                label: "total lag",
                value: lag.to_string(),
                detail: "records written but not yet committed (or read, without a group), summed over every reader and partition".to_owned(),
                alarm: false,
            },
        ];
        let lost_explanation = (lost > 0).then(|| lost_explanation(report));
        AuditSummaryView {
            items,
            lost_explanation,
        }
    }

    pub fn item(&self, id: &str) -> Option<&AuditItem> {
        self.items.iter().find(|item| item.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{LatencySummary, LostRecord, RecordId};

    #[test]
    fn an_empty_run_has_no_alarm() {
        let view = AuditSummaryView::build(&AuditReport::default());
        assert!(view.items.iter().all(|i| !i.alarm));
        assert_eq!(view.item("latency").unwrap().value, "—");
        assert!(view.lost_explanation.is_none());
    }

    #[test]
    fn lost_records_raise_the_alarm_and_are_explained() {
        let lost = |n: u64| LostRecord {
            record: RecordId(n),
            partition: "orders-0".to_owned(),
            offset: n as i64,
            reason: "truncated after an unclean election".to_owned(),
        };
        let report = AuditReport {
            produced: 10,
            acknowledged: 9,
            failed: 1,
            failed_by_error: [("NOT_ENOUGH_REPLICAS".to_owned(), 1)].into(),
            acknowledged_then_lost: (0..5).map(lost).collect(),
            duplicates_delivered: [("billing".to_owned(), 2), ("audit".to_owned(), 1)].into(),
            reordered_per_key: [("billing".to_owned(), 4)].into(),
            end_to_end_latency: LatencySummary {
                count: 4,
                p50_ms: 12,
                p99_ms: 40,
                max_ms: 41,
            },
            lag: [(
                "billing".to_owned(),
                [("orders-0".to_owned(), 3), ("orders-1".to_owned(), 4)].into(),
            )]
            .into(),
            ..AuditReport::default()
        };
        let view = AuditSummaryView::build(&report);
        let lost_item = view.item("lost").unwrap();
        assert!(lost_item.alarm);
        assert_eq!(lost_item.value, "5");
        let explanation = view.lost_explanation.clone().unwrap();
        assert!(
            explanation.contains("record 0 (orders-0@0)"),
            "{explanation}"
        );
        assert!(explanation.ends_with("and 2 more"), "{explanation}");
        assert_eq!(view.item("duplicates").unwrap().value, "3");
        assert!(view
            .item("duplicates")
            .unwrap()
            .detail
            .contains("billing: 2"));
        assert_eq!(view.item("reordered").unwrap().value, "4");
        assert_eq!(view.item("latency").unwrap().value, "12 / 40 / 41 ms");
        assert_eq!(view.item("lag").unwrap().value, "7");
        assert!(view
            .item("failed")
            .unwrap()
            .detail
            .contains("NOT_ENOUGH_REPLICAS: 1"));
    }
}
