//! One replica row: its role, and its log's tail as cells (or, in the compact picture, as a
//! bar) with the log start, the high watermark, the log end and the lost records.

use super::*;

/// Acknowledged-then-lost records with their partition parsed, borrowed from the caller's
/// list (which is short: a handful of records even in a bad run).
pub(super) struct LostIndex<'a> {
    pub(super) entries: Vec<(&'a str, u32, &'a LostRecord)>,
    pub(super) records: VecSet<RecordId>,
}

impl<'a> LostIndex<'a> {
    pub(super) fn new(lost: &'a [LostRecord]) -> Self {
        // A record lost under acks=0 has no offset (-1), so it has no place in a log's row.
        let entries = lost
            .iter()
            .filter(|record| record.offset >= 0)
            .filter_map(|record| {
                // The auditor names partitions as Kafka's tools print them: `topic-3`.
                let (topic, number) = record.partition.rsplit_once('-')?;
                Some((topic, number.parse::<u32>().ok()?, record))
            })
            .collect();
        LostIndex {
            entries,
            records: lost.iter().map(|r| r.record).collect::<VecSet<_>>(),
        }
    }

    pub(super) fn in_partition(&self, tp: &TopicPartition) -> Vec<&'a LostRecord> {
        self.entries
            .iter()
            .filter(|(topic, number, _)| *topic == &*tp.topic && *number == tp.partition)
            .map(|(_, _, record)| *record)
            .collect()
    }
}

/// What every replica row of one broker shares; a row adds its own partition and place.
pub(super) struct RowCtx<'a> {
    pub(super) sim: &'a Simulation,
    pub(super) broker: BrokerId,
    /// Rows are thin bars rather than cells.
    pub(super) compact: bool,
    /// How many record slots a row of cells has.
    pub(super) slots: u64,
    pub(super) lost: &'a LostIndex<'a>,
    pub(super) options: &'a ClusterOptions<'a>,
    /// The highlight touches this row's broker.
    pub(super) broker_touched: bool,
}

/// A replica's log start, high watermark and log end.
#[derive(Clone, Copy)]
struct LogOffsets {
    log_start: u64,
    high_watermark: u64,
    log_end: u64,
}

/// What a row of cells draws from: the replica's log and the partition's lost records.
struct TailSource<'a> {
    log: Option<&'a crate::engine::PartitionLog>,
    offsets: LogOffsets,
    /// The longest log among the partition's replicas.
    longest: u64,
    lost_here: &'a [&'a LostRecord],
    /// Lost records are drawn on this row (the leader's, or the first replica's).
    ghost_row: bool,
}

/// The offsets a row of cells shows, `start..=last`, and where its first slot is.
struct Window {
    start: u64,
    last: u64,
    first_x: f64,
}

impl Window {
    fn slot_x(&self, offset: u64) -> f64 {
        self.first_x + (offset - self.start) as f64 * CELL_PITCH
    }

    fn boundary_x(&self, offset: u64) -> f64 {
        self.slot_x(offset) - (CELL_PITCH - CELL_SIZE) / 2.0
    }

    fn contains(&self, offset: u64) -> bool {
        offset >= self.start && offset <= self.last
    }
}

pub(super) fn replica_view(
    ctx: &RowCtx,
    source: &RowSource,
    place: RowPlace,
) -> Option<ReplicaView> {
    let (sim, broker) = (ctx.sim, ctx.broker);
    let tp = &source.tp;
    let meta = sim.partition(tp)?;
    let state = sim.broker(broker)?;
    let replica = state.replicas.get(tp);
    let log = replica.map(|r| &r.log);
    let offsets = log.map_or(
        LogOffsets {
            log_start: 0,
            high_watermark: 0,
            log_end: 0,
        },
        |l| LogOffsets {
            log_start: l.log_start_offset().0,
            high_watermark: l.high_watermark().0,
            log_end: l.log_end_offset().0,
        },
    );
    let believes_leader = replica.is_some_and(|r| r.view.leader == Some(broker));
    let role = if !state.up {
        ReplicaRole::Offline
    } else if meta.leader == Some(broker) {
        ReplicaRole::Leader
    } else if believes_leader {
        ReplicaRole::StaleLeader
    } else {
        ReplicaRole::Follower
    };
    let highlight = ctx.options.highlight;
    let emphasis = if highlight.is_empty() {
        Emphasis::Normal
    } else if highlight.touches_partition(tp) {
        Emphasis::Emphasised
    } else if ctx.broker_touched {
        Emphasis::Normal
    } else {
        Emphasis::Dimmed
    };

    // Where lost records are drawn: on the leader's row (the log that should hold them), or
    // on the first replica while there is no leader.
    let lost_here = ctx.lost.in_partition(tp);
    let ghost_row = match meta.leader {
        Some(leader) => leader == broker,
        None => meta.replicas.first() == Some(&broker),
    };
    // The longest log among the replicas sets the window, so a lagging follower shows the
    // gap to its leader as empty slots.
    let longest = meta
        .replicas
        .iter()
        .filter_map(|b| sim.replica_log(*b, tp))
        .map(|l| l.log_end_offset().0)
        .max()
        .unwrap_or(offsets.log_end);

    let (detail, lost_count, lost_hidden) = if ctx.compact {
        let lost_count = if ghost_row { lost_here.len() as u32 } else { 0 };
        let bar = log_bar(&place, longest, offsets);
        (ReplicaDetail::Bar(bar), lost_count, lost_count)
    } else {
        let source = TailSource {
            log,
            offsets,
            longest,
            lost_here: &lost_here,
            ghost_row,
        };
        let (tail, lost_count, lost_hidden) = log_tail(ctx, &place, &source);
        (ReplicaDetail::Cells(tail), lost_count, lost_hidden)
    };

    Some(ReplicaView {
        broker,
        partition: tp.clone(),
        x: place.x,
        y: place.y,
        width: place.width,
        height: place.height,
        role,
        in_sync: meta.isr.contains(&broker),
        leader_epoch: replica.map_or(0, |r| r.view.leader_epoch),
        partition_epoch: meta.leader_epoch,
        isr: meta.isr.clone(),
        log_start_offset: offsets.log_start,
        high_watermark: offsets.high_watermark,
        log_end_offset: offsets.log_end,
        badge_colour: partition_colour(source.index as u32),
        emphasis,
        lost: lost_count,
        lost_hidden,
        detail,
    })
}

