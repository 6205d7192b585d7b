//! Reading one TOML table field by field, keeping the span of every value so later checks can
//! point at the exact place, and reporting unknown or mistyped fields without stopping.

use crate::engine::sorted::VecMap;
use std::borrow::Cow;

use serde::de::DeserializeOwned;
use serde::Serialize;
use toml::de::{DeTable, DeValue, ValueDeserializer};
use toml::Spanned;

use super::duration::parse_duration_ms;
use super::problems::{closest, Problems, Span};

pub(super) type Value<'i> = Spanned<DeValue<'i>>;
type Key<'i> = Spanned<Cow<'i, str>>;

/// Where a command came from in the file: a path such as `timeline[2]`, the span of its table
/// and the span of each field read from it.
#[derive(Clone, Debug, Default)]
pub(super) struct Origin {
    pub path: String,
    pub span: Span,
    pub field_spans: VecMap<String, Span>,
}

impl Origin {
    /// The span of a field's value, or of the whole table if the field was not written.
    pub fn span_of(&self, field: &str) -> Span {
        self.field_spans
            .get(field)
            .cloned()
            .unwrap_or_else(|| self.span.clone())
    }
}

/// A table whose fields are taken one by one. What is left at the end is either a config
/// struct of the engine's ([`TableReader::config`]) or unknown ([`TableReader::finish`]).
pub(super) struct TableReader<'i> {
    origin: Origin,
    entries: Vec<(Key<'i>, Value<'i>)>,
    /// The names this table accepts besides a config's fields, for "did you mean" hints.
    own_keys: Vec<&'static str>,
}

impl<'i> TableReader<'i> {
    /// Reads `value` as a table, or reports that it is something else.
    pub fn new(
        path: impl Into<String>,
        value: &Value<'i>,
        problems: &mut Problems,
    ) -> Option<Self> {
        let path = path.into();
        match value.get_ref() {
            DeValue::Table(table) => Some(Self::from_table(path, value.span(), table)),
            other => {
                problems.error(
                    value.span(),
                    format!("{path}: expected a table, found {}", describe(other)),
                );
                None
            }
        }
    }

    pub fn from_table(path: String, span: Span, table: &DeTable<'i>) -> Self {
        TableReader {
            origin: Origin {
                path,
                span,
                field_spans: VecMap::new(),
            },
            entries: table
                .iter()
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect(),
            own_keys: Vec::new(),
        }
    }

    pub fn path(&self) -> &str {
        &self.origin.path
    }

    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    pub fn span_of(&self, field: &str) -> Span {
        self.origin.span_of(field)
    }

    pub fn has(&self, field: &str) -> bool {
        self.origin.field_spans.contains_key(field)
    }

    /// `path.field`, or just `field` at the top level.
    pub fn field_path(&self, field: &str) -> String {
        if self.origin.path.is_empty() {
            field.to_owned()
        } else {
            format!("{}.{field}", self.origin.path)
        }
    }

