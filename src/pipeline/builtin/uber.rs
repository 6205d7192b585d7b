//! Uber: regional Kafka aggregated globally, real-time and lake paths, and a work queue with
//! retry topics and a dead letter queue.

use super::{cluster, data, drawn, node, processor, source, stage, topic, when};
use crate::pipeline::model::{
    Behaviour, ComparisonFacts, EdgeStyle, Fact, Measure, NodeKind, Pipeline, Provenance,
    RecordClass, ServiceTime, Source, Tier, When,
};

const REPROCESSING: &str = "uber-reprocessing-2018";
const UREPLICATOR: &str = "uber-ureplicator-2018";
const CHAPERONE: &str = "uber-chaperone";
const BIG_DATA: &str = "uber-big-data-2018";
const DISASTER_RECOVERY: &str = "uber-disaster-recovery-2019";
const FEDERATION: &str = "uber-federation-2019";
const RTDI: &str = "uber-rtdi-2021";
const CONSUMER_PROXY: &str = "uber-consumer-proxy-2021";
const UFORWARDER: &str = "uber-uforwarder";
const EVA: &str = "uber-eva-pinot";
const REPLICATION_2024: &str = "uber-replication-2024";

fn s(id: &str) -> Provenance {
    Provenance::sourced(id)
}

fn m(why: &str) -> Provenance {
    Provenance::modelled(why)
}

const PARTITIONS_WHY: &str = "enough partitions for parallel consumers at the playground's rates";
const LANE_WHY: &str =
    "the post has a consumer per retry topic; drawn so the lane can be simulated";

