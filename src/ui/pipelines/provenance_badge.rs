//! One provenance badge: solid with the source number, or dashed "modelled" with the reason
//! as its tooltip (and as text for screen readers).

use yew::prelude::*;

use super::view::badge::Badge;

#[derive(Properties, PartialEq)]
pub struct ProvenanceBadgeProps {
    pub badge: Badge,
}

#[component(ProvenanceBadge)]
pub fn provenance_badge(props: &ProvenanceBadgeProps) -> Html {
    let badge = &props.badge;
    let class = if badge.sourced {
        "prov sourced"
    } else {
        "prov modelled"
    };
    html! {
        <span class={class} title={badge.title.clone()} tabindex="0"
              data-provenance={if badge.sourced { "sourced" } else { "modelled" }}>
            <span aria-hidden="true">{ badge.text.clone() }</span>
            <span class="visually-hidden">{ format!(" ({})", badge.title) }</span>
        </span>
    }
}
