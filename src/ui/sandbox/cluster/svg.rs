//! The cluster picture: brokers with their replicas and log tails, the clients around them,
//! and every message in flight where it is on its link. It draws a built [`ClusterView`] and
//! nothing else. Pointer and keyboard events are handled once, on the `<svg>`, and resolved
//! through `data-` attributes, so a frame creates no listener per cell.
//!
//! A record is a target that moves: new records push a log tail left many times a second at
//! high speeds. So while the pointer rests on a record, is pressed on one, or the keyboard
//! focus is on one, the picture is held still (the simulation runs on, and the other panels
//! follow it) and a click selects what was under the pointer when the visitor aimed. Each
//! record's element is keyed by its offset, so between frames it is updated in place rather
//! than rebuilt.

use crate::engine::sorted::VecMap;
use std::cell::RefCell;
use std::rc::Rc;

use web_sys::Element;
use yew::prelude::*;

use crate::engine::{BrokerId, ConsumerId, Node, ProducerId, RecordId, TopicPartition};

use crate::ui::sandbox::cluster::moving::MovingCanvas;
use crate::ui::sandbox::cluster::view::{
    Before, BrokerView, CellView, ClientState, ClientView, ClusterView, Emphasis, GhostView,
    LinkKind, LinkView, LogBar, LogTail, MarkerKind, MoreChip, ReplicaDetail, ReplicaRole,
    ReplicaView, Shape,
};
use crate::ui::sandbox::observe::Highlight;

#[derive(Properties, PartialEq)]
pub struct ClusterSvgProps {
    /// Shared, so holding the picture still keeps it without copying it.
    pub view: Rc<ClusterView>,
    /// A record cell (or a lost record's ghost) was clicked, or chosen with Enter or Space.
    pub on_select_record: Callback<RecordId>,
    /// The pointer (or keyboard focus) is on a broker, a replica or a client; an empty
    /// highlight when it leaves them.
    pub on_hover: Callback<Highlight>,
}

/// Why the picture is held still: any one of these holds it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct HoldReasons {
    pointer_on_record: bool,
    pressed_on_record: bool,
    focus_on_record: bool,
}

impl HoldReasons {
    fn any(self) -> bool {
        self.pointer_on_record || self.pressed_on_record || self.focus_on_record
    }
}

/// The picture held under the pointer, if it is held, and the one way to change why.
#[derive(Clone)]
struct Hold {
    held: UseStateHandle<Option<Rc<ClusterView>>>,
    reasons: Rc<RefCell<HoldReasons>>,
    /// The live picture of the latest render, which is the one held when a hold begins.
    live: Rc<RefCell<Rc<ClusterView>>>,
}

impl Hold {
    /// Applies a change of reasons: holds the live picture when the first reason appears and
    /// lets go when the last one goes.
    fn update(&self, change: impl FnOnce(&mut HoldReasons)) {
        let was = self.reasons.borrow().any();
        change(&mut self.reasons.borrow_mut());
        let is = self.reasons.borrow().any();
        if is && !was {
            self.held.set(Some(self.live.borrow().clone()));
        } else if was && !is {
            self.held.set(None);
        }
    }

    /// A record chosen on the held picture shows as selected on it, without moving anything.
    fn select(&self, record: RecordId) {
        if let Some(held) = self.held.as_ref() {
            let selected = (**held).clone().with_selected(Some(record));
            self.held.set(Some(Rc::new(selected)));
        }
    }
}

#[hook]
fn use_hold(live: &Rc<ClusterView>) -> Hold {
    let held = use_state(|| None::<Rc<ClusterView>>);
    let reasons = use_mut_ref(HoldReasons::default);
    let latest = use_mut_ref(|| live.clone());
    *latest.borrow_mut() = live.clone();
    Hold {
        held,
        reasons,
        live: latest,
    }
}

