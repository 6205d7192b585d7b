//! Reading scenario files: what each field becomes, and where each error points.

use super::*;
use crate::engine::{
    Acks, BrokerId, CleanupPolicy, ConsumerId, KeyPattern, Node, Offset, ProducerId, SeekTarget,
    TopicPartition,
};

const SMALL: &str = r#"
version = 1
name = "small"
seed = 9
duration = "30s"

[cluster]
brokers = 3
replica_lag_time_max_ms = 2000

[network]
latency_ms = 20
jitter_ms = 0

[[topics]]
name = "orders"
partitions = 3
replication_factor = 3
min_insync_replicas = 2

[[producers]]
id = 1
acks = -1
linger_ms = 0
workload = { topic = "orders", rate = 50, keys = "cycle:4", count = 100, start = "2s", stop = "10s" }

[[consumers]]
id = 7
topic = "orders"
group = "g"
start = "1s"
auto_offset_reset = "earliest"

[[timeline]]
at = "500ms"
action = "produce"
producer = 1
topic = "orders"
key = "k"
values = ["a", "b", "c"]
interval = "1s"

[[timeline]]
at = 12000
action = "crash-broker"
broker = 2
"#;

fn errors_of(text: &str) -> Vec<ScenarioError> {
    match parse_scenario(text) {
        Ok(scenario) => panic!("expected errors, parsed {scenario:#?}"),
        Err(errors) => errors,
    }
}

/// The one error whose message contains `needle`, with its line and column.
fn find<'a>(errors: &'a [ScenarioError], needle: &str) -> &'a ScenarioError {
    errors
        .iter()
        .find(|error| error.message.contains(needle))
        .unwrap_or_else(|| panic!("no error mentions {needle:?}: {errors:#?}"))
}

#[test]
fn a_small_scenario_becomes_the_commands_it_describes() {
    let scenario = parse_scenario(SMALL).expect("valid");
    assert_eq!(scenario.name, "small");
    assert_eq!(scenario.seed, 9);
    assert_eq!(scenario.duration_ms, Some(30_000));
    assert_eq!(scenario.brokers, 3);
    assert_eq!(scenario.broker.replica_lag_time_max_ms, 2_000);
    assert_eq!(scenario.network.latency_ms, 20);
    assert!(scenario.warnings.is_empty(), "{:?}", scenario.warnings);

    let timed: Vec<(u64, &Command)> = scenario
        .commands
        .iter()
        .map(|scheduled| (scheduled.at.as_ms(), &scheduled.command))
        .collect();
    assert!(matches!(
        timed[0],
        (0, Command::CreateTopic { name, config }) if name == "orders" && config.min_insync_replicas == 2
    ));
    assert!(matches!(
        timed[1],
        (0, Command::AddProducer { producer: ProducerId(1), config }) if config.acks == Acks::All && config.linger_ms == 0
    ));
    assert!(matches!(
        timed[2],
        (1_000, Command::AddConsumer { consumer: ConsumerId(7), group: Some(group), .. }) if group == "g"
    ));
    assert!(matches!(
        timed[3],
        (2_000, Command::StartWorkload { workload, .. })
            if workload.records_per_second == 50
                && workload.keys == KeyPattern::Cycle { count: 4 }
                && workload.count == Some(100)
    ));
    assert!(matches!(timed[4], (10_000, Command::StopWorkload { .. })));
    let produce_times: Vec<u64> = timed[5..8].iter().map(|(at, _)| *at).collect();
    assert_eq!(produce_times, [500, 1_500, 2_500]);
    assert!(matches!(
        timed[8],
        (
            12_000,
            Command::CrashBroker {
                broker: BrokerId(2)
            }
        )
    ));
    assert_eq!(scenario.commands[8].source, "timeline[1]");
    assert_eq!(scenario.commands[8].position.line, 43);
}

