//! Events in words: the family an event belongs to (for the event log's filters, `family`),
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
mod tests;