#[component(ClusterSvg)]
pub fn cluster_svg(props: &ClusterSvgProps) -> Html {
    let hold = use_hold(&props.view);
    let view: Rc<ClusterView> = hold.held.as_ref().unwrap_or(&props.view).clone();
    let held = hold.held.is_some();
    // The last highlight sent, so moving within one thing does not resend it.
    let last_hover = use_mut_ref(Highlight::default);
    let (onmouseover, onfocusin, onmouseleave) = pointer_callbacks(props, &hold, last_hover);
    // Focus moving off a record lets go; if it moves onto another record, focusin holds again.
    let onfocusout = {
        let hold = hold.clone();
        Callback::from(move |_: FocusEvent| hold.update(|r| r.focus_on_record = false))
    };
    let onpointerdown = {
        let hold = hold.clone();
        Callback::from(move |e: PointerEvent| {
            let on_record = record_of(e.target_dyn_into::<Element>()).is_some();
            hold.update(|r| r.pressed_on_record = on_record);
        })
    };
    let onpointerup = {
        let hold = hold.clone();
        Callback::from(move |_: PointerEvent| hold.update(|r| r.pressed_on_record = false))
    };
    let onclick = {
        let (select, hold) = (props.on_select_record.clone(), hold.clone());
        Callback::from(move |e: MouseEvent| {
            if let Some(record) = record_of(e.target_dyn_into::<Element>()) {
                hold.select(record);
                select.emit(record);
            }
        })
    };
    let onkeydown = {
        let (select, hold) = (props.on_select_record.clone(), hold.clone());
        Callback::from(move |e: KeyboardEvent| {
            if !matches!(e.key().as_str(), "Enter" | " ") {
                return;
            }
            if let Some(record) = record_of(e.target_dyn_into::<Element>()) {
                // The key acts on the focused cell, not on the page's shortcuts (Space plays).
                e.prevent_default();
                e.stop_propagation();
                hold.select(record);
                select.emit(record);
            }
        })
    };

    let view_box = format!("0 0 {} {:.0}", view.width, view.height);
    html! {
        <>
        <div class="cluster-box">
        <svg class={classes!("cluster", (view.shape == Shape::Portrait).then_some("portrait"),
                              view.compact.then_some("compact"), held.then_some("held"))}
             viewBox={view_box.clone()}
             role="figure" aria-label={view.description.clone()} data-testid="cluster"
             {onmouseover} {onmouseleave} {onfocusin} {onfocusout} {onclick} {onkeydown} {onpointerdown} {onpointerup}>
            <desc>{"Brokers are boxes holding partition replicas; producers are above them and consumers below; coloured marks travelling along the links are requests (filled) and responses (hollow)."}</desc>
            <defs>
                <pattern id="cl-hatch" width="12" height="12" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                    <path d="M 0 0 L 0 12" class="cl-hatch-line" />
                </pattern>
            </defs>
            <g class="cl-links" aria-hidden="true">{ links(&view.links) }</g>
            { for view.producers.iter().map(client) }
            { more(view.more_producers, "producers") }
            { for view.brokers.iter().map(broker) }
            { for view.consumers.iter().map(client) }
            { more(view.more_consumers, "consumers") }
        </svg>
        // The messages in flight and the log bars move every frame: painted on a canvas of
        // their own laid over the cluster (its own compositing layer), so their moves repaint
        // only themselves, and cost the DOM nothing.
        <MovingCanvas view={view.clone()} portrait={view.shape == Shape::Portrait} />
        </div>
        if held {
            <p class="cl-held-note" role="status" data-testid="cluster-held"
               title="The picture holds still while you point at a record, so the record you aim at stays where it is. Time runs on; the picture catches up when you move away.">
                {"❚❚ Held while you point at a record"}
            </p>
        }
        </>
    }
}

/// Hovering and focus: what they highlight in the other panels, and whether they rest on a
/// record (which holds the picture still).
fn pointer_callbacks(
    props: &ClusterSvgProps,
    hold: &Hold,
    last_hover: Rc<RefCell<Highlight>>,
) -> (
    Callback<MouseEvent>,
    Callback<FocusEvent>,
    Callback<MouseEvent>,
) {
    let hover = {
        let on_hover = props.on_hover.clone();
        move |target: Option<Element>| {
            let highlight = target
                .and_then(|t| t.closest("[data-hover]").ok().flatten())
                .map(|e| highlight_of(&e))
                .unwrap_or_default();
            if *last_hover.borrow() != highlight {
                *last_hover.borrow_mut() = highlight.clone();
                on_hover.emit(highlight);
            }
        }
    };
    let onmouseover = {
        let (hover, hold) = (hover.clone(), hold.clone());
        Callback::from(move |e: MouseEvent| {
            let target = e.target_dyn_into::<Element>();
            let on_record = record_of(target.clone()).is_some();
            hold.update(|r| r.pointer_on_record = on_record);
            hover(target);
        })
    };
    let onfocusin = {
        let (hover, hold) = (hover.clone(), hold.clone());
        Callback::from(move |e: FocusEvent| {
            let target = e.target_dyn_into::<Element>();
            let on_record = record_of(target.clone()).is_some();
            hold.update(|r| r.focus_on_record = on_record);
            hover(target);
        })
    };
    let onmouseleave = {
        let hold = hold.clone();
        Callback::from(move |_: MouseEvent| {
            hold.update(|r| {
                r.pointer_on_record = false;
                r.pressed_on_record = false;
            });
            hover(None);
        })
    };
    (onmouseover, onfocusin, onmouseleave)
}

