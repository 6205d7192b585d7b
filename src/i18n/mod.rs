//! Korean and English: which language a page speaks ([`Lang`]), the catalog of every
//! sentence in both (`catalog`, generated from `strings/*.toml` by `tests/catalog.rs`), and
//! the one formatter that fills a sentence's blanks with counts, names and times in each
//! language's grammar ([`fill`]). Plain Rust, no browser: `kplay` speaks both too.
//!
//! Kafka's own names (`acks`, ISR, offset, config keys, error codes) are written as Kafka
//! spells them in both languages; the catalog's Korean explains them around them.

mod catalog;
mod fill;

pub use catalog::*;
pub use fill::{fill, grouped, particle, Arg};

/// A language the playground speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    #[default]
    En,
    Ko,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ko];

    /// The BCP 47 code, as `<html lang>` and `?lang=` write it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    /// The language's own name, as a switch offers it.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ko => "한국어",
        }
    }

    /// Reads a language tag (`ko`, `ko-KR`, `en-US`, `EN`); `None` for a language the
    /// playground does not speak.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "ko" => Some(Lang::Ko),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language for a browser's preferred languages, in order: Korean if Korean comes
    /// before English, English otherwise (and for every other language).
    pub fn from_preferences<'a>(tags: impl IntoIterator<Item = &'a str>) -> Lang {
        tags.into_iter()
            .find_map(Lang::from_tag)
            .unwrap_or(Lang::En)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_read_by_their_primary_language() {
        assert_eq!(Lang::from_tag("ko-KR"), Some(Lang::Ko));
        assert_eq!(Lang::from_tag("KO"), Some(Lang::Ko));
        assert_eq!(Lang::from_tag("en_GB"), Some(Lang::En));
        assert_eq!(Lang::from_tag("ja"), None);
        assert_eq!(Lang::from_tag(""), None);
    }

    #[test]
    fn a_browser_preferring_korean_gets_korean_and_any_other_gets_english() {
        assert_eq!(Lang::from_preferences(["ko-KR", "en-US"]), Lang::Ko);
        assert_eq!(Lang::from_preferences(["ja", "ko"]), Lang::Ko);
        assert_eq!(Lang::from_preferences(["en-US", "ko"]), Lang::En);
        assert_eq!(Lang::from_preferences(["fr", "de"]), Lang::En);
        assert_eq!(Lang::from_preferences([]), Lang::En);
    }
}
