//! Colours. Every pair that must be told apart is from the Okabe–Ito palette, which stays
//! distinguishable for the common forms of colour blindness; labels carry the meaning too.

use crate::engine::murmur2::{murmur2, to_positive};
use crate::engine::{ConsumerId, MessageKind};

/// Okabe–Ito, without black: orange, sky blue, bluish green, yellow, blue, vermilion, purple.
const KEY_COLOURS: [&str; 7] = [
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
];

/// Text colour that stays readable on each key colour.
const KEY_TEXT: [&str; 7] = [
    "#1b1b1b", "#1b1b1b", "#ffffff", "#1b1b1b", "#ffffff", "#ffffff", "#1b1b1b",
];

/// Records without a key share one neutral colour.
pub const NULL_KEY_COLOUR: &str = "#5d6f86";
const NULL_KEY_TEXT: &str = "#ffffff";

/// A record's fill and text colour. The same key always gets the same colour (picked by the
/// key's murmur2, so it is stable across runs and machines).
pub fn key_colours(key: Option<&str>) -> (&'static str, &'static str) {
    match key {
        None => (NULL_KEY_COLOUR, NULL_KEY_TEXT),
        Some(key) => {
            let index = (to_positive(murmur2(key.as_bytes())) % KEY_COLOURS.len() as u32) as usize;
            (KEY_COLOURS[index], KEY_TEXT[index])
        }
    }
}

/// Partition badge colours (cycled), distinct from one another for colour-blind viewers.
const PARTITION_COLOURS: [&str; 4] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7"];

pub fn partition_colour(partition: u32) -> &'static str {
    PARTITION_COLOURS[(partition as usize) % PARTITION_COLOURS.len()]
}

/// How one consumer (a group member) is drawn everywhere: the same colour AND the same glyph
/// in the cluster view, the groups panel and the charts, so a viewer who cannot tell the
/// colours apart still can by shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemberStyle {
    pub fill: &'static str,
    pub text: &'static str,
    /// A one-character shape drawn beside the member's name.
    pub glyph: &'static str,
}

const MEMBER_GLYPHS: [&str; 7] = ["●", "■", "▲", "◆", "★", "✚", "⬟"];

/// Consumers are numbered from 0; colours and glyphs cycle (7 × 7 distinct pairs).
pub fn member_style(consumer: ConsumerId) -> MemberStyle {
    let n = consumer.0 as usize;
    let colour = n % KEY_COLOURS.len();
    MemberStyle {
        fill: KEY_COLOURS[colour],
        text: KEY_TEXT[colour],
        glyph: MEMBER_GLYPHS[(n / KEY_COLOURS.len() + n) % MEMBER_GLYPHS.len()],
    }
}

/// How a message in flight is drawn: a colour per family of requests, and a short letter so
/// the kind reads without colour. Responses share their request's colour and are drawn
/// hollow by the views.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageStyle {
    pub colour: &'static str,
    pub letter: &'static str,
    /// Plain words for legends and tooltips.
    pub label: &'static str,
    pub is_response: bool,
}

pub fn message_style(kind: MessageKind) -> MessageStyle {
    use MessageKind::*;
    let (colour, letter, label) = match kind {
        Produce | ProduceResponse => ("#E69F00", "P", "produce"),
        Fetch | FetchResponse => ("#0072B2", "F", "consumer fetch"),
        ReplicaFetch | ReplicaFetchResponse => ("#009E73", "R", "follower fetch"),
        JoinGroup | JoinGroupResponse | SyncGroup | SyncGroupResponse | LeaveGroup
        | LeaveGroupResponse => ("#CC79A7", "G", "group membership"),
        Heartbeat | HeartbeatResponse => ("#8a8a8a", "H", "heartbeat"),
        OffsetCommit | OffsetCommitResponse | OffsetFetch | OffsetFetchResponse => {
            ("#56B4E9", "C", "offset commit/fetch")
        }
        ConnectionRefused => ("#D55E00", "✕", "connection refused"),
        Metadata | MetadataResponse => ("#F0E442", "M", "metadata"),
    };
    let is_response = matches!(
        kind,
        ProduceResponse
            | FetchResponse
            | ReplicaFetchResponse
            | JoinGroupResponse
            | SyncGroupResponse
            | LeaveGroupResponse
            | HeartbeatResponse
            | OffsetCommitResponse
            | OffsetFetchResponse
            | ConnectionRefused
            | MetadataResponse
    );
    MessageStyle {
        colour,
        letter,
        label,
        is_response,
    }
}

/// Dark or white text, whichever reads better on `colour` (`#rrggbb`), by WCAG luminance.
pub fn ink_on(colour: &str) -> &'static str {
    let channel = |i: usize| -> f64 {
        let value = colour
            .get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0);
        let c = f64::from(value) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    // Contrast with white is (1.05) / (L + 0.05), with near-black (L + 0.05) / 0.062.
    if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.062 {
        "#ffffff"
    } else {
        "#1b1b1b"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_always_gets_the_same_colour_and_null_is_neutral() {
        assert_eq!(key_colours(Some("user-42")), key_colours(Some("user-42")));
        assert_eq!(key_colours(None).0, NULL_KEY_COLOUR);
    }

    #[test]
    fn the_first_49_members_all_look_different() {
        let styles: crate::engine::sorted::VecSet<_> = (0..49)
            .map(|n| {
                let style = member_style(ConsumerId(n));
                (style.fill, style.glyph)
            })
            .collect();
        assert_eq!(styles.len(), 49);
    }

    #[test]
    fn text_on_marks_reads_against_their_colour() {
        assert_eq!(ink_on("#0072B2"), "#ffffff");
        assert_eq!(ink_on("#F0E442"), "#1b1b1b");
        assert_eq!(ink_on("#E69F00"), "#1b1b1b");
    }
}
