//! The sandbox's four charts: produce and consume rates, lag per partition, end-to-end latency,
//! and in-sync replicas. They show the history up to the timeline's cursor, so dragging the
//! timeline back moves them with it.

use crate::ui::shell::shared::Shared;
use yew::prelude::*;

use crate::ui::sandbox::charts::view::ChartsView;
use crate::ui::widgets::chart::canvas::ChartCanvas;
use crate::ui::widgets::chart::legend::ChartLegend;

#[derive(Properties, PartialEq)]
pub struct ChartsPanelProps {
    /// Built with [`ChartsView::build`] from the run's `MetricsHistory`.
    pub view: Shared<ChartsView>,
}

#[component(ChartsPanel)]
pub fn charts_panel(props: &ChartsPanelProps) -> Html {
    html! {
        <section class="charts-panel" aria-label="Charts">
            { for props.view.charts.iter().enumerate().map(|(index, chart)| html! {
                <figure class="chart" key={chart.key}>
                    <figcaption class="chart-title">{ chart.title }</figcaption>
                    <ChartCanvas chart={chart.clone()} stagger={index as u32} />
                    <ChartLegend series={chart.series.clone()} note={chart.note.clone()} />
                </figure>
            }) }
        </section>
    }
}
