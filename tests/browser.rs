//! Components mounted in a real browser (headless Chromium, through wasm-bindgen-test), with
//! assertions on the DOM they produce.
#![cfg(target_arch = "wasm32")]

use gloo_timers::future::TimeoutFuture;
use kafka_playground::ui::{sandbox, tour};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

thread_local! {
    /// The apps earlier tests mounted, destroyed before the next test mounts one. A page's
    /// frame loop keeps running after its root leaves the document, and earlier tests' pages
    /// running in the background slowed `every_run_hashes_as_committed` past its timeout.
    static MOUNTED: std::cell::RefCell<Vec<Box<dyn FnOnce()>>> = std::cell::RefCell::new(Vec::new());
}

fn destroy_earlier_apps() {
    for destroy in MOUNTED.with(|mounted| std::mem::take(&mut *mounted.borrow_mut())) {
        destroy();
    }
}

fn keep_until_next_mount<C: yew::BaseComponent>(app: yew::AppHandle<C>) {
    MOUNTED.with(|mounted| mounted.borrow_mut().push(Box::new(move || app.destroy())));
}

async fn mount() -> Element {
    destroy_earlier_apps();
    let document = gloo::utils::document();
    let root = document.create_element("div").expect("a div");
    document
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("appended");
    keep_until_next_mount(yew::Renderer::<tour::Page>::with_root(root.clone()).render());
    yew::scheduler::flush().await;
    root
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector)
        .expect("valid selector")
        .length()
}

