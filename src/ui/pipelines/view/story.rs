//! A failure story on screen: its explanation, its clock and the few live figures that tell
//! it, each with a plain-words reading of what it shows.

use crate::pipeline::PipelineRun;

use crate::ui::pipelines::state::StoryRun;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Highlight {
    /// For test ids.
    pub key: String,
    pub label: String,
    pub value: String,
    /// What the number means right now.
    pub reading: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoryView {
    pub id: String,
    pub title: String,
    pub narrative: String,
    pub clock: String,
    pub finished: bool,
    pub highlights: Vec<Highlight>,
}

fn highlight(key: &str, label: &str, value: String, reading: String) -> Highlight {
    Highlight {
        key: key.to_owned(),
        label: label.to_owned(),
        value,
        reading,
    }
}

fn ago(run: &PipelineRun, node: &str) -> (String, String) {
    let delivered = run.ended_unique(node);
    if delivered == 0 {
        return ("none yet".to_owned(), "nothing delivered yet".to_owned());
    }
    let age_s = run.now_ms().saturating_sub(run.last_ended_ms(node)) as f64 / 1000.0;
    (
        format!("{age_s:.0} s ago"),
        format!("{delivered} records delivered"),
    )
}

fn highlights(id: &str, run: &PipelineRun) -> Vec<Highlight> {
    let lag = |node: &str| run.lag(node).unwrap_or(0);
    match id {
        "uber-poison" => vec![
            highlight(
                "dlq",
                "In the DLQ",
                run.records_in("dlq").to_string(),
                if run.records_in("dlq") > 0 {
                    "the poison message gave up here".to_owned()
                } else {
                    "empty so far".to_owned()
                },
            ),
            highlight(
                "retry",
                "Retry topics L1 / L2",
                format!(
                    "{} / {}",
                    run.records_in("retry1"),
                    run.records_in("retry2")
                ),
                "records that failed and wait to be tried again".to_owned(),
            ),
            highlight(
                "cp-lag",
                "Consumer Proxy lag",
                lag("cp").to_string(),
                "the main topic keeps flowing: this stays small".to_owned(),
            ),
            highlight(
                "svc",
                "Reached the service",
                run.records_in("svc").to_string(),
                "keeps growing while the poison message is retried".to_owned(),
            ),
        ],
        "netflix-slow-sink" => vec![
            highlight(
                "es-lag",
                "Elasticsearch router lag",
                lag("r_es").to_string(),
                if run.now_ms() < 20_000 {
                    "Elasticsearch slows down at 20 s".to_owned()
                } else {
                    "slow sink: its own group falls behind".to_owned()
                },
            ),
            highlight(
                "s3-lag",
                "S3 router lag",
                lag("r_s3").to_string(),
                "unaffected".to_owned(),
            ),
            highlight(
                "kf-lag",
                "Consumer Kafka router lag",
                lag("r_kf").to_string(),
                "unaffected".to_owned(),
            ),
            highlight(
                "fk-in",
                "Into Fronting Kafka",
                run.records_in("fk").to_string(),
                "producers never notice".to_owned(),
            ),
        ],
        "coupang-tiers" => {
            let tier = |key: &str, label: &str, node: &str| {
                let (value, reading) = ago(run, node);
                highlight(key, label, value, reading)
            };
            vec![
                tier("rt", "Real-time tier, last delivery", "ld_r"),
                tier("nrt", "Near-real-time tier, last delivery", "ld_n"),
                tier("batch", "Batch tier, last delivery", "ld_b"),
                highlight(
                    "kafka-lag",
                    "Streaming postprocessing lag",
                    lag("spost").to_string(),
                    "Kafka absorbs the dinner peak (20 s to 40 s)".to_owned(),
                ),
            ]
        }
        _ => Vec::new(),
    }
}

impl StoryView {
    pub fn build(story: &StoryRun) -> StoryView {
        let run = &story.lane.run;
        StoryView {
            id: story.story.id.clone(),
            title: story.story.title.clone(),
            narrative: story.story.narrative.clone(),
            clock: format!(
                "{:.1} s of {} s",
                run.now_ms() as f64 / 1000.0,
                story.story.until_ms / 1000
            ),
            finished: story.finished(),
            highlights: highlights(&story.story.id, run),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::pipelines::state::{Board, BoardAction};

    fn run_story(id: &str, wall_ms: u32) -> StoryView {
        let mut board = Board::new(&["codementor"]);
        board.apply(BoardAction::StartStory(id.to_owned()));
        board.apply(BoardAction::SetSpeed(20));
        for _ in 0..wall_ms / 100 {
            board.apply(BoardAction::Frame { wall_ms: 100.0 });
        }
        StoryView::build(board.story().unwrap())
    }

    fn value<'a>(view: &'a StoryView, key: &str) -> &'a str {
        &view.highlights.iter().find(|h| h.key == key).unwrap().value
    }

    #[test]
    fn every_story_has_highlights() {
        for story in crate::pipeline::stories() {
            let view = run_story(&story.id, 100);
            assert!(!view.highlights.is_empty(), "{}", story.id);
            assert!(!view.narrative.is_empty());
        }
    }

    #[test]
    fn the_poison_message_ends_in_the_dlq_while_the_service_keeps_receiving() {
        let view = run_story("uber-poison", 3_000);
        assert!(view.finished);
        assert_eq!(value(&view, "dlq"), "1");
        let svc: u64 = value(&view, "svc").parse().unwrap();
        assert!(svc > 100, "service received {svc}");
    }

    #[test]
    fn the_real_time_tier_is_fresh_while_batch_waits_for_its_run() {
        let view = run_story("coupang-tiers", 3_000);
        // 60 s into the story: real-time delivered within seconds, batch not yet (2 min run).
        assert_eq!(value(&view, "batch"), "none yet");
        let rt = value(&view, "rt");
        let age: f64 = rt.trim_end_matches(" s ago").parse().unwrap();
        assert!(age <= 2.0, "real-time tier last delivered {rt}");
    }
}
