//! One setting in a sandbox form: Kafka's own config name, its default, a one-line
//! explanation, and the input itself (passed as children), so every control teaches the name
//! a reader will meet in Kafka's documentation.
//!
//! A setting of the engine's config structs is drawn by [`ConfigField`], which takes its entry
//! in the table of configs (`engine::config`), so its name, default and meaning are written
//! only there. The forms find those entries with [`kafka_config`] and [`own_setting`], in
//! `const` items, so a name the table lacks does not build. [`PlainField`] draws the forms'
//! other fields (a topic's name, a workload's rate), which no config struct holds.

use yew::prelude::*;

use crate::engine::config::{
    ConfigDoc, ConfigFamily, BROKER_CONFIG_DOCS, CONSUMER_CONFIG_DOCS, NETWORK_CONFIG_DOCS,
    PRODUCER_CONFIG_DOCS, TOPIC_CONFIG_DOCS,
};

#[derive(Properties, PartialEq)]
pub struct ConfigFieldProps {
    /// The input's id, so the label is tied to it for screen readers.
    pub id: AttrValue,
    /// The setting's entry in the table of configs.
    pub doc: &'static ConfigDoc,
    pub children: Html,
}

/// A setting of the engine's config structs, worded by the table of configs.
#[component(ConfigField)]
pub fn config_field(props: &ConfigFieldProps) -> Html {
    let doc = props.doc;
    field(
        &props.id,
        doc.name(),
        format!("default {}", doc.default_label()),
        doc.meaning,
        &props.children,
    )
}

#[derive(Properties, PartialEq)]
pub struct PlainFieldProps {
    pub id: AttrValue,
    /// A plain name (`topic name`, `group.id`), never a setting of the table.
    pub name: AttrValue,
    /// The field's starting value; empty for the playground's own fields (rates, keys).
    pub default: AttrValue,
    pub explanation: AttrValue,
    pub children: Html,
}

/// A form field that is not a setting of the engine's config structs.
#[component(PlainField)]
pub fn plain_field(props: &PlainFieldProps) -> Html {
    let default = if props.default.is_empty() {
        "playground setting".to_owned()
    } else {
        format!("default {}", props.default)
    };
    field(
        &props.id,
        &props.name,
        default,
        &props.explanation,
        &props.children,
    )
}

fn field(id: &AttrValue, name: &str, default: String, explanation: &str, input: &Html) -> Html {
    html! {
        <div class="config-field">
            <label for={id.clone()}>
                <code>{name.to_owned()}</code>
                <span class="config-default">{default}</span>
            </label>
            { input.clone() }
            <p class="config-why" id={format!("{id}-why")}>{explanation.to_owned()}</p>
        </div>
    }
}

/// The table's entry for a Kafka config (`kafka_config("linger.ms")`). Meant for `const`
/// items: there, a name the table does not have stops the build.
pub const fn kafka_config(name: &str) -> &'static ConfigDoc {
    let families = [
        BROKER_CONFIG_DOCS,
        NETWORK_CONFIG_DOCS,
        TOPIC_CONFIG_DOCS,
        PRODUCER_CONFIG_DOCS,
        CONSUMER_CONFIG_DOCS,
    ];
    let mut f = 0;
    while f < families.len() {
        let docs = families[f];
        let mut i = 0;
        while i < docs.len() {
            if let Some(kafka_name) = docs[i].kafka_name {
                if same(kafka_name, name) {
                    return &docs[i];
                }
            }
            i += 1;
        }
        f += 1;
    }
    panic!("not a Kafka config of the table in engine::config")
}

/// The table's entry for a setting Kafka has no name for
/// (`own_setting(ConfigFamily::Network, "latency_ms")`), by its field. Meant for `const`
/// items, like [`kafka_config`].
pub const fn own_setting(family: ConfigFamily, field: &str) -> &'static ConfigDoc {
    let docs = match family {
        ConfigFamily::Broker => BROKER_CONFIG_DOCS,
        ConfigFamily::Network => NETWORK_CONFIG_DOCS,
        ConfigFamily::Topic => TOPIC_CONFIG_DOCS,
        ConfigFamily::Producer => PRODUCER_CONFIG_DOCS,
        ConfigFamily::Consumer => CONSUMER_CONFIG_DOCS,
    };
    let mut i = 0;
    while i < docs.len() {
        if docs[i].kafka_name.is_none() && same(docs[i].field, field) {
            return &docs[i];
        }
        i += 1;
    }
    panic!("not a setting without a Kafka name in the table in engine::config")
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
