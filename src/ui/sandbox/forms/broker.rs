//! Break the cluster: kill, restart, isolate and heal brokers, and make the network slow or
//! lossy.

use crate::ui::shell::shared::Shared;
use yew::prelude::*;

use crate::engine::config::{ConfigDoc, ConfigFamily};
use crate::engine::{Command, NetworkConfig};

use crate::ui::sandbox::inventory::BrokerItem;
use crate::ui::sandbox::state::SandboxAction;
use crate::ui::widgets::config_field::{own_setting, ConfigField};
use crate::ui::widgets::form_input::{parse_or, update};

const LATENCY: &ConfigDoc = own_setting(ConfigFamily::Network, "latency_ms");
const JITTER: &ConfigDoc = own_setting(ConfigFamily::Network, "jitter_ms");
const DROPS: &ConfigDoc = own_setting(ConfigFamily::Network, "drop_per_million");

/// The settings the form shows, each drawn from the table of configs (checked by `tests.rs`).
#[cfg(test)]
pub(crate) const SETTINGS: [&ConfigDoc; 3] = [LATENCY, JITTER, DROPS];

#[derive(Properties, PartialEq)]
pub struct BrokerControlsProps {
    pub brokers: Shared<Vec<BrokerItem>>,
    pub network: NetworkConfig,
    pub on_action: Callback<SandboxAction>,
}

#[component(BrokerControls)]
pub fn broker_controls(props: &BrokerControlsProps) -> Html {
    let draft = use_state(|| props.network);
    let apply = {
        let (draft, on_action) = (draft.clone(), props.on_action.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            on_action.emit(SandboxAction::Act(Command::SetNetwork { config: *draft }));
        })
    };
    html! {
        <section class="form-section" aria-labelledby="brokers-heading">
            <h3 id="brokers-heading">{"Brokers"}</h3>
            <ul class="item-list brokers">
                { for props.brokers.iter().map(|b| {
                    let id = b.id;
                    let act = |command: Command| props.on_action.reform(move |_: MouseEvent| SandboxAction::Act(command.clone()));
                    let state = match (b.up, b.isolated) {
                        (false, _) => "down".to_owned(),
                        (true, true) => "isolated from the other brokers".to_owned(),
                        (true, false) => format!("up · leads {}", b.leads),
                    };
                    html! {
                        <li data-testid={format!("broker-{}", id.0)}>
                            <span><strong>{format!("broker {}", id.0)}</strong>{format!(" · {state}")}</span>
                            <span class="item-actions">
                                if b.up {
                                    <button class="small danger" onclick={act(Command::CrashBroker { broker: id })}
                                            data-testid={format!("kill-broker-{}", id.0)}
                                            aria-label={format!("Kill broker {}", id.0)} title="The process dies; its disk survives">{"Kill"}</button>
                                } else {
                                    <button class="small" onclick={act(Command::RestartBroker { broker: id })}
                                            data-testid={format!("restart-broker-{}", id.0)}
                                            aria-label={format!("Restart broker {}", id.0)}>{"Restart"}</button>
                                }
                                if b.isolated {
                                    <button class="small" onclick={act(Command::HealBroker { broker: id })}
                                            aria-label={format!("Heal broker {}", id.0)}>{"Heal"}</button>
                                } else {
                                    <button class="small" onclick={act(Command::IsolateBroker { broker: id })}
                                            aria-label={format!("Isolate broker {}", id.0)}
                                            title="Cut it off from the other brokers and the controller; clients still reach it">{"Isolate"}</button>
                                }
                            </span>
                        </li>
                    }
                }) }
            </ul>
            <details class="add-form">
            <summary data-testid="open-network-form">{"Network: latency, jitter, drops…"}</summary>
            <form onsubmit={apply} data-testid="network-form">
                <ConfigField id="net-latency" doc={LATENCY}>
                    <input id="net-latency" type="number" min="0" max="5000" value={draft.latency_ms.to_string()}
                           onchange={update(&draft, |d, v| d.latency_ms = parse_or(&v, d.latency_ms))} />
                </ConfigField>
                <ConfigField id="net-jitter" doc={JITTER}>
                    <input id="net-jitter" type="number" min="0" max="5000" value={draft.jitter_ms.to_string()}
                           onchange={update(&draft, |d, v| d.jitter_ms = parse_or(&v, d.jitter_ms))} />
                </ConfigField>
                <ConfigField id="net-drop" doc={DROPS}>
                    <input id="net-drop" type="number" min="0" max="1000000" value={draft.drop_per_million.to_string()}
                           onchange={update(&draft, |d, v| d.drop_per_million = parse_or(&v, d.drop_per_million))} />
                </ConfigField>
                <button type="submit" class="primary">{"Apply network"}</button>
            </form>
            </details>
        </section>
    }
}
