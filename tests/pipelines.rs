//! The pipelines of issue 5 on the engine: the four built-in pipelines' data and figures, the
//! comparison table, the failure stories, the CodeMentor experiment, and determinism.

use kafka_playground::pipeline::burst_experiment::{self, ExperimentParams};
use kafka_playground::pipeline::model::{Behaviour, Provenance, ServiceTime};
use kafka_playground::pipeline::{builtin, comparison, stories, Load, PipelineRun, Tier};

/// Runs a built-in pipeline under the standard load.
fn run(id: &str, until_ms: u64) -> PipelineRun {
    let pipeline = builtin::by_id(id).expect("built-in");
    let mut run = PipelineRun::new(&pipeline, 1, Load::standard());
    run.advance_to(until_ms);
    assert!(run.rejections().is_empty(), "{id}: {:?}", run.rejections());
    run
}

#[test]
fn built_in_pipelines_are_sound_and_cite_their_sources() {
    let pipelines = builtin::all();
    let ids: Vec<&str> = pipelines.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["codementor", "coupang-eats", "uber", "netflix"]);
    for pipeline in &pipelines {
        assert_eq!(pipeline.problems(), Vec::<String>::new(), "{}", pipeline.id);
        assert!(
            pipeline.kafka_role.len() > 200,
            "{}: one paragraph",
            pipeline.id
        );
        assert!(!pipeline.sources.is_empty());
        let provenances = pipeline.provenances();
        assert!(
            provenances.iter().any(|p| p.is_sourced()),
            "{}",
            pipeline.id
        );
        assert!(
            provenances.iter().any(|p| !p.is_sourced()),
            "{}",
            pipeline.id
        );
        for provenance in provenances {
            if let Provenance::Modelled { why } = provenance {
                assert!(!why.is_empty(), "{}: a modelled fact says why", pipeline.id);
            }
        }
        for node in &pipeline.nodes {
            assert!((0.0..=1.0).contains(&node.x) && (0.0..=1.0).contains(&node.y));
        }
    }
}

#[test]
fn codementor_execution_times_and_probe_are_the_source_documents() {
    let pipeline = builtin::codementor();
    let Some(Behaviour::Processor(evaluation)) = pipeline.node("ev").map(|n| &n.behaviour) else {
        panic!("ev is a processor");
    };
    let ServiceTime::ByClass { ms } = &evaluation.service else {
        panic!("per-language service time");
    };
    assert_eq!(
        ms.iter().map(|m| m.value).collect::<Vec<_>>(),
        [1_530, 2_980]
    );
    assert!(ms.iter().all(|m| m.provenance.is_sourced()));
    let probe = &evaluation
        .autoscale
        .as_ref()
        .expect("autoscaled")
        .probe_every_ms;
    assert_eq!(probe.value, 15_000);
    assert!(probe.provenance.is_sourced());
    // The mix is not in the source.
    assert!(!pipeline.classes[0].percent.provenance.is_sourced());
}

#[test]
fn comparison_counts_agree_with_the_sourced_statements() {
    let rows = comparison(&builtin::all());
    let counted: Vec<(&str, u32, u32, u32, bool)> = rows
        .iter()
        .map(|r| {
            (
                r.pipeline.as_str(),
                r.kafka_hops_counted,
                r.ends_counted,
                r.max_groups_per_topic,
                r.has_failure_path,
            )
        })
        .collect();
    assert_eq!(
        counted,
        [
            ("codementor", 2, 1, 1, false),
            ("coupang-eats", 1, 3, 1, false),
            ("uber", 2, 3, 2, true),
            ("netflix", 2, 3, 3, false),
        ]
    );
    assert_eq!(
        rows[1].tiers,
        [Tier::RealTime, Tier::NearRealTime, Tier::Batch]
    );
    assert_eq!(rows[0].tiers, [Tier::RealTime]);
    for row in &rows {
        // Published scale carries its year, except CodeMentor's, which states no scale.
        assert_eq!(
            row.published_scale.year.is_some(),
            row.pipeline != "codementor"
        );
        assert!(row
            .kafka_hops
            .value
            .contains(&row.kafka_hops_counted.to_string()));
    }
}

#[test]
fn netflix_fans_one_stream_out_to_every_sink() {
    let run = run("netflix", 60_000);
    let created = run.created();
    assert!(
        (295..=305).contains(&created),
        "5 records/s for 60 s: {created}"
    );
    // Every event reaches Fronting Kafka (the one created at 60 s is still on its way).
    assert!(created - run.records_in("fk") <= 1);
    // Three router groups each read the whole stream.
    assert!(3 * created - run.records_out("fk") <= 3 * 3);
    for end in ["es", "sc"] {
        assert!(
            run.ended_unique(end) >= created - 10,
            "{end}: {}",
            run.ended_unique(end)
        );
    }
    // S3 files roll every 30 s: everything up to the 60 s roll, nothing after.
    assert!(run.ended_unique("s3") >= created - 10);
    let figures = run.figures(10_000);
    let es = figures
        .stage("es")
        .expect("es")
        .latency
        .clone()
        .expect("latency");
    let s3 = figures
        .stage("s3")
        .expect("s3")
        .latency
        .clone()
        .expect("latency");
    assert!(
        es.p50_ms < 1_000 && s3.p50_ms >= 10_000,
        "real-time vs batch: {es:?} {s3:?}"
    );
    assert_eq!(figures.stage("r_es").expect("router").members, Some(2));
    assert!((4.0..=6.0).contains(&figures.stage("fk").expect("fk").throughput_per_sec));
}

