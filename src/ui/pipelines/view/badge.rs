//! How a fact's provenance is shown: a solid badge with the source's number for what a public
//! source says, a dashed "modelled" badge (with the reason as its tooltip) for the
//! playground's own choices. The two differ in shape and text, not only in colour.

use crate::pipeline::model::{Provenance, Source};

/// A provenance badge, ready to draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Badge {
    pub sourced: bool,
    /// What the badge says: `S3` (the third source of the pipeline) or `modelled`.
    pub text: String,
    /// The tooltip: the source's title and date, or why the playground chose the value.
    pub title: String,
}

impl Badge {
    pub fn build(provenance: &Provenance, sources: &[Source]) -> Badge {
        match provenance {
            Provenance::Sourced { source } => {
                let index = sources.iter().position(|s| &s.id == source);
                match index {
                    Some(i) => {
                        let s = &sources[i];
                        Badge {
                            sourced: true,
                            text: format!("S{}", i + 1),
                            title: format!("Sourced: [{}] {} ({})", i + 1, s.title, s.date),
                        }
                    }
                    // A citation of a source the pipeline does not list is a bug in the
                    // pipeline's data (its own test catches it); show it rather than hide it.
                    None => Badge {
                        sourced: true,
                        text: "S?".to_owned(),
                        title: format!("Sourced: {source}"),
                    },
                }
            }
            Provenance::Modelled { why } => Badge {
                sourced: false,
                text: "modelled".to_owned(),
                title: format!("Modelled by the playground: {why}"),
            },
        }
    }

    /// The short form drawn inside a diagram: `S3`, or `M` for modelled.
    pub fn short(&self) -> &str {
        if self.sourced {
            &self.text
        } else {
            "M"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Vec<Source> {
        vec![
            Source::new("a", "First post", "2016", "https://example.org/a"),
            Source::new("b", "Second post", "2018", "https://example.org/b"),
        ]
    }

    #[test]
    fn sourced_badges_carry_the_source_number_and_title() {
        let badge = Badge::build(&Provenance::sourced("b"), &sources());
        assert!(badge.sourced);
        assert_eq!(badge.text, "S2");
        assert_eq!(badge.short(), "S2");
        assert!(badge.title.contains("Second post"));
        assert!(badge.title.contains("2018"));
    }

    #[test]
    fn modelled_badges_say_so_and_give_the_reason() {
        let badge = Badge::build(&Provenance::modelled("no figure is published"), &sources());
        assert!(!badge.sourced);
        assert_eq!(badge.text, "modelled");
        assert_eq!(badge.short(), "M");
        assert!(badge.title.contains("no figure is published"));
    }

    #[test]
    fn an_unknown_source_is_shown_not_hidden() {
        let badge = Badge::build(&Provenance::sourced("zz"), &sources());
        assert_eq!(badge.text, "S?");
    }
}
