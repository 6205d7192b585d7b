//! The audit as text a person reads top to bottom: what was sent, what Kafka promised, what it
//! kept, and what the consumers saw.

use std::io::{self, Write};

use kafka_playground::engine::{AuditReport, SimTime};
use kafka_playground::scenario::Scenario;
use serde::Serialize;

/// A scheduled command the engine refused when its time came.
#[derive(Clone, Debug, Serialize)]
pub struct RejectedCommand {
    pub at_ms: u64,
    pub reason: String,
}

pub struct RunSummary<'a> {
    pub scenario: &'a Scenario,
    pub seed: u64,
    pub until: SimTime,
    pub rejected: &'a [RejectedCommand],
    pub audit: &'a AuditReport,
}

/// The width of the label column.
const LABEL_WIDTH: usize = 24;

pub fn write_text(out: &mut impl Write, summary: &RunSummary<'_>) -> io::Result<()> {
    let audit = summary.audit;
    writeln!(
        out,
        "{} (seed {}, ran to {})",
        summary.scenario.name, summary.seed, summary.until
    )?;
    if !summary.rejected.is_empty() {
        writeln!(
            out,
            "{:LABEL_WIDTH$}{}",
            "commands rejected",
            summary.rejected.len()
        )?;
        for rejected in summary.rejected {
            writeln!(
                out,
                "  at {}: {}",
                SimTime::from_ms(rejected.at_ms),
                rejected.reason
            )?;
        }
    }
    writeln!(out)?;
    writeln!(out, "{:LABEL_WIDTH$}{}", "produced", audit.produced)?;
    writeln!(out, "{:LABEL_WIDTH$}{}", "acknowledged", audit.acknowledged)?;
    writeln!(out, "{:LABEL_WIDTH$}{}", "failed", audit.failed)?;
    for (error, count) in &audit.failed_by_error {
        writeln!(out, "  {:w$}{count}", error, w = LABEL_WIDTH - 2)?;
    }
    writeln!(
        out,
        "{:LABEL_WIDTH$}{}",
        "acknowledged then lost",
        audit.acknowledged_then_lost.len()
    )?;
    for lost in &audit.acknowledged_then_lost {
        writeln!(
            out,
            "  {} at {} offset {}: {}",
            lost.record, lost.partition, lost.offset, lost.reason
        )?;
    }
    writeln!(
        out,
        "{:LABEL_WIDTH$}{}",
        "duplicates in log", audit.duplicates_in_log
    )?;
    write_per_reader(out, "duplicates delivered", &audit.duplicates_delivered)?;
    write_per_reader(out, "reordered per key", &audit.reordered_per_key)?;
    let latency = &audit.end_to_end_latency;
    if latency.count == 0 {
        writeln!(
            out,
            "{:LABEL_WIDTH$}no record was delivered",
            "end-to-end latency"
        )?;
    } else {
        writeln!(
            out,
            "{:LABEL_WIDTH$}p50 {} ms, p99 {} ms, max {} ms ({} records)",
            "end-to-end latency", latency.p50_ms, latency.p99_ms, latency.max_ms, latency.count
        )?;
    }
    if audit.lag.is_empty() {
        writeln!(out, "{:LABEL_WIDTH$}no consumers", "lag")?;
    } else {
        writeln!(out, "lag")?;
        for (reader, partitions) in &audit.lag {
            let total: u64 = partitions.values().sum();
            writeln!(out, "  {:w$}{total}", reader, w = LABEL_WIDTH - 2)?;
            for (partition, lag) in partitions {
                writeln!(out, "    {:w$}{lag}", partition, w = LABEL_WIDTH - 4)?;
            }
        }
    }
    Ok(())
}

/// A figure per reader (a group or a consumer without one), or "none" without readers.
fn write_per_reader(
    out: &mut impl Write,
    label: &str,
    per_reader: &kafka_playground::engine::sorted::VecMap<String, u64>,
) -> io::Result<()> {
    if per_reader.is_empty() {
        return writeln!(out, "{label:LABEL_WIDTH$}no reader");
    }
    let total: u64 = per_reader.values().sum();
    writeln!(out, "{label:LABEL_WIDTH$}{total}")?;
    for (reader, count) in per_reader {
        writeln!(out, "  {:w$}{count}", reader, w = LABEL_WIDTH - 2)?;
    }
    Ok(())
}
