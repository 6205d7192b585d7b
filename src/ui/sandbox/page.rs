//! The sandbox page: owns the [`Sandbox`], drives it from `requestAnimationFrame`, saves it to
//! browser storage, and lays out the cluster view, the panels, the charts and the controls.

use std::rc::Rc;

use gloo::events::EventListener;
use gloo::storage::{LocalStorage, Storage};
use web_sys::KeyboardEvent;
use yew::prelude::*;

use crate::ui::shell::page::{listen_for_shortcuts, query_value, viewport_is_portrait, FrameLoop};

use crate::engine::{AuditReport, RecordId};
use crate::scenario::SavedRun;
use crate::ui::sandbox::observe::Highlight;

use crate::i18n::Lang;
use crate::ui::sandbox::audit::bar::AuditBar;
use crate::ui::sandbox::charts::panel::ChartsPanel;
use crate::ui::sandbox::cluster::legend::ClusterLegend;
use crate::ui::sandbox::cluster::svg::ClusterSvg;
use crate::ui::sandbox::cluster::view::{ClusterOptions, ClusterView, Shape};
use crate::ui::sandbox::events::log::EventFilter;
use crate::ui::sandbox::events::panel::EventLogPanel;
use crate::ui::sandbox::forms::broker::BrokerControls;
use crate::ui::sandbox::forms::group::GroupForm;
use crate::ui::sandbox::forms::producer::ProducerForm;
use crate::ui::sandbox::forms::topic::TopicForm;
use crate::ui::sandbox::groups::panel::GroupsPanel;
use crate::ui::sandbox::journey::panel::JourneyPanel;
use crate::ui::sandbox::panel_views::{PanelPart, PanelViews, PANEL_PARTS};
use crate::ui::sandbox::panels::Panels;
use crate::ui::sandbox::presets::{Preset, PRESETS};
use crate::ui::sandbox::setup_picker::SetupPicker;
use crate::ui::sandbox::state::{Notice, Sandbox, SandboxAction};
use crate::ui::sandbox::time_bar::TimeBar;
use crate::ui::shell::lang::{choose, initial_lang};
use crate::ui::shell::mode_nav::{Mode, ModeNav};

/// Where the sandbox keeps itself between visits, packed ([`crate::scenario::SavedRun`]).
pub const STORAGE_KEY: &str = "kafka-playground.sandbox.v2";
/// Where earlier builds kept it as JSON: read once, by the reader's worker, then removed once
/// the run is stored again under [`STORAGE_KEY`].
pub const JSON_STORAGE_KEY: &str = "kafka-playground.sandbox.v1";
/// What is appended to a key to set a saved state that could not be read aside, so it is not
/// lost either.
pub const UNREADABLE_SUFFIX: &str = ".unreadable";

/// While the run plays, it is saved at most this often (wall-clock), besides after every action.
const SAVE_EVERY_MS: f64 = 3_000.0;

/// The auditor's report is refreshed at most this often while playing (and at once after
/// anything the visitor does). It is kept up to date per event, so a refresh costs what
/// happened since the last one, not the length of the run.
const AUDIT_EVERY_MS: f64 = 400.0;

/// The panels around the cluster view (groups, event log, charts, audit bar, forms) change
/// more slowly than the eye follows; each is rebuilt at most this often while playing (and
/// at once after anything the visitor does), so most animation frames only redraw the
/// cluster.
const PANELS_EVERY_MS: f64 = 200.0;

pub enum Msg {
    Act(SandboxAction),
    /// The reader's answer for a run an earlier build stored as JSON.
    Restored(Result<SavedRun, String>),
    Frame(f64),
    Filter(EventFilter),
    Resized,
    /// The visitor chose a language: only the words change, the run goes on.
    Language(Lang),
}

fn current_shape() -> Shape {
    if viewport_is_portrait() {
        Shape::Portrait
    } else {
        Shape::Landscape
    }
}

pub struct Page {
    sandbox: Sandbox<Panels>,
    last_save_ms: f64,
    saved_revision: u64,
    frames: FrameLoop<Self>,
    _keys: Option<EventListener>,
    _resize: EventListener,
    shape: Shape,
    /// A problem with the saved state or the link, shown until dismissed.
    load_notice: Option<String>,
    /// Set while the reader's worker reads a run stored as JSON; nothing is saved meanwhile,
    /// so the default sandbox shown until then cannot overwrite it.
    restoring: bool,
    lang: Lang,
    event_filter: EventFilter,
    audit: AuditReport,
    /// The part of the panels the next periodic refresh rebuilds, an index into
    /// [`PanelPart::IN_TURN`].
    next_panel_part: usize,
    audit_wall_ms: f64,
    panels: PanelViews,
    callbacks: Callbacks,
}

