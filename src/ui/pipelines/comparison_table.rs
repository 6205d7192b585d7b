//! The comparison table: aspects down, pipelines across; every statement with its badge and
//! year, and under it what the simulated graph counts.

use yew::prelude::*;

use super::provenance_badge::ProvenanceBadge;
use super::view::comparison::ComparisonTable;

#[derive(Properties, PartialEq)]
pub struct ComparisonTableViewProps {
    pub table: ComparisonTable,
}

#[component(ComparisonTableView)]
pub fn comparison_table_view(props: &ComparisonTableViewProps) -> Html {
    let table = &props.table;
    html! {
        <div class="table-scroll">
            <table class="compare-table" data-testid="comparison-table">
                <caption>{"The four pipelines compared. S1, S2… number the sources of that pipeline (listed in its card; hover a badge for the title); a dashed badge marks the playground's own reading. \"Simulated\" lines are counted from the graph the playground runs."}</caption>
                <thead>
                    <tr>
                        <th scope="col">{"Aspect"}</th>
                        { for table.columns.iter().map(|c| html! { <th scope="col">{ c.clone() }</th> }) }
                    </tr>
                </thead>
                <tbody>
                    { for table.rows.iter().map(|row| html! {
                        <tr>
                            <th scope="row">{ row.aspect }</th>
                            { for row.cells.iter().map(|cell| html! {
                                <td>
                                    { cell.value.clone() }
                                    if let Some(year) = &cell.year { <span class="fact-year">{ format!(" ({year})") }</span> }
                                    {" "}<ProvenanceBadge badge={cell.badge.clone()} />
                                    if let Some(counted) = &cell.counted { <span class="counted">{ counted.clone() }</span> }
                                </td>
                            }) }
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}
