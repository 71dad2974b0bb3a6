//! One file's text and the arithmetic that turns positions into line, column and byte range.

use std::path::PathBuf;

use crate::diag::Span;

/// The text of one record file, with a line index.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the repository root, `/`-separated.
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<usize>,
    ascii: bool,
}

impl SourceFile {
    pub fn new(path: PathBuf, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let ascii = text.is_ascii();
        SourceFile {
            path,
            text,
            line_starts,
            ascii,
        }
    }

    pub fn is_ascii(&self) -> bool {
        self.ascii
    }

    /// Byte offset of the character with the given index (the YAML parser counts characters),
    /// counting forward from a known (character, byte) position at or before it. A table of
    /// every character's offset would cost 8 bytes per character: 1.6 GB at 100k records.
    pub fn byte_of_char_from(&self, char_index: usize, from: (usize, usize)) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        let (mut chars, mut bytes) = if from.0 <= char_index { from } else { (0, 0) };
        for c in self.text[bytes..].chars() {
            if chars >= char_index {
                break;
            }
            chars += 1;
            bytes += c.len_utf8();
        }
        bytes
    }

    /// Byte offset of the character with the given index.
    pub fn byte_of_char(&self, char_index: usize) -> usize {
        self.byte_of_char_from(char_index, (0, 0))
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, byte: usize) -> (usize, usize) {
        let byte = byte.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= byte);
        let start = self.line_starts[line - 1];
        let column = self
            .text
            .get(start..byte)
            .map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }

    /// Byte range of a 1-based line, without its line break.
    pub fn line_range(&self, line: usize) -> (usize, usize) {
        let start = self
            .line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len());
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        let end = if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        (start, end)
    }

    /// A span over the byte range `start..end`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let (line, column) = self.line_col(start);
        Span {
            line,
            column,
            start,
            end: end.max(start),
        }
    }

    /// A span from `start` to the end of its line (for containers that cover many lines).
    pub fn span_to_line_end(&self, start: usize) -> Span {
        let (line, _) = self.line_col(start);
        let (_, end) = self.line_range(line);
        self.span(start, end.max(start))
    }

    /// A span covering a whole 1-based line.
    pub fn line_span(&self, line: usize) -> Span {
        let (start, end) = self.line_range(line);
        self.span(start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let file = SourceFile::new("a.yaml".into(), "a: 1\nb: é x\n".into());
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(5), (2, 1));
        // "x" is after a two-byte character: byte 11, column 6.
        assert_eq!(file.line_col(11), (2, 6));
        assert_eq!(file.byte_of_char(10), 11);
        assert_eq!(file.line_range(2), (5, 12));
    }
}
