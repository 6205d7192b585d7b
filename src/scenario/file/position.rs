//! Byte offsets to the line and column a person sees in an editor.

use std::fmt;

/// A place in a scenario file, both counted from 1. Columns count characters, not bytes, so a
/// key after a non-ASCII value still points where an editor's cursor would be.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// The start of every line of a text, so that many offsets convert without rescanning it.
#[derive(Clone, Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts_bytes: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let line_starts_bytes = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        LineIndex {
            text,
            line_starts_bytes,
        }
    }

    /// The position of a byte offset. An offset past the end points just after the last
    /// character, and one inside a multi-byte character points at that character, so no
    /// offset from a parser can make this fail.
    pub fn position(&self, offset_bytes: usize) -> Position {
        let mut offset = offset_bytes.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        // The last line start at or before the offset is the offset's line.
        let line_index = self
            .line_starts_bytes
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let line_start = self.line_starts_bytes[line_index];
        let column = self.text[line_start..offset].chars().count() + 1;
        Position {
            line: line_index + 1,
            column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    #[test]
    fn offsets_convert_to_lines_and_columns_from_one() {
        let index = LineIndex::new("ab\ncd\n\nef");
        assert_eq!(index.position(0), at(1, 1));
        assert_eq!(index.position(1), at(1, 2));
        // The newline itself belongs to the line it ends.
        assert_eq!(index.position(2), at(1, 3));
        assert_eq!(index.position(3), at(2, 1));
        assert_eq!(index.position(6), at(3, 1));
        assert_eq!(index.position(7), at(4, 1));
        assert_eq!(index.position(8), at(4, 2));
    }

    #[test]
    fn offsets_past_the_end_point_after_the_last_character() {
        let index = LineIndex::new("ab\nc");
        assert_eq!(index.position(4), at(2, 2));
        assert_eq!(index.position(400), at(2, 2));
        assert_eq!(LineIndex::new("").position(3), at(1, 1));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        // 'é' is two bytes and '→' three; the 'k' after them is still at column 4.
        let text = "é→ k";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text.find('k').unwrap()), at(1, 4));
        // An offset inside a character points at that character.
        assert_eq!(index.position(1), at(1, 1));
        assert_eq!(index.position(3), at(1, 2));
    }

    #[test]
    fn crlf_line_endings_count_one_line_each() {
        let index = LineIndex::new("a = 1\r\nb = 2\r\n");
        assert_eq!(index.position(7), at(2, 1));
    }
}
