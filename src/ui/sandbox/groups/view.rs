//! The consumer groups panel, as data: for every group its coordinator, state, generation and
//! assignor, each member with the partitions it owns (position, committed offset, lag), idle
//! members, rebalances in progress, and the consumers that read without a group. Built from
//! the engine's state and the [`RebalanceWatch`]. Plain Rust, no Yew.

use crate::engine::sorted::VecSet;

use crate::engine::{
    offsets_partition_for, Consumer, ConsumerId, GroupPhase, GroupState, MemberPhase, Simulation,
    TopicPartition, OFFSETS_TOPIC,
};

use crate::ui::sandbox::groups::watch::{GroupMemory, RebalanceWatch};
use crate::ui::shell::palette::{member_style, MemberStyle};

/// How long a partition a member just received is marked "new", in simulated ms.
pub const JUST_ASSIGNED_MS: u64 = 3_000;

/// Below this lag the bar's scale does not shrink, so a lag of 1 is not drawn as full.
const MIN_LAG_SCALE: u64 = 10;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupsView {
    pub groups: Vec<GroupView>,
    pub standalone: Vec<StandaloneView>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GroupView {
    pub id: String,
    pub topic: String,
    /// "broker 2", or why there is none.
    pub coordinator_label: String,
    /// Why that broker: "leader of __consumer_offsets-12 (hash of the group id % 50)".
    pub coordinator_reason: String,
    pub coordinator: Option<crate::engine::BrokerId>,
    pub state: GroupPhase,
    pub state_label: &'static str,
    pub state_explanation: &'static str,
    pub generation: i32,
    /// The assignor the group chose ("range"), or the members' preference before it chose.
    pub assignor: String,
    pub cooperative: bool,
    /// "eager: every member gives up all its partitions while the group rebalances" or the
    /// cooperative equivalent.
    pub protocol_explanation: &'static str,
    pub rebalancing: bool,
    /// "Rebalancing since t=3.2 s: consumer 3 joined" or the latest finished one.
    pub rebalance_note: Option<String>,
    pub members: Vec<MemberView>,
    /// Partitions of the topic no member owns now (after a crash, or mid-rebalance).
    pub unowned: Vec<PartitionRow>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MemberStatus {
    Reading,
    /// Stable with no partition.
    Idle,
    /// In the join protocol (joining or syncing).
    Rebalancing,
    Paused,
    Crashed,
    Closed,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MemberView {
    pub consumer: ConsumerId,
    pub name: String,
    pub style: MemberStyle,
    pub member_id: String,
    pub is_leader: bool,
    pub status: MemberStatus,
    /// The status in words, e.g. "crashed: the coordinator drops it after session.timeout.ms
    /// (10 s)".
    pub status_text: String,
    /// "slow: 20 ms per record", when processing takes time.
    pub slow: Option<String>,
    /// `Some(explanation)` when the member is idle.
    pub idle: Option<String>,
    pub partitions: Vec<PartitionRow>,
    /// Partitions this member gave up in the current rebalance, not yet owned again.
    pub revoked: Vec<RevokedChip>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevokedChip {
    pub partition: TopicPartition,
    /// "revoked" (eager) or "moving" (cooperative).
    pub label: &'static str,
    pub explanation: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PartitionRow {
    pub partition: TopicPartition,
    /// The member's next offset to read, if it has one.
    pub position: Option<u64>,
    /// The group's committed offset (none for a standalone consumer).
    pub committed: Option<u64>,
    pub high_watermark: u64,
    /// High watermark minus the committed offset (or the position, without a group).
    pub lag: u64,
    /// The lag bar's length, 0.0 to 1.0, on a scale shared by the whole panel.
    pub lag_fraction: f64,
    /// The numbers behind the bar.
    pub tooltip: String,
    /// Received within the last [`JUST_ASSIGNED_MS`].
    pub just_assigned: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StandaloneView {
    pub consumer: ConsumerId,
    pub name: String,
    pub style: MemberStyle,
    pub topic: String,
    pub status: MemberStatus,
    pub status_text: String,
    pub slow: Option<String>,
    pub partitions: Vec<PartitionRow>,
}

fn state_words(phase: GroupPhase) -> (&'static str, &'static str) {
    match phase {
        GroupPhase::Empty => (
            "Empty",
            "no members; its committed offsets are kept for when one joins",
        ),
        GroupPhase::PreparingRebalance => (
            "PreparingRebalance",
            "waiting for every member to (re)join before partitions are shared out",
        ),
        GroupPhase::CompletingRebalance => (
            "CompletingRebalance",
            "the leader computed the assignment; members are collecting it (SyncGroup)",
        ),
        GroupPhase::Stable => ("Stable", "every member has its partitions and reads them"),
        GroupPhase::Dead => ("Dead", "the group is gone: no members and no offsets"),
    }
}

fn seconds(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

fn high_watermark(sim: &Simulation, tp: &TopicPartition) -> u64 {
    sim.leader_log(tp).map_or(0, |log| log.high_watermark().0)
}

/// Status of a consumer in words; the same rules for members and standalone consumers.
fn status_of(consumer: &Consumer) -> (MemberStatus, String) {
    if consumer.crashed {
        let text = match &consumer.group {
            Some(_) => format!(
                "crashed: the coordinator drops it after session.timeout.ms ({}) without a heartbeat",
                seconds(consumer.config.session_timeout_ms)
            ),
            None => "crashed: nobody reads its partitions".to_owned(),
        };
        return (MemberStatus::Crashed, text);
    }
    if consumer.closed {
        return (MemberStatus::Closed, "closed: it left cleanly".to_owned());
    }
    if consumer.paused {
        let text = match &consumer.group {
            Some(_) => format!(
                "paused: not polling; after max.poll.interval.ms ({}) it leaves the group",
                seconds(consumer.config.max_poll_interval_ms)
            ),
            None => "paused: not polling".to_owned(),
        };
        return (MemberStatus::Paused, text);
    }
    match &consumer.group {
        Some(client) if client.phase != MemberPhase::Stable => {
            let text = match client.phase {
                MemberPhase::Unjoined => "looking for its coordinator to join",
                MemberPhase::Joining => "joining: waiting for the join phase to end (JoinGroup)",
                MemberPhase::Syncing => "syncing: waiting for its assignment (SyncGroup)",
                MemberPhase::Stable => unreachable!("matched above"),
            };
            (MemberStatus::Rebalancing, text.to_owned())
        }
        _ => (MemberStatus::Reading, "reading".to_owned()),
    }
}

fn slow_of(consumer: &Consumer) -> Option<String> {
    (consumer.config.processing_time_ms > 0)
        .then(|| format!("slow: {} ms per record", consumer.config.processing_time_ms))
}

fn row(
    sim: &Simulation,
    tp: TopicPartition,
    position: Option<u64>,
    committed: Option<u64>,
    with_group: bool,
    just_assigned: bool,
) -> PartitionRow {
    let high_watermark = high_watermark(sim, &tp);
    let (lag, tooltip) = if with_group {
        // As the auditor counts it: without a committed offset, everything is behind.
        let base = committed.unwrap_or(0);
        let lag = high_watermark.saturating_sub(base);
        let committed_text = committed.map_or_else(|| "none".to_owned(), |c| c.to_string());
        (
            lag,
            format!(
                "{tp}: high watermark {high_watermark} − committed {committed_text} = lag {lag}; position {}",
                position.map_or_else(|| "none yet".to_owned(), |p| p.to_string())
            ),
        )
    } else {
        let base = position.unwrap_or(0);
        let lag = high_watermark.saturating_sub(base);
        (
            lag,
            format!(
                "{tp}: high watermark {high_watermark} − position {} = lag {lag}",
                position.map_or_else(|| "none yet".to_owned(), |p| p.to_string())
            ),
        )
    };
    PartitionRow {
        partition: tp,
        position,
        committed,
        high_watermark,
        lag,
        lag_fraction: 0.0,
        tooltip,
        just_assigned,
    }
}

impl GroupsView {
    /// The panel for the simulation now. `watch` is the observer fed with the same run.
    pub fn build(sim: &Simulation, watch: &RebalanceWatch) -> GroupsView {
        let mut view = GroupsView::default();
        let offsets_partitions = sim.topic(OFFSETS_TOPIC).map(|t| t.partition_count());
        for group in sim.groups() {
            let memory = watch.group(&group.id);
            view.groups
                .push(group_view(sim, group, memory, offsets_partitions));
        }
        for consumer in sim.consumers().filter(|c| c.group.is_none() && !c.closed) {
            view.standalone.push(standalone_view(sim, consumer));
        }
        view.scale_lag_bars();
        view
    }

    /// Every lag bar on one scale: the largest lag in the panel (at least a few records).
    fn scale_lag_bars(&mut self) {
        let rows = self
            .groups
            .iter_mut()
            .flat_map(|g| {
                g.members
                    .iter_mut()
                    .flat_map(|m| m.partitions.iter_mut())
                    .chain(g.unowned.iter_mut())
            })
            .chain(
                self.standalone
                    .iter_mut()
                    .flat_map(|s| s.partitions.iter_mut()),
            );
        let rows: Vec<&mut PartitionRow> = rows.collect();
        let scale = rows
            .iter()
            .map(|r| r.lag)
            .max()
            .unwrap_or(0)
            .max(MIN_LAG_SCALE);
        for row in rows {
            row.lag_fraction = row.lag as f64 / scale as f64;
        }
    }
}

/// The topic a group's view draws: its first consumer's, else a member's first subscribed
/// topic, else the topic of a committed offset.
fn group_topic(consumers: &[&Consumer], group: &GroupState) -> String {
    consumers
        .first()
        .map(|c| c.topic.clone())
        .or_else(|| {
            group
                .members
                .values()
                .next()
                .and_then(|m| m.topics.first().cloned())
        })
        .or_else(|| group.offsets.keys().next().map(|tp| tp.topic.to_string()))
        .unwrap_or_default()
}

/// One group: its coordinator, state, protocol, members and unowned partitions.
fn group_view(
    sim: &Simulation,
    group: &GroupState,
    memory: Option<&GroupMemory>,
    offsets_partitions: Option<u32>,
) -> GroupView {
    // Members: the consumers that belong to the group, plus any the coordinator still
    // counts (a crashed member stays until its session times out).
    let coordinator_members: VecSet<ConsumerId> = group
        .members
        .values()
        .map(|m| m.consumer)
        .collect::<VecSet<_>>();
    let consumers: Vec<&Consumer> = sim
        .consumers()
        .filter(|c| c.group.as_ref().is_some_and(|g| g.group == group.id))
        .filter(|c| !c.closed || coordinator_members.contains(&c.id))
        .collect();
    let topic = group_topic(&consumers, group);
    let partition_count = sim.topic(&topic).map_or(0, |t| t.partition_count());
    let (state_label, state_explanation) = state_words(group.phase);
    let assignor = group.protocol.clone().unwrap_or_else(|| {
        consumers
            .first()
            .and_then(|c| c.config.partition_assignment_strategy.first().cloned())
            .unwrap_or_default()
    });
    let cooperative = crate::engine::assignor::AssignorKind::from_name(&assignor)
        .is_some_and(crate::engine::assignor::AssignorKind::is_cooperative);
    let rebalancing = matches!(
        group.phase,
        GroupPhase::PreparingRebalance | GroupPhase::CompletingRebalance
    ) || memory.is_some_and(|m| !m.revoked.is_empty());
    let rebalance_note = memory
        .and_then(|m| m.last_rebalance.as_ref())
        .map(|(at, reason)| {
            if rebalancing {
                format!(
                    "Rebalancing since {}: {reason}",
                    crate::ui::sandbox::events::text::time_label(*at)
                )
            } else {
                format!(
                    "Last rebalance at {}: {reason}",
                    crate::ui::sandbox::events::text::time_label(*at)
                )
            }
        });
    let (coordinator_label, coordinator_reason) = coordinator_words(sim, group, offsets_partitions);

    let ctx = MemberCtx {
        sim,
        group,
        memory,
        cooperative,
        live_members: consumers.iter().filter(|c| !c.crashed && !c.closed).count() as u32,
        partition_count,
    };
    let mut owned_anywhere = VecSet::new();
    let members = consumers
        .iter()
        .map(|consumer| ctx.member_view(consumer, &mut owned_anywhere))
        .collect();
    let unowned = (0..partition_count)
        .map(|index| TopicPartition::new(topic.clone(), index))
        .filter(|tp| !owned_anywhere.contains(tp))
        .map(|tp| {
            let committed = group.offsets.get(&tp).map(|o| o.0);
            row(sim, tp, None, committed, true, false)
        })
        .collect();
    let cooperative_text = if cooperative {
        "cooperative: only the partitions that change owner stop while the group rebalances"
    } else {
        "eager: every member gives up all its partitions while the group rebalances"
    };
    GroupView {
        id: group.id.clone(),
        topic,
        coordinator: sim.coordinator_for(&group.id),
        coordinator_label,
        coordinator_reason,
        state: group.phase,
        state_label,
        state_explanation,
        generation: group.generation,
        assignor,
        cooperative,
        protocol_explanation: cooperative_text,
        rebalancing,
        rebalance_note,
        members,
        unowned,
    }
}

/// Which broker coordinates the group, and why that one: the leader of the offsets topic's
/// partition that the group's id hashes to.
fn coordinator_words(
    sim: &Simulation,
    group: &GroupState,
    offsets_partitions: Option<u32>,
) -> (String, String) {
    match offsets_partitions {
        Some(count) => {
            let index = offsets_partition_for(&group.id, count);
            let label = match sim.coordinator_for(&group.id) {
                Some(broker) => format!("broker {}", broker.0),
                None => "none: its partition has no leader".to_owned(),
            };
            (
                label,
                format!(
                    "leader of {OFFSETS_TOPIC}-{index} (hash of \"{}\" mod {count} partitions)",
                    group.id
                ),
            )
        }
        None => (
            "not chosen yet".to_owned(),
            format!("{OFFSETS_TOPIC} does not exist yet"),
        ),
    }
}

/// What every member row of one group shares.
struct MemberCtx<'a> {
    sim: &'a Simulation,
    group: &'a GroupState,
    memory: Option<&'a GroupMemory>,
    cooperative: bool,
    /// Members neither crashed nor closed.
    live_members: u32,
    partition_count: u32,
}

impl MemberCtx<'_> {
    /// One member's row; the partitions it owns are added to `owned_anywhere`.
    fn member_view(
        &self,
        consumer: &Consumer,
        owned_anywhere: &mut VecSet<TopicPartition>,
    ) -> MemberView {
        let MemberCtx {
            sim,
            group,
            memory,
            cooperative,
            live_members,
            partition_count,
        } = *self;
        let now = sim.now();
        let client = consumer.group.as_ref().expect("filtered on group");
        let (mut status, status_text) = status_of(consumer);
        let mut partitions = Vec::new();
        for tp in &client.assigned {
            let tp = tp.clone();
            owned_anywhere.insert(tp.clone());
            let just_assigned =
                memory
                    .and_then(|m| m.received.get(&tp))
                    .is_some_and(|(owner, at)| {
                        *owner == consumer.id && now.since(*at) < JUST_ASSIGNED_MS
                    });
            let committed = group.offsets.get(&tp).map(|o| o.0);
            let position = consumer.positions.get(&tp).map(|o| o.0);
            partitions.push(row(sim, tp, position, committed, true, just_assigned));
        }
        let revoked: Vec<RevokedChip> = memory
            .map(|m| {
                m.revoked
                    .iter()
                    .filter(|(_, r)| r.from == consumer.id)
                    .map(|(tp, _)| RevokedChip {
                        partition: tp.clone(),
                        label: if cooperative { "moving" } else { "revoked" },
                        explanation: if cooperative {
                            format!("{tp} is moving: this member gave it up and it waits for its new owner (cooperative rebalance: the other partitions keep being read)")
                        } else {
                            format!("{tp} revoked: an eager rebalance takes every partition from every member until the new assignment")
                        },
                    })
                    .collect()
            })
            .unwrap_or_default();
        let idle = (status == MemberStatus::Reading
            && partitions.is_empty()
            && group.phase == GroupPhase::Stable)
            .then(|| {
                if live_members > partition_count {
                    format!("idle: no partition to read — more members ({live_members}) than partitions ({partition_count})")
                } else {
                    "idle: the assignor gave it no partition".to_owned()
                }
            });
        if idle.is_some() {
            status = MemberStatus::Idle;
        }
        MemberView {
            consumer: consumer.id,
            name: format!("consumer {}", consumer.id.0),
            style: member_style(consumer.id),
            member_id: client.member_id.clone(),
            is_leader: group.leader.as_deref() == Some(client.member_id.as_str())
                && !client.member_id.is_empty(),
            status_text: idle.clone().unwrap_or(status_text),
            status,
            slow: slow_of(consumer),
            idle,
            partitions,
            revoked,
        }
    }
}

/// A consumer outside any group: it reads every partition of its topic.
fn standalone_view(sim: &Simulation, consumer: &Consumer) -> StandaloneView {
    let partition_count = sim
        .topic(&consumer.topic)
        .map_or(0, |t| t.partition_count());
    let partitions = (0..partition_count)
        .map(|index| {
            let tp = TopicPartition::new(consumer.topic.clone(), index);
            let position = consumer.positions.get(&tp).map(|o| o.0);
            row(sim, tp, position, None, false, false)
        })
        .collect();
    let (status, status_text) = status_of(consumer);
    StandaloneView {
        consumer: consumer.id,
        name: format!("consumer {}", consumer.id.0),
        style: member_style(consumer.id),
        topic: consumer.topic.clone(),
        status,
        status_text,
        slow: slow_of(consumer),
        partitions,
    }
}

#[cfg(test)]
mod tests;