#[test]
fn the_built_simulation_runs_the_scenario() {
    let scenario = parse_scenario(SMALL).expect("valid");
    let mut sim = scenario.build(None);
    assert_eq!(sim.config().seed, 9);
    sim.advance_to(SimTime::from_ms(5_000));
    let topic = sim.topic("orders").expect("created at 0");
    assert_eq!(topic.partition_count(), 3);
    assert!(sim.producer(ProducerId(1)).is_some());
    assert!(sim.consumer(ConsumerId(7)).is_some());
    assert!(sim.audit().produced >= 3);
    assert!(sim.partition(&TopicPartition::new("orders", 0)).is_some());
    assert_eq!(scenario.build(Some(11)).config().seed, 11);
}

#[test]
fn every_timeline_action_is_understood() {
    let text = r#"
version = 1
name = "all actions"
[cluster]
brokers = 2
[network]
latency_ms = 30
jitter_ms = 4
[[topics]]
name = "t"
[[producers]]
id = 1
[[consumers]]
id = 1
topic = "t"
group = "g"
[[consumers]]
id = 3
topic = "t"
group = "g"
[[consumers]]
id = 4
assign = ["t-0"]
group = "g"
[[timeline]]
at = "1s"
action = "create-topic"
topic = "late"
cleanup_policy = "compact"
[[timeline]]
at = "1s"
action = "add-producer"
producer = 2
acks = "0"
enable_idempotence = false
[[timeline]]
at = "2s"
action = "produce"
producer = 2
topic = "late"
key = "k"
tombstone = true
[[timeline]]
at = "2s"
action = "start-workload"
producer = 1
topic = "t"
rate = 5
keys = "fixed:user:42"
[[timeline]]
at = "3s"
action = "stop-workload"
producer = 1
[[timeline]]
at = "3s"
action = "add-consumer"
consumer = 2
topic = "t"
max_poll_records = 10
[[timeline]]
at = "4s"
action = "pause-consumer"
consumer = 1
[[timeline]]
at = "5s"
action = "resume-consumer"
consumer = 1
[[timeline]]
at = "5s"
action = "set-processing-time"
consumer = 1
processing_time = "20ms"
[[timeline]]
at = "6s"
action = "commit"
consumer = 1
[[timeline]]
at = "7s"
action = "close-consumer"
consumer = 1
[[timeline]]
at = "7s"
action = "crash-consumer"
consumer = 2
[[timeline]]
at = "8s"
action = "crash-broker"
broker = 1
[[timeline]]
at = "9s"
action = "restart-broker"
broker = 1
[[timeline]]
at = "10s"
action = "isolate-broker"
broker = 0
[[timeline]]
at = "11s"
action = "heal-broker"
broker = 0
[[timeline]]
at = "11s"
action = "cut-link"
from = "broker-1"
to = "broker-0"
[[timeline]]
at = "11s"
action = "heal-link"
between = ["broker-1", "broker-0"]
[[timeline]]
at = "12s"
action = "set-link-latency"
between = ["broker-0", "producer-2"]
latency = "1s"
[[timeline]]
at = "13s"
action = "set-network"
drop_per_million = 1000
[[timeline]]
at = "14s"
action = "subscribe"
consumer = 3
topics = ["t", "late"]
[[timeline]]
at = "14s"
action = "assign"
consumer = 4
partitions = ["t-0"]
[[timeline]]
at = "15s"
action = "seek"
consumer = 4
partition = "t-0"
to = "beginning"
[[timeline]]
at = "15s"
action = "pause-partitions"
consumer = 4
partitions = ["t-0"]
[[timeline]]
at = "16s"
action = "resume-partitions"
consumer = 4
partitions = ["t-0"]
[[timeline]]
at = "16s"
action = "commit-offsets"
consumer = 4
offsets = { "t-0" = 3 }
[[timeline]]
at = "17s"
action = "alter-topic-config"
topic = "t"
retention_ms = 60000
"#;
    let scenario = parse_scenario(text).expect("valid");
    let timeline: Vec<&Command> = scenario
        .commands
        .iter()
        .filter(|scheduled| scheduled.source.starts_with("timeline"))
        .map(|scheduled| &scheduled.command)
        .collect();
    assert_eq!(timeline.len(), ACTIONS.len());
    assert!(
        matches!(timeline[0], Command::CreateTopic { config, .. } if config.cleanup_policy == CleanupPolicy::Compact)
    );
    assert!(
        matches!(timeline[1], Command::AddProducer { config, .. } if config.acks == Acks::None)
    );
    assert!(matches!(
        timeline[2],
        Command::Produce {
            key: Some(_),
            value: None,
            ..
        }
    ));
    assert!(matches!(
        timeline[3],
        Command::StartWorkload { workload, .. } if workload.keys == KeyPattern::Fixed { key: "user:42".to_owned() }
    ));
    assert!(
        matches!(timeline[5], Command::AddConsumer { group: None, config, .. } if config.max_poll_records == 10)
    );
    assert!(matches!(
        timeline[8],
        Command::SetProcessingTime {
            processing_time_ms: 20,
            ..
        }
    ));
    assert!(matches!(
        timeline[16],
        Command::CutLink {
            from: Node::Broker(BrokerId(1)),
            to: Node::Broker(BrokerId(0)),
            one_way: true
        }
    ));
    assert!(matches!(
        timeline[17],
        Command::HealLink { one_way: false, .. }
    ));
    assert!(matches!(
        timeline[18],
        Command::SetLinkLatency {
            a: Node::Broker(BrokerId(0)),
            b: Node::Producer(ProducerId(2)),
            latency_ms: 1_000
        }
    ));
    // set-network starts from [network]: only the drop rate changes.
    assert!(matches!(
        timeline[19],
        Command::SetNetwork { config } if config.latency_ms == 30 && config.jitter_ms == 4 && config.drop_per_million == 1_000
    ));
    assert!(matches!(timeline[20], Command::Subscribe { topics, .. } if topics.len() == 2));
    assert!(matches!(
        timeline[22],
        Command::Seek {
            to: SeekTarget::Beginning,
            ..
        }
    ));
    assert!(
        matches!(timeline[25], Command::CommitSpecifiedOffsets { offsets, .. } if offsets == &vec![(TopicPartition::new("t", 0), Offset(3))])
    );
    // A [[consumers]] entry with `assign` adds the consumer, then assigns its partitions.
    let entry: Vec<&Command> = scenario
        .commands
        .iter()
        .filter(|scheduled| scheduled.source.starts_with("consumers[2]"))
        .map(|scheduled| &scheduled.command)
        .collect();
    assert!(
        matches!(entry.as_slice(), [Command::AddConsumer { .. }, Command::Assign { partitions, .. }] if partitions.len() == 1)
    );
    assert!(matches!(
        timeline[26],
        Command::AlterTopicConfig { topic, config, set }
            if topic == "t" && config.retention_ms == 60_000 && set == &["retention_ms".to_owned()]
    ));
}

