//! Turns the whole cluster into positioned shapes for the sandbox's big picture: brokers as
//! boxes holding their partition replicas (leader, followers, out-of-sync replicas, each log's
//! tail with its log start, high watermark and log end), the producers above and the consumers
//! below, and every message in flight at its current point along its link. Pure geometry, no
//! Yew, so the layout is tested natively; `cluster_svg.rs` only draws what this returns.
//!
//! Two levels of detail: up to [`NORMAL_MAX_ROWS`] replicas per broker each replica shows its
//! last records as cells; beyond that (48 partitions, say) each replica is one thin row with a
//! bar, so the picture stays legible and the DOM small enough to redraw every frame.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::engine::{
    Acks, BrokerId, InFlight, LostRecord, Message, MessageKind, Node, Offset, Payload, RecordId,
    Simulation, TopicPartition, OFFSETS_TOPIC,
};

use crate::ui::sandbox::observe::Highlight;
use crate::ui::shell::palette::{
    key_colours, member_style, message_style, partition_colour, MemberStyle,
};

/// The two shapes of the picture. Landscape (brokers side by side, producers above, consumers
/// below) fits 16:9 projectors and laptop windows; portrait (brokers stacked) fits phones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Landscape,
    Portrait,
}

/// What the caller decides about the picture. The lost records come from
/// `AuditReport::acknowledged_then_lost`; an audit walks every record, so the caller chooses
/// how often to recompute it and passes the list in.
#[derive(Clone, Copy, Debug)]
pub struct ClusterOptions<'a> {
    pub shape: Shape,
    pub highlight: &'a Highlight,
    /// The record whose journey is open; its cells are outlined.
    pub selected: Option<RecordId>,
    pub lost: &'a [LostRecord],
    /// Draw `__consumer_offsets` replicas like any topic's, instead of one summary line per
    /// broker.
    pub show_internal: bool,
}

/// How strongly a thing is drawn while something is highlighted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Emphasis {
    Normal,
    /// It is what the highlight is about.
    Emphasised,
    /// Something else is highlighted.
    Dimmed,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClusterView {
    pub shape: Shape,
    /// The SVG's own coordinate space; CSS scales it to the screen.
    pub width: f64,
    pub height: f64,
    /// One thin bar per replica instead of cells.
    pub compact: bool,
    pub brokers: Vec<BrokerView>,
    pub producers: Vec<ClientView>,
    pub consumers: Vec<ClientView>,
    /// Clients left out because their row is full, shown as one "+n" chip.
    pub more_producers: Option<MoreChip>,
    pub more_consumers: Option<MoreChip>,
    pub links: Vec<LinkView>,
    pub flights: Vec<FlightView>,
    /// Acknowledged records lost, as passed in.
    pub lost_count: usize,
    /// One sentence for screen readers.
    pub description: String,
}

