//! The forms show Kafka's configs only through the table in `engine::config`: every setting
//! they draw is one of its entries, and none of its names, defaults or meanings is written in
//! a form's source.

use crate::engine::config::{config_doc, config_docs, ConfigDoc};

use super::{broker, group, producer, topic};

/// Each form: its file, its source and the settings it lists.
fn forms() -> [(&'static str, &'static str, &'static [&'static ConfigDoc]); 4] {
    [
        ("broker.rs", include_str!("broker.rs"), &broker::SETTINGS),
        ("group.rs", include_str!("group.rs"), &group::SETTINGS),
        (
            "producer.rs",
            include_str!("producer.rs"),
            &producer::SETTINGS,
        ),
        ("topic.rs", include_str!("topic.rs"), &topic::SETTINGS),
    ]
}

/// The `name="…"` of every `<PlainField` in a source.
fn plain_field_names(source: &str) -> Vec<&str> {
    source
        .split("<PlainField")
        .skip(1)
        .filter_map(|field| field.split("name=\"").nth(1))
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

#[test]
fn every_setting_a_form_shows_is_in_the_table() {
    for (file, _, settings) in forms() {
        for doc in settings {
            if let Some(name) = doc.kafka_name {
                let found = config_doc(name);
                assert!(found.is_some(), "{file}: {name} is not in the table");
                assert_eq!(found, Some(*doc), "{file}: {name} differs from the table");
            } else {
                assert!(
                    config_docs().any(|(_, entry)| entry == *doc),
                    "{file}: {} is not in the table",
                    doc.field
                );
            }
        }
    }
}

#[test]
fn every_config_field_of_a_form_is_in_its_list_and_no_form_words_a_setting_itself() {
    for (file, source, settings) in forms() {
        let fields = source.matches("<ConfigField ").count();
        assert_eq!(
            fields,
            settings.len(),
            "{file}: {fields} ConfigFields, {} settings listed",
            settings.len()
        );
        for field in source.split("<ConfigField ").skip(1) {
            let tag = field.split('>').next().unwrap_or_default();
            assert!(
                tag.contains("doc={") && !tag.contains("name=") && !tag.contains("default="),
                "{file}: a ConfigField takes its words from the table: <ConfigField {tag}>"
            );
        }
        for name in plain_field_names(source) {
            assert!(
                !config_docs().any(|(_, doc)| doc.name() == name || doc.field == name),
                "{file}: {name} is a setting of the table: draw it with a ConfigField"
            );
        }
        for (_, doc) in config_docs() {
            assert!(
                !source.contains(doc.meaning),
                "{file} writes {}'s meaning: the table's is the only copy",
                doc.name()
            );
        }
    }
}

#[test]
fn the_plain_field_scan_sees_the_forms_plain_fields() {
    let names = plain_field_names(include_str!("group.rs"));
    assert_eq!(names, ["group.id", "subscribe(topic)", "members to add"]);
    assert_eq!(
        plain_field_names(r#"<PlainField id="x" name="linger.ms" default="5">"#),
        ["linger.ms"]
    );
}