#[test]
fn errors_point_at_the_line_and_column_of_the_mistake() {
    let text = "version = 1\nname = \"x\"\n[cluster]\nbrokers = 3\n\n[[timeline]]\nat = \"5s\"\naction = \"crash-broker\"\nbroker = 5\n";
    let errors = errors_of(text);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(
        errors[0].to_string(),
        "9:10: timeline[0]: broker 5 does not exist (the cluster has brokers 0..2)"
    );
}

#[test]
fn all_errors_are_collected_not_just_the_first() {
    let text = r#"version = 1
name = "many mistakes"
[cluster]
brokers = 2
[[topics]]
name = "t"
replication_factor = 3
partitions = "three"
[[producers]]
id = 1
lingr_ms = 5
[[producers]]
id = 1
[[consumers]]
id = 1
topic = "nope"
[[timeline]]
at = "soon"
action = "crash-broker"
broker = 0
[[timeline]]
at = "1s"
action = "produce"
producer = 9
topic = "t"
value = "v"
"#;
    let errors = errors_of(text);
    let at = |needle: &str| {
        let error = find(&errors, needle);
        (error.line, error.column)
    };
    assert_eq!(at("replication_factor 3 needs"), (7, 22));
    assert_eq!(at("partitions: invalid type"), (8, 14));
    assert_eq!(at("did you mean `linger_ms`"), (11, 1));
    assert_eq!(at("producer 1 is declared twice"), (13, 6));
    assert_eq!(at("\"soon\" is not a duration"), (18, 6));
    assert_eq!(at("producer 9 is not declared"), (24, 12));
    // Auto-creation is legal, so an undeclared topic is a warning, reported with the errors.
    assert_eq!(
        at("warning: consumers[0]: topic 'nope' is not declared"),
        (16, 9)
    );
    // Sorted by place.
    let places: Vec<(usize, usize)> = errors.iter().map(|e| (e.line, e.column)).collect();
    let mut sorted = places.clone();
    sorted.sort();
    assert_eq!(places, sorted);
}

