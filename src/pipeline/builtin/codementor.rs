//! CodeMentor: a code-judging service that queues submissions in Kafka in front of slow
//! execution workers, and sends results back through a second topic.

use super::{cluster, data, drawn, from, node, processor, source, stage, topic, when};
use crate::pipeline::model::{
    Autoscale, Behaviour, ComparisonFacts, EdgeStyle, Fact, Measure, NodeKind, Pipeline,
    Provenance, RecordClass, ServiceTime, Source, Tier,
};

/// The CodeMentor source document ([D] in the design notes).
pub const DOC: &str = "codementor-doc";

/// Per-submission execution time of Python, in milliseconds [D].
pub const PYTHON_MS: u64 = 1_530;
/// Per-submission execution time of Java, in milliseconds [D].
pub const JAVA_MS: u64 = 2_980;
/// The autoscaler's probe period, in milliseconds [D].
pub const PROBE_MS: u64 = 15_000;

fn s() -> Provenance {
    Provenance::sourced(DOC)
}

fn m(why: &str) -> Provenance {
    Provenance::modelled(why)
}

/// The settings of the CodeMentor pipeline a learner can change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodementorShape {
    /// Partitions of the submissions topic: the most evaluation consumers that can work at once.
    pub partitions: u32,
    /// Evaluation consumers at the start.
    pub initial_members: u32,
    /// The share of Python submissions; the rest are Java.
    pub python_percent: u32,
}

impl Default for CodementorShape {
    fn default() -> Self {
        CodementorShape {
            partitions: 12,
            initial_members: 4,
            python_percent: 70,
        }
    }
}

/// Why the default mix is 70% Python: the source gives no mix.
pub const MIX_WHY: &str = "the source gives no mix of languages; 70% Python is assumed";

pub fn codementor() -> Pipeline {
    codementor_with(&CodementorShape::default())
}

