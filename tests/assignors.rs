//! Runs the assignor cases taken from Kafka's own tests and javadoc
//! (`tests/data/assignor_cases.json`) against every assignor each case lists.

use kafka_playground::engine::sorted::VecMap;

use kafka_playground::engine::assignor::{assign, AssignorKind, MemberSubscription};
use serde_json::Value;

const EXPECTED_CASES: usize = 64;

fn cases_path() -> String {
    format!(
        "{}/tests/data/assignor_cases.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn partition_list(value: &Value) -> Vec<(String, u32)> {
    let mut list: Vec<(String, u32)> = value
        .as_array()
        .expect("a partition list is an array")
        .iter()
        .map(|pair| {
            let topic = pair[0].as_str().expect("topic name").to_string();
            let partition = pair[1].as_u64().expect("partition number") as u32;
            (topic, partition)
        })
        .collect();
    list.sort();
    list
}

fn string_list(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("a topic list is an array")
        .iter()
        .map(|topic| topic.as_str().expect("topic name").to_string())
        .collect()
}

/// A member is either a bare list of topics or an object with topics, owned partitions,
/// generation and group instance id.
fn subscription(member_id: &str, value: &Value) -> MemberSubscription {
    if value.is_array() {
        return MemberSubscription {
            member_id: member_id.to_string(),
            group_instance_id: None,
            topics: string_list(value),
            owned: Vec::new(),
            generation: None,
        };
    }
    MemberSubscription {
        member_id: member_id.to_string(),
        group_instance_id: value
            .get("group_instance_id")
            .and_then(Value::as_str)
            .map(str::to_string),
        topics: string_list(&value["topics"]),
        owned: value.get("owned").map(partition_list).unwrap_or_default(),
        generation: value
            .get("generation")
            .and_then(Value::as_i64)
            .map(|generation| generation as i32),
    }
}

#[test]
fn kafka_assignor_cases_pass() {
    let text = std::fs::read_to_string(cases_path()).expect("the assignor cases file is readable");
    let cases: Vec<Value> = serde_json::from_str(&text).expect("the assignor cases are JSON");

    let mut cases_run = 0;
    let mut checks_run = 0;
    let mut failures = Vec::new();
    for case in &cases {
        let id = case["id"].as_str().expect("case id");
        let topics: VecMap<String, u32> = case["topics"]
            .as_object()
            .expect("topics object")
            .iter()
            .map(|(name, count)| (name.clone(), count.as_u64().expect("count") as u32))
            .collect();
        let members: Vec<MemberSubscription> = case["members"]
            .as_object()
            .expect("members object")
            .iter()
            .map(|(member_id, value)| subscription(member_id, value))
            .collect();
        let expected: VecMap<String, Vec<(String, u32)>> = case["expected"]
            .as_object()
            .expect("expected object")
            .iter()
            .map(|(member_id, list)| (member_id.clone(), partition_list(list)))
            .collect();

        let assignors = case["assignors"].as_array().expect("assignors list");
        assert!(!assignors.is_empty(), "case {id} lists no assignor");
        for name in assignors {
            let name = name.as_str().expect("assignor name");
            let kind = AssignorKind::from_name(name)
                .unwrap_or_else(|| panic!("case {id}: unknown assignor {name}"));
            let actual: VecMap<String, Vec<(String, u32)>> = assign(kind, &topics, &members)
                .into_iter()
                .map(|(member_id, mut list)| {
                    list.sort();
                    (member_id, list)
                })
                .collect();
            checks_run += 1;
            if actual != expected {
                failures.push(format!(
                    "case {id} with {name}:\n  expected {expected:?}\n  actual   {actual:?}"
                ));
            }
        }
        cases_run += 1;
    }

    assert!(
        failures.is_empty(),
        "{} of {checks_run} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(cases_run, EXPECTED_CASES, "every case in the file must run");
}
