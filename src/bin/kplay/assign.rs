//! `kplay assign`: the classic protocol's client-side assignors on JSON-lines cases, in the
//! shape of `assignor_cases.json`.

use kafka_playground::engine::sorted::VecMap;
use std::io::{self, BufRead, Write};

use kafka_playground::engine::assignor::{assign, AssignorKind, MemberSubscription};
use serde_json::{Map, Value};

use super::outcome::Outcome;

pub fn json_lines(input: impl BufRead, out: &mut impl Write) -> io::Result<Outcome> {
    super::json_lines::answer_each(input, out, answer)
}

/// One case: `assignor` (a name) or `assignors` (a list, of which the first runs), `topics`
/// (name to partition count) and `members` (member id to a topic list or to
/// `{topics, owned, generation, group_instance_id}`). The answer maps every member, in sorted
/// order, to its partitions, sorted.
fn answer(case: &Value) -> Result<VecMap<String, Vec<(String, u32)>>, String> {
    let case = case
        .as_object()
        .ok_or("expected an object with assignor, topics and members")?;
    let kind = assignor_kind(case)?;
    let topics = topic_counts(case.get("topics"))?;
    let members = case
        .get("members")
        .ok_or("missing members")?
        .as_object()
        .ok_or("members must be an object of member id to subscription")?
        .iter()
        .map(|(member_id, value)| subscription(member_id, value))
        .collect::<Result<Vec<_>, String>>()?;
    Ok(assign(kind, &topics, &members)
        .into_iter()
        .map(|(member, mut partitions)| {
            partitions.sort();
            (member, partitions)
        })
        .collect())
}

fn assignor_kind(case: &Map<String, Value>) -> Result<AssignorKind, String> {
    let name = match (case.get("assignor"), case.get("assignors")) {
        (Some(Value::String(name)), _) => name.as_str(),
        (None, Some(Value::Array(names))) => names
            .first()
            .and_then(Value::as_str)
            .ok_or("assignors must list at least one assignor name")?,
        (Some(_), _) => return Err("assignor must be a name".to_owned()),
        (None, Some(_)) => return Err("assignors must be a list of names".to_owned()),
        (None, None) => return Err("missing assignor (or assignors)".to_owned()),
    };
    AssignorKind::from_name(name).ok_or_else(|| {
        format!("unknown assignor \"{name}\"; use range, roundrobin, sticky or cooperative-sticky")
    })
}

fn topic_counts(value: Option<&Value>) -> Result<VecMap<String, u32>, String> {
    let Some(value) = value else {
        return Ok(VecMap::new());
    };
    value
        .as_object()
        .ok_or("topics must be an object of topic name to partition count")?
        .iter()
        .map(|(name, count)| {
            count
                .as_u64()
                .and_then(|count| u32::try_from(count).ok())
                .map(|count| (name.clone(), count))
                .ok_or_else(|| format!("topic {name}: the partition count must be a whole number"))
        })
        .collect()
}

fn subscription(member_id: &str, value: &Value) -> Result<MemberSubscription, String> {
    let bare = |topics| MemberSubscription {
        member_id: member_id.to_owned(),
        group_instance_id: None,
        topics,
        owned: Vec::new(),
        generation: None,
    };
    if value.is_array() {
        return Ok(bare(string_list(member_id, value)?));
    }
    let object = value.as_object().ok_or_else(|| {
        format!("member {member_id}: expected a topic list or an object with topics")
    })?;
    let mut member = bare(string_list(
        member_id,
        object.get("topics").unwrap_or(&Value::Array(Vec::new())),
    )?);
    if let Some(owned) = object.get("owned") {
        member.owned = partition_list(member_id, owned)?;
    }
    member.generation = match object.get("generation") {
        None | Some(Value::Null) => None,
        Some(generation) => Some(
            generation
                .as_i64()
                .and_then(|generation| i32::try_from(generation).ok())
                .ok_or_else(|| format!("member {member_id}: generation must be an integer"))?,
        ),
    };
    member.group_instance_id = match object.get("group_instance_id") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) => Some(id.clone()),
        Some(_) => {
            return Err(format!(
                "member {member_id}: group_instance_id must be a string"
            ))
        }
    };
    Ok(member)
}

fn string_list(member_id: &str, value: &Value) -> Result<Vec<String>, String> {
    value
        .as_array()
        .ok_or_else(|| format!("member {member_id}: topics must be a list"))?
        .iter()
        .map(|topic| {
            topic
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("member {member_id}: a topic must be a name"))
        })
        .collect()
}

/// `[["topic", 0], ["topic", 1]]`.
fn partition_list(member_id: &str, value: &Value) -> Result<Vec<(String, u32)>, String> {
    let invalid = || format!("member {member_id}: owned must be a list of [topic, partition]");
    value
        .as_array()
        .ok_or_else(invalid)?
        .iter()
        .map(|pair| match pair.as_array().map(Vec::as_slice) {
            Some([Value::String(topic), partition]) => partition
                .as_u64()
                .and_then(|partition| u32::try_from(partition).ok())
                .map(|partition| (topic.clone(), partition))
                .ok_or_else(invalid),
            _ => Err(invalid()),
        })
        .collect()
}