/// What a `data-hover` element touches.
fn highlight_of(element: &Element) -> Highlight {
    let number = |name: &str| {
        element
            .get_attribute(name)
            .and_then(|v| v.parse::<u32>().ok())
    };
    let mut highlight = Highlight::default();
    if let Some(broker) = number("data-broker") {
        highlight.brokers.insert(BrokerId(broker));
    }
    if let (Some(topic), Some(partition)) = (
        element.get_attribute("data-topic"),
        number("data-partition"),
    ) {
        highlight
            .partitions
            .insert(TopicPartition::new(topic, partition));
    }
    if let Some(producer) = number("data-producer") {
        highlight.producers.insert(ProducerId(producer));
    }
    if let Some(consumer) = number("data-consumer") {
        highlight.consumers.insert(ConsumerId(consumer));
    }
    if let Some(group) = element.get_attribute("data-group") {
        highlight.groups.insert(group);
    }
    highlight
}

fn record_of(target: Option<Element>) -> Option<RecordId> {
    let element = target?.closest("[data-record]").ok().flatten()?;
    let id = element.get_attribute("data-record")?.parse::<u64>().ok()?;
    Some(RecordId(id))
}

fn px(value: f64) -> String {
    format!("{value:.1}")
}

fn emphasis_class(emphasis: Emphasis) -> Option<&'static str> {
    match emphasis {
        Emphasis::Normal => None,
        Emphasis::Emphasised => Some("emphasised"),
        Emphasis::Dimmed => Some("dimmed"),
    }
}

/// All links as one path per kind and state, so hundreds of client links cost a few elements.
fn links(links: &[LinkView]) -> Html {
    let mut paths: VecMap<(u8, bool), (LinkKind, String)> = VecMap::new();
    for link in links {
        let entry = paths
            .entry((link.kind as u8, link.down))
            .or_insert_with(|| (link.kind, String::new()));
        for (i, (x, y)) in link.points.iter().enumerate() {
            let command = if i == 0 { 'M' } else { 'L' };
            entry.1.push_str(&format!("{command}{x:.1} {y:.1} "));
        }
    }
    paths
        .into_iter()
        .map(|((_, down), (kind, d))| {
            let kind = match kind {
                LinkKind::Producer => "producer",
                LinkKind::Consumer => "consumer",
                LinkKind::Replication => "replication",
            };
            html! { <path class={classes!("cl-link", kind, down.then_some("down"))} d={d} /> }
        })
        .collect()
}

fn broker(broker: &BrokerView) -> Html {
    let (state_class, state_text) = match (broker.up, broker.isolated, broker.fenced) {
        (false, _, _) => ("crashed", "✕ crashed"),
        (true, true, _) => ("isolated", "⚡ isolated"),
        (true, false, true) => ("fenced", "⏸ fenced"),
        (true, false, false) => ("up", "● up"),
    };
    let title = format!(
        "broker {}: {}; leads {} partition{}",
        broker.id.0,
        state_class,
        broker.leader_count,
        if broker.leader_count == 1 { "" } else { "s" }
    );
    let (x, y, w, h) = (broker.x, broker.y, broker.width, broker.height);
    html! {
        <g class={classes!("cl-broker", state_class, emphasis_class(broker.emphasis))}
           data-hover="broker" data-broker={broker.id.0.to_string()}>
            <title>{title}</title>
            <rect class="cl-broker-box" x={px(x)} y={px(y)} width={px(w)} height={px(h)} rx="12" />
            if !broker.up || broker.isolated {
                <rect class="cl-broker-hatch" x={px(x)} y={px(y)} width={px(w)} height={px(h)} rx="12" />
            }
            <text class="cl-broker-name" x={px(x + 12.0)} y={px(y + 27.0)}>{format!("broker {}", broker.id.0)}</text>
            <text class="cl-broker-state" x={px(x + w - 12.0)} y={px(y + 27.0)}>{state_text}</text>
            { for broker.topics.iter().map(|topic| html! {
                <>
                    <text class="cl-topic" x={px(x + 10.0)} y={px(topic.title_y)}>{format!("topic {}", topic.topic)}</text>
                    { for topic.replicas.iter().map(|replica| html! { <ReplicaRow replica={replica.clone()} /> }) }
                </>
            }) }
            if broker.hidden_replicas > 0 {
                <text class="cl-note" x={px(x + 10.0)} y={px(broker.hidden_line_y)}>
                    {format!("+{} more replicas not drawn", broker.hidden_replicas)}
                </text>
            }
            if let Some(internal) = broker.internal {
                <text class="cl-note" x={px(x + 10.0)} y={px(internal.y)}>
                    {format!("__consumer_offsets: {} replicas, leads {}", internal.replicas, internal.leaders)}
                </text>
            }
        </g>
    }
}

