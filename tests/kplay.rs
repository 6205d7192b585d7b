//! The `kplay` command line, run as a user runs it: the example scenarios, a broken scenario,
//! the partition calculator against the shared vectors, and the assignors against Kafka's own
//! test cases.
#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn kplay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kplay"))
        .args(args)
        .output()
        .expect("kplay runs")
}

fn kplay_with_stdin(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kplay"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kplay starts");
    // Written from another thread so a large input cannot deadlock against a full stdout pipe.
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let input = stdin.to_owned();
    let writer = std::thread::spawn(move || pipe.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("kplay finishes");
    writer
        .join()
        .expect("writer thread")
        .expect("stdin written");
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn manifest_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn shared_data(name: &str) -> Value {
    let path = manifest_path(&format!("tests/data/{name}"));
    let data = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&data).expect("shared data is JSON")
}

fn example_scenarios() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(manifest_path("static/scenarios"))
        .expect("static/scenarios exists")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    paths.sort();
    paths
}

/// Runs a scenario with `--json` and returns the report.
fn run_json(path: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["run", path.to_str().expect("UTF-8 path"), "--json"];
    args.extend_from_slice(extra);
    let output = kplay(&args);
    assert!(
        output.status.success(),
        "kplay run {} failed: {}",
        path.display(),
        text(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "kplay run --json {} is not JSON ({e}):\n{}",
            path.display(),
            text(&output.stdout)
        )
    })
}

#[test]
fn every_example_scenario_checks_and_runs() {
    let paths = example_scenarios();
    for required in [
        "first-example.toml",
        "acks1-leader-dies.toml",
        "acks-all-min-isr.toml",
        "unclean-election.toml",
        "consumer-group-rebalance.toml",
        "compaction.toml",
    ] {
        assert!(
            paths.iter().any(|p| p.ends_with(required)),
            "static/scenarios/{required} is missing"
        );
    }
    for path in &paths {
        let shown = path.display();
        let output = kplay(&["check", path.to_str().unwrap()]);
        assert!(
            output.status.success(),
            "kplay check {shown}: {}",
            text(&output.stderr)
        );
        assert!(text(&output.stdout).starts_with("ok: "), "{shown}");
        assert!(
            output.stderr.is_empty(),
            "{shown} has warnings: {}",
            text(&output.stderr)
        );

        let report = run_json(path, &[]);
        for field in [
            "scenario",
            "seed",
            "until_ms",
            "rejected_commands",
            "produced",
            "acknowledged",
            "failed",
            "failed_by_error",
            "acknowledged_then_lost",
            "duplicates_in_log",
            "duplicates_delivered",
            "reordered_per_key",
            "end_to_end_latency",
            "lag",
        ] {
            assert!(
                report.get(field).is_some(),
                "{shown}: no `{field}` in {report:#}"
            );
        }
        assert_eq!(
            report["rejected_commands"].as_array().map(Vec::len),
            Some(0),
            "{shown}: {report:#}"
        );
        assert!(report["produced"].as_u64() > Some(0), "{shown}");
    }
}

/// Each example shows what its name promises.
#[test]
fn the_examples_tell_their_stories() {
    let lost = |name: &str| {
        let report = run_json(&manifest_path(&format!("static/scenarios/{name}")), &[]);
        report["acknowledged_then_lost"]
            .as_array()
            .expect("a list")
            .len()
    };
    assert_eq!(lost("acks1-leader-dies.toml"), 1);
    assert_eq!(lost("acks-all-min-isr.toml"), 0);
    assert!(lost("unclean-election.toml") >= 1);

    let first = run_json(&manifest_path("static/scenarios/first-example.toml"), &[]);
    assert_eq!(first["produced"], 5);
    assert_eq!(first["end_to_end_latency"]["count"], 5);
}

#[test]
fn seed_and_until_override_the_scenario() {
    let path = manifest_path("static/scenarios/first-example.toml");
    let report = run_json(&path, &["--seed", "99", "--until", "1.9s"]);
    assert_eq!(report["seed"], 99);
    assert_eq!(report["until_ms"], 1_900);
    // By 1.9 s only a (at 0.6 s) and b (at 1.3 s) have been sent.
    assert_eq!(report["produced"], 2);
}