#[test]
fn references_must_exist_when_the_action_runs() {
    let text = r#"version = 1
name = "order"
[cluster]
auto_create_topics_enable = false
[[topics]]
name = "t"
[[producers]]
id = 1
start = "5s"
[[consumers]]
id = 1
topic = "missing"
[[consumers]]
id = 2
topic = "t"
[[timeline]]
at = "2s"
action = "produce"
producer = 1
topic = "t"
value = "too early"
[[timeline]]
at = "3s"
action = "close-consumer"
consumer = 2
[[timeline]]
at = "4s"
action = "pause-consumer"
consumer = 2
[[timeline]]
at = "4s"
action = "commit"
consumer = 1
"#;
    let errors = errors_of(text);
    find(
        &errors,
        "producer-1 does not exist yet at 2s; it is added at 5s",
    );
    find(
        &errors,
        "topic 'missing' does not exist and cluster.auto_create_topics_enable is false",
    );
    find(&errors, "consumer-2 was closed at 3s");
}

#[test]
fn syntax_errors_have_a_place_too() {
    let errors = errors_of("version = 1\nname = \"x\"\n[cluster\nbrokers = 3\n");
    assert_eq!((errors[0].line, errors[0].column), (3, 9));
    assert!(errors[0].message.starts_with("TOML syntax:"));
}

#[test]
fn version_and_name_are_required() {
    let errors = errors_of("seed = 1\n");
    find(&errors, "`version = 1` is missing");
    find(&errors, "`name` is missing");
    let errors = errors_of("version = 2\nname = \"x\"\n");
    assert_eq!(
        errors[0].to_string(),
        "1:11: version: this kplay reads scenario format 1, not 2"
    );
}

#[test]
fn idempotence_needs_acks_all() {
    // Set explicitly, idempotence with acks=1 is an error, as in Kafka's ProducerConfig...
    let errors = errors_of(
        "version = 1\nname = \"x\"\n[[producers]]\nid = 1\nacks = \"1\"\nenable_idempotence = true\n",
    );
    let error = find(&errors, "requires acks = \"all\"");
    assert_eq!((error.line, error.column), (5, 8));
    // ...while the default is turned off silently when acks is not all.
    let scenario =
        parse_scenario("version = 1\nname = \"x\"\n[[producers]]\nid = 1\nacks = \"1\"\n")
            .expect("a defaulted idempotence gives way to acks=1");
    let mut sim = scenario.build(None);
    sim.advance_to(crate::engine::SimTime::from_ms(1));
    let producer = sim.producers().next().expect("the producer exists");
    assert!(!producer.config.enable_idempotence);
    assert_eq!(producer.producer_id, None);
}

/// Half-typed files are the common case in an editor: every prefix of a valid scenario either
/// parses or gives errors, and never panics.
#[test]
fn every_prefix_of_a_scenario_parses_or_fails_cleanly() {
    for (cut, _) in SMALL.char_indices() {
        match parse_scenario(&SMALL[..cut]) {
            Ok(scenario) => {
                scenario.build(None);
            }
            Err(errors) => assert!(!errors.is_empty()),
        }
    }
}