    /// Removes a field and returns its raw value.
    pub fn take(&mut self, field: &'static str) -> Option<Value<'i>> {
        if !self.own_keys.contains(&field) {
            self.own_keys.push(field);
        }
        let index = self
            .entries
            .iter()
            .position(|(key, _)| key.get_ref().as_ref() == field)?;
        let (key, value) = self.entries.remove(index);
        // Keys written as dotted paths have no value span of their own; the key's span is the
        // next best place to point at.
        let span = if value.span().is_empty() {
            key.span()
        } else {
            value.span()
        };
        self.origin.field_spans.insert(field.to_owned(), span);
        Some(value)
    }

    /// Whether the table has this field, without taking it.
    pub fn contains(&self, field: &str) -> bool {
        self.entries
            .iter()
            .any(|(key, _)| key.get_ref().as_ref() == field)
    }

    /// An optional field of any type serde can read.
    pub fn optional<T: DeserializeOwned>(
        &mut self,
        field: &'static str,
        problems: &mut Problems,
    ) -> Option<T> {
        let value = self.take(field)?;
        deserialize_value(&self.field_path(field), value, problems)
    }

    /// A field that must be there.
    pub fn required<T: DeserializeOwned>(
        &mut self,
        field: &'static str,
        problems: &mut Problems,
    ) -> Option<T> {
        if !self.contains(field) {
            self.take(field);
            problems.error(
                self.origin.span.clone(),
                format!("{}: `{field}` is missing", self.describe_path()),
            );
            return None;
        }
        self.optional(field, problems)
    }

    /// An optional duration: a string such as `"5s"` or an integer of milliseconds.
    pub fn optional_duration_ms(
        &mut self,
        field: &'static str,
        problems: &mut Problems,
    ) -> Option<u64> {
        let value = self.take(field)?;
        let path = self.field_path(field);
        match value.get_ref() {
            DeValue::String(text) => match parse_duration_ms(text) {
                Ok(ms) => Some(ms),
                Err(message) => {
                    problems.error(value.span(), format!("{path}: {message}"));
                    None
                }
            },
            DeValue::Integer(_) => deserialize_value::<u64>(&path, value, problems),
            other => {
                problems.error(
                    value.span(),
                    format!(
                        "{path}: expected a duration such as \"5s\" or an integer of milliseconds, found {}",
                        describe(other)
                    ),
                );
                None
            }
        }
    }

    /// A duration that must be there.
    pub fn required_duration_ms(
        &mut self,
        field: &'static str,
        problems: &mut Problems,
    ) -> Option<u64> {
        if !self.contains(field) {
            self.take(field);
            problems.error(
                self.origin.span.clone(),
                format!("{}: `{field}` is missing", self.describe_path()),
            );
            return None;
        }
        self.optional_duration_ms(field, problems)
    }

    /// Reads every remaining field as a field of the engine's config struct `C`. Each field is
    /// checked on its own first, so every unknown or mistyped field is reported, not just the
    /// first; fields left out keep `C`'s defaults (Kafka's).
    pub fn config<C>(&mut self, problems: &mut Problems) -> C
    where
        C: DeserializeOwned + Serialize + Default,
    {
        let known = config_fields::<C>();
        let mut accepted = DeTable::new();
        for (key, value) in std::mem::take(&mut self.entries) {
            let name = key.get_ref().to_string();
            if !known.contains(&name) {
                self.report_unknown(&key, &known, problems);
                continue;
            }
            let value = normalise_config_value(&name, value);
            let span = if value.span().is_empty() {
                key.span()
            } else {
                value.span()
            };
            self.origin.field_spans.insert(name.clone(), span);
            let mut single = DeTable::new();
            single.insert(key.clone(), value.clone());
            let single = Spanned::new(self.origin.span.clone(), DeValue::Table(single));
            if let Err(error) = C::deserialize(ValueDeserializer::from(single)) {
                problems.error(
                    error.span().unwrap_or_else(|| value.span()),
                    format!(
                        "{}: {}",
                        self.field_path(&name),
                        in_toml_terms(error.message())
                    ),
                );
                continue;
            }
            accepted.insert(key, value);
        }
        // The fields that were fine still count, so that checks on the config (acks against
        // idempotence, say) see what the file says rather than defaults.
        let whole = Spanned::new(self.origin.span.clone(), DeValue::Table(accepted));
        match C::deserialize(ValueDeserializer::from(whole)) {
            Ok(config) => config,
            Err(error) => {
                problems.error(
                    error.span().unwrap_or_else(|| self.origin.span.clone()),
                    format!(
                        "{}: {}",
                        self.describe_path(),
                        in_toml_terms(error.message())
                    ),
                );
                C::default()
            }
        }
    }

    /// Reports every field nobody took.
    pub fn finish(mut self, problems: &mut Problems) -> Origin {
        for (key, _) in std::mem::take(&mut self.entries) {
            self.report_unknown(&key, &[], problems);
        }
        self.origin
    }

    fn describe_path(&self) -> &str {
        if self.origin.path.is_empty() {
            "the file"
        } else {
            &self.origin.path
        }
    }

    fn report_unknown(&self, key: &Key<'_>, config_fields: &[String], problems: &mut Problems) {
        let name = key.get_ref();
        let candidates: Vec<&str> = self
            .own_keys
            .iter()
            .copied()
            .chain(config_fields.iter().map(String::as_str))
            .collect();
        let hint = match closest(name, candidates.iter().copied()) {
            Some(close) => format!("; did you mean `{close}`?"),
            None if candidates.is_empty() => String::new(),
            None => {
                let mut sorted = candidates.clone();
                sorted.sort_unstable();
                sorted.dedup();
                format!("; expected one of: {}", sorted.join(", "))
            }
        };
        problems.error(
            key.span(),
            format!("{}: unknown field `{name}`{hint}", self.describe_path()),
        );
    }
}

/// Reads one value with serde, reporting a failure at the value's place.
pub(super) fn deserialize_value<T: DeserializeOwned>(
    path: &str,
    value: Value<'_>,
    problems: &mut Problems,
) -> Option<T> {
    let span = value.span();
    match T::deserialize(ValueDeserializer::from(value)) {
        Ok(parsed) => Some(parsed),
        Err(error) => {
            problems.error(
                error.span().unwrap_or(span),
                format!("{path}: {}", in_toml_terms(error.message())),
            );
            None
        }
    }
}

/// The field names of one of the engine's config structs, read from its serialized default so
/// the list can never fall behind the struct.
fn config_fields<C: Serialize + Default>() -> Vec<String> {
    match serde_json::to_value(C::default()) {
        Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// Accepts what people write for Kafka's `acks`: the integers 0, 1 and -1 as well as the
/// strings "0", "1" and "all" that the engine's enum reads.
fn normalise_config_value<'i>(field: &str, value: Value<'i>) -> Value<'i> {
    if field != "acks" {
        return value;
    }
    let Some(integer) = value.get_ref().as_integer() else {
        return value;
    };
    let text = match integer.as_str() {
        "-1" => "all".to_owned(),
        other => other.to_owned(),
    };
    Spanned::new(value.span(), DeValue::String(Cow::Owned(text)))
}

/// A TOML value's kind, for messages.
pub(super) fn describe(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// Serde's messages name Rust's types ("expected u32", "expected struct TopicConfig"); a
/// scenario's author writes TOML, so each is said in TOML's terms instead: "expected a whole
/// number from 0 to 4294967295", "expected a table".
pub(super) fn in_toml_terms(message: &str) -> String {
    const WHOLE_NUMBERS: [(&str, &str); 10] = [
        ("u8", "from 0 to 255"),
        ("u16", "from 0 to 65535"),
        ("u32", "from 0 to 4294967295"),
        // Twenty digits say nothing to a reader; the bound that matters is the sign.
        ("u64", "of 0 or more"),
        ("usize", "of 0 or more"),
        ("i8", "from -128 to 127"),
        ("i16", "from -32768 to 32767"),
        ("i32", "from -2147483648 to 2147483647"),
        ("i64", "(negative, zero or positive)"),
        ("isize", "(negative, zero or positive)"),
    ];
    let mut text = message.to_owned();
    for (rust, range) in WHOLE_NUMBERS {
        text = replace_word(
            &text,
            &format!("expected {rust}"),
            &format!("expected a whole number {range}"),
        );
    }
    for (rust, toml) in [
        ("expected f32", "expected a number"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected an array"),
        ("expected a map", "expected a table"),
        ("invalid type: sequence", "invalid type: an array"),
        ("invalid type: map", "invalid type: a table"),
        ("floating point", "float"),
    ] {
        text = replace_word(&text, rust, toml);
    }
    // "expected struct TopicConfig", "expected enum Acks": the Rust name goes, the kind stays.
    for (rust, toml) in [
        ("expected struct ", "expected a table"),
        ("expected enum ", "expected a string"),
    ] {
        while let Some(start) = text.find(rust) {
            let name_end = text[start + rust.len()..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .map_or(text.len(), |end| start + rust.len() + end);
            text.replace_range(start..name_end, toml);
        }
    }
    text
}

/// Replaces `from` by `to` where `from` is not followed by more of a word (so `expected u32`
/// does not match inside `expected u320`).
fn replace_word(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let after = &rest[at + from.len()..];
        let whole = !after.starts_with(|c: char| c.is_alphanumeric() || c == '_');
        out.push_str(&rest[..at]);
        out.push_str(if whole { to } else { from });
        rest = after;
    }
    out.push_str(rest);
    out
}
