//! A chart's legend in HTML beside its canvas: each line's colour, dash pattern and marker
//! drawn as a small SVG, and its name as text, so the key reads without colour and scales
//! with the page's fonts.

use yew::prelude::*;

use crate::ui::widgets::chart::spec::{ChartSeries, Dash, Marker};

#[derive(Properties, PartialEq)]
pub struct ChartLegendProps {
    pub series: Vec<ChartSeries>,
    #[prop_or_default]
    pub note: Option<String>,
}

fn dasharray(dash: Dash) -> &'static str {
    match dash {
        Dash::Solid => "none",
        Dash::Dashed => "7 4",
        Dash::Dotted => "2 3",
    }
}

fn marker(marker: Marker, colour: &'static str) -> Html {
    match marker {
        Marker::Circle => html! { <circle cx="14" cy="7" r="4" fill={colour} /> },
        Marker::Square => html! { <rect x="10" y="3" width="8" height="8" fill={colour} /> },
        Marker::Triangle => html! { <path d="M14 2 L19 11 L9 11 Z" fill={colour} /> },
        Marker::Cross => html! {
            <path d="M10 3 L18 11 M18 3 L10 11" stroke={colour} stroke-width="2.5" />
        },
    }
}

#[component(ChartLegend)]
pub fn chart_legend(props: &ChartLegendProps) -> Html {
    html! {
        <div class="chart-legend">
            <ul aria-hidden="true">
                { for props.series.iter().map(|s| html! {
                    <li>
                        <svg viewBox="0 0 28 14" width="28" height="14">
                            <line x1="0" y1="7" x2="28" y2="7" stroke={s.colour} stroke-width="2.5"
                                stroke-dasharray={dasharray(s.dash)} />
                            { marker(s.marker, s.colour) }
                        </svg>
                        { &s.label }
                    </li>
                }) }
            </ul>
            if let Some(note) = &props.note {
                <p class="chart-note">{ note }</p>
            }
        </div>
    }
}
