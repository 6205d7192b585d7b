//! The caption: what is happening on the stage and why, in words built from the engine's state
//! (never from a script), so that what it says is what the simulation did.

use crate::engine::PartitionChoice;
use crate::scenario::SceneId;

use crate::ui::tour::state::Playground;

/// A caption: a short headline and a sentence or two below it. `parts` lets the view set the
/// record values in a monospace face.
#[derive(Clone, Debug, PartialEq)]
pub struct Caption {
    pub headline: String,
    pub body: String,
}

pub fn caption(playground: &Playground) -> Caption {
    let scene = playground.scene();
    let sim = playground.sim();
    let topic = sim.topic(&scene.topic);
    let partitions = topic.map_or(0, |t| t.partition_count());
    let consumer = sim.consumer(scene.consumer);
    let printed: Vec<String> = consumer
        .map(|c| c.polled.iter().map(|r| r.value_text()).collect())
        .unwrap_or_default();
    let sent_values = scene.values.join(" ");
    let partition_word = if partitions == 1 {
        "partition"
    } else {
        "partitions"
    };

    if playground.is_finished() {
        return finished_caption(playground, &printed);
    }

    if consumer.is_some() {
        let so_far = if printed.is_empty() {
            "nothing yet".to_owned()
        } else {
            printed.join(" ")
        };
        return Caption {
            headline: format!("The consumer reads from the beginning: {so_far}"),
            body: format!(
                "It starts with auto.offset.reset=earliest (--from-beginning) and asks the broker \
                 for all {partitions} {partition_word} in one fetch. The triangles mark its \
                 position: the next offset it will read in each partition."
            ),
        };
    }

    let placements = playground.placements();
    if placements.is_empty() {
        return Caption {
            headline: format!(
                "A producer is about to send {sent_values} to topic {}, which has {partitions} {partition_word}.",
                scene.topic
            ),
            body: "The records have no key. Watch where each one lands, then what order a \
                   consumer reads them back in."
                .to_owned(),
        };
    }
    let moves: Vec<String> = placements
        .iter()
        .map(|p| format!("{} → P{}", p.value, p.partition))
        .collect();
    let why = match placements.last().map(|p| p.choice) {
        Some(PartitionChoice::Key { .. }) => {
            "A keyed record goes to murmur2(key) % partitions, so one key always lands in the same partition."
                .to_owned()
        }
        _ if partitions == 1 => {
            "With a single partition every record goes to partition 0, one after another.".to_owned()
        }
        _ => format!(
            "No key to hash, so the round-robin partitioner deals records to the {partitions} partitions in turn. Each gets the next offset of its own partition."
        ),
    };
    Caption {
        headline: moves.join(", "),
        body: why,
    }
}

/// The caption once the scene has played out: what was sent, what was read back, and why.
fn finished_caption(playground: &Playground, printed: &[String]) -> Caption {
    let scene = playground.scene();
    let sim = playground.sim();
    let topic = sim.topic(&scene.topic);
    let sent_values = scene.values.join(" ");
    let printed_line = printed.join(" ");
    match scene.id {
        SceneId::ThreePartitions => {
            let per_partition: Vec<String> = topic
                .map(|t| {
                    (0..t.partition_count())
                        .map(|n| {
                            let tp = crate::engine::TopicPartition::new(t.name.clone(), n);
                            let values: Vec<String> = sim
                                .leader_log(&tp)
                                .map(|log| {
                                    log.records()
                                        .map(|(_, r)| r.value_text().into_owned())
                                        .collect()
                                })
                                .unwrap_or_default();
                            format!("P{n}: {}", values.join(" "))
                        })
                        .collect()
                })
                .unwrap_or_default();
            Caption {
                headline: format!("Sent {sent_values}, read back {printed_line}."),
                body: format!(
                    "Each partition kept its own order ({}), but a fetch returns partition 0's \
                     records, then 1's, then 2's. Kafka orders records within a partition, not \
                     across a topic: records that must stay in order need the same key.",
                    per_partition.join(" · ")
                ),
            }
        }
        SceneId::OnePartition => Caption {
            headline: format!("Sent {sent_values}, read back {printed_line}."),
            body: "With one partition there is one log and one order, so the consumer prints \
                   exactly what was sent. The price: a partition is read by at most one \
                   consumer of a group, so one partition means no parallel reading."
                .to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::tour::state::Action;

    #[test]
    fn the_finished_caption_quotes_what_the_engine_did() {
        let mut playground = Playground::new(SceneId::ThreePartitions);
        while !playground.is_finished() {
            playground.apply(Action::Frame { wall_ms: 50.0 });
        }
        let text = caption(&playground);
        assert_eq!(text.headline, "Sent a b c d e, read back a d b e c.");
        assert!(
            text.body.contains("P0: a d · P1: b e · P2: c"),
            "{}",
            text.body
        );
    }

    #[test]
    fn while_sending_the_caption_lists_each_placement() {
        let mut playground = Playground::new(SceneId::ThreePartitions);
        for _ in 0..40 {
            playground.apply(Action::Frame { wall_ms: 50.0 });
        }
        let text = caption(&playground);
        assert!(
            text.headline.starts_with("a → P0, b → P1"),
            "{}",
            text.headline
        );
        assert!(text.body.contains("round-robin"));
    }
}
