//! The CodeMentor experiment's result: both variants' figures side by side, the verdict in
//! words, the charts, the assumptions with their provenance, and the same run for `kplay`.

use yew::prelude::*;

use super::assumptions_list::AssumptionsList;
use super::view::chart::spec;
use super::view::experiment::ExperimentView;
use crate::ui::widgets::chart::canvas::ChartCanvas;
use crate::ui::widgets::chart::legend::ChartLegend;

#[derive(Properties, PartialEq)]
pub struct ExperimentResultsProps {
    pub view: ExperimentView,
}

#[component(ExperimentResults)]
pub fn experiment_results(props: &ExperimentResultsProps) -> Html {
    let view = &props.view;
    html! {
        <div class="exp-results" data-testid="experiment-results">
            <p class="exp-verdict" role="status" data-testid="exp-verdict">{ view.verdict.clone() }</p>
            <div class="table-scroll">
                <table class="exp-table">
                    <thead>
                        <tr>
                            <th scope="col">{"Variant"}</th>
                            <th scope="col" class="num">{"submitted"}</th>
                            <th scope="col" class="num">{"completed"}</th>
                            <th scope="col" class="num">{"dropped"}</th>
                            <th scope="col" class="num">{"p50"}</th>
                            <th scope="col" class="num">{"p99"}</th>
                            <th scope="col" class="num">{"max"}</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for view.rows.iter().map(|row| html! {
                            <tr class={classes!("variant", row.key)} data-testid={format!("exp-{}", row.key)}>
                                <th scope="row">
                                    <span class={classes!("line-key", row.key)} aria-hidden="true"></span>
                                    { row.variant.clone() }
                                </th>
                                <td class="num" data-figure="submitted">{ row.submitted }</td>
                                <td class="num" data-figure="completed">{ row.completed }</td>
                                <td class={classes!("num", (row.dropped > 0).then_some("bad"))} data-figure="dropped">{ row.dropped }</td>
                                <td class="num" data-figure="p50">{ row.p50.clone() }</td>
                                <td class="num" data-figure="p99">{ row.p99.clone() }</td>
                                <td class="num" data-figure="max">{ row.max.clone() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
            <div class="exp-charts">
                { for view.charts.iter().map(|data| {
                    let chart = spec(data);
                    html! {
                        <figure class="chart exp-chart" key={chart.key} data-chart={chart.key}>
                            <figcaption class="chart-title">{ chart.title }</figcaption>
                            <ChartCanvas chart={chart.clone()} />
                            <ChartLegend series={chart.series.clone()} />
                        </figure>
                    }
                }) }
            </div>
            <AssumptionsList assumptions={view.assumptions.clone()} />
            <p class="exp-command">{"The same run on the command line: "}<code>{ view.command.clone() }</code></p>
        </div>
    }
}
