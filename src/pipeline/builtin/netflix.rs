//! Netflix Keystone (2015–2018): Kafka is the first hop, one router job per sink.

use super::{cluster, data, drawn, node, processor, source, topic};
use crate::pipeline::model::{
    Behaviour, ComparisonFacts, EdgeStyle, Fact, Measure, NodeKind, Pipeline, Provenance,
    RecordClass, ServiceTime, Source, Tier,
};

pub(crate) const EVOLUTION: &str = "nf-evolution-2016";
const INFOQ_2016: &str = "nf-infoq-2016";
pub(crate) const KAFKA_INSIDE: &str = "nf-kafka-inside-keystone-2016";
const KAFKA_INSIDE_SUMMARY: &str = "nf-kafka-inside-keystone-summary";
const DAXINI_2016: &str = "nf-daxini-keystone-2016";
const FLINK_2018: &str = "nf-flink-2018";
const KEYSTONE_2018: &str = "nf-keystone-2018";
const DATA_MESH: &str = "nf-data-mesh-2022";

fn s(id: &str) -> Provenance {
    Provenance::sourced(id)
}

fn m(why: &str) -> Provenance {
    Provenance::modelled(why)
}

const ROUTER_MS_WHY: &str =
    "a filter-and-project router is cheap per event; no per-event time is published";
const PARTITIONS_WHY: &str =
    "enough partitions for the routers to run in parallel at the playground's rates";

