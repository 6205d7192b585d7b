//! The live figures of a pipeline's stages as a table: records per second in, records in so
//! far, consumer lag and members. Watched rows (a failure story's) and lagging ones are marked
//! with a symbol as well as a colour.

use yew::prelude::*;

use super::view::stage_table::StageTable;

#[derive(Properties, PartialEq)]
pub struct StageFiguresProps {
    pub table: StageTable,
    pub caption: AttrValue,
}

#[component(StageFigures)]
pub fn stage_figures(props: &StageFiguresProps) -> Html {
    let table = &props.table;
    html! {
        <div class="table-scroll">
            <table class="stage-figures" data-testid={format!("figures-{}", table.pipeline)}>
                <caption>{ props.caption.clone() }</caption>
                <thead>
                    <tr>
                        <th scope="col">{"Stage"}</th>
                        <th scope="col" class="num" title="records per second into the stage (out of it, for a source)">{"rec/s"}</th>
                        <th scope="col" class="num">{"total"}</th>
                        <th scope="col" class="num" title="Kafka consumer lag: records in the topic after the group's committed offsets. Members commit every 5 s, so a group that keeps up still shows up to 5 s of records.">{"lag"}</th>
                        <th scope="col" class="num">{"members"}</th>
                    </tr>
                </thead>
                <tbody>
                    { for table.rows.iter().map(|row| html! {
                        <tr class={classes!(row.watched.then_some("watched"), row.alert.then_some("alert"))}
                            data-stage={row.node.clone()}>
                            <th scope="row">
                                if row.watched { <span aria-label="watched">{"◉ "}</span> }
                                { row.label.clone() }
                                <span class="stage-kind">{ format!(" · {}", row.kind) }</span>
                            </th>
                            <td class="num" data-figure="rate">{ row.rate.clone() }</td>
                            <td class="num" data-figure="total">{ row.total }</td>
                            <td class="num" data-figure="lag">
                                if row.alert { <span aria-label="lagging">{"⚠ "}</span> }
                                { row.lag.clone() }
                            </td>
                            <td class="num" data-figure="members">{ row.members.clone() }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}
