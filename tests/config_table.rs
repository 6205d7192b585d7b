//! The table of Kafka's configs (`engine::config::ConfigDoc`) is the one place their names,
//! defaults and meanings are written. These tests hold it to the engine's `Default` impls, so
//! a default cannot change without the table, and hold `docs/scenarios.md` to the table, so
//! the guide cannot drift from either.

use std::collections::BTreeSet;
use std::path::Path;

use kafka_playground::engine::config::{config_doc, config_docs, field_doc, ConfigFamily};
use kafka_playground::engine::{
    BrokerConfig, ConsumerConfig, NetworkConfig, ProducerConfig, TopicConfig,
};
use serde_json::Value;

/// A family's `Default`, as the field names and values a scenario file would write.
fn defaults(family: ConfigFamily) -> serde_json::Map<String, Value> {
    let value = match family {
        ConfigFamily::Broker => serde_json::to_value(BrokerConfig::default()),
        ConfigFamily::Network => serde_json::to_value(NetworkConfig::default()),
        ConfigFamily::Topic => serde_json::to_value(TopicConfig::default()),
        ConfigFamily::Producer => serde_json::to_value(ProducerConfig::default()),
        ConfigFamily::Consumer => serde_json::to_value(ConsumerConfig::default()),
    };
    match value.expect("configs serialize") {
        Value::Object(fields) => fields,
        other => panic!("{family:?} is not a struct: {other}"),
    }
}

/// A default written the way the table writes it: no quotes, lists as `[a, b]`, and `unset`
/// for a setting with no value.
fn as_text(value: &Value) -> String {
    match value {
        Value::Null => "unset".to_owned(),
        Value::String(text) => text.clone(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(as_text).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

#[test]
fn the_table_has_every_field_with_the_default_the_engine_uses() {
    let mut problems = Vec::new();
    for family in ConfigFamily::ALL {
        let fields = defaults(family);
        for (field, value) in &fields {
            match field_doc(family, field) {
                None => problems.push(format!("{family:?}.{field} is not in the table")),
                Some(doc) if doc.default_text != as_text(value) => problems.push(format!(
                    "{family:?}.{field}: the table says {:?}, Default says {:?}",
                    doc.default_text,
                    as_text(value)
                )),
                Some(_) => {}
            }
        }
        for doc in family.docs() {
            if !fields.contains_key(doc.field) {
                problems.push(format!("{family:?}.{} is not a field", doc.field));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_setting_has_a_meaning_and_kafka_names_are_unique() {
    let mut names = BTreeSet::new();
    for (family, doc) in config_docs() {
        assert!(!doc.meaning.is_empty(), "{family:?}.{}", doc.field);
        assert!(
            doc.meaning.ends_with('.'),
            "{family:?}.{}: a sentence",
            doc.field
        );
        if let Some(name) = doc.kafka_name {
            assert!(names.insert(name), "{name} is in the table twice");
            assert_eq!(config_doc(name), Some(doc));
            // Kafka's names are the fields' with dots (`linger.ms` is `linger_ms`), except where
            // the engine keeps a unit or a class name apart.
            let plain = doc.field.replace('_', ".");
            assert!(
                plain == name
                    || matches!(
                        doc.field,
                        "min_cleanable_dirty_ratio_percent" | "partitioner"
                    ),
                "{family:?}.{} is not {name}",
                doc.field
            );
        }
    }
    let linger = config_doc("linger.ms").expect("linger.ms");
    assert_eq!(linger.default_label(), "5 (since 4.0; 0 before)");
    assert_eq!(config_doc("batch.size").unwrap().default_label(), "16384");
    assert_eq!(
        field_doc(ConfigFamily::Network, "latency_ms").map(|doc| doc.name()),
        Some("latency_ms")
    );
}

/// The scenario guide's section for each family.
fn family_of_heading(heading: &str) -> Option<ConfigFamily> {
    match heading {
        "### `[cluster]`" => Some(ConfigFamily::Broker),
        "### `[network]`" => Some(ConfigFamily::Network),
        "### `[[topics]]`" => Some(ConfigFamily::Topic),
        "### `[[producers]]`" => Some(ConfigFamily::Producer),
        "### `[[consumers]]`" => Some(ConfigFamily::Consumer),
        _ => None,
    }
}

/// A guide cell's value: the first `code` in it, without quotes (`"all"` is `all`).
fn cell_value(cell: &str) -> String {
    let code = cell.split('`').nth(1).unwrap_or(cell);
    code.replace('"', "").trim().to_owned()
}

/// One row of a settings table in the guide.
struct GuideRow {
    family: ConfigFamily,
    field: String,
    kafka_name: Option<String>,
    default: String,
}

/// Every row of the settings tables of `docs/scenarios.md`, by the section it is in.
fn guide_rows(guide: &str) -> Vec<GuideRow> {
    let mut rows = Vec::new();
    let mut family = None;
    let mut columns: Vec<String> = Vec::new();
    for line in guide.lines() {
        if line.starts_with('#') {
            family = family_of_heading(line.trim());
            columns.clear();
            continue;
        }
        let Some(family) = family else { continue };
        if !line.starts_with('|') {
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if cells.first() == Some(&"field") {
            columns = cells.iter().map(|c| (*c).to_owned()).collect();
            continue;
        }
        let column = |name: &str| columns.iter().position(|c| c == name).map(|i| cells[i]);
        let (Some(field), Some(default)) = (column("field"), column("default")) else {
            continue;
        };
        rows.push(GuideRow {
            family,
            field: cell_value(field),
            kafka_name: column("Kafka config")
                .map(cell_value)
                .filter(|name| name != "–"),
            default: cell_value(default),
        });
    }
    rows
}

#[test]
fn the_scenario_guide_agrees_with_the_table() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scenarios.md");
    let guide = std::fs::read_to_string(path).expect("docs/scenarios.md");
    let rows = guide_rows(&guide);
    let mut problems = Vec::new();
    for (family, doc) in config_docs() {
        let Some(row) = rows
            .iter()
            .find(|row| row.family == family && row.field == doc.field)
        else {
            problems.push(format!("{family:?}.{} is not in the guide", doc.field));
            continue;
        };
        if row.default != doc.default_text {
            problems.push(format!(
                "{family:?}.{}: the guide's default is {:?}, the table's {:?}",
                doc.field, row.default, doc.default_text
            ));
        }
        if family != ConfigFamily::Network && row.kafka_name.as_deref() != doc.kafka_name {
            problems.push(format!(
                "{family:?}.{}: the guide names it {:?}, the table {:?}",
                doc.field, row.kafka_name, doc.kafka_name
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
