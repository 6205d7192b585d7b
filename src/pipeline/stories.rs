//! Failure stories as data: a pipeline, a load and a timeline of faults, with what to watch.

use serde::Serialize;

use super::builtin;
use super::run::{Fault, Load, PipelineRun, TimedFault};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Story {
    pub id: String,
    pub title: String,
    /// The id of a built-in pipeline.
    pub pipeline: String,
    pub narrative: String,
    pub load: Load,
    pub faults: Vec<TimedFault>,
    /// How long the story runs, in simulated milliseconds.
    pub until_ms: u64,
    /// The nodes a view should point at.
    pub watch: Vec<String>,
}

impl Story {
    /// A run of the story's pipeline with its faults scheduled.
    pub fn start(&self, seed: u64) -> PipelineRun {
        let pipeline = builtin::by_id(&self.pipeline).expect("stories use built-in pipelines");
        let mut run = PipelineRun::new(&pipeline, seed, self.load.clone());
        for fault in &self.faults {
            run.schedule_fault(fault.at_ms, fault.fault.clone());
        }
        run
    }
}

fn watch(nodes: &[&str]) -> Vec<String> {
    nodes.iter().map(|n| (*n).to_owned()).collect()
}

/// Every failure story, in the order a tour shows them.
pub fn stories() -> Vec<Story> {
    vec![
        Story {
            id: "uber-poison".to_owned(),
            title: "A poison message walks Uber's retry topics into the DLQ".to_owned(),
            pipeline: "uber".to_owned(),
            narrative: "At 10 s an app sends a message the consumer service can never handle. The Consumer Proxy fails it, writes it to the first retry topic and commits its offset, so the main topic keeps flowing. The first retry consumer waits 5 s, fails it again and passes it down; the second waits 20 s, fails it once more and gives up: the message ends in the DLQ for someone to inspect, while every other record kept reaching the service.".to_owned(),
            load: Load::standard(),
            faults: vec![TimedFault {
                at_ms: 10_000,
                fault: Fault::Poison {
                    source: "apps".to_owned(),
                },
            }],
            until_ms: 60_000,
            watch: watch(&["cp", "retry1", "retry2", "dlq", "svc"]),
        },
        Story {
            id: "netflix-slow-sink".to_owned(),
            title: "A slow Elasticsearch does not slow the other Netflix sinks".to_owned(),
            pipeline: "netflix".to_owned(),
            narrative: "At 20 s Elasticsearch slows down: its router job now needs a second per event. Its consumer group falls behind and its lag grows, but it is its own group reading its own copy of the stream: the S3 and Consumer Kafka routers keep their pace, and producers never notice.".to_owned(),
            load: Load::standard(),
            faults: vec![TimedFault {
                at_ms: 20_000,
                fault: Fault::SlowNode {
                    node: "r_es".to_owned(),
                    service_ms: 1_000,
                },
            }],
            until_ms: 60_000,
            watch: watch(&["r_es", "r_s3", "r_kf"]),
        },
        Story {
            id: "coupang-tiers".to_owned(),
            title: "Coupang's real-time tier stays fresh while the batch tier lags by design".to_owned(),
            pipeline: "coupang-eats".to_owned(),
            narrative: "A dinner-time peak triples the load from 20 s to 40 s. Through Kafka, the pure real-time tier absorbs it and stays within seconds; the near-real-time tier publishes every 30 s, and the batch tier only when its scheduled job runs, at 2 minutes: its data is minutes old by design, not because anything is wrong.".to_owned(),
            load: Load::standard(),
            faults: vec![
                TimedFault {
                    at_ms: 20_000,
                    fault: Fault::LoadPercent { percent: 300 },
                },
                TimedFault {
                    at_ms: 40_000,
                    fault: Fault::LoadPercent { percent: 100 },
                },
            ],
            until_ms: 130_000,
            watch: watch(&["ld_r", "ld_n", "ld_b"]),
        },
    ]
}

pub fn story(id: &str) -> Option<Story> {
    stories().into_iter().find(|s| s.id == id)
}
