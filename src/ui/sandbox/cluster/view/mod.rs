//! Turns the whole cluster into positioned shapes for the sandbox's big picture: brokers as
//! boxes holding their partition replicas (leader, followers, out-of-sync replicas, each log's
//! tail with its log start, high watermark and log end), the producers above and the consumers
//! below, and every message in flight at its current point along its link. Pure geometry, no
//! Yew, so the layout is tested natively; `cluster/svg.rs` only draws what this returns.
//!
//! Two levels of detail: up to [`NORMAL_MAX_ROWS`] replicas per broker each replica shows its
//! last records as cells; beyond that (48 partitions, say) each replica is one thin row with a
//! bar, so the picture stays legible and the DOM small enough to redraw every frame.

use crate::engine::sorted::{VecMap, VecSet};
use std::rc::Rc;
use std::sync::Arc;

use crate::engine::{
    Acks, BrokerId, InFlight, LostRecord, Message, MessageKind, Node, Offset, Payload, RecordId,
    Simulation, TopicPartition, OFFSETS_TOPIC,
};

use crate::ui::sandbox::observe::Highlight;
use crate::ui::shell::palette::{
    ink_on, key_colours, member_style, message_style, partition_colour, MemberStyle,
};

mod clients;
mod flights;
mod layout;
mod links;
mod replica;
#[cfg(test)]
mod tests;

use clients::*;
use flights::*;
use layout::*;
use links::*;
use replica::*;

pub use layout::{MAX_DRAWN_REPLICAS, NORMAL_MAX_ROWS};

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
    /// Shared, so that a row whose picture did not change between frames compares equal to
    /// the one drawn and its component is skipped (see `svg.rs`).
    pub replicas: Vec<Rc<ReplicaView>>,
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
    /// A link that carries nothing now (cut one way or both, or a broker isolated from that
    /// side), a link to a crashed broker, or a client's connection closed and waiting out its
    /// reconnect backoff: drawn broken.
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

impl ClusterView {
    /// The same picture with `record` (or nothing) as the selected record. The picture held
    /// still under the pointer (see `svg.rs`) is an old view: this is how a click on it still
    /// shows what it selected without moving anything.
    pub fn with_selected(mut self, record: Option<RecordId>) -> ClusterView {
        let tails = self
            .brokers
            .iter_mut()
            .flat_map(|broker| broker.topics.iter_mut())
            .flat_map(|topic| topic.replicas.iter_mut())
            .filter_map(|replica| match &mut Rc::make_mut(replica).detail {
                ReplicaDetail::Cells(tail) => Some(tail),
                ReplicaDetail::Bar(_) => None,
            });
        for tail in tails {
            for cell in &mut tail.cells {
                cell.selected = Some(cell.record) == record;
            }
            for ghost in &mut tail.ghosts {
                ghost.selected = Some(ghost.record) == record;
            }
        }
        self
    }

