//! One setting in a sandbox form: Kafka's own config name, its default, a one-line
//! explanation, and the input itself (passed as children), so every control teaches the name
//! a reader will meet in Kafka's documentation.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ConfigFieldProps {
    /// The input's id, so the label is tied to it for screen readers.
    pub id: AttrValue,
    /// Kafka's config name (`acks`, `min.insync.replicas`...), or a plain name for settings
    /// that are not Kafka configs.
    pub name: AttrValue,
    /// Kafka's default, as Kafka writes it; empty for the playground's own settings (rates,
    /// processing times), which are not Kafka configs.
    pub default: AttrValue,
    pub explanation: AttrValue,
    pub children: Html,
}

#[component(ConfigField)]
pub fn config_field(props: &ConfigFieldProps) -> Html {
    html! {
        <div class="config-field">
            <label for={props.id.clone()}>
                <code>{props.name.clone()}</code>
                <span class="config-default">{
                    if props.default.is_empty() {
                        "playground setting".to_owned()
                    } else {
                        format!("default {}", props.default)
                    }
                }</span>
            </label>
            { props.children.clone() }
            <p class="config-why" id={format!("{}-why", props.id)}>{props.explanation.clone()}</p>
        </div>
    }
}
