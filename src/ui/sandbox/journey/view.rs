//! One record's journey as the panel draws it: [`JourneyView::build`] turns the
//! [`JourneyBook`]'s memory of a record into lines, with "not yet" for the steps still
//! expected. Plain Rust, no Yew.

use crate::engine::sorted::{VecMap, VecSet};

use crate::engine::{Acks, BrokerId, RecordId, Simulation};

use super::book::{Journey, JourneyBook, StepKind};
use crate::ui::sandbox::events::text::time_label;

/// One line of the journey as drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JourneyLine {
    /// `t=12.4 s`, or `None` for a step still expected ("not yet").
    pub time_label: Option<String>,
    pub text: String,
    pub tone: Tone,
}

/// How a line reads: a normal step, one still pending, or bad news.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Done,
    Pending,
    Warning,
    Loss,
}

/// A record's journey as drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JourneyView {
    pub record: RecordId,
    /// "record 42 · key "user-7" → orders-1".
    pub title: String,
    pub lines: Vec<JourneyLine>,
    /// Where the record is now: "in the leader's log at offset 17", or "lost: ...".
    pub now: String,
    pub lost: bool,
}

fn broker_name(broker: BrokerId) -> String {
    format!("broker {}", broker.0)
}

impl JourneyView {
    /// The journey of `record`, or `None` if the book does not have it (never sent, or
    /// forgotten).
    pub fn build(book: &JourneyBook, record: RecordId, sim: &Simulation) -> Option<JourneyView> {
        let journey = book.journey(record)?;
        let tp = &journey.partition;
        let mut lines = vec![JourneyLine {
            time_label: Some(time_label(journey.sent_at)),
            text: format!(
                "sent by producer {} to {tp}{}",
                journey.producer.0,
                match &journey.key {
                    Some(key) => format!(" (key {key:?})"),
                    None => " (no key)".to_owned(),
                }
            ),
            tone: Tone::Done,
        }];
        let mut reading = StepReading::default();
        for step in &journey.steps {
            let (text, tone) = reading.line(&step.kind);
            lines.push(JourneyLine {
                time_label: Some(time_label(step.at)),
                text,
                tone,
            });
        }
        let failed = journey.has(|k| matches!(k, StepKind::Failed { .. }));
        lines.extend(
            pending(journey, sim, &reading, failed)
                .into_iter()
                .map(|text| JourneyLine {
                    time_label: None,
                    text,
                    tone: Tone::Pending,
                }),
        );
        let (now, lost) = where_now(journey, record, sim, failed);
        let title = format!(
            "record {} · {} → {tp}",
            record.0,
            match &journey.key {
                Some(key) => format!("key {key:?}"),
                None => "no key".to_owned(),
            }
        );
        Some(JourneyView {
            record,
            title,
            lines,
            now,
            lost,
        })
    }
}

/// What reading the steps in order has learnt so far: deliveries per reader (a second one is
/// a duplicate) and the leader that appended the record first (a second append is a retry).
#[derive(Default)]
struct StepReading {
    deliveries: VecMap<String, u32>,
    append_leader: Option<BrokerId>,
}

impl StepReading {
    /// The next step's line and tone.
    fn line(&mut self, step: &StepKind) -> (String, Tone) {
        let deliveries = &mut self.deliveries;
        let append_leader = &mut self.append_leader;
        match step {
                StepKind::Appended {
                    broker,
                    offset,
                    leader_epoch,
                } => {
                    let again = append_leader.is_some();
                    append_leader.get_or_insert(*broker);
                    (
                        format!(
                            "appended{} by the leader, {}, at offset {offset} (epoch {leader_epoch})",
                            if again { " again (a retry, not idempotent: a duplicate)" } else { "" },
                            broker_name(*broker)
                        ),
                        if again { Tone::Warning } else { Tone::Done },
                    )
                }
                StepKind::Copied { broker, offset } => (
                    format!("copied by follower {} (offset {offset})", broker_name(*broker)),
                    Tone::Done,
                ),
                StepKind::HighWatermarkPassed { broker } => (
                    format!(
                        "passed by the high watermark on {}: every in-sync replica has it, consumers may read it",
                        broker_name(*broker)
                    ),
                    Tone::Done,
                ),
                StepKind::Acknowledged { offset } => (
                    match offset {
                        Some(offset) => format!("acknowledged to the producer (offset {offset})"),
                        None => "counted as sent without an answer (acks=0)".to_owned(),
                    },
                    Tone::Done,
                ),
                StepKind::Retried { error, attempt } => (
                    format!("retried after {error} (attempt {attempt})"),
                    Tone::Warning,
                ),
                StepKind::Failed { error } => {
                    (format!("failed: the producer was told {error}"), Tone::Loss)
                }
                StepKind::Truncated { broker } => (
                    format!(
                        "removed from {}'s log: it diverged from the new leader's",
                        broker_name(*broker)
                    ),
                    Tone::Loss,
                ),
                StepKind::Delivered {
                    reader,
                    consumer,
                    offset,
                    in_group,
                } => {
                    let count = deliveries.entry(reader.clone()).or_insert(0);
                    *count += 1;
                    let who = if *in_group {
                        format!("group {reader} (consumer {})", consumer.0)
                    } else {
                        format!("consumer {} (no group)", consumer.0)
                    };
                    if *count == 1 {
                        (format!("delivered to {who} at offset {offset}"), Tone::Done)
                    } else {
                        (
                            format!("delivered AGAIN to {who} at offset {offset}: duplicate #{}", *count - 1),
                            Tone::Warning,
                        )
                    }
                }
                StepKind::Committed { group, consumer } => (
                    format!("committed by group {group} (consumer {})", consumer.0),
                    Tone::Done,
                ),
        }
    }
}