/// The compact picture's row: one bar scaled to the partition's longest log.
fn log_bar(place: &RowPlace, longest: u64, offsets: LogOffsets) -> LogBar {
    let scale_end = longest.max(1) as f64;
    let bar_width = (place.width - COMPACT_LABEL_WIDTH).max(8.0);
    let width_of = |offset: u64| bar_width * (offset as f64 / scale_end).min(1.0);
    LogBar {
        x: place.x + COMPACT_LABEL_WIDTH,
        width: bar_width,
        start_width: width_of(offsets.log_start),
        high_watermark_width: width_of(offsets.high_watermark),
        log_end_width: width_of(offsets.log_end),
        text_y: place.y + 12.0,
        bar_y: place.y + 4.0,
        bar_height: 9.0,
    }
}

/// A row of cells: the log's last records, the lost records' ghosts and the markers. Also
/// returns how many lost records the row counts, and how many of those are outside its window.
fn log_tail(ctx: &RowCtx, place: &RowPlace, source: &TailSource) -> (LogTail, u32, u32) {
    let LogOffsets {
        log_start, log_end, ..
    } = source.offsets;
    let window_last = source
        .lost_here
        .iter()
        .map(|l| l.offset.unsigned_abs())
        .fold(source.longest, u64::max);
    let window = Window {
        start: (window_last + 1).saturating_sub(ctx.slots),
        last: window_last,
        first_x: place.x,
    };
    let cell_top = place.y + 21.0;

    let cells = source.log.map_or_else(Vec::new, |log| {
        tail_cells(ctx, log, source.offsets, &window)
    });
    let mut lost_count = cells.iter().map(|c| u32::from(c.lost)).sum::<u32>();
    let mut lost_hidden = 0u32;
    let mut ghosts = Vec::new();
    if source.ghost_row {
        for record in source.lost_here {
            // A copy still in this log is struck where it is; no ghost over it.
            if cells.iter().any(|c| c.record == record.record) {
                continue;
            }
            lost_count += 1;
            // LostIndex keeps only records with an offset, so it is not negative.
            let offset = record.offset.unsigned_abs();
            lost_hidden += u32::from(!window.contains(offset));
            if window.contains(offset) {
                ghosts.push(GhostView {
                    offset,
                    record: record.record,
                    x: window.slot_x(offset),
                    occupied: cells.iter().any(|c| c.offset == offset),
                    reason: record.reason.clone(),
                    selected: ctx.options.selected == Some(record.record),
                });
            }
        }
    }
    let markers = tail_markers(source.offsets, &window, &ghosts);
    let hidden_before = window.start.saturating_sub(log_start);
    let left_label_taken = markers
        .iter()
        .any(|m| m.labelled && m.offset <= window.start + 1);
    let before = (hidden_before > 0 && !left_label_taken).then_some(if log_end < window.start {
        Before::LogEnd(log_end)
    } else {
        Before::Hidden(hidden_before)
    });
    let tail = LogTail {
        cell_top,
        cell_size: CELL_SIZE,
        cells,
        ghosts,
        log_end_x: window.contains(log_end).then(|| window.slot_x(log_end)),
        markers,
        window_start: window.start,
        hidden_before,
        before,
        marker_label_y: cell_top + CELL_SIZE + 14.0,
    };
    (tail, lost_count, lost_hidden)
}

