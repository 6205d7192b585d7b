//! The views of the panels around the cluster (audit bar, groups, event log, charts, journey,
//! forms) as last built, each [`Shared`] with the component that shows it: a frame that did
//! not rebuild a panel hands it the same view, which Yew compares by identity and skips.

use crate::engine::{AuditReport, ConsumerId, NetworkConfig, ProducerId, SimTime};
use crate::ui::sandbox::audit::view::AuditSummaryView;
use crate::ui::sandbox::charts::view::{ChartsView, DEFAULT_SPAN_MS};
use crate::ui::sandbox::events::log::{EventFilter, EventLogView, EVENT_LOG_SHOWN};
use crate::ui::sandbox::groups::view::GroupsView;
use crate::ui::sandbox::inventory::{BrokerItem, ConsumerItem, Inventory, ProducerItem, TopicItem};
use crate::ui::sandbox::journey::view::JourneyView;
use crate::ui::sandbox::panels::Panels;
use crate::ui::sandbox::state::Sandbox;
use crate::ui::shell::shared::Shared;

/// While playing, the panels are rebuilt one part per frame, in turn ([`PanelPart`]): a frame
/// that rebuilt them all (and had Yew patch and the browser lay out all of them) missed its
/// vsync on the large preset, five times a second.
pub const PANEL_PARTS: usize = 4;

/// When events come so fast that a refresh of the event log would replace every entry it
/// shows, nobody can read it as it scrolls: it is then refreshed at most this often (a busy run
/// at 10× logs hundreds of events between two refreshes), which spares the page rebuilding a
/// hundred rows five times a second.
const EVENT_LOG_FLOOD_EVERY_MS: f64 = 1_000.0;

/// The parts of [`PanelViews`] rebuilt in turn while playing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PanelPart {
    Groups,
    EventLog,
    /// The charts and the selected record's journey.
    Charts,
    /// The audit bar and what the forms need (the inventory, the network, the next ids).
    Rest,
}

impl PanelPart {
    pub const IN_TURN: [PanelPart; PANEL_PARTS] = [
        PanelPart::Groups,
        PanelPart::EventLog,
        PanelPart::Charts,
        PanelPart::Rest,
    ];
}

/// What the panels show, as last built.
pub struct PanelViews {
    pub audit: Shared<AuditSummaryView>,
    pub groups: Shared<GroupsView>,
    pub event_log: Shared<EventLogView>,
    pub journey: Shared<Option<JourneyView>>,
    pub charts: Shared<ChartsView>,
    pub inventory: InventoryViews,
    pub network: NetworkConfig,
    pub next_producer: ProducerId,
    pub next_consumer: ConsumerId,
    /// When a part was last rebuilt (wall-clock milliseconds).
    pub built_wall_ms: f64,
    /// When the event log's view was last replaced.
    event_log_wall_ms: f64,
}

/// The inventory's lists, each shared with the forms that offer it.
pub struct InventoryViews {
    pub topics: Shared<Vec<TopicItem>>,
    pub brokers: Shared<Vec<BrokerItem>>,
    pub producers: Shared<Vec<ProducerItem>>,
    pub consumers: Shared<Vec<ConsumerItem>>,
    pub groups: Shared<Vec<String>>,
}

impl InventoryViews {
    fn new(inventory: Inventory) -> Self {
        InventoryViews {
            topics: Shared::new(inventory.topics),
            brokers: Shared::new(inventory.brokers),
            producers: Shared::new(inventory.producers),
            consumers: Shared::new(inventory.consumers),
            groups: Shared::new(inventory.groups),
        }
    }

    fn update(&mut self, inventory: Inventory) {
        self.topics.replace_if_changed(inventory.topics);
        self.brokers.replace_if_changed(inventory.brokers);
        self.producers.replace_if_changed(inventory.producers);
        self.consumers.replace_if_changed(inventory.consumers);
        self.groups.replace_if_changed(inventory.groups);
    }
}