fn role_classes(replica: &ReplicaView) -> Classes {
    let role = match replica.role {
        ReplicaRole::Leader => "leader",
        ReplicaRole::Follower => "follower",
        ReplicaRole::StaleLeader => "stale-leader",
        ReplicaRole::Offline => "offline",
    };
    classes!(
        "cl-replica",
        role,
        (!replica.in_sync).then_some("out-of-sync"),
        emphasis_class(replica.emphasis)
    )
}

fn role_text(replica: &ReplicaView) -> String {
    match replica.role {
        ReplicaRole::Leader => {
            let isr: Vec<String> = replica.isr.iter().map(|b| b.0.to_string()).collect();
            format!(
                "♛ leader · epoch {} · ISR {}",
                replica.leader_epoch,
                isr.join(",")
            )
        }
        ReplicaRole::Follower if replica.in_sync => {
            format!("follower · epoch {}", replica.leader_epoch)
        }
        ReplicaRole::Follower => format!("out of sync · epoch {}", replica.leader_epoch),
        ReplicaRole::StaleLeader => format!("⚠ stale leader · epoch {}", replica.leader_epoch),
        ReplicaRole::Offline => format!("offline · epoch {}", replica.leader_epoch),
    }
}

#[derive(Properties, PartialEq)]
struct ReplicaRowProps {
    replica: Rc<ReplicaView>,
}

/// One replica's row, as a component of its own: its view is rebuilt every frame, but a row
/// whose picture did not change compares equal to the one drawn, so Yew neither renders it
/// again nor compares its cells with the document. On the large preset most of the 144 rows
/// are unchanged in any one frame.
#[component(ReplicaRow)]
fn replica_row(props: &ReplicaRowProps) -> Html {
    let replica = &*props.replica;
    match &replica.detail {
        ReplicaDetail::Cells(tail) => replica_cells(replica, tail),
        ReplicaDetail::Bar(bar) => replica_bar(replica, bar),
    }
}