/// The steps still expected, unless the send failed: the append, the copies, the high
/// watermark, the acknowledgement, and a delivery and a commit for every reader of the topic.
fn pending(
    journey: &Journey,
    sim: &Simulation,
    reading: &StepReading,
    failed: bool,
) -> Vec<String> {
    let tp = &journey.partition;
    let acks = sim.producer(journey.producer).map(|p| p.config.acks);
    let append_leader = reading.append_leader;
    let deliveries = &reading.deliveries;
    let mut pending = Vec::new();
    if !failed {
        if append_leader.is_none() {
            pending.push("appended by the leader".to_owned());
        }
        let copied: VecSet<BrokerId> = journey
            .steps
            .iter()
            .filter_map(|s| match s.kind {
                StepKind::Copied { broker, .. } => Some(broker),
                _ => None,
            })
            .collect::<VecSet<_>>();
        if let Some(meta) = sim.partition(tp) {
            let leader = append_leader.or(meta.leader);
            for replica in &meta.replicas {
                if Some(*replica) != leader && !copied.contains(replica) {
                    pending.push(format!("copied by follower {}", broker_name(*replica)));
                }
            }
        }
        if !journey.passed_high_watermark() {
            pending.push("passed by the high watermark".to_owned());
        }
        if !journey.has(|k| matches!(k, StepKind::Acknowledged { .. })) {
            pending.push(match acks {
                Some(Acks::All) => {
                    "acknowledged (acks=all: after every in-sync replica has it)".to_owned()
                }
                Some(Acks::Leader) => "acknowledged (acks=1: after the leader's append)".to_owned(),
                _ => "acknowledged".to_owned(),
            });
        }
    }
    // Every reader of the topic should get it: each group once, each standalone consumer.
    let mut readers: VecSet<String> = VecSet::new();
    let mut groups: VecSet<String> = VecSet::new();
    for consumer in sim
        .consumers()
        .filter(|c| *c.topic == *tp.topic && !c.closed)
    {
        readers.insert(consumer.reader());
        if let Some(client) = &consumer.group {
            groups.insert(client.group.clone());
        }
    }
    if !failed {
        for reader in &readers {
            if !deliveries.contains_key(reader) {
                pending.push(if groups.contains(reader) {
                    format!("delivered to group {reader}")
                } else {
                    format!("delivered to {reader} (no group)")
                });
            }
        }
        for group in &groups {
            if !journey.committed_by(group) {
                pending.push(format!("committed by group {group}"));
            }
        }
    }
    pending
}

/// Where the record is now, read from the current leader's log, and whether it is lost.
fn where_now(
    journey: &Journey,
    record: RecordId,
    sim: &Simulation,
    failed: bool,
) -> (String, bool) {
    let tp = &journey.partition;
    let offset = journey.appended_offsets().next();
    let acknowledged = journey.has(|k| matches!(k, StepKind::Acknowledged { .. }));
    let compacted = sim
        .topic(&tp.topic)
        .is_some_and(|t| t.config.cleanup_policy == crate::engine::CleanupPolicy::Compact);
    match (offset, sim.leader_log(tp)) {
        (None, _) if failed => ("never written: the send failed".to_owned(), false),
        (None, _) => ("on its way: not in any log yet".to_owned(), false),
        (Some(_), None) => (format!("{tp} has no leader now: unavailable"), false),
        (Some(offset), Some(log)) => {
            let still_there = journey
                .appended_offsets()
                .any(|o| log.record_at(o).is_some_and(|r| r.id == record));
            if still_there {
                (
                    format!("in the leader's log of {tp} at offset {offset}"),
                    false,
                )
            } else if offset < log.log_start_offset() {
                ("removed by retention, as configured".to_owned(), false)
            } else if offset < log.high_watermark() && compacted {
                (
                    "removed by compaction: a newer record has the same key".to_owned(),
                    false,
                )
            } else if acknowledged {
                (
                    "LOST: acknowledged to the producer, but no longer in the leader's log"
                        .to_owned(),
                    true,
                )
            } else {
                (
                    "gone from the leader's log (it was never acknowledged)".to_owned(),
                    false,
                )
            }
        }
    }
}
