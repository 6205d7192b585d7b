//! The key to the view's marks: what a sourced and a modelled badge mean, and what the shapes
//! and lines of the diagrams stand for.

use yew::prelude::*;

#[component(ProvenanceLegend)]
pub fn provenance_legend() -> Html {
    html! {
        <section class="pipe-legend" aria-label="How to read the diagrams" data-testid="pipe-legend">
            <p>
                <span class="prov sourced" aria-hidden="true">{"S2"}</span>
                {" = sourced: a public source says it (source 2 in that pipeline's list).  "}
                <span class="prov modelled" aria-hidden="true">{"modelled"}</span>{" or "}
                <span class="prov modelled" aria-hidden="true">{"M"}</span>
                {" (dashed) = modelled: the playground's own choice; hover or focus a badge for the reason."}
            </p>
            <ul class="shape-key" aria-label="Shapes">
                <li><svg viewBox="0 0 40 22" aria-hidden="true"><rect class="shape kafka" x="2" y="2" width="36" height="18" rx="3"/><line class="kafka-log" x1="14" y1="4" x2="14" y2="18"/><line class="kafka-log" x1="26" y1="4" x2="26" y2="18"/></svg>{"Kafka topic"}</li>
                <li><svg viewBox="0 0 40 22" aria-hidden="true"><rect class="shape processor" x="2" y="2" width="36" height="18" rx="3"/></svg>{"consumer group (×members)"}</li>
                <li><svg viewBox="0 0 40 22" aria-hidden="true"><rect class="shape producer" x="2" y="2" width="36" height="18" rx="9"/></svg>{"producer / client"}</li>
                <li><svg viewBox="0 0 40 22" aria-hidden="true"><path class="shape sink" d="M2 5 A18 4 0 0 1 38 5 L38 17 A18 4 0 0 1 2 17 Z"/></svg>{"sink"}</li>
                <li><svg viewBox="0 0 40 22" aria-hidden="true"><rect class="shape drawn" x="2" y="2" width="36" height="18" rx="3"/></svg>{"drawn, not simulated"}</li>
                <li><svg viewBox="0 0 40 22" aria-hidden="true"><line class="edge data" x1="2" y1="11" x2="30" y2="11"/><circle class="mark" cx="16" cy="11" r="4"/></svg>{"records flow (dots ∝ records/s)"}</li>
                <li><svg viewBox="0 0 40 22" aria-hidden="true"><line class="edge failure" x1="2" y1="11" x2="38" y2="11"/></svg>{"failed records only"}</li>
                <li><svg viewBox="0 0 40 22" aria-hidden="true"><line class="edge control" x1="2" y1="11" x2="38" y2="11"/></svg>{"call / config / audit (not simulated)"}</li>
            </ul>
        </section>
    }
}
