//! The pipelines page: owns the [`Board`], drives it from `requestAnimationFrame`, and lays
//! out the comparison, the table, the failure stories and the CodeMentor experiment.

use gloo::events::EventListener;
use web_sys::KeyboardEvent;
use yew::prelude::*;

use super::comparison_table::ComparisonTableView;
use super::experiment_form::ExperimentFormView;
use super::experiment_results::ExperimentResults;
use super::peak_panel::PeakPanel;
use super::pipeline_card::PipelineCard;
use super::provenance_legend::ProvenanceLegend;
use super::state::{Board, BoardAction, Lane};
use super::story_panel::StoryPanel;
use super::toolbar::PipelineToolbar;
use super::view::card::CardView;
use super::view::comparison::ComparisonTable;
use super::view::diagram::{DiagramInput, DiagramView};
use super::view::experiment::ExperimentView;
use super::view::stage_table::StageTable;
use super::view::story::StoryView;
use crate::i18n::Lang;
use crate::pipeline::{builtin, stories};
use crate::ui::shell::lang::{choose, initial_lang};
use crate::ui::shell::mode_nav::{Mode, ModeNav};
use crate::ui::shell::page::{listen_for_shortcuts, query_value, FrameLoop};

pub enum Msg {
    Act(BoardAction),
    Frame(f64),
    /// The visitor chose a language: only the words change.
    Language(Lang),
}

pub struct Page {
    board: Board,
    frames: FrameLoop<Self>,
    _keys: Option<EventListener>,
    /// The visitor asked for less motion: marks stand still, figures still update.
    reduced_motion: bool,
    /// Built once: the comparison never changes while the page is open.
    comparison: ComparisonTable,
    cards: Vec<CardView>,
    lang: Lang,
}

fn prefers_reduced_motion() -> bool {
    gloo::utils::window()
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .is_some_and(|query| query.matches())
}

fn diagram(lane: &Lane, animate: bool, watch: &[String]) -> (DiagramView, StageTable, Vec<f64>) {
    let (ins, outs) = lane.rates.per_second(&lane.run);
    let view = DiagramView::build(
        &lane.run,
        &DiagramInput {
            in_per_sec: &ins,
            out_per_sec: &outs,
            animate,
            watch,
        },
    );
    let table = StageTable::build(&lane.run, &ins, &outs, watch, false);
    (view, table, ins)
}

