//! One experiment chart in SVG: axes with round ticks and a line per variant, told apart by
//! dash pattern, marker and a name at the line's end as well as by colour.

use yew::prelude::*;

use super::chart::{PlotView, HEIGHT, WIDTH};

#[derive(Properties, PartialEq)]
pub struct LineChartProps {
    pub plot: PlotView,
}

#[component(LineChart)]
pub fn line_chart(props: &LineChartProps) -> Html {
    let plot = &props.plot;
    let (left, top, right, bottom) = plot.area;
    html! {
        <figure class="exp-chart" data-chart={plot.key}>
            <figcaption>{ plot.title }</figcaption>
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img" aria-label={plot.summary.clone()}>
                { for plot.y_ticks.iter().map(|(y, label)| html! {
                    <g class="tick">
                        <line class="grid" x1={left.to_string()} x2={right.to_string()} y1={y.to_string()} y2={y.to_string()} />
                        <text class="y-tick" x={(left - 6.0).to_string()} y={(y + 5.0).to_string()}>{ label.clone() }</text>
                    </g>
                }) }
                { for plot.x_ticks.iter().map(|(x, label)| html! {
                    <text class="x-tick" x={x.to_string()} y={(bottom + 18.0).to_string()}>{ label.clone() }</text>
                }) }
                <text class="axis-label" x={((left + right) / 2.0).to_string()} y={(bottom + 38.0).to_string()}>{"seconds after the burst starts"}</text>
                <line class="axis" x1={left.to_string()} x2={left.to_string()} y1={top.to_string()} y2={bottom.to_string()} />
                <line class="axis" x1={left.to_string()} x2={right.to_string()} y1={bottom.to_string()} y2={bottom.to_string()} />
                { for plot.lines.iter().map(|line| html! {
                    <g class={classes!("series", line.key)}>
                        <polyline points={line.points.clone()} />
                        if line.key == "with" {
                            <circle cx={line.end.0.to_string()} cy={line.end.1.to_string()} r="5" />
                        } else {
                            <rect x={(line.end.0 - 5.0).to_string()} y={(line.end.1 - 5.0).to_string()} width="10" height="10" />
                        }
                    </g>
                }) }
            </svg>
            <p class="chart-y">{ plot.y_label }</p>
        </figure>
    }
}