    /// Lays out the cluster as it is at `sim.now()`.
    pub fn build(sim: &Simulation, options: &ClusterOptions) -> ClusterView {
        let highlight = options.highlight;
        let lost = LostIndex::new(options.lost);
        let width = match options.shape {
            Shape::Landscape => LANDSCAPE_WIDTH,
            Shape::Portrait => PORTRAIT_WIDTH,
        };
        let placement = Placement::of(sim, options);
        let broker_count = placement.broker_ids.len().max(1);
        let most_rows = placement
            .rows
            .values()
            .map(|groups| groups.iter().map(|(_, r)| r.len()).sum::<usize>())
            .max()
            .unwrap_or(0);

        let frame = Frame::new(options.shape, width, broker_count);
        let slots = frame.slots();
        let compact = most_rows > NORMAL_MAX_ROWS || slots < MIN_SLOTS;
        let row_cap = MAX_DRAWN_REPLICAS / broker_count;

        // Heights first: landscape brokers share the tallest one's height.
        let heights: Vec<f64> = placement
            .broker_ids
            .iter()
            .map(|id| {
                content_height(
                    &placement.rows[id],
                    placement.internal.contains_key(id),
                    compact,
                    frame.broker_width,
                    row_cap,
                )
            })
            .collect();
        let positions = frame.broker_boxes(&heights);
        let ctx = BrokerCtx {
            sim,
            options,
            lost: &lost,
            placement: &placement,
            compact,
            slots,
            row_cap,
        };
        let brokers: Vec<BrokerView> = placement
            .broker_ids
            .iter()
            .zip(positions.iter().copied())
            .map(|(id, place)| ctx.broker_view(*id, place))
            .collect();
        let partition_brokers = &placement.partition_brokers;

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
        let mut links = link_views(&frame, &brokers, &producers, &consumers);
        mark_broken(sim, &mut links);
        let touched_nodes = TouchedNodes {
            highlight,
            partition_brokers,
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
        let link_styles: VecSet<(u8, bool)> = self
            .links
            .iter()
            .map(|l| (l.kind as u8, l.down))
            .collect::<VecSet<_>>();
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

/// Which replica rows each broker holds, grouped by topic (topics are in name order), the
/// hidden internal topic's summary per broker, and the brokers holding a highlighted partition.
struct Placement {
    broker_ids: Vec<BrokerId>,
    rows: VecMap<BrokerId, TopicRows>,
    internal: VecMap<BrokerId, InternalSummary>,
    partition_brokers: VecSet<BrokerId>,
}

impl Placement {
    fn of(sim: &Simulation, options: &ClusterOptions) -> Placement {
        let broker_ids: Vec<BrokerId> = sim.brokers().map(|b| b.id).collect();
        let mut rows: VecMap<BrokerId, TopicRows> = broker_ids
            .iter()
            .map(|id| (*id, Vec::new()))
            .collect::<VecMap<_, _>>();
        let mut internal: VecMap<BrokerId, InternalSummary> = VecMap::new();
        let mut partition_brokers: VecSet<BrokerId> = VecSet::new();
        for topic in sim.topics() {
            let hidden_internal = topic.name == OFFSETS_TOPIC && !options.show_internal;
            for (index, meta) in topic.partitions.iter().enumerate() {
                let tp = TopicPartition::new(topic.shared_name.clone(), index as u32);
                if options.highlight.touches_partition(&tp) {
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
        Placement {
            broker_ids,
            rows,
            internal,
            partition_brokers,
        }
    }
}

/// What every broker box of one picture shares.
struct BrokerCtx<'a> {
    sim: &'a Simulation,
    options: &'a ClusterOptions<'a>,
    lost: &'a LostIndex<'a>,
    placement: &'a Placement,
    compact: bool,
    slots: u64,
    /// Replica rows drawn per broker at most.
    row_cap: usize,
}

impl BrokerCtx<'_> {
    /// One broker's box `(x, y, width, height)` with its replica rows, topic by topic.
    fn broker_view(&self, id: BrokerId, (x, y, w, h): (f64, f64, f64, f64)) -> BrokerView {
        let state = self.sim.broker(id).expect("listed above");
        let highlight = self.options.highlight;
        let touched = highlight.touches_broker(id);
        let mut view = BrokerView {
            id,
            x,
            y,
            width: w,
            height: h,
            up: state.up,
            isolated: self.sim.is_isolated(id),
            fenced: state.fenced,
            emphasis: Emphasis::Normal,
            topics: Vec::new(),
            internal: None,
            hidden_replicas: 0,
            hidden_line_y: 0.0,
            leader_count: 0,
        };
        let row_ctx = RowCtx {
            sim: self.sim,
            broker: id,
            compact: self.compact,
            slots: self.slots,
            lost: self.lost,
            options: self.options,
            broker_touched: touched,
        };
        let mut cursor = y + BROKER_HEADER;
        let mut drawn = 0usize;
        for (topic, sources) in &self.placement.rows[&id] {
            let room = self.row_cap.saturating_sub(drawn);
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
            let rows = RowGrid::new(self.compact, x, w, cursor, shown);
            for (n, source) in sources.iter().take(shown).enumerate() {
                let Some(replica) = replica_view(&row_ctx, source, rows.place(n)) else {
                    continue;
                };
                view.leader_count += u32::from(replica.role == ReplicaRole::Leader);
                group.replicas.push(Rc::new(replica));
            }
            cursor += rows.height();
            view.topics.push(group);
        }
        if view.hidden_replicas > 0 {
            view.hidden_line_y = cursor + 16.0;
            cursor += LINE;
        }
        if let Some(summary) = self.placement.internal.get(&id) {
            view.internal = Some(InternalSummary {
                y: cursor + 16.0,
                ..*summary
            });
        }
        view.emphasis = if highlight.is_empty() {
            Emphasis::Normal
        } else if touched {
            Emphasis::Emphasised
        } else if self.placement.partition_brokers.contains(&id) {
            Emphasis::Normal
        } else {
            Emphasis::Dimmed
        };
        view
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
