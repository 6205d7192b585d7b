//! The guided tour's page (`index.html`): owns the playground of first examples, drives it
//! from `requestAnimationFrame`, and lays out the page. The sandbox and the pipelines are
//! pages of their own (`sandbox.html`, `pipelines.html`, a wasm bundle each); a link with
//! `?mode=sandbox` or `?mode=pipelines` is sent there, with the rest of its query.

use gloo::events::EventListener;
use web_sys::KeyboardEvent;
use yew::prelude::*;

use crate::ui::shell::page::{listen_for_shortcuts, query_value, viewport_is_portrait, FrameLoop};

use crate::scenario::{Scene, SceneId};

use crate::i18n::Lang;
use crate::ui::shell::lang::{choose, initial_lang};
use crate::ui::shell::mode_nav::{Mode, ModeNav};
use crate::ui::tour::caption::panel::CaptionPanel;
use crate::ui::tour::caption::view::caption;
use crate::ui::tour::console_output::ConsoleOutput;
use crate::ui::tour::controls::Controls;
use crate::ui::tour::legend::Legend;
use crate::ui::tour::scene_tabs::SceneTabs;
use crate::ui::tour::stage::svg::StageSvg;
use crate::ui::tour::stage::view::{ClientText, Layout, StageView};
use crate::ui::tour::state::{Action, Playground};

/// The root component of the main page: the tour, or a redirect for a link to another page.
#[component(Page)]
pub fn page() -> Html {
    let mode = query_value("mode")
        .and_then(|slug| Mode::from_slug(&slug))
        .unwrap_or(Mode::Tour);
    match mode {
        Mode::Tour => html! { <Tour /> },
        Mode::Sandbox | Mode::Pipelines => {
            let location = gloo::utils::window().location();
            let search = location.search().unwrap_or_default();
            let _ = location.replace(&format!("{}{search}", mode.href()));
            html! { <p class="notice">{"Opening…"}</p> }
        }
    }
}

pub enum Msg {
    Act(Action),
    Frame(f64),
    Resized,
    /// The visitor chose a language: only the words change.
    Language(Lang),
}

/// The tour itself, once the page knows it is the tour.
struct Tour {
    playground: Playground,
    layout: Layout,
    frames: FrameLoop<Self>,
    _keys: Option<EventListener>,
    _resize: Option<EventListener>,
    /// A problem with the link the page was opened with, shown once.
    link_notice: Option<String>,
    lang: Lang,
}

impl Component for Tour {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let (scene, link_notice) = scene_from_location();
        let keys = listen_for_shortcuts(ctx, shortcut);
        let resize = {
            let link = ctx.link().clone();
            EventListener::new(&gloo::utils::window(), "resize", move |_| {
                link.send_message(Msg::Resized)
            })
        };
        Tour {
            playground: Playground::new(scene),
            layout: current_layout(),
            frames: FrameLoop::start(ctx, Msg::Frame),
            _keys: keys,
            _resize: Some(resize),
            link_notice,
            lang: initial_lang(),
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Self::Message) -> bool {
        match msg {
            Msg::Frame(timestamp_ms) => {
                let wall_ms = self.frames.tick(ctx, timestamp_ms);
                self.playground.apply(Action::Frame { wall_ms })
            }
            Msg::Act(action) => {
                self.link_notice = None;
                self.playground.apply(action)
            }
            Msg::Resized => {
                let layout = current_layout();
                let changed = layout != self.layout;
                self.layout = layout;
                changed
            }
            Msg::Language(lang) => {
                choose(lang);
                self.lang = lang;
                true
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let playground = &self.playground;
        let scene = playground.scene();
        let sim = playground.sim();
        let on_action = ctx.link().callback(Msg::Act);
        let stage = StageView::build(sim, &scene.topic, self.layout);
        let printed = sim
            .consumer(scene.consumer)
            .map(|c| c.polled.iter().cloned().collect::<Vec<_>>())
            .unwrap_or_default();
        let next_scene = playground.next_scene_in_ms().and_then(|ms| {
            let next = scene.id.next()?;
            Some((ms.div_ceil(1000), AttrValue::from(Scene::get(next).title)))
        });
        let next_id = scene.id.next();
        let on_next = on_action
            .reform(move |_| Action::LoadScene(next_id.unwrap_or(SceneId::ThreePartitions)));
        let on_stay = on_action.reform(|_| Action::StayOnScene);
        let records_sent = sim
            .producers()
            .find(|p| p.id == scene.producer)
            .map_or(0, |p| p.stats.records_sent);
        let producer_text = ClientText {
            name: "producer".to_owned(),
            setting: "partitioner".to_owned(),
            value: "round-robin".to_owned(),
        };
        let notice = self
            .link_notice
            .as_deref()
            .or(playground.notice())
            .map(str::to_owned);

        html! {
            <div class="app" data-testid="app" data-scene={scene.id.slug()}>
                <header class="top">
                    <h1><span class="logo" aria-hidden="true">{"▤"}</span>{"kafka-playground"}</h1>
                    <ModeNav current={Mode::Tour} lang={self.lang} on_lang={ctx.link().callback(Msg::Language)} />
                    <SceneTabs current={scene.id} on_pick={on_action.reform(Action::LoadScene)} />
                    <span class="clock" aria-label="simulated time" data-testid="clock">
                        {format!("t = {:.1} s", sim.now().as_ms() as f64 / 1000.0)}
                    </span>
                </header>
                <Controls playing={playground.is_playing()} speed={playground.speed()}
                          value_placeholder={scene.hand_value(records_sent)}
                          on_action={on_action.clone()} />
                if let Some(notice) = notice {
                    <p class="notice" role="alert" data-testid="notice">{notice}</p>
                }
                <main class="stage-wrap">
                    <StageSvg view={stage} producer={producer_text} />
                    <Legend />
                </main>
                <div class="explain">
                    <CaptionPanel caption={caption(playground)} next_scene={next_scene}
                                  on_next={on_next} on_stay={on_stay} />
                    <ConsoleOutput topic={scene.topic.clone()} printed={printed} />
                </div>
            </div>
        }
    }
}

fn current_layout() -> Layout {
    if viewport_is_portrait() {
        Layout::PORTRAIT
    } else {
        Layout::LANDSCAPE
    }
}

/// Reads `?scene=<slug>` from the address. An unknown scene is reported, not fatal.
fn scene_from_location() -> (SceneId, Option<String>) {
    match query_value("scene") {
        None => (SceneId::ThreePartitions, None),
        Some(slug) => match SceneId::from_slug(&slug) {
            Some(id) => (id, None),
            None => (
                SceneId::ThreePartitions,
                Some(format!(
                    "The link asks for scene '{slug}', which does not exist; showing the first example. Known scenes: {}.",
                    SceneId::ALL.map(SceneId::slug).join(", ")
                )),
            ),
        },
    }
}

/// The tour's keyboard shortcuts.
fn shortcut(event: &KeyboardEvent) -> Option<Msg> {
    let action = match event.key().as_str() {
        " " | "k" => Action::TogglePlay,
        "ArrowRight" | "." => Action::Step,
        "r" => Action::Reset,
        _ => return None,
    };
    Some(Msg::Act(action))
}