#[test]
fn the_same_seed_gives_the_same_trace() {
    let path = manifest_path("static/scenarios/consumer-group-rebalance.toml");
    let args = ["run", path.to_str().unwrap(), "--trace", "--until", "25s"];
    let first = kplay(&args);
    let second = kplay(&args);
    assert!(first.status.success());
    assert!(text(&first.stdout).lines().count() > 100);
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn a_broken_scenario_reports_every_error_with_its_line_and_column() {
    let dir = std::env::temp_dir().join(format!("kplay-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("broken.toml");
    std::fs::write(
        &path,
        r#"version = 1
name = "broken"

[cluster]
brokers = 3

[[topics]]
name = "orders"
replication_factor = 4

[[producers]]
id = 1
lingr_ms = 5

[[timeline]]
at = "5s"
action = "crash-broker"
broker = 5
"#,
    )
    .unwrap();
    let shown = path.display().to_string();
    let output = kplay(&["check", &shown]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(output.stdout.is_empty());
    for expected in [
        format!("{shown}:9:22: topics[0]: replication_factor 4 needs that many brokers; the cluster has 3"),
        format!("{shown}:13:1: producers[0]: unknown field `lingr_ms`; did you mean `linger_ms`?"),
        format!("{shown}:18:10: timeline[0]: broker 5 does not exist (the cluster has brokers 0..2)"),
        format!("{shown}: 3 errors"),
    ] {
        assert!(stderr.contains(&expected), "missing {expected:?} in:\n{stderr}");
    }
    // `run` refuses the same file the same way.
    let output = kplay(&["run", &shown]);
    assert_eq!(output.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn usage_mistakes_exit_with_2_and_unreadable_files_with_1() {
    assert_eq!(kplay(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(kplay(&["run"]).status.code(), Some(2));
    assert_eq!(kplay(&["partition", "user-42"]).status.code(), Some(2));
    assert_eq!(
        kplay(&["partition", "--partitions", "0", "k"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        kplay(&["run", "x.toml", "--until", "soon"]).status.code(),
        Some(2)
    );
    let missing = kplay(&["check", "/nonexistent/scenario.toml"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("cannot read"));
}

#[test]
fn partition_of_keys_on_the_command_line() {
    let output = kplay(&["partition", "--partitions", "3", "user-42"]);
    assert!(output.status.success());
    assert_eq!(
        text(&output.stdout),
        "user-42 -> partition 1 (murmur2 1459644460)\n"
    );

    let output = kplay(&["partition", "--partitions", "12", "key-3", "a"]);
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("key-3 -> partition 11 "), "{stdout}");
    assert_eq!(lines[1], "a -> partition 4 (murmur2 -1563381124)");
}

#[test]
fn partition_json_lines_match_the_shared_vectors() {
    let vectors = shared_data("partition_vectors.json");
    let mut input = String::new();
    let mut expected = Vec::new();
    for case in vectors["from_client_tests"].as_array().unwrap() {
        input.push_str(
            &serde_json::json!({ "key_b64": case["key_b64"], "partitions": case["partitions"] })
                .to_string(),
        );
        input.push('\n');
        expected.push((case["partition"].as_u64().unwrap(), None));
    }
    for case in vectors["extra"].as_array().unwrap() {
        let Some(key) = case["key"].as_str() else {
            continue;
        };
        for (partitions, partition) in case["partition"].as_object().unwrap() {
            input.push_str(
                &serde_json::json!({ "key": key, "partitions": partitions.parse::<u64>().unwrap() })
                    .to_string(),
            );
            input.push('\n');
            expected.push((partition.as_u64().unwrap(), case["murmur2"].as_i64()));
        }
    }
    assert!(expected.len() > 10);
    let output = kplay_with_stdin(&["partition"], &input);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let answers: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("each answer is JSON"))
        .collect();
    assert_eq!(answers.len(), expected.len());
    for (answer, (partition, murmur2)) in answers.iter().zip(&expected) {
        assert_eq!(answer["partition"].as_u64(), Some(*partition), "{answer}");
        if let Some(murmur2) = murmur2 {
            assert_eq!(answer["murmur2"].as_i64(), Some(*murmur2), "{answer}");
        }
    }
}

#[test]
fn bad_json_lines_get_an_error_and_the_rest_are_answered() {
    let input = "{\"key\": \"user-42\", \"partitions\": 3}\nnot json\n{\"key_b64\": \"!!\", \"partitions\": 3}\n\n{\"key\": \"user-42\"}\n{\"key_b64\": \"dXNlci00Mg==\", \"partitions\": 3}\n";
    let output = kplay_with_stdin(&["partition"], input);
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{stdout}");
    assert_eq!(lines[0], r#"{"partition":1,"murmur2":1459644460}"#);
    assert!(
        lines[1].starts_with(r#"{"error":"line 2: not JSON"#),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains("not valid base64"), "{}", lines[2]);
    assert!(lines[3].contains("missing partitions"), "{}", lines[3]);
    // "dXNlci00Mg==" is "user-42".
    assert_eq!(lines[4], lines[0]);

    // --partitions is the default for lines that do not say.
    let output = kplay_with_stdin(
        &["partition", "--partitions", "3"],
        "{\"key\": \"user-42\"}\n",
    );
    assert!(output.status.success());
    assert_eq!(
        text(&output.stdout),
        "{\"partition\":1,\"murmur2\":1459644460}\n"
    );
}

#[test]
fn assign_answers_every_kafka_assignor_case() {
    let cases = shared_data("assignor_cases.json");
    let cases = cases.as_array().expect("a list of cases");
    let input: String = cases.iter().map(|case| format!("{case}\n")).collect();
    let output = kplay_with_stdin(&["assign"], &input);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let answers: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("each answer is JSON"))
        .collect();
    assert_eq!(answers.len(), cases.len());
    let mut failures = Vec::new();
    for (case, answer) in cases.iter().zip(&answers) {
        let mut expected = case["expected"].clone();
        // The expected lists are sorted like the answers.
        for list in expected.as_object_mut().unwrap().values_mut() {
            list.as_array_mut().unwrap().sort_by_key(|pair| {
                (
                    pair[0].as_str().unwrap().to_owned(),
                    pair[1].as_u64().unwrap(),
                )
            });
        }
        if *answer != expected {
            failures.push(format!("{}: expected {expected}, got {answer}", case["id"]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn assign_accepts_a_single_assignor_and_reports_bad_cases() {
    let input = concat!(
        r#"{"assignor": "roundrobin", "topics": {"t": 3}, "members": {"b": ["t"], "a": ["t"]}}"#,
        "\n",
        r#"{"assignor": "fastest", "topics": {}, "members": {}}"#,
        "\n",
        r#"{"assignor": "range", "topics": {"t": 2}, "members": {"a": {"topics": ["t"], "owned": [["t", 0]], "generation": 1}}}"#,
        "\n",
    );
    let output = kplay_with_stdin(&["assign"], input);
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], r#"{"a":[["t",0],["t",2]],"b":[["t",1]]}"#);
    assert!(
        lines[1].contains("unknown assignor \\\"fastest\\\""),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2], r#"{"a":[["t",0],["t",1]]}"#);
}

/// The guide must keep up with the engine: every setting of every config struct and every
/// timeline action appears in docs/scenarios.md.
#[test]
fn the_guide_documents_every_setting_and_action() {
    use kafka_playground::engine::{
        BrokerConfig, ConsumerConfig, NetworkConfig, ProducerConfig, TopicConfig,
    };
    use kafka_playground::scenario::file::ACTIONS;

    let guide = std::fs::read_to_string(manifest_path("docs/scenarios.md")).expect("the guide");
    let fields = |value: Value| -> Vec<String> {
        value
            .as_object()
            .expect("a struct")
            .keys()
            .cloned()
            .collect()
    };
    let mut missing = Vec::new();
    for field in [
        fields(serde_json::to_value(TopicConfig::default()).unwrap()),
        fields(serde_json::to_value(BrokerConfig::default()).unwrap()),
        fields(serde_json::to_value(ProducerConfig::default()).unwrap()),
        fields(serde_json::to_value(ConsumerConfig::default()).unwrap()),
        fields(serde_json::to_value(NetworkConfig::default()).unwrap()),
    ]
    .concat()
    {
        if !guide.contains(&format!("| `{field}` |")) {
            missing.push(field);
        }
    }
    for action in ACTIONS {
        if !guide.contains(&format!("`{action}`")) {
            missing.push(action.to_owned());
        }
    }
    assert!(
        missing.is_empty(),
        "docs/scenarios.md does not document: {missing:?}"
    );
}

/// Runs `kplay pipeline ...` and returns its JSON output.
fn pipeline_json(args: &[&str]) -> (Value, String) {
    let mut all = vec!["pipeline"];
    all.extend_from_slice(args);
    all.push("--json");
    let output = kplay(&all);
    assert!(
        output.status.success(),
        "kplay {all:?}: {}",
        text(&output.stderr)
    );
    let stdout = text(&output.stdout);
    let value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"));
    (value, stdout)
}

#[test]
fn pipeline_codementor_drops_without_kafka_and_not_with_it_reproducibly() {
    let (report, first) = pipeline_json(&["codementor", "--burst", "200", "--seed", "3"]);
    let without = &report["without_kafka"];
    let with = &report["with_kafka"];
    assert_eq!(without["submitted"], 200);
    assert!(
        without["dropped"].as_u64().expect("dropped") > 0,
        "{without}"
    );
    assert_eq!(with["dropped"], 0);
    assert_eq!(with["completed"], with["submitted"]);
    for variant in [without, with] {
        let latency = &variant["latency"];
        assert!(latency["p50_ms"].as_u64() <= latency["p99_ms"].as_u64());
        assert!(latency["p99_ms"].as_u64() <= latency["max_ms"].as_u64());
    }
    let (_, second) = pipeline_json(&["codementor", "--burst", "200", "--seed", "3"]);
    assert_eq!(first, second, "same seed, same figures");
}

#[test]
fn pipeline_peak_answers_every_event_in_batches_and_counts_the_same_twice() {
    let (first, _) = pipeline_json(&["peak", "--events", "80000"]);
    let progress = &first["progress"];
    assert_eq!(progress["events_sent"], 80_000);
    let answered = progress["events_acknowledged"]
        .as_u64()
        .expect("acknowledged")
        + progress["events_failed"].as_u64().expect("failed");
    assert_eq!(answered, 80_000, "{progress}");
    assert!(
        progress["batches"].as_u64().expect("batches") * 20 < 80_000,
        "{progress}"
    );
    assert!(first["wall_ms"].as_f64().expect("wall") > 0.0);
    // Everything but the wall time is the run's own, so a second run counts the same.
    let (second, _) = pipeline_json(&["peak", "--events", "80000"]);
    assert_eq!(first["progress"], second["progress"]);
    let refused = kplay(&["pipeline", "peak", "--events", "9000000"]);
    assert_eq!(
        refused.status.code(),
        Some(2),
        "more than the peak is refused"
    );
}

#[test]
fn pipeline_codementor_prints_both_variants_as_text() {
    let output = kplay(&[
        "pipeline",
        "codementor",
        "--burst",
        "40",
        "--concurrency",
        "2",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    for expected in [
        "submitted",
        "completed",
        "dropped",
        "p50",
        "p99",
        "max",
        "without Kafka",
        "with Kafka",
    ] {
        assert!(stdout.contains(expected), "missing {expected}:\n{stdout}");
    }
}

#[test]
fn pipeline_list_run_and_compare() {
    let (list, _) = pipeline_json(&["list"]);
    let ids: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .map(|p| p["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["codementor", "coupang-eats", "uber", "netflix"]);
    let (figures, _) = pipeline_json(&["run", "netflix", "--until", "20s", "--seed", "2"]);
    assert_eq!(figures["at_ms"], 20_000);
    let stages = figures["stages"].as_array().expect("stages");
    let fk = stages.iter().find(|s| s["node"] == "fk").expect("fk");
    assert!(fk["records_in"].as_u64().expect("count") >= 95);
    let (story, _) = pipeline_json(&["run", "uber-poison"]);
    let dlq = story["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .find(|s| s["node"] == "dlq")
        .expect("dlq");
    assert_eq!(dlq["records_in"], 1);
    let (table, _) = pipeline_json(&["compare"]);
    assert_eq!(table.as_array().expect("rows").len(), 4);
    let unknown = kplay(&["pipeline", "run", "kinesis"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(text(&unknown.stderr).contains("no pipeline 'kinesis'"));
}

// Snapshots of the whole text of each subcommand, beside the substring assertions above.
#[path = "kplay/snapshots.rs"]
mod snapshots;

/// `kplay run --json` ends with the cluster's state, so a test asserts what happened to the
/// cluster rather than how the trace words it.
#[test]
fn run_json_reports_the_final_state_of_partitions_groups_and_consumers() {
    let report = run_json(
        &manifest_path("static/scenarios/acks1-leader-dies.toml"),
        &[],
    );
    let state = &report["state"];
    // Broker 2 led at epoch 0 and crashed; broker 1, next in the ISR by assignment, took over
    // at epoch 1 without the record broker 2 had acknowledged, and broker 2 came back as a
    // follower that truncated it.
    let partition = &state["partitions"][0];
    assert_eq!(partition["partition"], "orders-0");
    assert_eq!(partition["replicas"], serde_json::json!([2, 1, 0]));
    assert_eq!(partition["leader"], 1);
    assert_eq!(partition["leader_epoch"], 1);
    assert_eq!(partition["isr"], serde_json::json!([2, 1, 0]));
    assert_eq!(partition["log_start_offset"], 0);
    assert_eq!(partition["high_watermark"], 1);
    assert_eq!(partition["log_end_offset"], 1);
    let consumer = &state["consumers"][0];
    assert_eq!(consumer["records_read"], 1);
    assert_eq!(consumer["last_offsets"]["orders-0"], 0);

    let report = run_json(
        &manifest_path("static/scenarios/consumer-group-rebalance.toml"),
        &[],
    );
    let group = &report["state"]["groups"][0];
    assert_eq!(group["group"], "billing");
    assert_eq!(group["state"], "Stable");
    let members = group["members"].as_object().expect("members by id");
    // Five members joined and one crashed: four remain, one partition each.
    assert_eq!(members.len(), 4, "{group:#}");
    let mut assigned: Vec<String> = members
        .values()
        .flat_map(|m| m["assignment"].as_array().expect("a list").clone())
        .map(|p| p.as_str().expect("a partition").to_owned())
        .collect();
    assigned.sort();
    assert_eq!(
        assigned,
        ["payments-0", "payments-1", "payments-2", "payments-3"]
    );
    assert!(
        group["generation"].as_i64().expect("a number") >= 2,
        "{group:#}"
    );
    let read: u64 = report["state"]["consumers"]
        .as_array()
        .expect("consumers")
        .iter()
        .map(|c| c["records_read"].as_u64().expect("a count"))
        .sum();
    assert!(read > 0);
}

/// A record lost under acks=0 never had an offset (Kafka's `RecordMetadata.offset()` is -1),
/// and a tombstone a consumer polls prints as null, as Kafka's console consumer prints it.
#[test]
fn an_acks0_loss_has_offset_minus_one_and_a_tombstone_prints_null() {
    let scenario = r#"version = 1
name = "acks=0 and a tombstone"
duration = "20s"
[[topics]]
name = "users"
[[producers]]
id = 1
acks = "0"
linger_ms = 0
[[consumers]]
id = 1
topic = "users"
auto_offset_reset = "earliest"
[[timeline]]
at = "1s"
action = "produce"
producer = 1
topic = "users"
key = "alice"
tombstone = true
[[timeline]]
at = "3s"
action = "crash-broker"
broker = 0
[[timeline]]
at = "3.5s"
action = "produce"
producer = 1
topic = "users"
key = "bob"
value = "never written"
[[timeline]]
at = "5s"
action = "restart-broker"
broker = 0
"#;
    let path = std::env::temp_dir().join(format!("kplay-acks0-{}.toml", std::process::id()));
    std::fs::write(&path, scenario).expect("a temporary file");
    let report = run_json(&path, &["--trace"]);
    std::fs::remove_file(&path).ok();
    let lost = &report["acknowledged_then_lost"];
    assert_eq!(lost.as_array().map(Vec::len), Some(1), "{lost:#}");
    assert_eq!(lost[0]["offset"], -1);
    let trace: Vec<&str> = report["trace"]
        .as_array()
        .expect("--trace")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        trace
            .iter()
            .any(|line| line.contains("consumer-1 polled record-0 value=null from users-0@0")),
        "{trace:#?}"
    );
}