fn replica_cells(replica: &ReplicaView, tail: &LogTail) -> Html {
    let (x, y) = (replica.x, replica.y);
    let before = tail.before.map(|before| match before {
        Before::Hidden(count) => format!("◂ +{count}"),
        Before::LogEnd(offset) => format!("◂ LEO {offset}"),
    });
    let size = tail.cell_size;
    html! {
        <g class={role_classes(replica)} data-hover="replica" data-broker={replica.broker.0.to_string()}
           data-topic={replica.partition.topic.to_string()} data-partition={replica.partition.partition.to_string()}>
            <title>{replica.summary()}</title>
            <rect class="cl-badge" x={px(x)} y={px(y + 1.0)} width="36" height="20" rx="5" fill={replica.badge_colour} />
            <text class="cl-badge-text" x={px(x + 18.0)} y={px(y + 16.0)}>{format!("P{}", replica.partition.partition)}</text>
            <text class="cl-role" x={px(x + 44.0)} y={px(y + 16.0)}>{role_text(replica)}</text>
            if replica.lost_hidden > 0 {
                // On the row's bottom line, right-aligned: the role text on the top line can
                // be as wide as the row (a leader with its epoch and ISR).
                <text class="cl-lost-note" x={px(x + replica.width)} y={px(tail.marker_label_y)}>{format!("✕ {} lost", replica.lost_hidden)}</text>
            }
            if let Some(before) = before {
                <text class="cl-before-note" x={px(x - 4.0)} y={px(tail.marker_label_y)}>{before}</text>
            }
            { for tail.cells.iter().map(|c| cell(c, replica, tail)) }
            { for tail.ghosts.iter().map(|g| ghost(g, replica, tail)) }
            if let Some(slot_x) = tail.log_end_x {
                <rect class="cl-next" x={px(slot_x)} y={px(tail.cell_top)} width={px(size)} height={px(size)} rx="6" />
                <text class="cl-leo" x={px(slot_x + size / 2.0)} y={px(tail.cell_top + size / 2.0 + 4.5)}>{"LEO"}</text>
            }
            { for tail.markers.iter().map(|m| {
                let (class, label) = match m.kind {
                    MarkerKind::HighWatermark => ("hw", "HW"),
                    MarkerKind::LogStart => ("start", "start"),
                    MarkerKind::LogStartAndHighWatermark => ("hw start", "start·HW"),
                };
                html! {
                    <>
                        <line class={classes!("cl-marker", class)} x1={px(m.x)} x2={px(m.x)}
                              y1={px(tail.cell_top - 4.0)} y2={px(tail.cell_top + size + 4.0)} />
                        if m.labelled {
                            <text class={classes!("cl-marker-label", class, m.at_left_edge.then_some("left"))}
                                  x={px(if m.at_left_edge { m.x - 4.0 } else { m.x })} y={px(tail.marker_label_y)}>{label}</text>
                        }
                    </>
                }
            }) }
        </g>
    }
}

fn cell(cell: &CellView, replica: &ReplicaView, tail: &LogTail) -> Html {
    let size = tail.cell_size;
    let top = tail.cell_top;
    let key = cell.key.as_deref().unwrap_or("(no key)");
    let value = cell
        .value
        .as_ref()
        .map_or_else(|| "(tombstone)".into(), |v| v.text());
    let mut label = format!(
        "{} offset {} on broker {}: key {key}, value {value}; {}",
        replica.partition,
        cell.offset,
        replica.broker.0,
        if cell.committed {
            "committed (below the high watermark)"
        } else {
            "not yet committed"
        }
    );
    if cell.lost {
        label.push_str("; acknowledged, then lost");
    }
    html! {
        <g key={cell.offset.to_string()}
           class={classes!("cl-cell", (!cell.committed).then_some("uncommitted"), cell.selected.then_some("selected"),
                           cell.highlighted.then_some("highlighted"), cell.lost.then_some("lost"))}
           tabindex="0" role="button" aria-label={label.clone()} aria-pressed={cell.selected.to_string()}
           data-record={cell.record.0.to_string()}>
            <title>{label}</title>
            <rect x={px(cell.x)} y={px(top)} width={px(size)} height={px(size)} rx="6" fill={cell.fill} />
            <text x={px(cell.x + size / 2.0)} y={px(top + size / 2.0 + 5.0)} fill={cell.text}>{cell.offset.to_string()}</text>
            if cell.lost {
                <line class="cl-strike" x1={px(cell.x - 3.0)} y1={px(top + size + 3.0)} x2={px(cell.x + size + 3.0)} y2={px(top - 3.0)} />
            }
        </g>
    }
}

fn ghost(ghost: &GhostView, replica: &ReplicaView, tail: &LogTail) -> Html {
    let size = tail.cell_size;
    let label = format!(
        "{} offset {}: record {} was acknowledged and is lost ({})",
        replica.partition, ghost.offset, ghost.record.0, ghost.reason
    );
    // A ghost of its own in a free slot; a tab under the cell that took its offset otherwise.
    let (top, height, text_y) = if ghost.occupied {
        let top = tail.cell_top + size + 2.0;
        (top, 15.0, top + 12.0)
    } else {
        (tail.cell_top, size, tail.cell_top + size / 2.0 + 4.5)
    };
    html! {
        <g key={ghost.record.0.to_string()}
           class={classes!("cl-ghost", ghost.occupied.then_some("tab"), ghost.selected.then_some("selected"))}
           tabindex="0" role="button" aria-label={label.clone()} data-record={ghost.record.0.to_string()}>
            <title>{label}</title>
            <rect x={px(ghost.x)} y={px(top)} width={px(size)} height={px(height)} rx="4" />
            <text x={px(ghost.x + size / 2.0)} y={px(text_y)}>{"lost"}</text>
            if ghost.occupied {
                <line class="cl-strike" x1={px(ghost.x - 2.0)} y1={px(top + height / 2.0)} x2={px(ghost.x + size + 2.0)} y2={px(top + height / 2.0)} />
            } else {
                <line class="cl-strike" x1={px(ghost.x - 2.0)} y1={px(top + height + 2.0)} x2={px(ghost.x + size + 2.0)} y2={px(top - 2.0)} />
            }
        </g>
    }
}

