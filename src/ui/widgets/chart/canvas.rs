//! One line chart on a canvas, painted by the chart painter ([`super::painter`]). The canvas
//! takes its size from its CSS box; it is repainted after every render whose chart changed,
//! and when the window resizes.

use gloo::events::EventListener;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::ui::widgets::chart::spec::ChartSpec;

/// How far apart, in ms, charts with consecutive `stagger` numbers are painted.
pub const STAGGER_MS: u32 = 30;

#[derive(Properties, PartialEq)]
pub struct ChartCanvasProps {
    pub chart: ChartSpec,
    /// Paints `stagger × 30 ms` after the render that changed the chart, in a task of its own.
    /// A panel of several charts numbers them 0, 1, 2…, so they are not all painted in the
    /// frame that changed them: plotters paints a chart in a few ms, and four at once made
    /// the frame that refreshed the sandbox's panels miss its vsync.
    #[prop_or_default]
    pub stagger: u32,
}

#[component(ChartCanvas)]
pub fn chart_canvas(props: &ChartCanvasProps) -> Html {
    let canvas = use_node_ref();
    // Bumped on every window resize, so the chart is redrawn at its new size.
    let resizes = use_state(|| 0_u32);
    {
        let resizes = resizes.clone();
        use_effect_with((), move |_| {
            let listener = EventListener::new(&gloo::utils::window(), "resize", move |_| {
                resizes.set(resizes.wrapping_add(1));
            });
            move || drop(listener)
        });
    }
    {
        let canvas = canvas.clone();
        let stagger = props.stagger;
        use_effect_with((props.chart.clone(), *resizes), move |(chart, _)| {
            let paint = {
                let chart = chart.clone();
                move || {
                    if let Some(element) = canvas.cast::<HtmlCanvasElement>() {
                        super::painter::paint(&element, &chart);
                    }
                }
            };
            // A newer chart cancels the paint still waiting for an older one.
            let pending = if stagger == 0 {
                paint();
                None
            } else {
                Some(gloo::timers::callback::Timeout::new(
                    stagger * STAGGER_MS,
                    paint,
                ))
            };
            move || drop(pending)
        });
    }
    let chart = &props.chart;
    html! {
        <canvas
            ref={canvas}
            class="chart-canvas"
            role="img"
            aria-label={chart.summary.clone()}
            data-chart={chart.key}
        />
    }
}
