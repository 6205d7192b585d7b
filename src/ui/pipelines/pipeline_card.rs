//! One compared pipeline: its name and pattern, the role Kafka plays, the animated diagram,
//! the live figures, and its key facts, caveats and sources.

use yew::prelude::*;

use super::diagram_svg::DiagramSvg;
use super::provenance_badge::ProvenanceBadge;
use super::stage_figures::StageFigures;
use super::view::card::{CardView, FactView};
use super::view::diagram::DiagramView;
use super::view::stage_table::StageTable;

#[derive(Properties, PartialEq)]
pub struct PipelineCardProps {
    pub card: CardView,
    pub diagram: DiagramView,
    pub table: StageTable,
    pub wide: bool,
    pub on_toggle_wide: Callback<String>,
}

fn fact_item(fact: &FactView) -> Html {
    html! {
        <li>
            <span class="fact-label">{ format!("{}: ", fact.label) }</span>
            { fact.value.clone() }
            if let Some(year) = &fact.year { <span class="fact-year">{ format!(" ({year})") }</span> }
            {" "}<ProvenanceBadge badge={fact.badge.clone()} />
        </li>
    }
}

#[component(PipelineCard)]
pub fn pipeline_card(props: &PipelineCardProps) -> Html {
    let card = &props.card;
    let toggle = {
        let id = card.id.clone();
        props.on_toggle_wide.reform(move |_: MouseEvent| id.clone())
    };
    html! {
        <article class={classes!("pipe-card", props.wide.then_some("wide"))} data-testid={format!("card-{}", card.id)}
                 aria-labelledby={format!("title-{}", card.id)}>
            <header class="pipe-card-head">
                <h3 id={format!("title-{}", card.id)}>{ card.name.clone() }<span class="era">{ format!(" · {}", card.era) }</span></h3>
                <button class="small" onclick={toggle} aria-pressed={props.wide.to_string()}
                        data-testid={format!("wide-{}", card.id)}>
                    { if props.wide { "⇤ Column" } else { "⇔ Full width" } }
                </button>
            </header>
            <p class="pattern">{ card.pattern.clone() }</p>
            <DiagramSvg view={props.diagram.clone()} />
            <p class="kafka-role" data-testid={format!("role-{}", card.id)}>
                <strong>{"Kafka's role: "}</strong>{ card.kafka_role.clone() }
            </p>
            <StageFigures table={props.table.clone()} caption={AttrValue::from(format!("Live figures, {} (records per second over the last 5 simulated seconds)", card.name))} />
            <details class="pipe-facts">
                <summary>{ format!("Key facts and caveats ({} sourced, {} modelled marks in this pipeline)", card.sourced_count, card.modelled_count) }</summary>
                <ul>{ for card.facts.iter().map(fact_item) }</ul>
                if !card.caveats.is_empty() {
                    <h4>{"Caveats"}</h4>
                    <ul>{ for card.caveats.iter().map(fact_item) }</ul>
                }
            </details>
            <details class="pipe-sources">
                <summary>{ format!("Sources ({}, with links)", card.sources.len()) }</summary>
                <ol data-testid={format!("sources-{}", card.id)}>
                    { for card.sources.iter().map(|s| html! {
                        <li value={s.number.to_string()}>
                            <span class="prov sourced" aria-hidden="true">{ format!("S{}", s.number) }</span>{" "}
                            if s.url.is_empty() {
                                { s.title.clone() }
                            } else {
                                <a href={s.url.clone()} target="_blank" rel="noopener noreferrer">{ s.title.clone() }</a>
                            }
                            <span class="fact-year">{ format!(" ({})", s.date) }</span>
                        </li>
                    }) }
                </ol>
            </details>
        </article>
    }
}