fn replica_bar(replica: &ReplicaView, bar: &LogBar) -> Html {
    let glyph = match replica.role {
        ReplicaRole::Leader => "♛",
        ReplicaRole::StaleLeader => "⚠",
        ReplicaRole::Offline => "✕",
        ReplicaRole::Follower if replica.in_sync => "·",
        ReplicaRole::Follower => "○",
    };
    let lost = if replica.lost > 0 { " ✕" } else { "" };
    html! {
        <g class={role_classes(replica)} data-hover="replica" data-broker={replica.broker.0.to_string()}
           data-topic={replica.partition.topic.to_string()} data-partition={replica.partition.partition.to_string()}>
            <title>{replica.summary()}</title>
            <text class={classes!("cl-row-label", (replica.lost > 0).then_some("lost"))} x={px(replica.x)} y={px(bar.text_y)}>
                {format!("{}{glyph}{lost}", replica.partition.partition)}
            </text>
            // The bar itself is painted on the canvas over the picture (`moving.rs`); this
            // keeps its place for the pointer, so pointing at it highlights the replica and
            // shows its description.
            <rect class="cl-bar-place" x={px(bar.x)} y={px(bar.bar_y)} width={px(bar.width)} height={px(bar.bar_height)} />
        </g>
    }
}

fn client(client: &ClientView) -> Html {
    let (role, producer, consumer) = match client.node {
        Node::Producer(id) => ("producer", Some(id.0.to_string()), None),
        Node::Consumer(id) => ("consumer", None, Some(id.0.to_string())),
        Node::Broker(_) => ("broker", None, None),
    };
    let state = match client.state {
        ClientState::Running => None,
        ClientState::Paused => Some("paused"),
        ClientState::Crashed => Some("crashed"),
        ClientState::Closed => Some("closed"),
    };
    let glyph = client.style.map_or("", |s| s.glyph);
    let (x, y, w, h) = (client.x, client.y, client.width, client.height);
    let detail = match state {
        Some(state) => format!("{state} · {}", client.detail),
        None => client.detail.clone(),
    };
    let title = format!("{}: {detail}", client.name);
    // Inline, because the stylesheet's stroke would win over an attribute.
    let stroke = client.style.map(|s| format!("stroke: {}", s.fill));
    html! {
        <g class={classes!("cl-client", role, state, client.chip.then_some("chip"), emphasis_class(client.emphasis))}
           data-hover={role} data-producer={producer} data-consumer={consumer} data-group={client.group.clone()}>
            <title>{title}</title>
            <rect x={px(x)} y={px(y)} width={px(w)} height={px(h)} rx="10" style={stroke} />
            if client.chip {
                <text class="cl-client-name" x={px(x + w / 2.0)} y={px(y + h / 2.0 + 5.0)}>
                    {format!("{}{glyph}", client.short_name)}
                </text>
            } else {
                <text class="cl-client-name" x={px(x + w / 2.0)} y={px(y + 21.0)}>
                    {if glyph.is_empty() { client.name.clone() } else { format!("{glyph} {}", client.name) }}
                </text>
                <text class="cl-client-detail" x={px(x + w / 2.0)} y={px(y + 39.0)}>{detail}</text>
            }
        </g>
    }
}

fn more(chip: Option<MoreChip>, what: &'static str) -> Html {
    let Some(chip) = chip else {
        return Html::default();
    };
    html! {
        <g class="cl-client more">
            <title>{format!("{} more {what} not drawn", chip.count)}</title>
            <rect x={px(chip.x)} y={px(chip.y)} width={px(chip.width)} height={px(chip.height)} rx="10" />
            <text class="cl-client-name" x={px(chip.x + chip.width / 2.0)} y={px(chip.y + chip.height / 2.0 + 5.0)}>
                {format!("+{}", chip.count)}
            </text>
        </g>
    }
}