pub fn codementor_with(shape: &CodementorShape) -> Pipeline {
    let partitions = shape.partitions.max(1);
    let mut evaluation = processor(
        "evaluation",
        Measure::modelled(
            u64::from(shape.initial_members.clamp(1, partitions)),
            "as many workers as the execution server's concurrency without Kafka, so both start with the same capacity",
        ),
        ServiceTime::ByClass {
            ms: vec![
                Measure::sourced(PYTHON_MS, DOC),
                Measure::sourced(JAVA_MS, DOC),
            ],
        },
    );
    evaluation.max_poll_records = 1;
    evaluation.autoscale = Some(Autoscale {
        probe_every_ms: Measure::sourced(PROBE_MS, DOC),
        max_members: Measure::modelled(
            u64::from(partitions),
            "the partition count caps the evaluation consumers that can work in parallel",
        ),
    });
    let mut execute = processor(
        "execute",
        Measure::modelled(
            1,
            "one Execute replica, so every result reaches the replica holding the SSE connection",
        ),
        ServiceTime::fixed(Measure::modelled(
            20,
            "fetching the problem and saving the code, or pushing a result over SSE",
        )),
    );
    execute.max_poll_records = 50;
    let nodes = vec![
        node(
            "user",
            "Browser (SSE client)",
            NodeKind::Client,
            (0.04, 0.5),
            s(),
            source(Measure::modelled(
                100,
                "every submission comes from browsers",
            )),
        ),
        node(
            "gw",
            "API Gateway (auth, prefix routing)",
            NodeKind::Proxy,
            (0.18, 0.5),
            s(),
            stage(Measure::modelled(
                5,
                "authentication and routing inside the data centre",
            )),
        ),
        node(
            "exe",
            "Execute server (SSE holder; producer+consumer)",
            NodeKind::Service,
            (0.34, 0.5),
            s(),
            Behaviour::Processor(execute),
        ),
        node(
            "qs",
            "Question server",
            NodeKind::Service,
            (0.34, 0.12),
            s(),
            Behaviour::Drawn,
        ),
        node(
            "db",
            "Usercode store",
            NodeKind::Sink,
            (0.34, 0.88),
            s(),
            Behaviour::Drawn,
        ),
        node(
            "treq",
            "topic: submissions (name illustrative)",
            NodeKind::Kafka,
            (0.52, 0.3),
            s(),
            topic(
                "submissions",
                Measure::modelled(
                    u64::from(partitions),
                    "not stated in the source; the learner can change it",
                ),
            ),
        ),
        node(
            "ev",
            "Evaluation server (consumer group)",
            NodeKind::Processor,
            (0.7, 0.3),
            s(),
            Behaviour::Processor(evaluation),
        ),
        node(
            "run",
            "Code-execution pods (autoscaled, 15 s probe)",
            NodeKind::Service,
            (0.9, 0.12),
            s(),
            Behaviour::Drawn,
        ),
        node(
            "gpt",
            "GPT API (async)",
            NodeKind::External,
            (0.9, 0.48),
            s(),
            Behaviour::Drawn,
        ),
        node(
            "tres",
            "topic: results (name illustrative)",
            NodeKind::Kafka,
            (0.6, 0.72),
            s(),
            topic(
                "results",
                Measure::modelled(u64::from(partitions), "the same as the submissions topic"),
            ),
        ),
    ];
    let edges = vec![
        drawn(
            "user",
            "gw",
            "open SSE stream",
            EdgeStyle::Call,
            Tier::RealTime,
            s(),
        ),
        data("user", "gw", "POST code", Tier::RealTime, s()),
        data(
            "gw",
            "exe",
            "auth OK, route by URI prefix",
            Tier::RealTime,
            s(),
        ),
        drawn(
            "exe",
            "qs",
            "get problem/tests/harness",
            EdgeStyle::Call,
            Tier::RealTime,
            s(),
        ),
        drawn(
            "exe",
            "db",
            "save Usercode",
            EdgeStyle::Call,
            Tier::RealTime,
            s(),
        ),
        when(
            data(
                "exe",
                "treq",
                "produce job (key=submissionId)",
                Tier::RealTime,
                s(),
            ),
            from("gw"),
        ),
        data("treq", "ev", "consume", Tier::RealTime, s()),
        drawn(
            "ev",
            "run",
            "execute (~1.53 s Py / ~2.98 s Java)",
            EdgeStyle::Call,
            Tier::RealTime,
            s(),
        ),
        drawn(
            "ev",
            "gpt",
            "async review request",
            EdgeStyle::Call,
            Tier::RealTime,
            s(),
        ),
        data("ev", "tres", "produce result", Tier::RealTime, s()),
        data("tres", "exe", "consume", Tier::RealTime, s()),
        when(
            data("exe", "user", "SSE push result", Tier::RealTime, s()),
            from("tres"),
        ),
    ];
    let python = u64::from(shape.python_percent.min(100));
    Pipeline {
        id: "codementor".to_owned(),
        name: "CodeMentor".to_owned(),
        era: "code-judging service (CodeMentor source document)".to_owned(),
        pattern: "Use Kafka as a shock absorber and asynchronous request/reply bus in front of a slow, CPU-heavy worker pool.".to_owned(),
        kafka_role: "Without a queue, bursts of submissions overloaded the code-execution server and requests were lost. With Kafka, the Execute server produces each job to a request topic and returns; Evaluation consumers take jobs at the pace the execution pods allow (about 1.53 s per Python and 2.98 s per Java submission) while the pods scale out on a 15-second probe, and results come back through a second topic to the Execute server, which pushes them to the browser over the open SSE connection. Kafka's roles are buffering and load-levelling, decoupling the request path from evaluation, and asynchronous request/reply; the request topic's partition count caps how many Evaluation consumers can work in parallel.".to_owned(),
        nodes,
        edges,
        classes: vec![
            RecordClass { name: "python".to_owned(), percent: Measure::modelled(python, MIX_WHY) },
            RecordClass { name: "java".to_owned(), percent: Measure::modelled(100 - python, MIX_WHY) },
        ],
        cluster: cluster(true, m("acks is not stated; Kafka's default (all), so no job is lost")),
        facts: vec![
            Fact::new("Execution time", "1.53 s per Python submission, 2.98 s per Java submission", None, s()),
            Fact::new("Autoscaling", "execution pods autoscale with a 15-second probe", None, s()),
            Fact::new("Throughput per worker", "about 39 Python or 20 Java submissions per minute", None, m("arithmetic on the execution times")),
            Fact::new("Drain time", "a burst of N Python submissions on W workers drains in roughly N × 1.53 / W seconds", None, m("arithmetic on the execution times")),
        ],
        caveats: vec![
            Fact::new("Reply routing", "with several Execute replicas a shared consumer group hands a result to one replica, maybe not the one holding the SSE connection; give each replica its own group and filter by submission id, or use pub/sub", None, m("a design caveat inferred from the flow")),
            Fact::new("Parallelism", "the request topic's partition count caps the Evaluation consumers working in parallel", None, m("Kafka's consumer group rule applied to the flow")),
            Fact::new("Dual write", "saving Usercode and then producing to Kafka is a dual write; an outbox would make it safe", None, m("a design caveat inferred from the flow")),
            Fact::new("Poison submissions", "no retry topic or DLQ is described; an infinite loop needs a timeout and a DLQ", None, m("a design caveat inferred from the flow")),
            Fact::new("GPT review", "the asynchronous GPT review may arrive after the test verdict; it is drawn, not simulated", None, m("inferred from the flow")),
        ],
        comparison: ComparisonFacts {
            ingestion_point: Fact::new("Ingestion point", "Execute server produces after fetching problem data and saving the code", None, s()),
            kafka_hops: Fact::new("Kafka hops", "2 (request topic, result topic)", None, s()),
            fan_out: Fact::new("Fan-out", "None: point-to-point work queue", None, s()),
            latency_tiers: Fact::new("Latency tiers", "Single interactive tier", None, s()),
            replay_and_dlq: Fact::new("Replay / DLQ", "Topic retention gives replay; no DLQ yet (recommend one)", None, m("inferred from the flow")),
            published_scale: Fact::new("Published scale", "Seconds per job; scale not stated", None, s()),
        },
        sources: vec![Source::new(DOC, "The CodeMentor source document", "undated", "")],
        key_prefix: "sub".to_owned(),
    }
}