fn text(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .expect("valid selector")
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

/// Waits for real animation frames to drive the simulation, then lets Yew render.
async fn wait_ms(ms: u32) {
    TimeoutFuture::new(ms).await;
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn the_first_example_mounts_with_three_lanes_and_its_caption() {
    let root = mount().await;
    assert_eq!(count(&root, ".lane"), 3, "three partition lanes");
    assert_eq!(count(&root, "[data-testid=producer]"), 1);
    assert_eq!(count(&root, "[data-testid=consumer]"), 1);
    assert!(
        text(&root, "[data-testid=caption]").contains("3 partitions"),
        "caption: {}",
        text(&root, "[data-testid=caption]")
    );
    let selected = root
        .query_selector(".tab.selected")
        .unwrap()
        .expect("a selected tab");
    assert_eq!(
        selected.get_attribute("data-scene").as_deref(),
        Some("three-partitions")
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn producing_by_hand_puts_a_record_in_its_keys_partition() {
    let root = mount().await;
    // Pause so that only the hand-produced record moves, then produce key user-42.
    root.query_selector("[data-testid=play]")
        .unwrap()
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
    let key: HtmlInputElement = root
        .query_selector("[data-testid=key]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    key.set_value("user-42");
    let value: HtmlInputElement = root
        .query_selector("[data-testid=value]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    value.set_value("hello");
    root.query_selector("[data-testid=produce]")
        .unwrap()
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
    yew::scheduler::flush().await;
    assert_eq!(count(&root, ".flight.record"), 1, "the record is in flight");

    // Step until the record has landed: murmur2("user-42") % 3 == 1, at offset 0.
    let step: HtmlElement = root
        .query_selector("[data-testid=step]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    for _ in 0..10 {
        if count(&root, ".lane[data-partition='1'] .cell[data-value='hello']") == 1 {
            break;
        }
        step.click();
        yew::scheduler::flush().await;
    }
    let cell = root
        .query_selector(".lane[data-partition='1'] .cell[data-value='hello']")
        .unwrap()
        .expect("the record landed in partition 1");
    assert_eq!(cell.get_attribute("data-offset").as_deref(), Some("0"));
    assert_eq!(text(&cell, ".cell-offset"), "0");
    root.remove();
}

#[wasm_bindgen_test]
async fn time_moves_while_playing() {
    let root = mount().await;
    let before = text(&root, "[data-testid=clock]");
    wait_ms(300).await;
    let after = text(&root, "[data-testid=clock]");
    assert_ne!(
        before, after,
        "the clock should advance with animation frames"
    );
    root.remove();
}

async fn mount_sandbox() -> Element {
    destroy_earlier_apps();
    // A fresh sandbox, not one a previous test saved.
    let _ = gloo::utils::window()
        .local_storage()
        .ok()
        .flatten()
        .map(|s| s.clear());
    let document = gloo::utils::document();
    let root = document.create_element("div").expect("a div");
    document
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("appended");
    keep_until_next_mount(yew::Renderer::<sandbox::Page>::with_root(root.clone()).render());
    yew::scheduler::flush().await;
    root
}

fn click(root: &Element, selector: &str) {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("{selector} is on the page"))
        .unchecked_into::<HtmlElement>()
        .click();
}

#[wasm_bindgen_test]
async fn the_sandbox_mounts_with_its_brokers_and_forms_and_kills_a_broker() {
    let root = mount_sandbox().await;
    assert_eq!(count(&root, "[data-testid^=broker-]"), 3);
    for form in ["topic-form", "producer-form", "group-form", "network-form"] {
        assert_eq!(count(&root, &format!("[data-testid={form}]")), 1, "{form}");
    }
    // Every setting shows its Kafka name and its default.
    assert!(count(&root, ".config-field code") >= 20);
    assert_eq!(
        count(&root, ".config-field"),
        count(&root, ".config-default")
    );
    click(&root, "[data-testid=kill-broker-1]");
    yew::scheduler::flush().await;
    assert!(text(&root, "[data-testid=broker-1]").contains("down"));
    root.remove();
}

#[wasm_bindgen_test]
async fn the_sandbox_timeline_follows_the_clock_and_a_refusal_is_explained() {
    let root = mount_sandbox().await;
    wait_ms(400).await;
    let timeline: HtmlInputElement = root
        .query_selector("[data-testid=timeline]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    let horizon_ms: u64 = timeline.max().parse().unwrap();
    assert!(horizon_ms > 0, "the timeline grows while the run plays");
    // Creating a topic that exists is refused by the engine, with Kafka's reason.
    let name: HtmlInputElement = root
        .query_selector("#topic-name")
        .unwrap()
        .unwrap()
        .unchecked_into();
    name.set_value("orders");
    name.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    click(&root, "[data-testid=create-topic]");
    yew::scheduler::flush().await;
    assert!(
        text(&root, "[data-testid=notice]").contains("already exists"),
        "notice: {}",
        text(&root, "[data-testid=notice]")
    );
    root.remove();
}

/// A short run with a producer and a consumer, observed into a chart history.
fn charts_view() -> kafka_playground::ui::sandbox::charts::view::ChartsView {
    use kafka_playground::engine::{
        Command, ConsumerConfig, ConsumerId, KeyPattern, ProducerConfig, ProducerId, SimConfig,
        SimTime, Simulation, TopicConfig, Workload,
    };
    use kafka_playground::ui::sandbox::charts::metrics::MetricsHistory;
    use kafka_playground::ui::sandbox::charts::view::{ChartsView, DEFAULT_SPAN_MS};
    use kafka_playground::ui::sandbox::observe::Observer;
    let mut sim = Simulation::new(SimConfig::default());
    sim.handle(Command::CreateTopic {
        name: "orders".into(),
        config: TopicConfig {
            partitions: 2,
            ..TopicConfig::default()
        },
    })
    .unwrap();
    sim.handle(Command::AddProducer {
        producer: ProducerId(0),
        config: ProducerConfig::default(),
    })
    .unwrap();
    sim.handle(Command::StartWorkload {
        producer: ProducerId(0),
        workload: Workload {
            topic: "orders".into(),
            records_per_second: 40,
            keys: KeyPattern::Cycle { count: 4 },
            count: None,
        },
    })
    .unwrap();
    sim.handle(Command::AddConsumer {
        consumer: ConsumerId(0),
        topic: "orders".into(),
        group: None,
        config: ConsumerConfig::default(),
    })
    .unwrap();
    let mut history = MetricsHistory::new(&sim);
    for step in 1..=20 {
        sim.advance_to(SimTime::from_ms(step * 200));
        let events = sim.drain_events();
        history.observe(&sim, &events);
    }
    ChartsView::build(&history, sim.now(), DEFAULT_SPAN_MS)
}

/// Whether any pixel of the canvas is neither transparent nor white.
fn has_ink(canvas: &web_sys::HtmlCanvasElement) -> bool {
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .unwrap()
        .expect("a 2d context")
        .unchecked_into();
    let (width, height) = (canvas.width(), canvas.height());
    let data = context
        .get_image_data(0.0, 0.0, f64::from(width), f64::from(height))
        .expect("image data")
        .data();
    data.chunks(4)
        .any(|p| p[3] > 0 && (p[0] < 200 || p[1] < 200 || p[2] < 200))
}

#[wasm_bindgen_test]
async fn the_charts_panel_draws_four_labelled_charts() {
    use kafka_playground::ui::sandbox::charts::panel::{ChartsPanel, ChartsPanelProps};
    // Pages load the painter as a bundle of its own; this test has no such file to load, so
    // the painter runs in the test's own wasm, through the same door.
    kafka_playground::ui::widgets::chart::painter::install_here();
    let document = gloo::utils::document();
    let root = document.create_element("div").expect("a div");
    root.set_attribute("style", "width: 900px").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    destroy_earlier_apps();
    let view = charts_view();
    keep_until_next_mount(
        yew::Renderer::<ChartsPanel>::with_root_and_props(
            root.clone(),
            ChartsPanelProps { view: view.into() },
        )
        .render(),
    );
    yew::scheduler::flush().await;
    // The charts are painted one after another, STAGGER_MS apart (the last one three steps
    // after the first), so that a refresh does not paint all four in one frame.
    let stagger_ms = kafka_playground::ui::widgets::chart::canvas::STAGGER_MS;
    wait_ms(50 + 3 * stagger_ms).await;
    let canvases = root.query_selector_all("canvas.chart-canvas").unwrap();
    assert_eq!(canvases.length(), 4);
    for index in 0..canvases.length() {
        let canvas: web_sys::HtmlCanvasElement = canvases.get(index).unwrap().unchecked_into();
        let label = canvas.get_attribute("aria-label").unwrap_or_default();
        assert!(label.contains("at 3.5 s"), "aria-label: {label}");
        assert!(canvas.width() > 0 && canvas.height() > 0);
        assert!(has_ink(&canvas), "chart {index} was drawn on");
    }
    assert!(text(&root, ".chart-legend").contains("sent"));
    root.remove();
}

#[path = "support/random_runs.rs"]
mod random_runs;

/// The browser half of `tests/same_everywhere.rs`: the same shipped scenarios and random fault
/// schedules, built for wasm32, give the event-trace hashes the native build committed.
#[wasm_bindgen_test]
async fn every_run_hashes_as_committed() {
    destroy_earlier_apps();
    let mut compared = 0;
    let mut differing = Vec::new();
    for (name, hash) in random_runs::every_run() {
        compared += 1;
        let expected = random_runs::expected(&name);
        if expected != Some(hash.as_str()) {
            differing.push(format!("{name}: browser {hash}, native {expected:?}"));
        }
        // Yields to the browser between runs, so the page stays responsive to the test runner.
        TimeoutFuture::new(0).await;
    }
    assert_eq!(compared, random_runs::EXPECTED.lines().count());
    assert!(differing.is_empty(), "{}", differing.join("\n"));
}