/// The charts' time cursor, moved in steps of a quarter second: the canvases are redrawn only
/// when their picture changes, not on every animation frame.
pub fn chart_cursor(now: SimTime) -> SimTime {
    SimTime::from_ms(now.as_ms() / 250 * 250)
}

impl PanelViews {
    pub fn build(
        sandbox: &Sandbox<Panels>,
        audit: &AuditReport,
        filter: &EventFilter,
        wall_ms: f64,
    ) -> Self {
        let sim = sandbox.sim();
        let observer = sandbox.observer();
        PanelViews {
            audit: Shared::new(AuditSummaryView::build(audit)),
            groups: Shared::new(GroupsView::build(sim, &observer.rebalances)),
            event_log: Shared::new(observer.event_log.view(sim, filter, EVENT_LOG_SHOWN)),
            journey: Shared::new(
                sandbox
                    .selected()
                    .and_then(|r| JourneyView::build(&observer.journeys, r, sim)),
            ),
            charts: Shared::new(ChartsView::build(
                &observer.metrics,
                chart_cursor(sim.now()),
                DEFAULT_SPAN_MS,
            )),
            inventory: InventoryViews::new(Inventory::build(sim)),
            network: sim.network_config(),
            next_producer: sandbox.next_producer_id(),
            next_consumer: sandbox.next_consumer_id(),
            built_wall_ms: wall_ms,
            event_log_wall_ms: wall_ms,
        }
    }

    /// Rebuilds every part at once (after anything the visitor does); views that come out
    /// the same are kept, so their panels are not re-rendered.
    pub fn refresh_all(
        &mut self,
        sandbox: &Sandbox<Panels>,
        audit: &AuditReport,
        filter: &EventFilter,
        wall_ms: f64,
    ) {
        for part in PanelPart::IN_TURN {
            self.refresh(part, sandbox, audit, filter, wall_ms, false);
        }
    }

    /// Rebuilds one part. While playing, an event log flooded with new entries keeps its view
    /// for up to [`EVENT_LOG_FLOOD_EVERY_MS`].
    pub fn refresh(
        &mut self,
        part: PanelPart,
        sandbox: &Sandbox<Panels>,
        audit: &AuditReport,
        filter: &EventFilter,
        wall_ms: f64,
        playing: bool,
    ) {
        let sim = sandbox.sim();
        let observer = sandbox.observer();
        self.built_wall_ms = wall_ms;
        match part {
            PanelPart::Groups => self
                .groups
                .replace_if_changed(GroupsView::build(sim, &observer.rebalances)),
            PanelPart::EventLog => {
                let event_log = observer.event_log.view(sim, filter, EVENT_LOG_SHOWN);
                let flooded = playing
                    && replaces_every_entry(&self.event_log, &event_log)
                    && wall_ms - self.event_log_wall_ms < EVENT_LOG_FLOOD_EVERY_MS;
                if !flooded {
                    self.event_log.replace_if_changed(event_log);
                    self.event_log_wall_ms = wall_ms;
                }
            }
            PanelPart::Charts => {
                self.charts.replace_if_changed(ChartsView::build(
                    &observer.metrics,
                    chart_cursor(sim.now()),
                    DEFAULT_SPAN_MS,
                ));
                self.journey.replace_if_changed(
                    sandbox
                        .selected()
                        .and_then(|r| JourneyView::build(&observer.journeys, r, sim)),
                );
            }
            PanelPart::Rest => {
                self.audit
                    .replace_if_changed(AuditSummaryView::build(audit));
                self.inventory.update(Inventory::build(sim));
                self.network = sim.network_config();
                self.next_producer = sandbox.next_producer_id();
                self.next_consumer = sandbox.next_consumer_id();
            }
        }
    }
}

/// Whether `new` shows none of the entries `old` shows: every entry came since.
fn replaces_every_entry(old: &EventLogView, new: &EventLogView) -> bool {
    match (old.entries.first(), new.entries.last()) {
        (Some(newest_old), Some(oldest_new)) => oldest_new.key > newest_old.key,
        _ => false,
    }
}
