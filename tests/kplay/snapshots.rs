//! Snapshots of kplay's text output (run, check with errors, partition, assign, pipeline list
//! and run). The substring assertions in `tests/kplay.rs` say what must be there; these show
//! the whole text, so that a change of wording or layout is one reviewed diff.
//! `UPDATE_EXPECT=1 cargo test --test kplay snapshot` rewrites them in place.

use expect_test::expect;

use super::{kplay, kplay_with_stdin, manifest_path, text};

/// Runs kplay, expects the given exit code, and returns its standard output.
fn stdout_of(args: &[&str], code: i32) -> String {
    let output = kplay(args);
    assert_eq!(
        output.status.code(),
        Some(code),
        "kplay {args:?}: {}",
        text(&output.stderr)
    );
    text(&output.stdout)
}

#[test]
fn snapshot_run_prints_the_audit() {
    let path = manifest_path("static/scenarios/acks1-leader-dies.toml");
    let stdout = stdout_of(&["run", path.to_str().unwrap()], 0);
    expect![[r#"
        acks=1, the leader dies before its followers copy (seed 7, ran to 25.000s)

        produced                2
        acknowledged            2
        failed                  0
        acknowledged then lost  1
          record-1 at orders-0 offset 1: no follower had copied it when broker 1 took over (epoch 1) at 8.050s; the old leader drops it when it follows
        duplicates in log       0
        duplicates delivered    0
          consumer-1            0
        reordered per key       0
          consumer-1            0
        end-to-end latency      p50 19010 ms, p99 19010 ms, max 19010 ms (1 records)
        lag
          consumer-1            0
            orders-0            0
    "#]].assert_eq(&stdout);
}

#[test]
fn snapshot_run_prints_groups_lag_and_latency() {
    let path = manifest_path("static/scenarios/consumer-group-rebalance.toml");
    let stdout = stdout_of(&["run", path.to_str().unwrap(), "--until", "30s"], 0);
    expect![[r#"
        Consumer group: five members, four partitions, one crash (seed 1, ran to 30.000s)

        produced                601
        acknowledged            600
        failed                  0
        acknowledged then lost  0
        duplicates in log       0
        duplicates delivered    0
          billing               0
        reordered per key       0
          billing               0
        end-to-end latency      p50 18 ms, p99 5861 ms, max 6113 ms (550 records)
        lag
          billing               120
            payments-0          27
            payments-1          68
            payments-2          7
            payments-3          18
    "#]]
    .assert_eq(&stdout);
}

#[test]
fn snapshot_run_trace_of_the_first_example() {
    let path = manifest_path("static/scenarios/first-example.toml");
    let stdout = stdout_of(
        &["run", path.to_str().unwrap(), "--trace", "--until", "2s"],
        0,
    );
    expect![[r#"
        0.000s topic letters created: 3 partitions, replication factor 1
        0.000s producer-1 started
        0.600s producer-1 sends record-0 key=null value="a" to letters-0 (round-robin counter=0)
        0.600s producer-1 connected to broker-0
        0.600s msg-0 Produce producer-1 -> broker-0 arrives 1.103s
        1.103s msg-0 Produce producer-1 -> broker-0 arrived
        1.103s broker-0 (leader, epoch 0) appends record-0 to letters-0 at offset 0
        1.103s broker-0: letters-0 high watermark -> 1
        1.103s msg-1 ProduceResponse broker-0 -> producer-1 arrives 1.587s
        1.300s producer-1 sends record-1 key=null value="b" to letters-1 (round-robin counter=1)
        1.300s msg-2 Produce producer-1 -> broker-0 arrives 1.767s
        1.587s msg-1 ProduceResponse broker-0 -> producer-1 arrived
        1.587s producer-1 acked record-0 at letters-0@0
        1.767s msg-2 Produce producer-1 -> broker-0 arrived
        1.767s broker-0 (leader, epoch 0) appends record-1 to letters-1 at offset 0
        1.767s broker-0: letters-1 high watermark -> 1
        1.767s msg-3 ProduceResponse broker-0 -> producer-1 arrives 2.270s
        2.000s producer-1 sends record-2 key=null value="c" to letters-2 (round-robin counter=2)
        2.000s msg-4 Produce producer-1 -> broker-0 arrives 2.478s

        a b c d e into 3 partitions (seed 42, ran to 2.000s)

        produced                3
        acknowledged            1
        failed                  0
        acknowledged then lost  0
        duplicates in log       0
        duplicates delivered    no reader
        reordered per key       no reader
        end-to-end latency      no record was delivered
        lag                     no consumers
    "#]]
    .assert_eq(&stdout);
}

#[test]
fn snapshot_check_lists_every_error() {
    let dir = std::env::temp_dir().join(format!("kplay-snapshot-{}", std::process::id()));
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
min_insync_replicas = 2

[[producers]]
id = 1
lingr_ms = 5

[[consumers]]
id = 1
topic = "ordrs"

[[timeline]]
at = "5s"
action = "crash-brokr"
broker = 5
"#,
    )
    .unwrap();
    let shown = path.display().to_string();
    let output = kplay(&["check", &shown]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    // The temporary directory differs from run to run; the file's name does not.
    let stderr = text(&output.stderr).replace(&shown, "broken.toml");
    expect![[r#"
        broken.toml:9:22: topics[0]: replication_factor 4 needs that many brokers; the cluster has 3 (INVALID_REPLICATION_FACTOR)
        broken.toml:14:1: producers[0]: unknown field `lingr_ms`; did you mean `linger_ms`?
        broken.toml:18:9: warning: consumers[0]: topic 'ordrs' is not declared; the broker will auto-create it with 1 partition(s) and replication factor 1
        broken.toml:22:10: timeline[0].action: unknown action "crash-brokr"; did you mean "crash-broker"?
        broken.toml: 3 errors
    "#]].assert_eq(&stderr);

    let path = manifest_path("static/scenarios/compaction.toml");
    let stdout = stdout_of(&["check", path.to_str().unwrap()], 0);
    expect![[r#"
        ok: Compaction keeps the last value per key
    "#]]
    .assert_eq(&stdout);
}

#[test]
fn snapshot_partition_answers() {
    let stdout = stdout_of(
        &[
            "partition",
            "--partitions",
            "12",
            "user-42",
            "key-3",
            "a",
            "ünïcode",
        ],
        0,
    );
    expect![[r#"
        user-42 -> partition 4 (murmur2 1459644460)
        key-3 -> partition 11 (murmur2 -1839136101)
        a -> partition 4 (murmur2 -1563381124)
        ünïcode -> partition 1 (murmur2 -888566395)
    "#]]
    .assert_eq(&stdout);
    let output = kplay_with_stdin(
        &["partition"],
        "{\"key\": \"user-42\", \"partitions\": 3}\nnot json\n{\"key_b64\": \"YQ==\", \"partitions\": 1000}\n{\"key\": \"k\"}\n",
    );
    assert_eq!(output.status.code(), Some(1));
    expect![[r#"
        {"partition":1,"murmur2":1459644460}
        {"error":"line 2: not JSON: expected ident at line 1 column 2"}
        {"partition":524,"murmur2":-1563381124}
        {"error":"line 4: missing partitions (or pass --partitions N)"}
    "#]]
    .assert_eq(&text(&output.stdout));
}

#[test]
fn snapshot_assign_answers() {
    let input = concat!(
        r#"{"assignor": "range", "topics": {"t0": 3, "t1": 3}, "members": {"C0": ["t0", "t1"], "C1": ["t0", "t1"]}}"#,
        "\n",
        r#"{"assignor": "cooperative-sticky", "topics": {"t": 4}, "members": {"a": {"topics": ["t"], "owned": [["t", 0], ["t", 1], ["t", 2], ["t", 3]], "generation": 1}, "b": ["t"]}}"#,
        "\n",
        r#"{"assignor": "fastest", "topics": {}, "members": {}}"#,
        "\n",
    );
    let output = kplay_with_stdin(&["assign"], input);
    assert_eq!(output.status.code(), Some(1));
    expect![[r#"
        {"C0":[["t0",0],["t0",1],["t1",0],["t1",1]],"C1":[["t0",2],["t1",2]]}
        {"a":[["t",0],["t",1]],"b":[]}
        {"error":"line 3: unknown assignor \"fastest\"; use range, roundrobin, sticky or cooperative-sticky"}
    "#]].assert_eq(&text(&output.stdout));
}

#[test]
fn snapshot_pipeline_list() {
    let stdout = stdout_of(&["pipeline", "list"], 0);
    expect![[r#"
        codementor    CodeMentor  (code-judging service (CodeMentor source document))
                      Use Kafka as a shock absorber and asynchronous request/reply bus in front of a slow, CPU-heavy worker pool.
        coupang-eats  Coupang Eats  (Eats data platform, 2022)
                      Choose the latency tier per use case, and use Kafka only where results are needed in real time.
        uber          Uber  (2018–2024: regional and aggregate Kafka, federation)
                      Run Kafka regionally, aggregate it globally, and serve every kind of consumer from it, with auditing and DLQ tooling.
        netflix       Netflix Keystone  (Keystone 2015–2018; Data Mesh from 2022)
                      Ingest everything into Kafka once, then route by configuration to many sinks.

        stories:
        uber-poison         A poison message walks Uber's retry topics into the DLQ
        netflix-slow-sink   A slow Elasticsearch does not slow the other Netflix sinks
        coupang-tiers       Coupang's real-time tier stays fresh while the batch tier lags by design
    "#]].assert_eq(&stdout);
}

#[test]
fn snapshot_pipeline_run_and_story() {
    let stdout = stdout_of(
        &[
            "pipeline", "run", "netflix", "--until", "20s", "--seed", "2",
        ],
        0,
    );
    expect![[r#"
        Netflix Keystone (seed 2, ran to 20.000s; throughput over the last 10 s)
        created 101, delivered 200 (a record that fans out is delivered once per end)

        stage          in      out    rec/s    lag members   busy failed  latency p50/p99/max
        apps            0       91     0.00      -       -      0      0  -
        proxy           0       10     0.00      -       -      0      0  -
        fk            100      300     5.00      -       -      0      0  -
        r_s3          100        0     5.00     19       2    100      0  -
        r_es          100      100     5.00     19       2      0      0  -
        r_kf          100      100     5.00     19       2      0      0  -
        s3              0        0     0.00      -       -      0      0  -
        es            100        0     5.00      -       -      0      0  0.020s/5.923s/6.107s
        ck            100      100     5.00      -       -      0      0  -
        sc            100        0     5.00     19       2      0      0  0.039s/6.000s/6.174s

        end to end (every end): 0.038s/6.000s/6.174s
    "#]]
    .assert_eq(&stdout);
    let stdout = stdout_of(&["pipeline", "run", "uber-poison"], 0);
    expect![[r#"
        Uber (seed 1, ran to 60.000s; throughput over the last 10 s)
        created 302, delivered 902 (a record that fans out is delivered once per end)

        stage          in      out    rec/s    lag members   busy failed  latency p50/p99/max
        apps            0      242     0.00      -       -      0      0  -
        cdc             0       60     0.00      -       -      0      0  -
        rest          242      241     4.00      -       -      1      0  -
        reg           301      602     5.00      -       -      0      0  -
        urep          301      301     5.00     12       2      0      0  -
        agg           301      602     5.00      -       -      0      0  -
        flink         301      301     5.00     12       2      0      0  -
        pinot         301        0     5.00      -       -      0      0  0.042s/5.532s/6.171s
        lake          301      301     5.00     12       2      0      0  -
        presto        301        0     0.00      -       -      0      0  30.200s/59.400s/60.000s
        cp            301      301     5.00     12       2      0      8  -
        svc           300        0     5.20      -       -      0      0  0.031s/5.644s/6.149s
        retry1          8        8     0.00      -       -      0      0  -
        rc1             8        8     0.10      0       1      0      1  -
        retry2          1        1     0.00      -       -      0      0  -
        rc2             1        1     0.00      0       1      0      1  -
        dlq             1        0     0.00      -       -      0      0  -

        end to end (every end): 0.055s/58.200s/60.000s
    "#]]
    .assert_eq(&stdout);
}