pub fn uber() -> Pipeline {
    let two = || Measure::modelled(2, "two instances, to show the group");
    let fixed = |ms: u64, why: &str| ServiceTime::fixed(Measure::modelled(ms, why));

    let mut consumer_proxy = processor(
        "consumer-proxy",
        two(),
        fixed(
            10,
            "a gRPC push and the service's handling; no per-message time is published",
        ),
    );
    consumer_proxy.fails_on_poison = true;
    consumer_proxy.transient_failures_per_mille = 20;

    let retry_lane = |group: &str, hold: u64, why: &str| {
        let mut spec = processor(
            group,
            Measure::modelled(1, "one retry consumer per level"),
            fixed(10, "the same handler as the main path"),
        );
        spec.hold_ms = Some(Measure::modelled(hold, why));
        spec.fails_on_poison = true;
        spec
    };

    let mut lake = processor(
        "hudi-ingestion",
        two(),
        fixed(1, "ingestion writes in bulk; the cost per record is small"),
    );
    lake.release_every_ms = Some(Measure::modelled(
        60_000,
        "Hudi's incremental ingestion makes the lake fresh within minutes; one commit a minute here",
    ));

    let nodes = vec![
        node(
            "apps",
            "Rider/Driver/Eats apps, microservices",
            NodeKind::Producer,
            (0.04, 0.12),
            s(RTDI),
            source(Measure::modelled(
                80,
                "the split between apps and changelogs is not published",
            )),
        ),
        node(
            "cdc",
            "DB changelogs (MySQL, Cassandra)",
            NodeKind::Producer,
            (0.04, 0.42),
            s(RTDI),
            source(Measure::modelled(
                20,
                "the split between apps and changelogs is not published",
            )),
        ),
        node(
            "rest",
            "Kafka REST proxy",
            NodeKind::Proxy,
            (0.16, 0.12),
            s(RTDI),
            stage(Measure::modelled(5, "one HTTP hop inside a data centre")),
        ),
        node(
            "reg",
            "Regional Kafka (per DC/region)",
            NodeKind::Kafka,
            (0.28, 0.3),
            s(RTDI),
            topic("regional-events", Measure::modelled(6, PARTITIONS_WHY)),
        ),
        node(
            "urep",
            "uReplicator",
            NodeKind::Replicator,
            (0.42, 0.12),
            s(UREPLICATOR),
            Behaviour::Processor(processor(
                "ureplicator",
                two(),
                fixed(1, "replication copies without processing"),
            )),
        ),
        node(
            "agg",
            "Aggregate Kafka (global)",
            NodeKind::Kafka,
            (0.56, 0.12),
            s(UREPLICATOR),
            topic("aggregate-events", Measure::modelled(6, PARTITIONS_WHY)),
        ),
        node(
            "chap",
            "Chaperone (chaperone-audit topic)",
            NodeKind::Audit,
            (0.56, 0.4),
            s(CHAPERONE),
            Behaviour::Drawn,
        ),
        node(
            "flink",
            "Flink / Samza (AthenaX)",
            NodeKind::Processor,
            (0.72, 0.04),
            s(RTDI),
            Behaviour::Processor(processor(
                "athenax-flink",
                two(),
                fixed(5, "a light streaming job; no figure is published"),
            )),
        ),
        node(
            "pinot",
            "Apache Pinot (real-time OLAP)",
            NodeKind::Sink,
            (0.92, 0.04),
            s(EVA),
            Behaviour::Sink,
        ),
        node(
            "lake",
            "Hudi ingestion → HDFS/Hive data lake",
            NodeKind::Sink,
            (0.72, 0.24),
            s(BIG_DATA),
            Behaviour::Processor(lake),
        ),
        node(
            "presto",
            "Presto / Hive / Spark queries",
            NodeKind::Processor,
            (0.92, 0.24),
            s(BIG_DATA),
            Behaviour::Sink,
        ),
        node(
            "cp",
            "Consumer Proxy (gRPC push)",
            NodeKind::Proxy,
            (0.28, 0.64),
            s(CONSUMER_PROXY),
            Behaviour::Processor(consumer_proxy),
        ),
        node(
            "svc",
            "Consumer microservice",
            NodeKind::Service,
            (0.44, 0.64),
            s(CONSUMER_PROXY),
            Behaviour::Sink,
        ),
        node(
            "retry1",
            "retry topic L1",
            NodeKind::Kafka,
            (0.44, 0.9),
            s(REPROCESSING),
            topic(
                "payment-retry-1",
                Measure::modelled(2, "retry traffic is small"),
            ),
        ),
        node(
            "rc1",
            "Retry consumer L1 (waits 5 s)",
            NodeKind::Processor,
            (0.58, 0.9),
            m(LANE_WHY),
            Behaviour::Processor(retry_lane(
                "payment-retry-1-consumer",
                5_000,
                "later retry levels wait longer; 5 s for the first",
            )),
        ),
        node(
            "retry2",
            "retry topic L2",
            NodeKind::Kafka,
            (0.72, 0.9),
            s(REPROCESSING),
            topic(
                "payment-retry-2",
                Measure::modelled(2, "retry traffic is small"),
            ),
        ),
        node(
            "rc2",
            "Retry consumer L2 (waits 20 s)",
            NodeKind::Processor,
            (0.84, 0.9),
            m(LANE_WHY),
            Behaviour::Processor(retry_lane(
                "payment-retry-2-consumer",
                20_000,
                "later retry levels wait longer; 20 s for the second",
            )),
        ),
        node(
            "dlq",
            "DLQ topic",
            NodeKind::Kafka,
            (0.96, 0.72),
            s(REPROCESSING),
            topic(
                "payment-dlq",
                Measure::modelled(1, "dead letters are few and read by hand"),
            ),
        ),
    ];
    let edges = vec![
        data(
            "apps",
            "rest",
            "produce via ProxyClient",
            Tier::RealTime,
            s(RTDI),
        ),
        data("cdc", "reg", "changelog events", Tier::RealTime, s(RTDI)),
        data("rest", "reg", "produce", Tier::RealTime, s(RTDI)),
        data("reg", "urep", "consume", Tier::RealTime, s(UREPLICATOR)),
        data(
            "urep",
            "agg",
            "replicate (2nd Kafka hop)",
            Tier::RealTime,
            s(UREPLICATOR),
        ),
        data("agg", "flink", "consume", Tier::RealTime, s(RTDI)),
        data("flink", "pinot", "upsert/ingest", Tier::RealTime, s(RTDI)),
        data(
            "agg",
            "lake",
            "incremental ingest",
            Tier::Batch,
            s(BIG_DATA),
        ),
        data("lake", "presto", "query", Tier::Batch, s(BIG_DATA)),
        data("reg", "cp", "consume", Tier::RealTime, s(CONSUMER_PROXY)),
        when(
            data(
                "cp",
                "svc",
                "gRPC push per message",
                Tier::RealTime,
                s(CONSUMER_PROXY),
            ),
            When::Success,
        ),
        when(
            data(
                "cp",
                "retry1",
                "on failure (offset committed)",
                Tier::RealTime,
                s(REPROCESSING),
            ),
            When::Failure,
        ),
        data(
            "retry1",
            "rc1",
            "consume after the delay",
            Tier::RealTime,
            m(LANE_WHY),
        ),
        when(
            data("rc1", "svc", "retry succeeds", Tier::RealTime, m(LANE_WHY)),
            When::Success,
        ),
        when(
            data(
                "rc1",
                "retry2",
                "still failing",
                Tier::RealTime,
                s(REPROCESSING),
            ),
            When::Failure,
        ),
        data(
            "retry2",
            "rc2",
            "consume after a longer delay",
            Tier::RealTime,
            m(LANE_WHY),
        ),
        when(
            data("rc2", "svc", "retry succeeds", Tier::RealTime, m(LANE_WHY)),
            When::Success,
        ),
        when(
            data("rc2", "dlq", "exhausted", Tier::RealTime, s(REPROCESSING)),
            When::Failure,
        ),
        drawn(
            "rest",
            "chap",
            "audit counts per 10-min bucket",
            EdgeStyle::Audit,
            Tier::None,
            s(CHAPERONE),
        ),
        drawn(
            "reg",
            "chap",
            "audit counts per 10-min bucket",
            EdgeStyle::Audit,
            Tier::None,
            s(CHAPERONE),
        ),
        drawn(
            "agg",
            "chap",
            "audit counts per 10-min bucket",
            EdgeStyle::Audit,
            Tier::None,
            s(CHAPERONE),
        ),
        drawn(
            "lake",
            "chap",
            "audit counts per 10-min bucket",
            EdgeStyle::Audit,
            Tier::None,
            s(CHAPERONE),
        ),
    ];
    Pipeline {
        id: "uber".to_owned(),
        name: "Uber".to_owned(),
        era: "2018–2024: regional and aggregate Kafka, federation".to_owned(),
        pattern: "Run Kafka regionally, aggregate it globally, and serve every kind of consumer from it, with auditing and DLQ tooling.".to_owned(),
        kafka_role: "Apps reach a Kafka REST proxy that writes into a regional Kafka cluster in each data centre; uReplicator copies regional topics into aggregate Kafka for a global view, with no data loss as its goal. From there Kafka feeds every kind of consumer: Flink jobs that keep Apache Pinot fresh within seconds, Hudi ingestion that keeps the data lake within minutes, and, through the Consumer Proxy, hundreds of microservices that use topics as work queues. A message that fails is written to a retry topic and its offset committed, so the main topic never stalls; failures walk down slower retry levels into a dead letter queue. Chaperone counts messages at every tier to catch loss, lag and duplicates.".to_owned(),
        nodes,
        edges,
        classes: vec![RecordClass {
            name: "event".to_owned(),
            percent: Measure::modelled(100, "one kind of synthetic event"),
        }],
        cluster: cluster(true, m("acks is not stated; Kafka's default (all) and uReplicator's no-loss goal")),
        facts: vec![
            Fact::new("Messages per day", "trillion+ per day, ~PBs, tens of thousands of topics", Some("2018"), s(UREPLICATOR)),
            Fact::new("Messages per day", "trillions/day, PBs/day, thousands of services", Some("2019, Oct 2020"), s(RTDI)),
            Fact::new("Clusters", "dozens; replication across 20+ clusters", Some("2019; 2024"), s(REPLICATION_2024)),
            Fact::new("Lake", "100+ PB in Hadoop, minute-level latency via Hudi", Some("Oct 2018"), s(BIG_DATA)),
            Fact::new("Pub-sub consumers", "300+ microservices (2021); 1,000+ consumer services (uForwarder)", Some("2021; later"), s(UFORWARDER)),
            Fact::new("Pinot", "seconds of freshness, under 100 ms p99 query latency (EVA)", None, s(EVA)),
            Fact::new("Rate floor", "1 T/day ≈ 11.6 M messages/s on average, excluding replication", None, m("arithmetic on the published daily volume")),
        ],
        caveats: vec![
            Fact::new("Retry delays", "later retry levels wait longer; the 5 s and 20 s delays are the playground's", None, m("the post gives no delays")),
            Fact::new("Transient failures", "2% of messages fail once and succeed on the first retry", None, m("so the retry lane carries traffic; no rate is published")),
            Fact::new("Clusters", "regional and aggregate Kafka are separate clusters at Uber; here they are topics on one simulated cluster", None, m("the engine simulates one cluster per run")),
            Fact::new("Federation", "dozens of physical clusters shown to users as one logical cluster; traffic redirected without restarting clients", Some("2019"), s(FEDERATION)),
            Fact::new("Disaster recovery", "regional clusters tolerate the failure of a region through aggregation", Some("2019"), s(DISASTER_RECOVERY)),
        ],
        comparison: ComparisonFacts {
            ingestion_point: Fact::new("Ingestion point", "REST proxy, then regional Kafka", None, s(RTDI)),
            kafka_hops: Fact::new("Kafka hops", "2 (regional → aggregate), plus 1 for Flink output topics", None, s(UREPLICATOR)),
            fan_out: Fact::new("Fan-out", "Very high: stream, lake, OLAP, services, audit", None, s(RTDI)),
            latency_tiers: Fact::new("Latency tiers", "Real-time (seconds; Flink/Pinot) plus incremental lake (minutes)", None, s(BIG_DATA)),
            replay_and_dlq: Fact::new("Replay / DLQ", "Retry topics to DLQ; Consumer Proxy DLQ; Chaperone audit", None, s(REPROCESSING)),
            published_scale: Fact::new("Published scale", "Trillions msgs/day, PBs/day, dozens of clusters (2018–2020)", Some("2018–2020"), s(RTDI)),
        },
        sources: vec![
            Source::new(REPROCESSING, "Building Reliable Reprocessing and Dead Letter Queues with Apache Kafka", "Feb 2018", "https://www.uber.com/blog/reliable-reprocessing/"),
            Source::new(UREPLICATOR, "uReplicator: Uber Engineering's Scalable, Robust Kafka Replicator (talk)", "Jul 2018", "https://www.slideshare.net/slideshow/ureplicator-uber-engineerings-scalable-robust-kafka-replicator/106813362"),
            Source::new(CHAPERONE, "Chaperone: audit Kafka end to end", "2017", "https://uber.github.io/chaperone/"),
            Source::new(BIG_DATA, "Uber's Big Data Platform: 100+ PB with Minute Latency", "Oct 2018", "https://scribd.com/document/635437396/Uber-s-Big-Data-Platform-Ver-1-0"),
            Source::new(DISASTER_RECOVERY, "Disaster Recovery for Multi-Region Kafka at Uber", "Apr 2019", "https://pt.slideshare.net/ConfluentInc/disaster-recovery-for-multiregion-apache-kafka-ecosystems-at-uber"),
            Source::new(FEDERATION, "Kafka Cluster Federation at Uber (Kafka Summit SF)", "2019", "https://www.slideshare.net/ConfluentInc/kafka-cluster-federation-at-uber-yupeng-fui-xiaoman-dong-uber-kafka-summit-sf-2019"),
            Source::new(RTDI, "Real-time Data Infrastructure at Uber (SIGMOD)", "2021", "https://ar5iv.labs.arxiv.org/html/2104.00087"),
            Source::new(CONSUMER_PROXY, "Enabling Seamless Kafka Async Queuing with Consumer Proxy", "Aug 2021", "https://www.uber.com/blog/kafka-async-queuing-with-consumer-proxy/"),
            Source::new(UFORWARDER, "uForwarder, Uber's Kafka push proxy (InfoQ)", "2026", "https://www.infoq.com/news/2026/02/uber-uforwarder-kafka-push-proxy"),
            Source::new(EVA, "EVA / Pinot deck", "undated", "https://speakerdeck.com/player/3d1d898352f0456da02aba5dd7b299dc"),
            Source::new(REPLICATION_2024, "Scaling Kafka Replication at Uber", "2024", "https://datastreaming-summit.org/event/north-america-2024/sessions/north-america-2024-scaling-kafka-replication-at-uber-monumental-scale"),
        ],
        key_prefix: "evt".to_owned(),
    }
}
