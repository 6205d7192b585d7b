//! Events in words: the family an event belongs to (for the event log's filters, [`family`]),
//! one readable sentence per event ([`sentence`]), and what each event touched (so hovering it
//! can highlight those things in the other panels, [`touched`]). Plain Rust, no Yew.

mod family;
mod sentence;
mod touched;

pub use family::{family_of, is_alarming, EventFamily};
pub use sentence::sentence;
pub use touched::{topics_of, touched};

use crate::engine::{BrokerId, GroupPhase, MessageKind, Node, RecordId, SimTime, TopicPartition};

/// `t=12.4 s`: simulated time to a tenth of a second, the precision a viewer can follow.
pub fn time_label(at: SimTime) -> String {
    let ms = at.as_ms();
    format!("t={}.{} s", ms / 1000, (ms % 1000) / 100)
}

fn broker(id: BrokerId) -> String {
    format!("broker {}", id.0)
}

fn node(node: &Node) -> String {
    match node {
        Node::Broker(id) => broker(*id),
        Node::Producer(id) => format!("producer {}", id.0),
        Node::Consumer(id) => format!("consumer {}", id.0),
    }
}

fn records(ids: &[RecordId]) -> String {
    match ids {
        [] => "no records".to_owned(),
        [one] => format!("record {}", one.0),
        [first, .., last] => format!("{} records ({}…{})", ids.len(), first.0, last.0),
    }
}

fn partitions(list: &[TopicPartition]) -> String {
    if list.is_empty() {
        return "no partition".to_owned();
    }
    let names: Vec<String> = list.iter().map(ToString::to_string).collect();
    names.join(", ")
}

fn message(kind: MessageKind) -> String {
    crate::ui::shell::palette::message_style(kind)
        .label
        .to_owned()
        + &format!(" ({kind})")
}

/// What a group state means, in a few words.
pub fn phase_words(phase: GroupPhase) -> &'static str {
    match phase {
        GroupPhase::Empty => "Empty",
        GroupPhase::PreparingRebalance => "PreparingRebalance",
        GroupPhase::CompletingRebalance => "CompletingRebalance",
        GroupPhase::Stable => "Stable",
        GroupPhase::Dead => "Dead",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{ConsumerId, ElectionKind, Event, EventKind, ProducerId};

    fn event(kind: EventKind) -> Event {
        Event {
            at: SimTime::from_ms(12_430),
            kind,
        }
    }

    #[test]
    fn a_leader_election_touches_the_new_leader_and_its_partition() {
        let election = event(EventKind::LeaderElected {
            partition: TopicPartition::new("orders", 0),
            leader: BrokerId(1),
            leader_epoch: 3,
            kind: ElectionKind::Clean,
        });
        let highlight = touched(&election);
        assert!(highlight.touches_broker(BrokerId(1)));
        assert!(highlight.touches_partition(&TopicPartition::new("orders", 0)));
        assert!(!highlight.touches_broker(BrokerId(0)));
        assert_eq!(
            format!("{} · {}", time_label(election.at), sentence(&election)),
            "t=12.4 s · broker 1 became leader of orders-0 (epoch 3, clean election)"
        );
    }

    #[test]
    fn a_message_touches_both_ends_and_is_network_traffic() {
        let sent = event(EventKind::MessageSent {
            message: crate::engine::MessageId(7),
            kind: MessageKind::Produce,
            from: Node::Producer(ProducerId(2)),
            to: Node::Broker(BrokerId(0)),
            arrives_at: SimTime::from_ms(13_000),
        });
        let highlight = touched(&sent);
        assert!(highlight.producers.contains(&ProducerId(2)));
        assert!(highlight.touches_broker(BrokerId(0)));
        assert_eq!(family_of(&sent.kind), EventFamily::Network);
        assert!(!EventFamily::shown_by_default().contains(&EventFamily::Network));
    }

    #[test]
    fn a_single_record_event_names_the_record() {
        let polled = event(EventKind::RecordPolled {
            record: RecordId(9),
            consumer: ConsumerId(1),
            partition: TopicPartition::new("orders", 2),
            offset: crate::engine::Offset(4),
            value: "x".to_owned(),
        });
        let highlight = touched(&polled);
        assert_eq!(highlight.record, Some(RecordId(9)));
        assert!(highlight.consumers.contains(&ConsumerId(1)));
        assert_eq!(family_of(&polled.kind), EventFamily::Consume);
    }

    #[test]
    fn an_unclean_election_is_alarming_and_says_so() {
        let election = event(EventKind::LeaderElected {
            partition: TopicPartition::new("orders", 0),
            leader: BrokerId(2),
            leader_epoch: 4,
            kind: ElectionKind::Unclean,
        });
        assert!(is_alarming(&election.kind));
        assert!(sentence(&election).contains("UNCLEAN"));
    }
}
