//! Coupang Eats (2022): three latency tiers from shared preprocessing; Kafka only on the pure
//! real-time path.

use super::{cluster, data, node, processor, source, stage, topic};
use crate::pipeline::model::{
    Behaviour, ComparisonFacts, Fact, Measure, NodeKind, Pipeline, Provenance, RecordClass,
    ServiceTime, Source, Tier,
};

const EATS: &str = "coupang-eats-2022";
const TRANSLATION: &str = "coupang-eats-translation-2022";
const PLATFORM_2022: &str = "coupang-platform-2022";
const PLATFORM_2019: &str = "coupang-platform-2019";
const CODEMENTOR_DOC: &str = "codementor-doc";

fn s(id: &str) -> Provenance {
    Provenance::sourced(id)
}

fn m(why: &str) -> Provenance {
    Provenance::modelled(why)
}

const TIER_SPLIT_WHY: &str =
    "the tiers' inner stages are not in the available text; modelled from the lifecycle stages";

pub fn coupang_eats() -> Pipeline {
    let released = |service: u64, every: u64, why: &str| Behaviour::Stage {
        service_ms: Measure::modelled(service, "a small per-record cost; no figure is published"),
        release_every_ms: Some(Measure::modelled(every, why)),
    };
    let nodes = vec![
        node("src", "Eats apps / order & delivery services / DBs", NodeKind::Producer, (0.04, 0.5), s(EATS),
            source(Measure::modelled(100, "one source for the whole load"))),
        node("ing", "Ingestion (prioritise, classify)", NodeKind::Processor, (0.18, 0.5), s(TRANSLATION),
            stage(Measure::modelled(5, "a small per-record cost; no figure is published"))),
        node("pre", "Preprocessing (nulls, formats, DQ, filter)", NodeKind::Processor, (0.32, 0.5), s(TRANSLATION),
            stage(Measure::modelled(10, "a small per-record cost; no figure is published"))),
        node("lake", "Data lake / batch storage", NodeKind::Sink, (0.5, 0.14), m(TIER_SPLIT_WHY),
            stage(Measure::modelled(1, "landing a record in storage"))),
        node("bpost", "Batch postprocessing (scheduled)", NodeKind::Processor, (0.68, 0.14), m(TIER_SPLIT_WHY),
            released(50, 120_000, "a scheduled job, every 2 minutes here so a run shows it; real schedules are hourly or daily")),
        node("nrt", "NRT postprocessing (periodic; engine unverified)", NodeKind::Processor, (0.6, 0.5), m(TIER_SPLIT_WHY),
            released(20, 30_000, "an unverified note claims 30-second to 1-hour cycles; the shortest is used")),
        node("kf", "Kafka (pure real-time path)", NodeKind::Kafka, (0.5, 0.86), s(CODEMENTOR_DOC),
            topic("eats-realtime", Measure::modelled(6, "enough partitions for parallel streaming consumers"))),
        node("spost", "Streaming postprocessing (engine unverified)", NodeKind::Processor, (0.68, 0.86), s(CODEMENTOR_DOC),
            Behaviour::Processor(processor(
                "streaming-postprocess",
                Measure::modelled(2, "two instances, to show the group"),
                ServiceTime::fixed(Measure::modelled(5, "a light streaming step; no figure is published")),
            ))),
        node("ld_b", "Load → warehouse / ML training", NodeKind::Sink, (0.9, 0.14), m(TIER_SPLIT_WHY), Behaviour::Sink),
        node("ld_n", "Load → metrics / dashboards", NodeKind::Sink, (0.9, 0.5), m(TIER_SPLIT_WHY), Behaviour::Sink),
        node("ld_r", "Load → online serving (user tags, promotions)", NodeKind::Sink, (0.9, 0.86), s(EATS), Behaviour::Sink),
    ];
    let edges = vec![
        data(
            "src",
            "ing",
            "events/records",
            Tier::RealTime,
            s(TRANSLATION),
        ),
        data(
            "ing",
            "pre",
            "classified data",
            Tier::RealTime,
            s(TRANSLATION),
        ),
        data("pre", "lake", "non-real-time tier", Tier::Batch, s(EATS)),
        data(
            "lake",
            "bpost",
            "scheduled job",
            Tier::Batch,
            m(TIER_SPLIT_WHY),
        ),
        data("bpost", "ld_b", "load", Tier::Batch, m(TIER_SPLIT_WHY)),
        data("pre", "nrt", "NRT tier", Tier::NearRealTime, s(EATS)),
        data("nrt", "ld_n", "load", Tier::NearRealTime, m(TIER_SPLIT_WHY)),
        data(
            "pre",
            "kf",
            "produce (pure real-time tier)",
            Tier::RealTime,
            s(CODEMENTOR_DOC),
        ),
        data("kf", "spost", "consume", Tier::RealTime, s(CODEMENTOR_DOC)),
        data("spost", "ld_r", "load", Tier::RealTime, s(CODEMENTOR_DOC)),
    ];
    Pipeline {
        id: "coupang-eats".to_owned(),
        name: "Coupang Eats".to_owned(),
        era: "Eats data platform, 2022".to_owned(),
        pattern: "Choose the latency tier per use case, and use Kafka only where results are needed in real time.".to_owned(),
        kafka_role: "Coupang Eats' data platform sorts work into three tiers: non-real-time, near real-time and pure real-time. Ingestion and preprocessing come first and are shared; Kafka appears only on the pure real-time path, between stateless preprocessing and stateful streaming postprocessing, so each side scales on its own, dinner-time order peaks are absorbed, and the real-time tier can re-read recent data after a bug fix. The batch tier lands data in the lake for scheduled jobs, which lag by design. Which engine runs each tier, and the tiers' latency targets, are not confirmed by the sources.".to_owned(),
        nodes,
        edges,
        classes: vec![RecordClass {
            name: "event".to_owned(),
            percent: Measure::modelled(100, "one kind of synthetic event"),
        }],
        cluster: cluster(true, m("acks is not stated; Kafka's default (all)")),
        facts: vec![
            Fact::new("Launch", "Eats launched in late 2019; a configuration-driven pipeline system", Some("2022"), s(EATS)),
            Fact::new("Tiers", "non-real-time, near real-time (NRT) and pure real-time", Some("2022"), s(EATS)),
            Fact::new("Use cases", "delivery-time estimates, automatic promotions from real-time user tags, dynamic data services", Some("2022"), s(EATS)),
            Fact::new("Lifecycle", "ingestion (prioritise, classify), then preprocessing (nulls, formats, data quality, filtering)", Some("2022"), s(TRANSLATION)),
            Fact::new("Coupang-wide platform", "5,000+ jobs per day, 2 TB+ daily from about 70 sources, about 50 teams, petabyte scale", Some("Jun 2022"), s(PLATFORM_2022)),
        ],
        caveats: vec![
            Fact::new("Coverage", "only the introduction, table of contents and first lifecycle steps of the primary post were available", None, m("a gap in the sources")),
            Fact::new("Engines", "which engine runs each tier, and the latency targets, are not verified", None, m("an unverified secondary note claims OLAP for NRT and Spark Streaming for real-time")),
            Fact::new("Rates", "no per-second event rates for Eats were found", None, m("a gap in the sources")),
            Fact::new("Tier split", "every record goes to all three tiers here, so their freshness can be compared on the same data", None, m("the sources do not say how records are split between tiers")),
        ],
        comparison: ComparisonFacts {
            ingestion_point: Fact::new("Ingestion point", "Ingestion and preprocessing first; Kafka only later, on the pure real-time path", None, s(CODEMENTOR_DOC)),
            kafka_hops: Fact::new("Kafka hops", "1 on the pure real-time path; other tiers unverified", None, s(CODEMENTOR_DOC)),
            fan_out: Fact::new("Fan-out", "Three tiers from shared preprocessing", None, s(EATS)),
            latency_tiers: Fact::new("Latency tiers", "Non-real-time, NRT, pure real-time", None, s(EATS)),
            replay_and_dlq: Fact::new("Replay / DLQ", "Not documented in the sources", None, m("the sources are silent")),
            published_scale: Fact::new("Published scale", "5k jobs/day, 2 TB/day from about 70 sources (Coupang-wide, 2022)", Some("2022"), s(PLATFORM_2022)),
        },
        sources: vec![
            Source::new(EATS, "Eats data platform: Empowering businesses with data (introduction and table of contents)", "Aug 2022", "https://medium.com/coupang-engineering/eats-data-platform-empowering-businesses-with-data-3cc00fa9968d"),
            Source::new(TRANSLATION, "Chinese translation with the lifecycle stages", "Sep 2022", "https://www.jdon.com/62207"),
            Source::new(PLATFORM_2022, "Data platform 2022: Global expansion in petabytes", "Jun 2022", "https://medium.com/coupang-engineering/data-platform-2022-global-expansion-in-petabytes-3dbbbf27f6fe"),
            Source::new(PLATFORM_2019, "Big Data Platform: Evolving from start-up to big tech company", "Nov 2019", "https://medium.com/coupang-engineering/evolving-the-coupang-data-platform-308e305a9c45"),
            Source::new(CODEMENTOR_DOC, "The CodeMentor source document (Kafka between preprocessing and postprocessing)", "undated", ""),
        ],
        key_prefix: "evt".to_owned(),
    }
}