/// The callbacks handed to the page's components, made once. Yew compares a callback by
/// identity, so one made afresh in every `view` would make every component that takes it
/// render again on every animation frame, forms and panels included, though nothing of
/// theirs changed.
struct Callbacks {
    on_action: Callback<SandboxAction>,
    on_hover: Callback<Highlight>,
    on_select_record: Callback<RecordId>,
    on_filter: Callback<EventFilter>,
    dismiss: Callback<MouseEvent>,
}

impl Callbacks {
    fn new(ctx: &Context<Page>) -> Self {
        let on_action = ctx.link().callback(Msg::Act);
        Callbacks {
            on_hover: on_action.reform(SandboxAction::Hover),
            on_select_record: on_action.reform(|r| SandboxAction::Select(Some(r))),
            on_filter: ctx.link().callback(Msg::Filter),
            dismiss: on_action.reform(|_: MouseEvent| SandboxAction::DismissNotice),
            on_action,
        }
    }
}

impl Component for Page {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let (mut sandbox, load_notice, json_run) = initial_sandbox();
        let restoring = json_run.is_some();
        if let Some(json) = json_run {
            if sandbox.is_playing() {
                sandbox.apply(SandboxAction::TogglePlay);
            }
            crate::ui::reader::read_saved_run_json(json, ctx.link().callback(Msg::Restored));
        }
        let keys = listen_for_shortcuts(ctx, shortcut);
        let saved_revision = sandbox.revision();
        let audit = sandbox.audit();
        let resize = {
            let link = ctx.link().clone();
            EventListener::new(&gloo::utils::window(), "resize", move |_| {
                link.send_message(Msg::Resized)
            })
        };
        let panels = PanelViews::build(&sandbox, &audit, &EventFilter::default(), 0.0);
        Page {
            callbacks: Callbacks::new(ctx),
            panels,
            _resize: resize,
            shape: current_shape(),
            event_filter: EventFilter::default(),
            audit,
            next_panel_part: 0,
            audit_wall_ms: 0.0,
            sandbox,
            last_save_ms: 0.0,
            saved_revision,
            frames: FrameLoop::start(ctx, Msg::Frame),
            _keys: keys,
            load_notice,
            restoring,
            lang: initial_lang(),
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Self::Message) -> bool {
        match msg {
            Msg::Frame(timestamp_ms) => {
                let wall_ms = self.frames.tick(ctx, timestamp_ms);
                let changed = self.sandbox.apply(SandboxAction::Frame { wall_ms });
                if self.sandbox.is_playing() && timestamp_ms - self.last_save_ms > SAVE_EVERY_MS {
                    self.save(timestamp_ms);
                }
                // At most one of the two slow refreshes per frame, so no frame pays for both.
                if changed && timestamp_ms - self.audit_wall_ms > AUDIT_EVERY_MS {
                    self.audit = self.sandbox.audit();
                    self.audit_wall_ms = timestamp_ms;
                } else if changed
                    && timestamp_ms - self.panels.built_wall_ms
                        > PANELS_EVERY_MS / PANEL_PARTS as f64
                {
                    self.refresh_panel_part_while_playing(timestamp_ms);
                }
                changed
            }
            Msg::Act(action) => {
                if matches!(action, SandboxAction::DismissNotice) {
                    self.load_notice = None;
                }
                let refresh_audit = !matches!(action, SandboxAction::Hover(_));
                let changed = self.sandbox.apply(action);
                if self.sandbox.revision() != self.saved_revision {
                    self.save(self.frames.last_frame_ms().unwrap_or(0.0));
                }
                if refresh_audit {
                    self.audit = self.sandbox.audit();
                    self.refresh_panels(self.frames.last_frame_ms().unwrap_or(0.0));
                }
                changed
            }
            Msg::Restored(outcome) => {
                self.restoring = false;
                let problem = match outcome {
                    Ok(saved) => {
                        let (sandbox, problem) = Sandbox::restore_run(saved, PRESETS[0].setup());
                        if problem.is_none() {
                            self.sandbox = sandbox;
                            self.audit = self.sandbox.audit();
                            self.refresh_panels(self.frames.last_frame_ms().unwrap_or(0.0));
                            self.save(self.frames.last_frame_ms().unwrap_or(0.0));
                        }
                        problem
                    }
                    Err(problem) => Some(problem),
                };
                if let Some(problem) = problem {
                    self.load_notice = Some(set_aside(JSON_STORAGE_KEY, &problem));
                    // The fresh sandbox was held still for the restore; it runs as any does.
                    if !self.sandbox.is_playing() {
                        self.sandbox.apply(SandboxAction::TogglePlay);
                    }
                } else {
                    let _ = LocalStorage::raw().remove_item(JSON_STORAGE_KEY);
                }
                true
            }
            Msg::Resized => {
                let shape = current_shape();
                let changed = shape != self.shape;
                self.shape = shape;
                changed
            }
            Msg::Language(lang) => {
                choose(lang);
                self.lang = lang;
                true
            }
            Msg::Filter(filter) => {
                self.event_filter = filter;
                self.refresh_panels(self.frames.last_frame_ms().unwrap_or(0.0));
                true
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let sandbox = &self.sandbox;
        let sim = sandbox.sim();
        let session = sandbox.session();
        let Callbacks {
            on_action,
            on_hover,
            on_select_record,
            on_filter,
            dismiss,
        } = &self.callbacks;
        let panels = &self.panels;
        let inventory = &panels.inventory;
        let restoring = self.restoring.then(|| {
            (
                false,
                "Reading the run you saved with an earlier version of the playground…".to_string(),
            )
        });
        let notice = restoring.or_else(|| match (&self.load_notice, sandbox.notice()) {
            (Some(problem), _) => Some((true, problem.clone())),
            (None, Some(Notice::Error(text))) => Some((true, text.clone())),
            (None, Some(Notice::Info(text))) => Some((false, text.clone())),
            (None, None) => None,
        });
        html! {
            <div class="app sandbox" data-testid="sandbox">
                <header class="top">
                    <h1><span class="logo" aria-hidden="true">{"▤"}</span>{"kafka-playground"}</h1>
                    <ModeNav current={Mode::Sandbox} lang={self.lang} on_lang={ctx.link().callback(Msg::Language)} />
                    <span class="setup-name" data-testid="setup-name">{session.setup().name.clone()}</span>
                </header>
                <TimeBar playing={sandbox.is_playing()} speed={sandbox.speed()}
                         now_ms={sim.now().as_ms()} horizon_ms={session.horizon().as_ms()}
                         forked_at_ms={session.forked_at().map(|t| t.as_ms())}
                         on_action={on_action.clone()} />
                if let Some((is_error, text)) = notice {
                    <div class={classes!("notice", is_error.then_some("error"))} role={if is_error { "alert" } else { "status" }} data-testid="notice">
                        <p>{text}</p>
                        <button class="small" onclick={dismiss.clone()} aria-label="Dismiss this message">{"✕"}</button>
                    </div>
                }
                <AuditBar view={panels.audit.clone()} />
                <div class="sandbox-grid">
                    <main class="sandbox-stage" aria-label="The cluster">
                        <section class="panel cluster-wrap">
                            <ClusterSvg view={Rc::new(ClusterView::build(sim, &ClusterOptions {
                                            shape: self.shape,
                                            highlight: sandbox.highlight(),
                                            selected: sandbox.selected(),
                                            lost: &self.audit.acknowledged_then_lost,
                                            show_internal: false,
                                        }))}
                                        on_select_record={on_select_record.clone()}
                                        on_hover={on_hover.clone()} />
                            <ClusterLegend />
                        </section>
                        <section class="panel charts-wrap" aria-label="Charts">
                            <ChartsPanel view={panels.charts.clone()} />
                        </section>
                        <section class="panel event-log-wrap">
                            <EventLogPanel view={panels.event_log.clone()}
                                           filter={self.event_filter.clone()}
                                           on_filter={on_filter.clone()}
                                           on_hover={on_hover.clone()} />
                        </section>
                    </main>
                    <aside class="sandbox-side" aria-label="Groups, records and brokers">
                        <BrokerControls brokers={inventory.brokers.clone()} network={panels.network} on_action={on_action.clone()} />
                        <GroupsPanel view={panels.groups.clone()} on_hover={Some(on_hover.clone())} />
                        <JourneyPanel view={panels.journey.clone()}
                                      selected={sandbox.selected()}
                                      on_select={on_select_record.clone()} />
                    </aside>
                </div>
                <section class="sandbox-controls" aria-label="Sandbox controls">
                    <h2 class="visually-hidden">{"Sandbox controls"}</h2>
                    <SetupPicker current={AttrValue::from(session.setup().name.clone())} on_action={on_action.clone()} />
                    <TopicForm topics={inventory.topics.clone()} brokers={inventory.brokers.len() as u32} on_action={on_action.clone()} />
                    <ProducerForm producers={inventory.producers.clone()} topics={inventory.topics.clone()}
                                  next_id={panels.next_producer} on_action={on_action.clone()} />
                    <GroupForm consumers={inventory.consumers.clone()} topics={inventory.topics.clone()}
                               groups={inventory.groups.clone()} next_id={panels.next_consumer}
                               on_action={on_action.clone()} />
                </section>
            </div>
        }
    }
}

impl Page {
    fn refresh_panels(&mut self, wall_ms: f64) {
        self.panels
            .refresh_all(&self.sandbox, &self.audit, &self.event_filter, wall_ms);
    }

    /// The periodic refresh: the next part of the panels in turn (see [`PANEL_PARTS`]).
    fn refresh_panel_part_while_playing(&mut self, wall_ms: f64) {
        let part = PanelPart::IN_TURN[self.next_panel_part % PANEL_PARTS];
        self.next_panel_part = (self.next_panel_part + 1) % PANEL_PARTS;
        self.panels.refresh(
            part,
            &self.sandbox,
            &self.audit,
            &self.event_filter,
            wall_ms,
            true,
        );
    }

    fn save(&mut self, now_ms: f64) {
        if self.restoring {
            return;
        }
        self.last_save_ms = now_ms;
        self.saved_revision = self.sandbox.revision();
        // Storage can be full or disabled (private windows); the sandbox keeps working.
        // Written raw: the packed text is text already.
        let _ = LocalStorage::raw().set_item(STORAGE_KEY, &self.sandbox.saved_text());
    }
}

/// The sandbox the page opens with: a preset named in the link (`?preset=`), else the saved
/// run, else the default. A saved run that cannot be read is set aside and reported. A run an
/// earlier build stored as JSON comes back third: the default sandbox, paused, until the
/// reader's worker has read it (see [`Msg::Restored`]).
fn initial_sandbox() -> (Sandbox<Panels>, Option<String>, Option<String>) {
    let default = PRESETS[0].setup();
    let requested = query_value("preset");
    if let Some(slug) = requested {
        return match Preset::by_slug(&slug) {
            Some(preset) => (Sandbox::new(preset.setup()), None, None),
            None => (
                Sandbox::new(default),
                Some(format!(
                    "The link asks for preset '{slug}', which does not exist; showing the default sandbox. Known presets: {}.",
                    PRESETS.map(|p| p.slug).join(", ")
                )),
                None,
            ),
        };
    }
    let stored = |key: &str| LocalStorage::raw().get_item(key).ok().flatten();
    if let Some(saved) = stored(STORAGE_KEY) {
        let (sandbox, problem) = Sandbox::restore(&saved, default);
        let notice = problem.map(|problem| set_aside(STORAGE_KEY, &problem));
        return (sandbox, notice, None);
    }
    (Sandbox::new(default), None, stored(JSON_STORAGE_KEY))
}

/// Moves the saved state under `key` aside (to the same key with [`UNREADABLE_SUFFIX`]) and
/// says so, with the problem.
fn set_aside(key: &str, problem: &str) -> String {
    let aside = format!("{key}{UNREADABLE_SUFFIX}");
    if let Ok(Some(saved)) = LocalStorage::raw().get_item(key) {
        let _ = LocalStorage::raw().set_item(&aside, &saved);
    }
    let _ = LocalStorage::raw().remove_item(key);
    format!(
        "Your saved sandbox could not be read ({problem}). It was set aside in browser storage under '{aside}', and a fresh sandbox started."
    )
}

/// The sandbox's keyboard shortcuts.
fn shortcut(event: &KeyboardEvent) -> Option<Msg> {
    let action = match event.key().as_str() {
        " " | "k" => SandboxAction::TogglePlay,
        "ArrowRight" | "." => SandboxAction::Step,
        _ => return None,
    };
    Some(Msg::Act(action))
}
