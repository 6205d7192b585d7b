//! What went wrong while reading a scenario, kept as byte spans until the end so the whole file
//! is checked before anything is reported.

use std::ops::Range;

/// A byte range in the scenario's text.
pub(super) type Span = Range<usize>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Problem {
    pub span: Span,
    pub message: String,
}

/// Every error and warning found so far. Reading goes on after an error so that one run of
/// `kplay check` shows all of them.
#[derive(Clone, Debug, Default)]
pub(super) struct Problems {
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

impl Problems {
    pub fn error(&mut self, span: Span, message: impl Into<String>) {
        self.errors.push(Problem {
            span,
            message: message.into(),
        });
    }

    pub fn warning(&mut self, span: Span, message: impl Into<String>) {
        self.warnings.push(Problem {
            span,
            message: message.into(),
        });
    }
}

/// The names closest to a misspelt one, for "did you mean" hints: within two edits, or a third
/// of the name for long names.
pub(super) fn closest<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (wrong.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|candidate| (edit_distance(wrong, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b_chars: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b_chars.len()).collect();
    for (i, a_char) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, b_char) in b_chars.iter().enumerate() {
            let substitution = previous[j] + usize::from(a_char != *b_char);
            let insertion = current[j] + 1;
            let deletion = previous[j + 1] + 1;
            current.push(substitution.min(insertion).min(deletion));
        }
        previous = current;
    }
    previous[b_chars.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_suggested_and_far_ones_are_not() {
        let names = ["linger_ms", "acks", "batch_size"];
        assert_eq!(closest("lingr_ms", names), Some("linger_ms"));
        assert_eq!(closest("ack", names), Some("acks"));
        assert_eq!(closest("partitions", names), None);
    }
}