pub fn netflix() -> Pipeline {
    let router = |group: &str, ms: u64| {
        processor(
            group,
            Measure::modelled(2, "two router instances per job, to show the group"),
            ServiceTime::fixed(Measure::modelled(ms, ROUTER_MS_WHY)),
        )
    };
    let mut s3_router = router("router-s3", 2);
    s3_router.release_every_ms = Some(Measure::modelled(
        30_000,
        "the S3 writer rolls files periodically; 30 s here so a short run shows it (V1's batch path took up to 10 minutes)",
    ));
    let nodes = vec![
        node("apps", "Netflix microservices (Java Kafka client wrapper)", NodeKind::Producer, (0.05, 0.3), s(EVOLUTION),
            source(Measure::modelled(90, "most events come from Java services through the wrapper; the split is not published"))),
        node("proxy", "KSProxy / KSGateway (REST, non-Java apps)", NodeKind::Proxy, (0.05, 0.62), s(EVOLUTION),
            source(Measure::modelled(10, "non-Java apps post through the proxy; the split is not published"))),
        node("fk", "Fronting Kafka (topic per event stream)", NodeKind::Kafka, (0.3, 0.46), s(KAFKA_INSIDE),
            topic("fronting-events", Measure::modelled(6, PARTITIONS_WHY))),
        node("fk_sb", "Standby Fronting Kafka (failover)", NodeKind::Kafka, (0.3, 0.86), s(KAFKA_INSIDE_SUMMARY), Behaviour::Drawn),
        node("r_s3", "Router job → S3 (Samza→Flink)", NodeKind::Processor, (0.52, 0.14), s(FLINK_2018),
            Behaviour::Processor(s3_router)),
        node("r_es", "Router job → ES", NodeKind::Processor, (0.52, 0.46), s(FLINK_2018),
            Behaviour::Processor(router("router-es", 3))),
        node("r_kf", "Router job → Consumer Kafka", NodeKind::Processor, (0.52, 0.74), s(FLINK_2018),
            Behaviour::Processor(router("router-consumer-kafka", 2))),
        node("s3", "S3 → Hive/Parquet (EMR/Spark)", NodeKind::Sink, (0.78, 0.14), s(EVOLUTION), Behaviour::Sink),
        node("es", "Elasticsearch", NodeKind::Sink, (0.78, 0.46), s(EVOLUTION), Behaviour::Sink),
        node("ck", "Consumer Kafka", NodeKind::Kafka, (0.72, 0.74), s(EVOLUTION),
            topic("consumer-events", Measure::modelled(6, PARTITIONS_WHY))),
        node("sc", "Stream consumers (Mantis, Spark Streaming, Flink SPaaS jobs)", NodeKind::Processor, (0.93, 0.74), s(KEYSTONE_2018),
            Behaviour::Processor(processor(
                "stream-consumers",
                Measure::modelled(2, "one job's instances stand for the many real-time consumers"),
                ServiceTime::fixed(Measure::modelled(5, "a light streaming job; no figure is published")),
            ))),
        node("ctl", "Keystone Management / control plane", NodeKind::Control, (0.2, 0.96), s(KEYSTONE_2018), Behaviour::Drawn),
    ];
    let edges = vec![
        data(
            "apps",
            "fk",
            "async produce, acks=1, drop-on-full",
            Tier::RealTime,
            s(KAFKA_INSIDE),
        ),
        data(
            "proxy",
            "fk",
            "HTTP → produce",
            Tier::RealTime,
            s(EVOLUTION),
        ),
        drawn(
            "apps",
            "fk_sb",
            "failover redirect",
            EdgeStyle::Failover,
            Tier::RealTime,
            s(KAFKA_INSIDE_SUMMARY),
        ),
        data("fk", "r_s3", "consume", Tier::Batch, s(EVOLUTION)),
        data("r_s3", "s3", "write files", Tier::Batch, s(EVOLUTION)),
        data(
            "fk",
            "r_es",
            "consume, filter/project",
            Tier::RealTime,
            s(EVOLUTION),
        ),
        data("r_es", "es", "index", Tier::RealTime, s(EVOLUTION)),
        data(
            "fk",
            "r_kf",
            "consume, filter/project",
            Tier::RealTime,
            s(EVOLUTION),
        ),
        data(
            "r_kf",
            "ck",
            "produce (2nd Kafka hop)",
            Tier::RealTime,
            s(EVOLUTION),
        ),
        data("ck", "sc", "consume", Tier::RealTime, s(KEYSTONE_2018)),
        drawn(
            "ctl",
            "r_s3",
            "config",
            EdgeStyle::Control,
            Tier::None,
            s(KEYSTONE_2018),
        ),
        drawn(
            "ctl",
            "r_es",
            "config",
            EdgeStyle::Control,
            Tier::None,
            s(KEYSTONE_2018),
        ),
        drawn(
            "ctl",
            "r_kf",
            "config",
            EdgeStyle::Control,
            Tier::None,
            s(KEYSTONE_2018),
        ),
        drawn(
            "ctl",
            "apps",
            "config",
            EdgeStyle::Control,
            Tier::None,
            s(KEYSTONE_2018),
        ),
    ];
    Pipeline {
        id: "netflix".to_owned(),
        name: "Netflix Keystone".to_owned(),
        era: "Keystone 2015–2018; Data Mesh from 2022".to_owned(),
        pattern: "Ingest everything into Kafka once, then route by configuration to many sinks.".to_owned(),
        kafka_role: "Fronting Kafka is the first hop: almost every microservice publishes into it through a Java client wrapper or a REST proxy, and its job is to collect and buffer events for everything downstream. Each event stream has its own topic and each sink its own router job, so one slow sink cannot push back on publishers or on the other sinks. Producers never stall: Netflix chose acks=1 and dropping on a full buffer over blocking the apps, and accepted a daily loss under 0.01%. A second Kafka hop, Consumer Kafka, fans a subset of topics out to real-time stream consumers.".to_owned(),
        nodes,
        edges,
        classes: vec![RecordClass {
            name: "event".to_owned(),
            percent: Measure::modelled(100, "one kind of synthetic event"),
        }],
        cluster: cluster(false, s(KAFKA_INSIDE)),
        facts: vec![
            Fact::new("Events per day", "~500 B, ~1.3 PB/day; peak ~8 M events/s, ~24 GB/s", Some("Feb 2016"), s(EVOLUTION)),
            Fact::new("Kafka clusters", "36 clusters, 4,000+ brokers (Fronting + Consumer); 700 B+ messages ingested on an average day", Some("2016"), s(KAFKA_INSIDE)),
            Fact::new("Growth", "80 B/day (Jan 2014), 300 B/day (Jan 2015), 1 T/day (Jan 2016); peak 12.5 M events/s, 35 GB/s", Some("2016"), s(DAXINI_2016)),
            Fact::new("Acceptable loss", "daily loss under 0.01%; acks=1, no blocking on a full buffer, unclean leader election enabled; 99.99% delivery SLA", Some("2016"), s(KAFKA_INSIDE)),
            Fact::new("Failover", "automated switch to a standby Kafka cluster in under 5 minutes", Some("2016"), s(KAFKA_INSIDE_SUMMARY)),
            Fact::new("Scale", "trillions of events and petabytes per day, 130 M subscribers", Some("Sep 2018"), s(KEYSTONE_2018)),
            Fact::new("Average rate", "700 B/day ≈ 8.1 M messages/s on average", None, m("arithmetic on the 2016 figure")),
            Fact::new("Real-time", "sub-minute, about 30% of traffic in V1.5; V1.0 batch took up to 10 minutes", Some("2016"), s(EVOLUTION)),
        ],
        caveats: vec![
            Fact::new("Replay", "mostly implicit in Kafka retention; no Netflix DLQ pattern appears in the sources", None, m("inference from the sources' silence")),
            Fact::new("Clusters", "Fronting and Consumer Kafka are separate clusters at Netflix; here they are topics on one simulated cluster", None, m("the engine simulates one cluster per run")),
            Fact::new("Later design", "Data Mesh (2022): CDC and application events, Flink processors chained through Kafka, sinks such as Iceberg, Elasticsearch and Kafka", Some("2022"), s(DATA_MESH)),
        ],
        comparison: ComparisonFacts {
            ingestion_point: Fact::new("Ingestion point", "Fronting Kafka is the first hop, via client wrapper or REST proxy", None, s(EVOLUTION)),
            kafka_hops: Fact::new("Kafka hops", "1 to S3/ES; 2 via Consumer Kafka", None, s(EVOLUTION)),
            fan_out: Fact::new("Fan-out", "High: one stream to many sinks, one router job per sink", None, s(FLINK_2018)),
            latency_tiers: Fact::new("Latency tiers", "Batch (S3/Hive, about 10 min in V1) plus sub-minute real-time", None, s(EVOLUTION)),
            replay_and_dlq: Fact::new("Replay / DLQ", "Retention-based re-reads; drops rather than blocks; standby cluster failover", None, m("drops and failover are sourced; retention-based replay is inferred")),
            published_scale: Fact::new("Published scale", "500–700 B events/day, 36 clusters, 4,000+ brokers (2016); trillions/day (2018)", Some("2016, 2018"), s(KAFKA_INSIDE)),
        },
        sources: vec![
            Source::new(EVOLUTION, "Evolution of the Netflix Data Pipeline", "Feb 2016", "https://netflixtechblog.com/evolution-of-the-netflix-data-pipeline-da246ca36905"),
            Source::new(INFOQ_2016, "InfoQ: Netflix Details Evolution of Keystone Data Pipeline", "Mar 2016", "https://www.infoq.com/news/2016/03/netflix-keystone-data-pipeline/"),
            Source::new(KAFKA_INSIDE, "Kafka Inside Keystone Pipeline", "2016", "https://medium.com/netflix-techblog/kafka-inside-keystone-pipeline-dd5aeabaf6bb"),
            Source::new(KAFKA_INSIDE_SUMMARY, "Kafka Inside Keystone Pipeline (secondary summary)", "2016", "https://www.engineering.fyi/article/kafka-inside-keystone-pipeline"),
            Source::new("nf-bakas-apachecon-2016", "Bakas, Keystone at ApacheCon 2016", "2016", "https://www.slideshare.net/slideshow/keystone-apachecon-2016/62072813"),
            Source::new(DAXINI_2016, "Daxini, Netflix Keystone – Cloud scale event processing pipeline", "2016", "https://www.slideshare.net/slideshow/netflix-keystonecloud-scale-event-processing-pipeline/65974988"),
            Source::new(FLINK_2018, "Daxini, Stream Processing with Flink at Netflix", "Jul 2018", "https://www.slideshare.net/mdaxini/flink-at-netflix-paypal-speaker-series-104453588"),
            Source::new(KEYSTONE_2018, "Keystone Real-time Stream Processing Platform", "Sep 2018", "https://medium.com/netflix-techblog/keystone-real-time-stream-processing-platform-a3ee651812a"),
            Source::new(DATA_MESH, "Data Mesh — A Data Movement and Processing Platform", "Aug 2022", "https://netflixtechblog.com/data-mesh-a-data-movement-and-processing-platform-netflix-1288bcab2873"),
        ],
        key_prefix: "evt".to_owned(),
    }
}