/// The "+n" chip standing for clients that did not fit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MoreChip {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub count: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BrokerView {
    pub id: BrokerId,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// The process runs (false: crashed).
    pub up: bool,
    /// Cut off from the other brokers and the controller.
    pub isolated: bool,
    /// Fenced by the controller: it leads nothing until it registers again.
    pub fenced: bool,
    pub emphasis: Emphasis,
    pub topics: Vec<TopicGroupView>,
    /// `__consumer_offsets`, summarised (when its replicas are not drawn).
    pub internal: Option<InternalSummary>,
    /// Replicas not drawn because the broker holds too many; shown as "+n more".
    pub hidden_replicas: u32,
    /// Baseline of the "+n more" line.
    pub hidden_line_y: f64,
    pub leader_count: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TopicGroupView {
    pub topic: Arc<str>,
    /// Baseline of the topic's title.
    pub title_y: f64,
    pub replicas: Vec<ReplicaView>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InternalSummary {
    /// Baseline of the line.
    pub y: f64,
    pub replicas: u32,
    pub leaders: u32,
}

/// What a replica is, as the controller sees it, and what it believes itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplicaRole {
    Leader,
    Follower,
    /// Its broker still believes it leads, but the controller elected another replica (an
    /// isolated zombie leader).
    StaleLeader,
    /// Its broker is down.
    Offline,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaView {
    pub broker: BrokerId,
    pub partition: TopicPartition,
    /// The row's box.
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub role: ReplicaRole,
    /// In the controller's ISR.
    pub in_sync: bool,
    /// The leader epoch this replica's broker believes in.
    pub leader_epoch: u32,
    /// The controller's leader epoch and ISR for the partition.
    pub partition_epoch: u32,
    pub isr: Vec<BrokerId>,
    pub log_start_offset: u64,
    pub high_watermark: u64,
    pub log_end_offset: u64,
    pub badge_colour: &'static str,
    pub emphasis: Emphasis,
    /// Acknowledged-then-lost records drawn on (or counted for) this row.
    pub lost: u32,
    /// Of those, the ones outside the drawn window (or every one, as bars): counted in a note.
    pub lost_hidden: u32,
    pub detail: ReplicaDetail,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ReplicaDetail {
    Cells(LogTail),
    Bar(LogBar),
}

/// A replica's last records as cells, with its markers.
#[derive(Clone, Debug, PartialEq)]
pub struct LogTail {
    /// Top of the cells and their size.
    pub cell_top: f64,
    pub cell_size: f64,
    pub cells: Vec<CellView>,
    pub ghosts: Vec<GhostView>,
    /// Left edge of the dashed slot where the next record lands (the log end offset), when
    /// it is in the window.
    pub log_end_x: Option<f64>,
    /// The high watermark and the log start, as boundaries between cells, each with its label.
    pub markers: Vec<MarkerView>,
    /// The first offset drawn.
    pub window_start: u64,
    /// Offsets of this log before the window.
    pub hidden_before: u64,
    /// What the row's left says about the part of the log before the window, unless a
    /// marker's label is there.
    pub before: Option<Before>,
    /// Baseline of the markers' labels.
    pub marker_label_y: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CellView {
    pub offset: u64,
    pub record: RecordId,
    /// Left edge.
    pub x: f64,
    pub key: Option<Arc<str>>,
    /// `None` is a tombstone.
    pub value: Option<Payload>,
    pub fill: &'static str,
    pub text: &'static str,
    /// Below the high watermark: committed, visible to consumers.
    pub committed: bool,
    pub selected: bool,
    /// The highlighted record.
    pub highlighted: bool,
    /// This record was acknowledged and is lost (this copy will be truncated, or sits on a
    /// replica that is no longer the leader).
    pub lost: bool,
}

/// Where an acknowledged, now lost, record was.
#[derive(Clone, Debug, PartialEq)]
pub struct GhostView {
    pub offset: u64,
    pub record: RecordId,
    pub x: f64,
    /// Another record holds this offset now (a new leader appended its own there): the ghost
    /// is a small tab under that cell instead of a cell of its own.
    pub occupied: bool,
    pub reason: String,
    pub selected: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Before {
    /// This many offsets of the log are left of the window ("◂ +n").
    Hidden(u64),
    /// The whole log is left of the window (a replica far behind): its log end.
    LogEnd(u64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    HighWatermark,
    LogStart,
    /// Both at the same offset: one marker, one label.
    LogStartAndHighWatermark,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MarkerView {
    pub kind: MarkerKind,
    pub offset: u64,
    pub x: f64,
    /// False when a lost record's tab sits where the label would go; the line still shows.
    pub labelled: bool,
    /// At the window's left edge: the label starts at the line instead of centring on it, so
    /// it stays inside the broker.
    pub at_left_edge: bool,
}

/// A replica as one thin bar: `0..log end` of the partition's longest log, filled to the high
/// watermark, lighter to this replica's log end.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogBar {
    pub x: f64,
    pub width: f64,
    /// Widths from `x`: the log start, the high watermark and the log end.
    pub start_width: f64,
    pub high_watermark_width: f64,
    pub log_end_width: f64,
    /// Baseline of the row's text.
    pub text_y: f64,
    pub bar_y: f64,
    pub bar_height: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientState {
    Running,
    Paused,
    Crashed,
    Closed,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClientView {
    pub node: Node,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// Too many clients for full boxes: a small chip with a short name.
    pub chip: bool,
    pub name: String,
    pub short_name: String,
    /// A config line for a producer (`acks=all · 200/s`), the group for a consumer.
    pub detail: String,
    pub group: Option<String>,
    /// Consumers: the member colour and glyph shared with every other panel.
    pub style: Option<MemberStyle>,
    pub state: ClientState,
    pub emphasis: Emphasis,
}

/// A network link, drawn as a polyline; messages travel along it.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkView {
    /// The ends; a message from `a` to `b` runs along `points` in order, the other way
    /// backwards.
    pub a: Node,
    pub b: Node,
    pub points: Vec<(f64, f64)>,
    pub length: f64,
    pub kind: LinkKind,
    /// A broker link cut by isolation, or a link to a crashed broker.
    pub down: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    Producer,
    Consumer,
    Replication,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FlightView {
    pub id: u64,
    pub kind: MessageKind,
    pub x: f64,
    pub y: f64,
    pub colour: &'static str,
    /// Text colour on a filled mark.
    pub ink: &'static str,
    pub letter: &'static str,
    /// Responses are drawn hollow.
    pub hollow: bool,
    /// Records carried (produce requests and fetch responses).
    pub records: u32,
    /// Some when the message will be lost: how far it has faded, 0 to 1. It vanishes at 1.
    pub vanishing: Option<f64>,
    pub emphasis: Emphasis,
}

// Geometry, in the SVG's units.
const LANDSCAPE_WIDTH: f64 = 1000.0;
const PORTRAIT_WIDTH: f64 = 400.0;
const MARGIN: f64 = 10.0;
const CLIENT_TOP: f64 = 8.0;
const CLIENT_HEIGHT: f64 = 48.0;
const CLIENT_GAP: f64 = 10.0;
const CLIENT_MAX_WIDTH: f64 = 156.0;
/// Narrower than this, clients become chips.
const CLIENT_MIN_WIDTH: f64 = 112.0;
const CHIP_MIN_WIDTH: f64 = 44.0;
const CHIP_GAP: f64 = 6.0;
/// Between the producers and the brokers (landscape): room for the replication brackets.
const LANDSCAPE_TOP_BAND: f64 = 66.0;
const LANDSCAPE_BOTTOM_BAND: f64 = 54.0;
const PORTRAIT_BAND: f64 = 26.0;
const PORTRAIT_LEFT_LANES: f64 = 36.0;
const PORTRAIT_RIGHT_BRACKETS: f64 = 40.0;
const BROKER_GAP: f64 = 16.0;
const BROKER_HEADER: f64 = 40.0;
const BROKER_PADDING: f64 = 10.0;
const BROKER_MIN_HEIGHT: f64 = 140.0;
const TOPIC_TITLE: f64 = 22.0;
const LINE: f64 = 24.0;
const ROW_HEIGHT: f64 = 74.0;
const ROW_GAP: f64 = 2.0;
const CELL_SIZE: f64 = 32.0;
const CELL_PITCH: f64 = 36.0;
const MAX_SLOTS: u64 = 16;
/// Fewer slots than this per row and the picture switches to bars.
const MIN_SLOTS: u64 = 5;
const COMPACT_ROW: f64 = 16.0;
const COMPACT_COLUMN_MIN_WIDTH: f64 = 96.0;
const COMPACT_LABEL_WIDTH: f64 = 44.0;

/// Replicas per broker drawn with cells; more and every replica becomes a bar.
pub const NORMAL_MAX_ROWS: usize = 6;
/// Replica rows drawn in the whole cluster; the rest are counted ("+n more"), so no topic
/// layout can make a frame too big to draw.
pub const MAX_DRAWN_REPLICAS: usize = 432;

impl ClusterView {
    /// Lays out the cluster as it is at `sim.now()`.
    pub fn build(sim: &Simulation, options: &ClusterOptions) -> ClusterView {
        let highlight = options.highlight;
        let lost = LostIndex::new(options.lost);
        let width = match options.shape {
            Shape::Landscape => LANDSCAPE_WIDTH,
            Shape::Portrait => PORTRAIT_WIDTH,
        };

        // Which replica rows each broker holds, grouped by topic (topics are in name order).
        let broker_ids: Vec<BrokerId> = sim.brokers().map(|b| b.id).collect();
        let broker_count = broker_ids.len().max(1);
        let mut rows: BTreeMap<BrokerId, TopicRows> =
            broker_ids.iter().map(|id| (*id, Vec::new())).collect();
        let mut internal: BTreeMap<BrokerId, InternalSummary> = BTreeMap::new();
        let mut partition_brokers: BTreeSet<BrokerId> = BTreeSet::new();
        for topic in sim.topics() {
            let hidden_internal = topic.name == OFFSETS_TOPIC && !options.show_internal;
            for (index, meta) in topic.partitions.iter().enumerate() {
                let tp = TopicPartition::new(topic.shared_name.clone(), index as u32);
                if highlight.touches_partition(&tp) {
                    partition_brokers.extend(meta.replicas.iter().copied());
                }
                for broker in &meta.replicas {
                    if hidden_internal {
                        let summary = internal.entry(*broker).or_insert(InternalSummary {
                            y: 0.0,
                            replicas: 0,
                            leaders: 0,
                        });
                        summary.replicas += 1;
                        summary.leaders += u32::from(meta.leader == Some(*broker));
                        continue;
                    }
                    let Some(groups) = rows.get_mut(broker) else {
                        continue;
                    };
                    if groups.last().is_none_or(|(name, _)| **name != *topic.name) {
                        groups.push((topic.shared_name.clone(), Vec::new()));
                    }
                    let group = groups.last_mut().expect("pushed above");
                    group.1.push(RowSource {
                        tp: tp.clone(),
                        index,
                    });
                }
            }
        }
        let most_rows = rows
            .values()
            .map(|groups| groups.iter().map(|(_, r)| r.len()).sum::<usize>())
            .max()
            .unwrap_or(0);

        let frame = Frame::new(options.shape, width, broker_count);
        let slots = frame.slots();
        let compact = most_rows > NORMAL_MAX_ROWS || slots < MIN_SLOTS;
        let row_cap = MAX_DRAWN_REPLICAS / broker_count;

        // Heights first: landscape brokers share the tallest one's height.
        let heights: Vec<f64> = broker_ids
            .iter()
            .map(|id| {
                content_height(
                    &rows[id],
                    internal.contains_key(id),
                    compact,
                    frame.broker_width,
                    row_cap,
                )
            })
            .collect();
        let positions = frame.broker_boxes(&heights);

        let mut brokers = Vec::with_capacity(broker_ids.len());
        for (id, (x, y, w, h)) in broker_ids.iter().zip(positions.iter().copied()) {
            let state = sim.broker(*id).expect("listed above");
            let touched = highlight.touches_broker(*id);
            let mut view = BrokerView {
                id: *id,
                x,
                y,
                width: w,
                height: h,
                up: state.up,
                isolated: sim.is_isolated(*id),
                fenced: state.fenced,
                emphasis: Emphasis::Normal,
                topics: Vec::new(),
                internal: None,
                hidden_replicas: 0,
                hidden_line_y: 0.0,
                leader_count: 0,
            };
            let mut cursor = y + BROKER_HEADER;
            let mut drawn = 0usize;
            for (topic, sources) in &rows[id] {
                let room = row_cap.saturating_sub(drawn);
                let shown = sources.len().min(room);
                view.hidden_replicas += (sources.len() - shown) as u32;
                if shown == 0 {
                    continue;
                }
                drawn += shown;
                let mut group = TopicGroupView {
                    topic: topic.clone(),
                    title_y: cursor + 16.0,
                    replicas: Vec::with_capacity(shown),
                };
                cursor += TOPIC_TITLE;
                let columns = compact_columns(w);
                let per_column = shown.div_ceil(columns);
                let column_width = (w - 2.0 * BROKER_PADDING) / columns as f64;
                for (n, source) in sources.iter().take(shown).enumerate() {
                    let place = if compact {
                        let column = n / per_column;
                        RowPlace {
                            x: x + BROKER_PADDING + column as f64 * column_width,
                            y: cursor + (n % per_column) as f64 * COMPACT_ROW,
                            width: column_width - 6.0,
                            height: COMPACT_ROW,
                        }
                    } else {
                        RowPlace {
                            x: x + BROKER_PADDING,
                            y: cursor + n as f64 * (ROW_HEIGHT + ROW_GAP),
                            width: w - 2.0 * BROKER_PADDING,
                            height: ROW_HEIGHT,
                        }
                    };
                    let Some(replica) = replica_view(
                        sim, *id, source, place, compact, slots, &lost, options, touched,
                    ) else {
                        continue;
                    };
                    view.leader_count += u32::from(replica.role == ReplicaRole::Leader);
                    group.replicas.push(replica);
                }
                cursor += if compact {
                    per_column as f64 * COMPACT_ROW + 6.0
                } else {
                    shown as f64 * (ROW_HEIGHT + ROW_GAP)
                };
                view.topics.push(group);
            }
            if view.hidden_replicas > 0 {
                view.hidden_line_y = cursor + 16.0;
                cursor += LINE;
            }
            if let Some(summary) = internal.get(id) {
                view.internal = Some(InternalSummary {
                    y: cursor + 16.0,
                    ..*summary
                });
            }
            view.emphasis = if highlight.is_empty() {
                Emphasis::Normal
            } else if touched {
                Emphasis::Emphasised
            } else if partition_brokers.contains(id) {
                Emphasis::Normal
            } else {
                Emphasis::Dimmed
            };
            brokers.push(view);
        }

        let brokers_bottom = brokers
            .iter()
            .map(|b| b.y + b.height)
            .fold(frame.brokers_top, f64::max);
        let consumers_top = brokers_bottom
            + match options.shape {
                Shape::Landscape => LANDSCAPE_BOTTOM_BAND,
                Shape::Portrait => PORTRAIT_BAND,
            };
        let height = consumers_top + CLIENT_HEIGHT + CLIENT_TOP;

        let (producers, more_producers) = producer_views(sim, width, highlight);
        let (consumers, more_consumers) = consumer_views(sim, width, consumers_top, highlight);
        let links = link_views(&frame, &brokers, &producers, &consumers);
        let touched_nodes = TouchedNodes {
            highlight,
            partition_brokers: &partition_brokers,
            sim,
        };
        let flights = flight_views(sim, &links, &touched_nodes);
        let description = describe(&brokers, &producers, &consumers, &flights, options.lost);

        ClusterView {
            shape: options.shape,
            width,
            height,
            compact,
            brokers,
            producers,
            consumers,
            more_producers,
            more_consumers,
            links,
            flights,
            lost_count: options.lost.len(),
            description,
        }
    }

    /// How many SVG elements `ClusterSvg` draws for this view (it draws exactly these, and
    /// the browser test checks it), so the cost of a frame can be bounded in native tests.
    pub fn element_count(&self) -> usize {
        // svg, desc, defs, the hatch pattern and its path, the links' and flights' groups.
        let mut count = 7;
        // Links are drawn as one path per kind and state.
        let link_styles: BTreeSet<(u8, bool)> =
            self.links.iter().map(|l| (l.kind as u8, l.down)).collect();
        count += link_styles.len();
        for broker in &self.brokers {
            // group, title, box, name, state; the hatch overlay when crashed or isolated.
            count += 5 + usize::from(!broker.up || broker.isolated);
            count += usize::from(broker.internal.is_some());
            count += usize::from(broker.hidden_replicas > 0);
            for topic in &broker.topics {
                count += 1;
                for replica in &topic.replicas {
                    count += replica.element_count();
                }
            }
        }
        for client in self.producers.iter().chain(&self.consumers) {
            // group, title, box, name; a full box adds its detail line.
            count += 4 + usize::from(!client.chip);
        }
        // group, title, box, "+n".
        count += 4 * usize::from(self.more_producers.is_some());
        count += 4 * usize::from(self.more_consumers.is_some());
        for flight in &self.flights {
            count += 3 + usize::from(flight.records > 1) + usize::from(flight.vanishing.is_some());
        }
        count
    }
}

impl ReplicaView {
    fn element_count(&self) -> usize {
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

/// A broker's replicas to draw, grouped by topic.
type TopicRows = Vec<(Arc<str>, Vec<RowSource>)>;

/// A client's left edge, width, and whether it is a chip.
type ClientPlace = (f64, f64, bool);

/// One replica to draw: its partition and the partition's index in its topic.
struct RowSource {
    tp: TopicPartition,
    index: usize,
}

#[derive(Clone, Copy)]
struct RowPlace {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

fn compact_columns(broker_width: f64) -> usize {
    (((broker_width - 2.0 * BROKER_PADDING) / COMPACT_COLUMN_MIN_WIDTH).floor() as usize).max(1)
}

fn content_height(
    groups: &TopicRows,
    has_internal: bool,
    compact: bool,
    broker_width: f64,
    row_cap: usize,
) -> f64 {
    let mut height = BROKER_HEADER + BROKER_PADDING;
    let mut drawn = 0usize;
    let mut hidden = 0usize;
    for (_, sources) in groups {
        let shown = sources.len().min(row_cap.saturating_sub(drawn));
        hidden += sources.len() - shown;
        if shown == 0 {
            continue;
        }
        drawn += shown;
        height += TOPIC_TITLE;
        height += if compact {
            shown.div_ceil(compact_columns(broker_width)) as f64 * COMPACT_ROW + 6.0
        } else {
            shown as f64 * (ROW_HEIGHT + ROW_GAP)
        };
    }
    if hidden > 0 {
        height += LINE;
    }
    if has_internal {
        height += LINE;
    }
    height.max(BROKER_MIN_HEIGHT)
}

/// Where the brokers go, for one shape and broker count.
struct Frame {
    shape: Shape,
    broker_count: usize,
    broker_width: f64,
    brokers_top: f64,
}

impl Frame {
    fn new(shape: Shape, width: f64, broker_count: usize) -> Frame {
        match shape {
            Shape::Landscape => Frame {
                shape,
                broker_count,
                broker_width: (width - 2.0 * MARGIN - (broker_count - 1) as f64 * BROKER_GAP)
                    / broker_count as f64,
                brokers_top: CLIENT_TOP + CLIENT_HEIGHT + LANDSCAPE_TOP_BAND,
            },
            Shape::Portrait => Frame {
                shape,
                broker_count,
                broker_width: width - PORTRAIT_LEFT_LANES - PORTRAIT_RIGHT_BRACKETS,
                brokers_top: CLIENT_TOP + CLIENT_HEIGHT + PORTRAIT_BAND,
            },
        }
    }

    /// Cells per replica row: the log's tail plus the slot where the next record lands.
    fn slots(&self) -> u64 {
        let inner = self.broker_width - 2.0 * BROKER_PADDING;
        (((inner + CELL_PITCH - CELL_SIZE) / CELL_PITCH).floor() as u64).min(MAX_SLOTS)
    }

    fn broker_boxes(&self, heights: &[f64]) -> Vec<(f64, f64, f64, f64)> {
        match self.shape {
            Shape::Landscape => {
                let tallest = heights.iter().copied().fold(BROKER_MIN_HEIGHT, f64::max);
                (0..heights.len())
                    .map(|i| {
                        (
                            MARGIN + i as f64 * (self.broker_width + BROKER_GAP),
                            self.brokers_top,
                            self.broker_width,
                            tallest,
                        )
                    })
                    .collect()
            }
            Shape::Portrait => {
                let mut y = self.brokers_top;
                heights
                    .iter()
                    .map(|h| {
                        let placed = (PORTRAIT_LEFT_LANES, y, self.broker_width, *h);
                        y += h + BROKER_GAP;
                        placed
                    })
                    .collect()
            }
        }
    }
}

/// Acknowledged-then-lost records with their partition parsed, borrowed from the caller's
/// list (which is short: a handful of records even in a bad run).
struct LostIndex<'a> {
    entries: Vec<(&'a str, u32, &'a LostRecord)>,
    records: BTreeSet<RecordId>,
}

impl<'a> LostIndex<'a> {
    fn new(lost: &'a [LostRecord]) -> Self {
        let entries = lost
            .iter()
            .filter_map(|record| {
                // The auditor names partitions as Kafka's tools print them: `topic-3`.
                let (topic, number) = record.partition.rsplit_once('-')?;
                Some((topic, number.parse::<u32>().ok()?, record))
            })
            .collect();
        LostIndex {
            entries,
            records: lost.iter().map(|r| r.record).collect(),
        }
    }

    fn in_partition(&self, tp: &TopicPartition) -> Vec<&'a LostRecord> {
        self.entries
            .iter()
            .filter(|(topic, number, _)| *topic == &*tp.topic && *number == tp.partition)
            .map(|(_, _, record)| *record)
            .collect()
    }
}

#[allow(clippy::too_many_arguments)]
fn replica_view(
    sim: &Simulation,
    broker: BrokerId,
    source: &RowSource,
    place: RowPlace,
    compact: bool,
    slots: u64,
    lost: &LostIndex,
    options: &ClusterOptions,
    broker_touched: bool,
) -> Option<ReplicaView> {
    let tp = &source.tp;
    let meta = sim.partition(tp)?;
    let state = sim.broker(broker)?;
    let replica = state.replicas.get(tp);
    let log = replica.map(|r| &r.log);
    let (log_start, high_watermark, log_end) = log.map_or((0, 0, 0), |l| {
        (
            l.log_start_offset().0,
            l.high_watermark().0,
            l.log_end_offset().0,
        )
    });
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
    let highlight = options.highlight;
    let emphasis = if highlight.is_empty() {
        Emphasis::Normal
    } else if highlight.touches_partition(tp) {
        Emphasis::Emphasised
    } else if broker_touched {
        Emphasis::Normal
    } else {
        Emphasis::Dimmed
    };

    // Where lost records are drawn: on the leader's row (the log that should hold them), or
    // on the first replica while there is no leader.
    let lost_here = lost.in_partition(tp);
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
        .unwrap_or(log_end);

    let mut lost_count = 0u32;
    let mut lost_hidden = 0u32;
    let detail = if compact {
        let scale_end = longest.max(1) as f64;
        let text_y = place.y + 12.0;
        let bar_x = place.x + COMPACT_LABEL_WIDTH;
        let bar_width = (place.width - COMPACT_LABEL_WIDTH).max(8.0);
        let width_of = |offset: u64| bar_width * (offset as f64 / scale_end).min(1.0);
        if ghost_row {
            lost_count = lost_here.len() as u32;
            lost_hidden = lost_count;
        }
        ReplicaDetail::Bar(LogBar {
            x: bar_x,
            width: bar_width,
            start_width: width_of(log_start),
            high_watermark_width: width_of(high_watermark),
            log_end_width: width_of(log_end),
            text_y,
            bar_y: place.y + 4.0,
            bar_height: 9.0,
        })
    } else {
        let window_last = lost_here.iter().map(|l| l.offset).fold(longest, u64::max);
        let window_start = (window_last + 1).saturating_sub(slots);
        let first_x = place.x;
        let cell_top = place.y + 21.0;
        let slot_x = |offset: u64| first_x + (offset - window_start) as f64 * CELL_PITCH;
        let boundary_x = |offset: u64| slot_x(offset) - (CELL_PITCH - CELL_SIZE) / 2.0;
        let in_window = |offset: u64| offset >= window_start && offset <= window_last;

        let mut cells = Vec::new();
        if let Some(log) = log {
            for offset in log_start.max(window_start)..log_end.min(window_last + 1) {
                let Some(record) = log.record_at(Offset(offset)) else {
                    continue;
                };
                let (fill, text) = key_colours(record.key.as_deref());
                let is_lost = lost.records.contains(&record.id);
                lost_count += u32::from(is_lost);
                cells.push(CellView {
                    offset,
                    record: record.id,
                    x: slot_x(offset),
                    key: record.key.clone(),
                    value: record.value.clone(),
                    fill,
                    text,
                    committed: offset < high_watermark,
                    selected: options.selected == Some(record.id),
                    highlighted: highlight.record == Some(record.id),
                    lost: is_lost,
                });
            }
        }
        let mut ghosts = Vec::new();
        if ghost_row {
            for record in &lost_here {
                // A copy still in this log is struck where it is; no ghost over it.
                if cells.iter().any(|c| c.record == record.record) {
                    continue;
                }
                lost_count += 1;
                lost_hidden += u32::from(!in_window(record.offset));
                if in_window(record.offset) {
                    ghosts.push(GhostView {
                        offset: record.offset,
                        record: record.record,
                        x: slot_x(record.offset),
                        occupied: cells.iter().any(|c| c.offset == record.offset),
                        reason: record.reason.clone(),
                        selected: options.selected == Some(record.record),
                    });
                }
            }
        }
        let mut markers = Vec::with_capacity(2);
        let start_shown = in_window(log_start) || log_start == window_last + 1;
        let hw_shown = in_window(high_watermark) || high_watermark == window_last + 1;
        if start_shown && hw_shown && log_start == high_watermark {
            markers.push(MarkerView {
                kind: MarkerKind::LogStartAndHighWatermark,
                offset: log_start,
                x: boundary_x(log_start),
                labelled: true,
                at_left_edge: false,
            });
        } else {
            if start_shown {
                markers.push(MarkerView {
                    kind: MarkerKind::LogStart,
                    offset: log_start,
                    x: boundary_x(log_start),
                    labelled: true,
                    at_left_edge: false,
                });
            }
            if hw_shown {
                markers.push(MarkerView {
                    kind: MarkerKind::HighWatermark,
                    offset: high_watermark,
                    x: boundary_x(high_watermark),
                    labelled: true,
                    at_left_edge: false,
                });
            }
        }
        // A label next to a lost record's tab would overlap it.
        for marker in &mut markers {
            marker.at_left_edge = marker.offset == window_start;
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
        let hidden_before = window_start.saturating_sub(log_start);
        let left_label_taken = markers
            .iter()
            .any(|m| m.labelled && m.offset <= window_start + 1);
        let before =
            (hidden_before > 0 && !left_label_taken).then_some(if log_end < window_start {
                Before::LogEnd(log_end)
            } else {
                Before::Hidden(hidden_before)
            });
        ReplicaDetail::Cells(LogTail {
            cell_top,
            cell_size: CELL_SIZE,
            cells,
            ghosts,
            log_end_x: in_window(log_end).then(|| slot_x(log_end)),
            markers,
            window_start,
            hidden_before,
            before,
            marker_label_y: cell_top + CELL_SIZE + 14.0,
        })
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
        log_start_offset: log_start,
        high_watermark,
        log_end_offset: log_end,
        badge_colour: partition_colour(source.index as u32),
        emphasis,
        lost: lost_count,
        lost_hidden,
        detail,
    })
}

/// Places `count` client boxes in a centred row, as full boxes when they fit and as chips
/// otherwise; returns their `(x, width, chip)`, and the "+n" chip's `(x, n)` when some did not
/// fit.
fn client_row(count: usize, width: f64) -> (Vec<ClientPlace>, Option<(f64, u32)>) {
    if count == 0 {
        return (Vec::new(), None);
    }
    let available = width - 2.0 * MARGIN;
    let n = count as f64;
    let full = ((available - (n - 1.0) * CLIENT_GAP) / n).min(CLIENT_MAX_WIDTH);
    let (box_width, gap, shown, chip) = if full >= CLIENT_MIN_WIDTH {
        (full, CLIENT_GAP, count, false)
    } else {
        let fit = ((available + CHIP_GAP) / (CHIP_MIN_WIDTH + CHIP_GAP)).floor() as usize;
        // Keep one chip's room for "+n" when they do not all fit.
        let shown = if count <= fit {
            count
        } else {
            fit.saturating_sub(1)
        };
        let slots = if shown < count { shown + 1 } else { shown } as f64;
        let chip_width = ((available - (slots - 1.0) * CHIP_GAP) / slots).min(CLIENT_MIN_WIDTH);
        (chip_width, CHIP_GAP, shown, true)
    };
    let slots = if shown < count { shown + 1 } else { shown } as f64;
    let row_width = slots * box_width + (slots - 1.0) * gap;
    let left = (width - row_width) / 2.0;
    let places = (0..shown)
        .map(|i| (left + i as f64 * (box_width + gap), box_width, chip))
        .collect();
    let more = (shown < count).then(|| {
        (
            left + shown as f64 * (box_width + gap),
            (count - shown) as u32,
        )
    });
    (places, more)
}

fn more_chip(more: Option<(f64, u32)>, places: &[ClientPlace], y: f64) -> Option<MoreChip> {
    let (x, count) = more?;
    let width = places.first().map_or(CHIP_MIN_WIDTH, |p| p.1);
    Some(MoreChip {
        x,
        y,
        width,
        height: CLIENT_HEIGHT,
        count,
    })
}

fn client_emphasis(highlight: &Highlight, touched: bool) -> Emphasis {
    if highlight.is_empty() {
        Emphasis::Normal
    } else if touched {
        Emphasis::Emphasised
    } else {
        Emphasis::Dimmed
    }
}

fn producer_views(
    sim: &Simulation,
    width: f64,
    highlight: &Highlight,
) -> (Vec<ClientView>, Option<MoreChip>) {
    let count = sim.producers().count();
    let (places, more) = client_row(count, width);
    let more = more_chip(more, &places, CLIENT_TOP);
    let views = sim
        .producers()
        .zip(places)
        .map(|(producer, (x, box_width, chip))| {
            let acks = match producer.config.acks {
                Acks::None => "acks=0",
                Acks::Leader => "acks=1",
                Acks::All => "acks=all",
            };
            let mut detail = acks.to_owned();
            if producer.config.enable_idempotence {
                detail.push_str(" · idem");
            }
            if let Some(workload) = &producer.workload {
                detail.push_str(&format!(" · {}/s", workload.records_per_second));
            }
            ClientView {
                node: Node::Producer(producer.id),
                x,
                y: CLIENT_TOP,
                width: box_width,
                height: CLIENT_HEIGHT,
                chip,
                name: producer.id.to_string(),
                short_name: format!("P{}", producer.id.0),
                detail,
                group: None,
                style: None,
                state: ClientState::Running,
                emphasis: client_emphasis(highlight, highlight.producers.contains(&producer.id)),
            }
        })
        .collect();
    (views, more)
}

fn consumer_views(
    sim: &Simulation,
    width: f64,
    top: f64,
    highlight: &Highlight,
) -> (Vec<ClientView>, Option<MoreChip>) {
    let count = sim.consumers().count();
    let (places, more) = client_row(count, width);
    let more = more_chip(more, &places, top);
    let views = sim
        .consumers()
        .zip(places)
        .map(|(consumer, (x, box_width, chip))| {
            let group = consumer.group.as_ref().map(|g| g.group.clone());
            let state = if consumer.crashed {
                ClientState::Crashed
            } else if consumer.closed {
                ClientState::Closed
            } else if consumer.paused {
                ClientState::Paused
            } else {
                ClientState::Running
            };
            let detail = match &group {
                Some(name) => format!("group {name}"),
                None => format!("reads {}", consumer.topic),
            };
            let touched = highlight.consumers.contains(&consumer.id)
                || group
                    .as_ref()
                    .is_some_and(|name| highlight.groups.contains(name));
            ClientView {
                node: Node::Consumer(consumer.id),
                x,
                y: top,
                width: box_width,
                height: CLIENT_HEIGHT,
                chip,
                name: consumer.id.to_string(),
                short_name: format!("C{}", consumer.id.0),
                detail,
                group,
                style: Some(member_style(consumer.id)),
                state,
                emphasis: client_emphasis(highlight, touched),
            }
        })
        .collect();
    (views, more)
}

/// Where a broker meets the link to `peer` (a broker index) on its top edge (landscape) or its
/// right edge (portrait). Each broker keeps the slot of its own index for its clients, so no
/// two links share a point.
fn attach(frame: &Frame, broker: &BrokerView, slot: usize) -> (f64, f64) {
    let fraction = (slot as f64 + 0.5) / frame.broker_count as f64;
    match frame.shape {
        Shape::Landscape => (broker.x + broker.width * fraction, broker.y),
        Shape::Portrait => (
            broker.x + broker.width,
            broker.y + BROKER_HEADER / 2.0 + (broker.height - BROKER_HEADER) * fraction,
        ),
    }
}

fn link_views(
    frame: &Frame,
    brokers: &[BrokerView],
    producers: &[ClientView],
    consumers: &[ClientView],
) -> Vec<LinkView> {
    let mut links = Vec::new();
    let isolated = |b: &BrokerView| b.isolated;
    for (i, a) in brokers.iter().enumerate() {
        for (j, b) in brokers.iter().enumerate().skip(i + 1) {
            let start = attach(frame, a, j);
            let end = attach(frame, b, i);
            let distance = (j - i) as f64;
            let points = match frame.shape {
                Shape::Landscape => {
                    let lift = (14.0 + 12.0 * (distance - 1.0)).min(LANDSCAPE_TOP_BAND - 12.0);
                    vec![start, (start.0, start.1 - lift), (end.0, end.1 - lift), end]
                }
                Shape::Portrait => {
                    let reach = (9.0 + 9.0 * (distance - 1.0)).min(PORTRAIT_RIGHT_BRACKETS - 4.0);
                    vec![
                        start,
                        (start.0 + reach, start.1),
                        (end.0 + reach, end.1),
                        end,
                    ]
                }
            };
            links.push(link(
                Node::Broker(a.id),
                Node::Broker(b.id),
                points,
                LinkKind::Replication,
                isolated(a) || isolated(b) || !a.up || !b.up,
            ));
        }
    }
    for (index, broker) in brokers.iter().enumerate() {
        for (n, producer) in producers.iter().enumerate() {
            let from = (
                producer.x + producer.width / 2.0,
                producer.y + producer.height,
            );
            let points = match frame.shape {
                Shape::Landscape => vec![from, attach(frame, broker, index)],
                Shape::Portrait => {
                    let lane_x = 12.0 + (n % 3) as f64 * 3.0;
                    let bus_y = from.1 + 8.0 + (n % 3) as f64 * 3.0;
                    let door_y = broker.y + 20.0;
                    vec![
                        from,
                        (from.0, bus_y),
                        (lane_x, bus_y),
                        (lane_x, door_y),
                        (broker.x, door_y),
                    ]
                }
            };
            links.push(link(
                producer.node,
                Node::Broker(broker.id),
                points,
                LinkKind::Producer,
                !broker.up,
            ));
        }
        for (n, consumer) in consumers.iter().enumerate() {
            let from = (consumer.x + consumer.width / 2.0, consumer.y);
            let points = match frame.shape {
                Shape::Landscape => {
                    let (x, _) = attach(frame, broker, index);
                    vec![from, (x, broker.y + broker.height)]
                }
                Shape::Portrait => {
                    let lane_x = 23.0 + (n % 3) as f64 * 3.0;
                    let bus_y = from.1 - 8.0 - (n % 3) as f64 * 3.0;
                    let door_y = broker.y + broker.height - 20.0;
                    vec![
                        from,
                        (from.0, bus_y),
                        (lane_x, bus_y),
                        (lane_x, door_y),
                        (broker.x, door_y),
                    ]
                }
            };
            links.push(link(
                consumer.node,
                Node::Broker(broker.id),
                points,
                LinkKind::Consumer,
                !broker.up,
            ));
        }
    }
    links
}

fn link(a: Node, b: Node, points: Vec<(f64, f64)>, kind: LinkKind, down: bool) -> LinkView {
    let length = points
        .windows(2)
        .map(|w| ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt())
        .sum();
    LinkView {
        a,
        b,
        points,
        length,
        kind,
        down,
    }
}

impl LinkView {
    /// The point `fraction` of the way from `a` to `b`.
    fn point_at(&self, fraction: f64) -> (f64, f64) {
        let mut remaining = self.length * fraction.clamp(0.0, 1.0);
        for w in self.points.windows(2) {
            let segment = ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt();
            if remaining <= segment && segment > 0.0 {
                let t = remaining / segment;
                return (
                    w[0].0 + (w[1].0 - w[0].0) * t,
                    w[0].1 + (w[1].1 - w[0].1) * t,
                );
            }
            remaining -= segment;
        }
        *self.points.last().unwrap_or(&(0.0, 0.0))
    }
}

/// Which nodes the highlight touches, for dimming the messages that do not concern it.
struct TouchedNodes<'a> {
    highlight: &'a Highlight,
    partition_brokers: &'a BTreeSet<BrokerId>,
    sim: &'a Simulation,
}

impl TouchedNodes<'_> {
    fn touches(&self, node: Node) -> bool {
        match node {
            Node::Broker(id) => {
                self.highlight.touches_broker(id) || self.partition_brokers.contains(&id)
            }
            Node::Producer(id) => self.highlight.producers.contains(&id),
            Node::Consumer(id) => {
                self.highlight.consumers.contains(&id)
                    || self
                        .sim
                        .consumer(id)
                        .and_then(|c| c.group.as_ref())
                        .is_some_and(|g| self.highlight.groups.contains(&g.group))
            }
        }
    }
}

/// Records a message carries, shown beside its mark.
fn records_carried(message: &Message) -> u32 {
    message.record_count().min(u32::MAX as usize) as u32
}

/// Ease in and out so a mark leaves and lands gently, as a projector audience can follow.
fn ease(t: f64) -> f64 {
    t * t * (3.0 - 2.0 * t)
}

fn flight_views(sim: &Simulation, links: &[LinkView], touched: &TouchedNodes) -> Vec<FlightView> {
    let index: BTreeMap<(Node, Node), usize> = links
        .iter()
        .enumerate()
        .map(|(i, l)| ((l.a.min(l.b), l.a.max(l.b)), i))
        .collect();
    let now = sim.now();
    sim.in_flight()
        .filter_map(|flight: &InFlight| {
            let link =
                &links[*index.get(&(flight.from.min(flight.to), flight.from.max(flight.to)))?];
            let progress = flight.progress_at(now);
            // A dropped message vanishes half way (the network removes it then); one on a
            // broker link cut by isolation is lost when it would have arrived.
            let cut = matches!((flight.from, flight.to), (Node::Broker(a), Node::Broker(b))
                if sim.is_isolated(a) || sim.is_isolated(b));
            let vanish_at = if sim.is_dropping(flight.id) {
                Some(0.5)
            } else if cut {
                Some(1.0)
            } else {
                None
            };
            // It fades over its whole remaining life: a lost message is only on screen for a
            // moment at normal speed, and the viewer should notice it before it goes.
            let vanishing = vanish_at.map(|end| (progress / end).clamp(0.0, 1.0));
            let along = ease(progress);
            let (x, y) = link.point_at(if flight.from == link.a {
                along
            } else {
                1.0 - along
            });
            let kind = flight.message.kind();
            let style = message_style(kind);
            let emphasis = if touched.highlight.is_empty() {
                Emphasis::Normal
            } else if touched.touches(flight.from) || touched.touches(flight.to) {
                Emphasis::Emphasised
            } else {
                Emphasis::Dimmed
            };
            Some(FlightView {
                id: flight.id.0,
                kind,
                x,
                y,
                colour: style.colour,
                ink: ink_on(style.colour),
                letter: style.letter,
                hollow: style.is_response,
                records: records_carried(&flight.message),
                vanishing,
                emphasis,
            })
        })
        .collect()
}

/// Dark or white text, whichever reads better on `colour` (`#rrggbb`), by WCAG luminance.
pub fn ink_on(colour: &str) -> &'static str {
    let channel = |i: usize| -> f64 {
        let value = colour
            .get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0);
        let c = f64::from(value) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    // Contrast with white is (1.05) / (L + 0.05), with near-black (L + 0.05) / 0.062.
    if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.062 {
        "#ffffff"
    } else {
        "#1b1b1b"
    }
}

fn describe(
    brokers: &[BrokerView],
    producers: &[ClientView],
    consumers: &[ClientView],
    flights: &[FlightView],
    lost: &[LostRecord],
) -> String {
    let states: Vec<String> = brokers
        .iter()
        .map(|b| {
            let state = match (b.up, b.isolated) {
                (false, _) => "crashed",
                (true, true) => "isolated",
                (true, false) => "up",
            };
            format!("broker {} {state}, leading {}", b.id.0, b.leader_count)
        })
        .collect();
    let mut text = format!(
        "Cluster of {} brokers ({}); {} producers, {} consumers, {} messages in flight.",
        brokers.len(),
        states.join("; "),
        producers.len(),
        consumers.len(),
        flights.len()
    );
    if !lost.is_empty() {
        text.push_str(&format!(
            " {} acknowledged records lost, struck through.",
            lost.len()
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{
        BrokerConfig, Command, ConsumerId, NetworkConfig, ProducerConfig, ProducerId, SimConfig,
        TopicConfig,
    };

    fn cluster(brokers: u32, seed: u64) -> Simulation {
        Simulation::new(SimConfig {
            seed,
            broker_count: brokers,
            network: NetworkConfig {
                latency_ms: 5,
                jitter_ms: 0,
                drop_per_million: 0,
            },
            broker: BrokerConfig {
                replica_lag_time_max_ms: 2_000,
                broker_session_timeout_ms: 3_000,
                ..BrokerConfig::default()
            },
        })
    }

    fn topic(sim: &mut Simulation, name: &str, partitions: u32, min_insync_replicas: u32) {
        sim.handle(Command::CreateTopic {
            name: name.to_owned(),
            config: TopicConfig {
                partitions,
                replication_factor: 3,
                min_insync_replicas,
                ..TopicConfig::default()
            },
        })
        .unwrap();
    }

    fn producer(sim: &mut Simulation, id: u32, acks: Acks) -> ProducerId {
        sim.handle(Command::AddProducer {
            producer: ProducerId(id),
            config: ProducerConfig {
                acks,
                enable_idempotence: false,
                linger_ms: 0,
                ..ProducerConfig::default()
            },
        })
        .unwrap();
        ProducerId(id)
    }

    fn produce(sim: &mut Simulation, producer: ProducerId, topic: &str, key: &str, value: &str) {
        sim.handle(Command::Produce {
            producer,
            topic: topic.to_owned(),
            key: Some(key.to_owned()),
            value: Some(value.to_owned()),
        })
        .unwrap();
    }

    fn run_for(sim: &mut Simulation, ms: u64) {
        let until = sim.now().plus_ms(ms);
        sim.advance_to(until);
        sim.drain_events();
    }

    fn build(sim: &Simulation, shape: Shape, lost: &[LostRecord]) -> ClusterView {
        let highlight = Highlight::default();
        ClusterView::build(
            sim,
            &ClusterOptions {
                shape,
                highlight: &highlight,
                selected: None,
                lost,
                show_internal: false,
            },
        )
    }

    fn rows<'a>(view: &'a ClusterView, tp: &'a TopicPartition) -> Vec<&'a ReplicaView> {
        view.brokers
            .iter()
            .flat_map(|b| &b.topics)
            .flat_map(|t| &t.replicas)
            .filter(|r| r.partition == *tp)
            .collect()
    }

    fn tail(row: &ReplicaView) -> &LogTail {
        match &row.detail {
            ReplicaDetail::Cells(tail) => tail,
            ReplicaDetail::Bar(_) => panic!("expected cells"),
        }
    }

    fn inside(outer: (f64, f64, f64, f64), x: f64, y: f64) -> bool {
        x >= outer.0 - 0.01
            && x <= outer.0 + outer.2 + 0.01
            && y >= outer.1 - 0.01
            && y <= outer.1 + outer.3 + 0.01
    }

    #[test]
    fn the_leader_is_marked_and_its_markers_sit_at_the_high_watermark_and_log_end() {
        let mut sim = cluster(3, 1);
        topic(&mut sim, "orders", 1, 2);
        let p = producer(&mut sim, 1, Acks::All);
        for value in ["a", "b", "c"] {
            produce(&mut sim, p, "orders", "k", value);
        }
        run_for(&mut sim, 2_000);
        let tp = TopicPartition::new("orders", 0);
        let leader = sim.partition(&tp).unwrap().leader.unwrap();

        for shape in [Shape::Landscape, Shape::Portrait] {
            let view = build(&sim, shape, &[]);
            assert!(!view.compact);
            let rows = rows(&view, &tp);
            assert_eq!(rows.len(), 3, "one row per replica");
            let leaders: Vec<_> = rows
                .iter()
                .filter(|r| r.role == ReplicaRole::Leader)
                .collect();
            assert_eq!(leaders.len(), 1);
            assert_eq!(leaders[0].broker, leader);
            for row in &rows {
                assert!(row.in_sync);
                assert!(row.high_watermark <= row.log_end_offset);
                let tail = tail(row);
                assert_eq!(tail.cells.len(), 3);
                assert_eq!(
                    tail.cells.iter().map(|c| c.offset).collect::<Vec<_>>(),
                    [0, 1, 2]
                );
                // The dashed slot for the next record sits right after the last cell.
                let last = tail.cells.last().unwrap();
                assert_eq!(tail.log_end_x, Some(last.x + CELL_PITCH));
                let hw = tail
                    .markers
                    .iter()
                    .find(|m| m.kind == MarkerKind::HighWatermark)
                    .expect("high watermark marker");
                assert_eq!(hw.offset, row.high_watermark);
                assert!(hw.x > last.x + CELL_SIZE && hw.x < last.x + CELL_PITCH);
                // Every row stays inside its broker's box.
                let broker = view.brokers.iter().find(|b| b.id == row.broker).unwrap();
                let outer = (broker.x, broker.y, broker.width, broker.height);
                assert!(inside(outer, row.x, row.y));
                assert!(inside(outer, row.x + row.width, row.y + row.height));
                assert!(inside(
                    outer,
                    tail.log_end_x.unwrap() + CELL_SIZE,
                    tail.cell_top
                ));
            }
            assert_eq!(leaders[0].high_watermark, 3);
            assert!(view.height > 0.0 && view.width > 0.0);
        }
    }

    #[test]
    fn a_crashed_follower_drops_out_of_the_isr_and_is_drawn_out_of_sync() {
        let mut sim = cluster(3, 2);
        topic(&mut sim, "orders", 1, 1);
        let p = producer(&mut sim, 1, Acks::All);
        produce(&mut sim, p, "orders", "k", "a");
        run_for(&mut sim, 1_000);
        let tp = TopicPartition::new("orders", 0);
        let meta = sim.partition(&tp).unwrap().clone();
        let follower = *meta
            .replicas
            .iter()
            .find(|b| Some(**b) != meta.leader)
            .unwrap();
        sim.handle(Command::CrashBroker { broker: follower })
            .unwrap();
        run_for(&mut sim, 100);
        let early = build(&sim, Shape::Landscape, &[]);
        let row = rows(&early, &tp)
            .into_iter()
            .find(|r| r.broker == follower)
            .unwrap()
            .clone();
        assert_eq!(row.role, ReplicaRole::Offline);
        assert!(
            row.in_sync,
            "still in the ISR before replica.lag.time.max.ms"
        );

        // replica.lag.time.max.ms is 2 s in this cluster; the ISR check runs every second.
        produce(&mut sim, p, "orders", "k", "b");
        run_for(&mut sim, 4_000);
        let late = build(&sim, Shape::Landscape, &[]);
        let row = rows(&late, &tp)
            .into_iter()
            .find(|r| r.broker == follower)
            .unwrap();
        assert!(!row.in_sync, "out of sync after replica.lag.time.max.ms");
        assert!(!row.isr.contains(&follower));
        let broker = late.brokers.iter().find(|b| b.id == follower).unwrap();
        assert!(!broker.up);
        // The leader moved on without it: its log is shorter than the leader's.
        let leader_row = rows(&late, &tp)
            .into_iter()
            .find(|r| r.role == ReplicaRole::Leader)
            .unwrap();
        assert!(row.log_end_offset < leader_row.log_end_offset);
    }

    #[test]
    fn a_dropped_message_is_flagged_vanishing_and_fades_until_half_way() {
        let mut sim = Simulation::new(SimConfig {
            seed: 3,
            broker_count: 3,
            network: NetworkConfig {
                latency_ms: 100,
                jitter_ms: 0,
                drop_per_million: 1_000_000,
            },
            broker: BrokerConfig::default(),
        });
        topic(&mut sim, "orders", 1, 1);
        let p = producer(&mut sim, 1, Acks::Leader);
        produce(&mut sim, p, "orders", "k", "a");
        run_for(&mut sim, 10);
        let view = build(&sim, Shape::Landscape, &[]);
        let produce = view
            .flights
            .iter()
            .find(|f| f.kind == MessageKind::Produce)
            .expect("the produce request is drawn");
        let early_fade = produce.vanishing.expect("doomed");
        assert!(early_fade > 0.0 && early_fade < 0.5, "{early_fade}");
        assert_eq!(produce.letter, "P");
        assert!(!produce.hollow);
        run_for(&mut sim, 35);
        let view = build(&sim, Shape::Landscape, &[]);
        let produce = view
            .flights
            .iter()
            .find(|f| f.kind == MessageKind::Produce)
            .expect("still drawn before it vanishes");
        assert!(
            produce.vanishing.unwrap() > early_fade + 0.3,
            "fading as it nears its end"
        );
        run_for(&mut sim, 20);
        let view = build(&sim, Shape::Landscape, &[]);
        assert!(
            !view.flights.iter().any(|f| f.id == produce.id),
            "gone half way"
        );
    }

    #[test]
    fn messages_travel_along_their_link_from_sender_to_receiver() {
        let mut sim = cluster(3, 4);
        topic(&mut sim, "orders", 1, 1);
        let p = producer(&mut sim, 1, Acks::All);
        produce(&mut sim, p, "orders", "k", "a");
        run_for(&mut sim, 1);
        let view = build(&sim, Shape::Landscape, &[]);
        let flight = view
            .flights
            .iter()
            .find(|f| f.kind == MessageKind::Produce)
            .unwrap();
        let producer_box = &view.producers[0];
        // One millisecond into a five-millisecond trip: near the producer, below it.
        assert!(flight.y > producer_box.y + producer_box.height - 0.01);
        assert!(flight.y < view.brokers[0].y);
        assert_eq!(flight.vanishing, None);
        run_for(&mut sim, 3);
        let later = build(&sim, Shape::Landscape, &[]);
        let moved = later.flights.iter().find(|f| f.id == flight.id).unwrap();
        assert!(moved.y > flight.y, "it moved towards the broker");
    }

    #[test]
    fn an_acks_1_record_lost_with_its_leader_is_struck_through() {
        // The canonical run: acks=1, the leader acknowledges, dies before its followers copy
        // the record; a follower takes over without it.
        let mut sim = cluster(3, 7);
        topic(&mut sim, "orders", 1, 1);
        let tp = TopicPartition::new("orders", 0);
        let p = producer(&mut sim, 1, Acks::Leader);
        produce(&mut sim, p, "orders", "k", "replicated");
        run_for(&mut sim, 3_000);
        let old_leader = sim.partition(&tp).unwrap().leader.unwrap();
        for other in [0, 1, 2].map(BrokerId) {
            if other != old_leader {
                sim.handle(Command::SetLinkLatency {
                    a: Node::Broker(old_leader),
                    b: Node::Broker(other),
                    latency_ms: 400,
                })
                .unwrap();
            }
        }
        run_for(&mut sim, 1_000);
        produce(&mut sim, p, "orders", "k", "doomed");
        run_for(&mut sim, 50);
        sim.handle(Command::CrashBroker { broker: old_leader })
            .unwrap();
        run_for(&mut sim, 10_000);
        let audit = sim.audit();
        assert_eq!(audit.acknowledged_then_lost.len(), 1);
        let lost = &audit.acknowledged_then_lost;

        // While the old leader is down, its disk still holds the record: struck where it is;
        // the new leader shows a ghost at the same offset.
        let view = build(&sim, Shape::Landscape, lost);
        assert_eq!(view.lost_count, 1);
        let rows = rows(&view, &tp);
        let old = rows.iter().find(|r| r.broker == old_leader).unwrap();
        let struck: Vec<_> = tail(old).cells.iter().filter(|c| c.lost).collect();
        assert_eq!(struck.len(), 1);
        assert_eq!(struck[0].offset, lost[0].offset);
        let new_leader = rows.iter().find(|r| r.role == ReplicaRole::Leader).unwrap();
        assert_ne!(new_leader.broker, old_leader);
        let ghosts = &tail(new_leader).ghosts;
        assert_eq!(ghosts.len(), 1);
        assert_eq!(ghosts[0].offset, lost[0].offset);
        assert_eq!(ghosts[0].record, lost[0].record);
        assert!(view.description.contains("lost"));

        // After the old leader returns and truncates, the ghost remains on the leader.
        sim.handle(Command::RestartBroker { broker: old_leader })
            .unwrap();
        run_for(&mut sim, 5_000);
        let lost = sim.audit().acknowledged_then_lost;
        let view = build(&sim, Shape::Landscape, &lost);
        let rows = super::tests::rows(&view, &tp);
        assert!(rows.iter().all(|r| tail(r).cells.iter().all(|c| !c.lost)));
        let leader_row = rows.iter().find(|r| r.role == ReplicaRole::Leader).unwrap();
        assert_eq!(tail(leader_row).ghosts.len(), 1);
        assert!(!tail(leader_row).ghosts[0].occupied);
        assert_eq!(leader_row.lost, 1);

        // A new record takes the lost one's offset: the ghost becomes a tab under it, and the
        // new record is not struck.
        produce(&mut sim, p, "orders", "k", "after");
        run_for(&mut sim, 2_000);
        let lost = sim.audit().acknowledged_then_lost;
        assert_eq!(lost.len(), 1);
        let view = build(&sim, Shape::Landscape, &lost);
        let rows = super::tests::rows(&view, &tp);
        let leader_row = rows.iter().find(|r| r.role == ReplicaRole::Leader).unwrap();
        let ghost = &tail(leader_row).ghosts[0];
        assert!(ghost.occupied);
        let taker = tail(leader_row)
            .cells
            .iter()
            .find(|c| c.offset == ghost.offset)
            .expect("a new record at the lost offset");
        assert_ne!(taker.record, ghost.record);
        assert!(!taker.lost);
    }

    #[test]
    fn forty_eight_partitions_switch_to_bars_and_stay_small() {
        let mut sim = cluster(3, 5);
        topic(&mut sim, "orders", 48, 2);
        let p = producer(&mut sim, 1, Acks::All);
        sim.handle(Command::StartWorkload {
            producer: p,
            workload: crate::engine::Workload {
                topic: "orders".to_owned(),
                records_per_second: 2_000,
                keys: crate::engine::KeyPattern::None,
                count: None,
            },
        })
        .unwrap();
        for n in 0..6 {
            sim.handle(Command::AddConsumer {
                consumer: ConsumerId(n),
                topic: "orders".to_owned(),
                group: Some(format!("g{}", n % 2)),
                config: crate::engine::ConsumerConfig::default(),
            })
            .unwrap();
        }
        run_for(&mut sim, 3_000);
        for shape in [Shape::Landscape, Shape::Portrait] {
            let view = build(&sim, shape, &[]);
            assert!(view.compact);
            let drawn: usize = view
                .brokers
                .iter()
                .flat_map(|b| &b.topics)
                .map(|t| t.replicas.len())
                .sum();
            assert_eq!(drawn, 48 * 3);
            assert!(view
                .brokers
                .iter()
                .flat_map(|b| &b.topics)
                .flat_map(|t| &t.replicas)
                .all(|r| matches!(r.detail, ReplicaDetail::Bar(_))));
            // `__consumer_offsets` is one line per broker.
            assert!(view.brokers.iter().all(|b| b.internal.is_some()));
            let elements = view.element_count();
            assert!(elements < 1_500, "{elements} SVG elements");
            for broker in &view.brokers {
                let outer = (broker.x, broker.y, broker.width, broker.height);
                for row in broker.topics.iter().flat_map(|t| &t.replicas) {
                    assert!(inside(outer, row.x + row.width, row.y + row.height));
                }
            }
        }
    }

    #[test]
    fn the_default_sandbox_is_detailed_and_small() {
        let mut sim = cluster(3, 6);
        topic(&mut sim, "orders", 3, 2);
        let p = producer(&mut sim, 1, Acks::All);
        for n in 0..20 {
            produce(&mut sim, p, "orders", &format!("k{n}"), "v");
        }
        sim.handle(Command::AddConsumer {
            consumer: ConsumerId(0),
            topic: "orders".to_owned(),
            group: Some("g".to_owned()),
            config: crate::engine::ConsumerConfig::default(),
        })
        .unwrap();
        run_for(&mut sim, 5_000);
        let view = build(&sim, Shape::Landscape, &[]);
        assert!(!view.compact);
        assert!(view.element_count() < 600, "{}", view.element_count());
        // The consumer wears its member style.
        assert_eq!(view.consumers[0].style, Some(member_style(ConsumerId(0))));
        // 16:9-ish in landscape, tall in portrait.
        assert!(view.width / view.height > 1.5, "{}", view.height);
        let portrait = build(&sim, Shape::Portrait, &[]);
        assert!(portrait.height > portrait.width);
    }

    #[test]
    fn highlighting_a_partition_dims_the_other_replicas() {
        let mut sim = cluster(3, 8);
        topic(&mut sim, "orders", 3, 2);
        run_for(&mut sim, 1_000);
        let tp = TopicPartition::new("orders", 1);
        let highlight = Highlight {
            partitions: [tp.clone()].into(),
            ..Highlight::default()
        };
        let view = ClusterView::build(
            &sim,
            &ClusterOptions {
                shape: Shape::Landscape,
                highlight: &highlight,
                selected: None,
                lost: &[],
                show_internal: false,
            },
        );
        for row in view
            .brokers
            .iter()
            .flat_map(|b| &b.topics)
            .flat_map(|t| &t.replicas)
        {
            let expected = if row.partition == tp {
                Emphasis::Emphasised
            } else {
                Emphasis::Dimmed
            };
            assert_eq!(row.emphasis, expected);
        }
    }

    #[test]
    fn text_on_marks_reads_against_their_colour() {
        assert_eq!(ink_on("#0072B2"), "#ffffff");
        assert_eq!(ink_on("#F0E442"), "#1b1b1b");
        assert_eq!(ink_on("#E69F00"), "#1b1b1b");
    }

    #[test]
    fn many_clients_become_chips_and_the_rest_are_counted() {
        let (places, more) = client_row(3, LANDSCAPE_WIDTH);
        assert_eq!(more, None);
        assert!(places.iter().all(|(_, _, chip)| !chip));
        let (places, more) = client_row(64, LANDSCAPE_WIDTH);
        assert!(places.iter().all(|(_, _, chip)| *chip));
        let (more_x, hidden) = more.expect("some do not fit");
        assert_eq!(places.len() as u32 + hidden, 64);
        let (last_x, last_w, _) = *places.last().unwrap();
        assert!(last_x + last_w < more_x);
        assert!(more_x + last_w <= LANDSCAPE_WIDTH - MARGIN + 0.01);
        assert!(places.windows(2).all(|w| w[0].0 + w[0].1 < w[1].0));
    }
}