impl Component for Page {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let requested = query_value("compare").unwrap_or_default();
        let ids: Vec<&str> = requested.split(',').filter(|s| !s.is_empty()).collect();
        let board = if ids.is_empty() {
            Board::default()
        } else {
            Board::new(&ids)
        };
        let keys = listen_for_shortcuts(ctx, shortcut);
        let all = builtin::all();
        Page {
            board,
            frames: FrameLoop::start(ctx, Msg::Frame),
            _keys: keys,
            reduced_motion: prefers_reduced_motion(),
            comparison: ComparisonTable::build(&all),
            cards: all.iter().map(CardView::build).collect(),
            lang: initial_lang(),
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Self::Message) -> bool {
        match msg {
            Msg::Frame(timestamp_ms) => {
                let wall_ms = self.frames.tick(ctx, timestamp_ms);
                self.board.apply(BoardAction::Frame { wall_ms })
            }
            Msg::Act(action) => self.board.apply(action),
            Msg::Language(lang) => {
                choose(lang);
                self.lang = lang;
                true
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let board = &self.board;
        let on_action = ctx.link().callback(Msg::Act);
        let animate = !self.reduced_motion;
        let pipelines: Vec<(String, String)> = self
            .cards
            .iter()
            .map(|c| (c.id.clone(), c.name.clone()))
            .collect();
        let story_list: Vec<(String, String)> =
            stories().into_iter().map(|s| (s.id, s.title)).collect();
        let story = board.story().map(|s| {
            let (view, _, _) = diagram(&s.lane, animate, &s.story.watch);
            (StoryView::build(s), view)
        });
        let (story_view, story_diagram) = match story {
            Some((s, d)) => (Some(s), Some(d)),
            None => (None, None),
        };
        let on_wide = on_action.reform(BoardAction::ToggleWide);
        let on_run = on_action.reform(BoardAction::RunExperiment);
        html! {
            <div class="app pipelines" data-testid="pipelines">
                <header class="top">
                    <h1><span class="logo" aria-hidden="true">{"▤"}</span>{"kafka-playground"}</h1>
                    <ModeNav current={Mode::Pipelines} lang={self.lang} on_lang={ctx.link().callback(Msg::Language)} />
                    <nav class="pipe-jump" aria-label="On this page">
                        <a href="#compare">{"Compare"}</a>
                        <a href="#table">{"Table"}</a>
                        <a href="#stories">{"Failure stories"}</a>
                        <a href="#experiment">{"CodeMentor experiment"}</a>
                        <a href="#peak">{"Netflix's peak second"}</a>
                    </nav>
                </header>
                <p class="pipe-intro">
                    {"Real pipelines built on Kafka, running on the playground's broker core under the same load (5 records/s, seed 1) and one clock. Dots move along the arrows as records travel."}
                </p>
                <PipelineToolbar pipelines={pipelines} selected={board.selected()} playing={board.is_playing()}
                                 speed={board.speed()} now_ms={board.now_ms()} on_action={on_action.clone()} />
                <ProvenanceLegend />
                <section id="compare" class="pipe-grid" aria-label="Pipelines side by side" data-testid="pipe-grid">
                    { for board.lanes().iter().map(|lane| {
                        let id = &lane.run.pipeline().id;
                        let card = self.cards.iter().find(|c| &c.id == id).cloned();
                        let (view, table, _) = diagram(lane, animate, &[]);
                        match card {
                            Some(card) => html! {
                                <PipelineCard key={id.clone()} card={card} diagram={view} table={table}
                                              wide={lane.wide} on_toggle_wide={on_wide.clone()} />
                            },
                            None => Html::default(),
                        }
                    }) }
                </section>
                <section id="table" class="pipe-section" aria-labelledby="table-title">
                    <h2 id="table-title">{"How the four compare"}</h2>
                    <ComparisonTableView table={self.comparison.clone()} />
                </section>
                <section id="stories" class="pipe-section" aria-labelledby="stories-title" data-testid="stories">
                    <h2 id="stories-title">{"Failure stories"}</h2>
                    <StoryPanel stories={story_list} current={story_view} diagram={story_diagram} on_action={on_action.clone()} />
                </section>
                <section id="experiment" class="pipe-section" aria-labelledby="experiment-title" data-testid="experiment">
                    <h2 id="experiment-title">{"The CodeMentor experiment: a burst, with and without Kafka"}</h2>
                    <p>{"A burst of N code submissions (Python takes 1.53 s to run, Java 2.98 s). Without Kafka, the Execute server calls the execution server synchronously: it runs a few at a time, and a caller that waits longer than the request timeout gives up, so its submission is dropped. With Kafka, submissions wait in a topic while the evaluation consumer group scales out on a 15-second probe, up to the partition count."}</p>
                    <ExperimentFormView on_run={on_run} />
                    if let Some(experiment) = board.experiment() {
                        <ExperimentResults view={ExperimentView::build(experiment)} />
                    }
                </section>
                <section id="peak" class="pipe-section" aria-labelledby="peak-title">
                    <h2 id="peak-title">{"Netflix's peak second: 8 M events through the engine"}</h2>
                    <p>{"In February 2016 Netflix's Keystone pipeline peaked at about 8 million events a second. Press the button to push one such second through the playground's broker core: producers batch the events (linger.ms), send with acks=1 and drop rather than block when their buffer is full, as Netflix's did. It runs in a web worker, so this page keeps moving while it works, and it shows the engine's own counts beside the wall time it took in this tab."}</p>
                    <PeakPanel />
                </section>
            </div>
        }
    }
}

/// Space plays or pauses.
fn shortcut(event: &KeyboardEvent) -> Option<Msg> {
    match event.key().as_str() {
        " " | "k" => Some(Msg::Act(BoardAction::TogglePlay)),
        _ => None,
    }
}
