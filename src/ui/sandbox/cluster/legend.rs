//! A key to the cluster picture's marks, so a first-time visitor can read it without docs.

use yew::prelude::*;

use crate::engine::MessageKind;

use crate::ui::shell::palette::ink_on;
use crate::ui::shell::palette::{message_style, NULL_KEY_COLOUR};

/// One request of each family drawn in the picture; responses are the same mark, hollow.
const KINDS: [MessageKind; 7] = [
    MessageKind::Produce,
    MessageKind::Metadata,
    MessageKind::Fetch,
    MessageKind::ReplicaFetch,
    MessageKind::JoinGroup,
    MessageKind::Heartbeat,
    MessageKind::OffsetCommit,
];

#[component(ClusterLegend)]
pub fn cluster_legend() -> Html {
    html! {
        <ul class="cl-legend" aria-label="Legend of the cluster picture">
            <li>
                <svg viewBox="0 0 40 22" aria-hidden="true">
                    <rect class="cl-legend-leader" x="2" y="2" width="36" height="18" rx="5" fill="#0072B2" />
                    <text x="20" y="16">{"♛"}</text>
                </svg>
                {"leader"}
            </li>
            <li>
                <svg viewBox="0 0 22 22" aria-hidden="true"><rect x="2" y="2" width="18" height="18" rx="4" fill={NULL_KEY_COLOUR} /></svg>
                {"record (colour = key, number = offset)"}
            </li>
            <li>
                <svg viewBox="0 0 22 22" aria-hidden="true"><rect class="cl-legend-uncommitted" x="2" y="2" width="18" height="18" rx="4" fill={NULL_KEY_COLOUR} /></svg>
                {"not yet committed"}
            </li>
            <li>
                <svg viewBox="0 0 22 22" aria-hidden="true"><rect class="cl-legend-out-of-sync" x="2" y="2" width="18" height="18" rx="4" fill={NULL_KEY_COLOUR} /></svg>
                {"out of sync (not in ISR)"}
            </li>
            <li>
                <svg viewBox="0 0 22 22" aria-hidden="true"><rect class="cl-next" x="2" y="2" width="18" height="18" rx="4" /></svg>
                {"LEO: next offset"}
            </li>
            <li>
                <svg viewBox="0 0 12 22" aria-hidden="true"><line class="cl-marker hw" x1="6" x2="6" y1="1" y2="21" /></svg>
                {"HW: high watermark"}
            </li>
            <li>
                <svg viewBox="0 0 12 22" aria-hidden="true"><line class="cl-marker start" x1="6" x2="6" y1="1" y2="21" /></svg>
                {"log start"}
            </li>
            <li>
                <svg viewBox="0 0 22 22" aria-hidden="true">
                    <rect class="cl-legend-ghost" x="2" y="2" width="18" height="18" rx="4" />
                    <line class="cl-strike" x1="1" y1="21" x2="21" y2="1" />
                </svg>
                {"acknowledged, then lost"}
            </li>
            { for KINDS.iter().map(|kind| {
                let style = message_style(*kind);
                html! {
                    <li>
                        <svg viewBox="0 0 46 22" aria-hidden="true">
                            <circle cx="11" cy="11" r="9" fill={style.colour} stroke="#14202e" stroke-width="1.5" />
                            <text x="11" y="15" fill={ink_on(style.colour)}>{style.letter}</text>
                            <circle cx="34" cy="11" r="8.5" fill="#ffffff" stroke={style.colour} stroke-width="3" />
                            <text x="34" y="15" fill="#14202e">{style.letter}</text>
                        </svg>
                        {style.label}
                    </li>
                }
            }) }
            <li>
                <svg viewBox="0 0 22 22" aria-hidden="true"><text class="cl-legend-vanish" x="11" y="18">{"✕"}</text></svg>
                {"message lost on the network"}
            </li>
            <li>
                <svg viewBox="0 0 30 22" aria-hidden="true"><line class="cl-link down" x1="1" y1="11" x2="29" y2="11" /></svg>
                {"no connection: broker down, link cut, or reconnecting after reconnect.backoff.ms"}
            </li>
            <li class="cl-legend-note">{"filled = request, hollow = response"}</li>
        </ul>
    }
}