#[test]
fn min_insync_replicas_above_the_replication_factor_is_no_warning() {
    // Since Kafka 3.7 (KAFKA-15583) the effective minimum is min(min.insync.replicas,
    // replication factor), so every acks=all send does not fail; nothing to warn about.
    let text = "version = 1\nname = \"x\"\n[cluster]\nbrokers = 2\n[[topics]]\nname = \"t\"\nreplication_factor = 2\nmin_insync_replicas = 3\n";
    let scenario = parse_scenario(text).expect("valid");
    assert_eq!(scenario.warnings, []);
}

#[test]
fn type_errors_name_toml_types_not_rust_ones() {
    let text = r#"version = 1
name = "types"
seed = -1
[cluster]
brokers = "three"
replica_lag_time_max_ms = 1.5
[network]
drop_per_million = true
[[topics]]
name = "t"
partitions = [1]
[[producers]]
id = 1
acks = 2
[[timeline]]
at = "1s"
action = "crash-broker"
broker = { id = 0 }
"#;
    let messages: Vec<String> = errors_of(text).iter().map(ToString::to_string).collect();
    expect_test::expect![[r#"
        [
            "3:8: seed: invalid value: integer `-1`, expected a whole number of 0 or more",
            "5:11: cluster.brokers: invalid type: string \"three\", expected a whole number from 0 to 4294967295",
            "6:27: cluster.replica_lag_time_max_ms: invalid type: float `1.5`, expected a whole number of 0 or more",
            "8:20: network.drop_per_million: invalid type: boolean `true`, expected a whole number from 0 to 4294967295",
            "11:14: topics[0].partitions: invalid type: an array, expected a whole number from 0 to 4294967295",
            "14:8: producers[0].acks: unknown variant `2`, expected one of `0`, `1`, `all`",
            "18:10: timeline[0].broker: invalid type: a table, expected a whole number from 0 to 4294967295",
        ]
    "#]].assert_debug_eq(&messages);
}

#[test]
fn a_run_longer_than_ten_minutes_is_refused_with_the_limit() {
    let text = "version = 1\nname = \"x\"\nduration = \"100000000h\"\n";
    let errors = errors_of(text);
    assert_eq!(
        errors[0].to_string(),
        "3:12: duration: 100000000h is longer than the playground allows (10m), so that every run finishes in seconds"
    );
    let text = "version = 1\nname = \"x\"\nduration = \"10m\"\n";
    assert_eq!(
        parse_scenario(text)
            .expect("ten minutes are allowed")
            .duration_ms,
        Some(600_000)
    );
}

#[test]
fn more_than_a_million_drops_per_million_is_refused_everywhere() {
    let text = r#"version = 1
name = "x"
[network]
drop_per_million = 1000001
[[timeline]]
at = "1s"
action = "set-network"
drop_per_million = 2000000
"#;
    let messages: Vec<String> = errors_of(text).iter().map(ToString::to_string).collect();
    expect_test::expect![[r#"
        [
            "4:20: network.drop_per_million: 1000001 is more than a million per million; use 0 (no loss) to 1000000 (every message lost)",
            "8:20: timeline[0].drop_per_million: 2000000 is more than a million per million; use 0 (no loss) to 1000000 (every message lost)",
        ]
    "#]].assert_debug_eq(&messages);
    let text = "version = 1\nname = \"x\"\n[network]\ndrop_per_million = 1000000\n";
    assert!(parse_scenario(text).is_ok());
}

#[test]
fn replicas_leader_targets_and_topic_config_changes_are_read() {
    let text = r#"version = 1
name = "teacher"
[cluster]
brokers = 3
[[topics]]
name = "orders"
replicas = [[1, 2, 0], [2, 0, 1]]
[[timeline]]
at = "5s"
action = "crash-broker"
broker = "leader of orders-1"
[[timeline]]
at = "6s"
action = "alter-topic-config"
topic = "orders"
unclean_leader_election_enable = true
"#;
    let scenario = parse_scenario(text).expect("valid");
    let commands: Vec<&Command> = scenario.commands.iter().map(|c| &c.command).collect();
    assert!(matches!(
        commands[0],
        Command::CreateTopic { config, .. }
            if config.partitions == 2 && config.replication_factor == 3
                && config.replicas == Some(vec![vec![1, 2, 0], vec![2, 0, 1]])
    ));
    assert_eq!(
        *commands[1],
        Command::ToLeaderOf {
            topic: "orders".into(),
            partition: 1,
            action: crate::engine::BrokerAction::Crash,
        }
    );
    assert!(matches!(
        commands[2],
        Command::AlterTopicConfig { topic, config, set }
            if topic == "orders" && config.unclean_leader_election_enable
                && set == &["unclean_leader_election_enable".to_owned()]
    ));
}

#[test]
fn bad_assignments_targets_and_config_changes_say_what_is_wrong() {
    let text = r#"version = 1
name = "mistakes"
[cluster]
brokers = 3
[[topics]]
name = "orders"
replicas = [[1, 1], [3, 0]]
[[timeline]]
at = "5s"
action = "crash-broker"
broker = "the leader"
[[timeline]]
at = "6s"
action = "isolate-broker"
broker = "leader of orders-7"
[[timeline]]
at = "7s"
action = "alter-topic-config"
topic = "orders"
partitions = 4
"#;
    let messages: Vec<String> = errors_of(text).iter().map(ToString::to_string).collect();
    expect_test::expect![[r#"
        [
            "7:12: topics[0].replicas: partition 0 names a broker twice (INVALID_REPLICA_ASSIGNMENT)",
            "7:12: topics[0].replicas: partition 1: broker 3 does not exist (the cluster has 3) (INVALID_REPLICA_ASSIGNMENT)",
            "11:10: timeline[0].broker: \"the leader\" names no broker: write a broker id such as 2, or \"leader of TOPIC-PARTITION\" such as \"leader of orders-0\"",
            "15:10: timeline[1]: orders-7 does not exist; 'orders' has 2 partition(s)",
            "20:14: timeline[2].partitions: is not a topic config and cannot be altered (Kafka adds partitions with kafka-topics --alter and moves replicas by reassignment)",
        ]
    "#]].assert_debug_eq(&messages);
}

#[test]
fn produce_reads_a_partition_a_timestamp_and_headers() {
    let text = format!(
        r#"{SMALL}
[[timeline]]
at = "1s"
action = "produce"
producer = 1
topic = "orders"
partition = 2
timestamp = 1700000000000
headers = {{ trace-id = "abc", source = "web" }}
value = "v"
"#
    );
    let scenario = parse_scenario(&text).expect("valid");
    let produce = scenario
        .commands
        .iter()
        .rev()
        .find_map(|scheduled| match &scheduled.command {
            Command::Produce {
                partition,
                timestamp,
                headers,
                ..
            } => Some((*partition, *timestamp, headers.clone())),
            _ => None,
        })
        .expect("a produce");
    assert_eq!(
        produce,
        (
            Some(2),
            Some(1_700_000_000_000),
            vec![
                ("source".to_owned(), "web".to_owned()),
                ("trace-id".to_owned(), "abc".to_owned())
            ]
        )
    );
    let errors = errors_of(&format!(
        "{SMALL}\n[[timeline]]\nat = \"1s\"\naction = \"produce\"\nproducer = 1\ntopic = \"orders\"\npartition = 3\ntimestamp = -5\nvalue = \"v\"\n"
    ));
    find(
        &errors,
        "partition 3 is not in the range [0...3) of topic 'orders'",
    );
    find(
        &errors,
        "timestamp: a record's timestamp is milliseconds since 1970",
    );
}

#[test]
fn a_workload_above_the_rate_limit_is_refused_with_the_limit() {
    let text = format!(
        "{SMALL}\n[[timeline]]\nat = \"1s\"\naction = \"start-workload\"\nproducer = 1\ntopic = \"orders\"\nrate = 2000000\n"
    );
    let errors = errors_of(&text);
    find(
        &errors,
        "rate: must be between 1 and 1000000 records per second, not 2000000",
    );
}