/// The log's records inside the window, as cells.
fn tail_cells(
    ctx: &RowCtx,
    log: &crate::engine::PartitionLog,
    offsets: LogOffsets,
    window: &Window,
) -> Vec<CellView> {
    let highlight = ctx.options.highlight;
    let shown = offsets.log_start.max(window.start)..offsets.log_end.min(window.last + 1);
    shown
        .filter_map(|offset| {
            let record = log.record_at(Offset(offset))?;
            let (fill, text) = key_colours(record.key.as_deref());
            Some(CellView {
                offset,
                record: record.id,
                x: window.slot_x(offset),
                key: record.key.clone(),
                value: record.value.clone(),
                fill,
                text,
                committed: offset < offsets.high_watermark,
                selected: ctx.options.selected == Some(record.id),
                highlighted: highlight.record == Some(record.id),
                lost: ctx.lost.records.contains(&record.id),
            })
        })
        .collect()
}

/// The log start and high watermark markers that fall in the window, labelled where their
/// labels do not crowd a lost record's tab or each other.
fn tail_markers(offsets: LogOffsets, window: &Window, ghosts: &[GhostView]) -> Vec<MarkerView> {
    let LogOffsets {
        log_start,
        high_watermark,
        ..
    } = offsets;
    let marker = |kind: MarkerKind, offset: u64| MarkerView {
        kind,
        offset,
        x: window.boundary_x(offset),
        labelled: true,
        at_left_edge: false,
    };
    let mut markers = Vec::with_capacity(2);
    let start_shown = window.contains(log_start) || log_start == window.last + 1;
    let hw_shown = window.contains(high_watermark) || high_watermark == window.last + 1;
    if start_shown && hw_shown && log_start == high_watermark {
        markers.push(marker(MarkerKind::LogStartAndHighWatermark, log_start));
    } else {
        if start_shown {
            markers.push(marker(MarkerKind::LogStart, log_start));
        }
        if hw_shown {
            markers.push(marker(MarkerKind::HighWatermark, high_watermark));
        }
    }
    // A label next to a lost record's tab would overlap it.
    for marker in &mut markers {
        marker.at_left_edge = marker.offset == window.start;
        marker.labelled = !ghosts
            .iter()
            .any(|g| g.occupied && (g.x + CELL_SIZE / 2.0 - marker.x).abs() < CELL_PITCH);
    }
    // The high watermark's label matters more than the log start's when they crowd.
    let hw_x = markers
        .iter()
        .find(|m| m.kind == MarkerKind::HighWatermark && m.labelled)
        .map(|m| m.x);
    if let Some(hw_x) = hw_x {
        for marker in markers
            .iter_mut()
            .filter(|m| m.kind == MarkerKind::LogStart)
        {
            if (marker.x - hw_x).abs() <= CELL_PITCH + 4.0 {
                marker.labelled = false;
            }
        }
    }
    markers
}

impl ReplicaView {
    pub(super) fn element_count(&self) -> usize {
        match &self.detail {
            ReplicaDetail::Cells(tail) => {
                // group, title, badge box and text, role text; the lost and "earlier" notes.
                5 + usize::from(self.lost_hidden > 0)
                    + usize::from(tail.before.is_some())
                    // The dashed slot for the next record and its "LEO" label.
                    + 2 * usize::from(tail.log_end_x.is_some())
                    // Each cell: group, title, box, offset; a lost one adds its strike.
                    + tail.cells.iter().map(|c| 4 + usize::from(c.lost)).sum::<usize>()
                    // Each ghost: group, title, box, strike, label.
                    + 5 * tail.ghosts.len()
                    + tail.markers.iter().map(|m| 1 + usize::from(m.labelled)).sum::<usize>()
            }
            // group, title, text, track, the committed part and the uncommitted part.
            ReplicaDetail::Bar(_) => 6,
        }
    }

    /// The row's state in a few words, for tooltips and screen readers.
    pub fn summary(&self) -> String {
        let role = match self.role {
            ReplicaRole::Leader => "leader",
            ReplicaRole::Follower if self.in_sync => "follower, in sync",
            ReplicaRole::Follower => "follower, out of sync",
            ReplicaRole::StaleLeader => "believes it leads, but the controller moved leadership",
            ReplicaRole::Offline => "offline (broker down)",
        };
        let isr: Vec<String> = self.isr.iter().map(|b| b.0.to_string()).collect();
        format!(
            "{} on broker {}: {role}; log start {}, high watermark {}, log end {}; leader epoch {} (this broker believes {}); ISR [{}]",
            self.partition,
            self.broker.0,
            self.log_start_offset,
            self.high_watermark,
            self.log_end_offset,
            self.partition_epoch,
            self.leader_epoch,
            isr.join(", ")
        )
    }
}