#[test]
fn uber_replicates_regional_to_aggregate_and_serves_every_path() {
    let run = run("uber", 65_000);
    let created = run.created();
    assert!(created - run.records_in("reg") <= 1);
    assert!(
        created - run.records_in("agg") <= 2,
        "uReplicator copies every record"
    );
    assert!(run.ended_unique("pinot") >= created - 10);
    assert!(run.ended_unique("svc") >= created - 20);
    // The lake commits once a minute: at 65 s, the 60 s commit holds the first minute.
    let presto = run.ended_unique("presto");
    assert!((280..=300).contains(&presto), "{presto}");
    // About 2% fail once and succeed on the first retry; nothing reaches the DLQ.
    let retried = run.records_in("retry1");
    assert!((1..=20).contains(&retried), "{retried}");
    assert_eq!(run.records_in("retry2"), 0);
    assert_eq!(run.records_in("dlq"), 0);
}

#[test]
fn coupang_eats_runs_kafka_only_on_the_real_time_tier() {
    let run = run("coupang-eats", 60_000);
    let created = run.created();
    let topics: Vec<&str> = run
        .pipeline()
        .nodes
        .iter()
        .filter_map(|n| run.topic_of(&n.id))
        .collect();
    assert_eq!(topics, ["eats-realtime"]);
    assert!(run.ended_unique("ld_r") >= created - 5);
    // NRT publishes every 30 s; the scheduled batch job has not run yet at 60 s.
    assert!(run.ended_unique("ld_n") >= 290);
    assert_eq!(run.ended_unique("ld_b"), 0);
    assert!(
        created - run.in_progress("bpost") <= 1,
        "all waiting for the scheduled job"
    );
}

#[test]
fn codementor_pipeline_answers_every_submission_through_two_topics() {
    let run = run("codementor", 60_000);
    assert!(run.created() - run.records_in("treq") <= 1);
    assert!(
        run.ended_unique("user") > 200,
        "{}",
        run.ended_unique("user")
    );
    assert_eq!(run.records_in("tres"), run.records_out("ev"));
    // 5 submissions/s need ~10 workers of ~2 s: the autoscaler went past its 4.
    assert!(run.members("ev").expect("group") > 4);
}

#[test]
fn story_poison_message_walks_the_retry_topics_into_the_dlq_while_the_main_topic_flows() {
    let story = stories::story("uber-poison").expect("story");
    let mut run = story.start(1);
    run.advance_to(30_000);
    assert_eq!(run.records_in("dlq"), 0, "still in the retry lanes at 30 s");
    assert!(run.records_in("retry2") >= 1, "past the first retry topic");
    run.advance_to(story.until_ms);
    assert_eq!(
        run.records_in("dlq"),
        1,
        "the poison message ends in the DLQ"
    );
    assert_eq!(run.records_in("retry2"), 1);
    // The main path never stalled: the service received records every second after 10 s,
    // and the Consumer Proxy's lag stayed small.
    let svc = run.series_in_per_second("svc").expect("series");
    assert!(svc[10..58].iter().all(|&n| n > 0), "{svc:?}");
    assert!(run.lag("cp").expect("group") < 30);
    assert!(run.ended_unique("svc") >= run.created() - 15);
}

#[test]
fn story_a_slow_netflix_sink_does_not_slow_the_others() {
    let story = stories::story("netflix-slow-sink").expect("story");
    let mut run = story.start(1);
    run.advance_to(story.until_ms);
    let slow = run.lag("r_es").expect("group");
    assert!(slow > 80, "Elasticsearch's router falls behind: {slow}");
    for router in ["r_s3", "r_kf"] {
        assert!(run.lag(router).expect("group") < 30, "{router} keeps up");
        assert_eq!(
            run.records_in(router),
            run.records_in("fk"),
            "{router} read everything"
        );
    }
    assert!(run.ended_unique("sc") >= run.created() - 10);
    assert!(run.ended_unique("es") < run.created() - 80);
}

