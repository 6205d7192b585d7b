//! Colours. Every pair that must be told apart is from the Okabe–Ito palette, which stays
//! distinguishable for the common forms of colour blindness; labels carry the meaning too.

use crate::engine::murmur2::{murmur2, to_positive};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_always_gets_the_same_colour_and_null_is_neutral() {
        assert_eq!(key_colours(Some("user-42")), key_colours(Some("user-42")));
        assert_eq!(key_colours(None).0, NULL_KEY_COLOUR);
    }
}
