//! A result's assumptions, folded under a summary: each with its value and its provenance
//! badge, so what a source says and what the playground chose read differently.

use yew::prelude::*;

use super::provenance_badge::ProvenanceBadge;
use super::view::experiment::AssumptionView;

#[derive(Properties, PartialEq)]
pub struct AssumptionsListProps {
    pub assumptions: Vec<AssumptionView>,
}

#[component(AssumptionsList)]
pub fn assumptions_list(props: &AssumptionsListProps) -> Html {
    html! {
        <details class="exp-assumptions">
            <summary>{"Assumptions: what is sourced, what is modelled"}</summary>
            <ul>
                { for props.assumptions.iter().map(|a| html! {
                    <li>
                        <span class="fact-label">{ format!("{}: ", a.label) }</span>{ a.value.clone() }
                        {" "}<ProvenanceBadge badge={a.badge.clone()} />
                    </li>
                }) }
            </ul>
        </details>
    }
}