#[test]
fn story_coupang_real_time_stays_fresh_while_batch_lags_by_design() {
    let story = stories::story("coupang-tiers").expect("story");
    let mut run = story.start(1);
    run.advance_to(story.until_ms);
    let figures = run.figures(10_000);
    let latency = |node: &str| {
        figures
            .stage(node)
            .and_then(|s| s.latency.clone())
            .expect(node)
    };
    let real_time = latency("ld_r");
    let near_real_time = latency("ld_n");
    let batch = latency("ld_b");
    assert!(real_time.p99_ms < 5_000, "{real_time:?}");
    assert!(near_real_time.max_ms <= 30_100 && near_real_time.p50_ms > 5_000);
    assert!(batch.p50_ms > 50_000, "{batch:?}");
    // The peak tripled the load for 20 s: 5/s for 110 s and 15/s for 20 s.
    assert!(run.created() > 800, "{}", run.created());
    assert_eq!(
        run.ended_unique("ld_r"),
        run.ended_unique("ld_r").min(run.created())
    );
    assert!(run.ended_unique("ld_r") >= run.created() - 5);
}

#[test]
fn codementor_burst_drops_without_kafka_and_loses_nothing_with_it() {
    let experiment = burst_experiment::run(&ExperimentParams::default());
    let without = &experiment.without_kafka;
    let with = &experiment.with_kafka;
    assert_eq!((without.submitted, with.submitted), (200, 200));
    assert!(without.dropped > 0, "{without:?}");
    assert_eq!(without.completed + without.dropped, 200);
    assert!(
        without.latency.max_ms <= 30_000,
        "no completion after the timeout"
    );
    assert_eq!(with.dropped, 0);
    assert_eq!(with.completed, with.submitted);
    assert_eq!(with.pending, 0);
    // Consumers scaled out on the 15 s probe up to the partition count.
    assert_eq!(with.series.workers.first(), Some(&4));
    assert_eq!(with.series.workers.iter().max(), Some(&12));
    assert!(with.series.queue_depth.iter().max() > Some(&100));
    assert_eq!(
        with.series.completions.iter().sum::<u32>() as u64,
        with.completed + with.duplicates
    );
    assert_eq!(
        without.series.drops.iter().sum::<u32>() as u64,
        without.dropped
    );
}

#[test]
fn a_small_burst_is_served_either_way() {
    let params = ExperimentParams {
        burst: 10,
        ..ExperimentParams::default()
    };
    let experiment = burst_experiment::run(&params);
    assert_eq!(experiment.without_kafka.dropped, 0);
    assert_eq!(experiment.without_kafka.completed, 10);
    assert_eq!(experiment.with_kafka.completed, 10);
}

#[test]
fn codementor_figures_are_reproducible_by_seed() {
    let params = ExperimentParams {
        burst: 120,
        seed: 7,
        ..ExperimentParams::default()
    };
    let json =
        |p: &ExperimentParams| serde_json::to_string(&burst_experiment::run(p)).expect("JSON");
    let first = json(&params);
    assert_eq!(first, json(&params));
    let other = ExperimentParams { seed: 8, ..params };
    assert_ne!(first, json(&other), "another seed draws another burst");
}

/// Compares two traces and names the first line where they part.
fn assert_same_lines(a: &[String], b: &[String]) {
    if let Some(i) = (0..a.len().min(b.len())).find(|&i| a[i] != b[i]) {
        panic!(
            "traces differ at line {i}:\n  {}\n  {}\nbefore:\n  {}",
            a[i],
            b[i],
            a[i.saturating_sub(5)..i].join("\n  ")
        );
    }
    assert_eq!(a.len(), b.len(), "one trace is longer");
}

#[test]
fn a_pipeline_run_is_deterministic_event_for_event() {
    let trace = |chunk_ms: u64| {
        let pipeline = builtin::uber();
        let mut run = PipelineRun::new(&pipeline, 3, Load::standard());
        run.keep_events(true);
        run.schedule_fault(
            5_000,
            kafka_playground::pipeline::Fault::Poison {
                source: "apps".to_owned(),
            },
        );
        let mut lines = Vec::new();
        let mut t = 0;
        while t < 20_000 {
            t = (t + chunk_ms).min(20_000);
            run.advance_to(t);
            lines.extend(run.drain_events().iter().map(ToString::to_string));
        }
        (
            lines,
            serde_json::to_string(&run.figures(5_000)).expect("JSON"),
        )
    };
    let (events, figures) = trace(20_000);
    assert!(events.len() > 1_000);
    let (again, figures_again) = trace(20_000);
    assert_same_lines(&events, &again);
    assert_eq!(figures, figures_again);
    // Advancing in small steps changes nothing.
    let (stepped, figures_stepped) = trace(333);
    assert_same_lines(&events, &stepped);
    assert_eq!(figures, figures_stepped);
}

#[test]
fn every_story_names_a_built_in_pipeline_and_runs_cleanly() {
    for story in stories() {
        let pipeline = builtin::by_id(&story.pipeline).expect("built-in");
        for node in &story.watch {
            assert!(pipeline.node(node).is_some(), "{}: {node}", story.id);
        }
        let mut run = story.start(2);
        run.advance_to(10_000);
        assert!(
            run.rejections().is_empty(),
            "{}: {:?}",
            story.id,
            run.rejections()
        );
    }
}
