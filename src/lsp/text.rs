//! Positions the client sends, as byte offsets of a document's text, and applying
//! `didChange` edits. Lines end at `\n`, `\r\n` or a lone `\r` (as the protocol says and
//! as [`crate::source::LineIndex`] counts them); `character` counts UTF-16 code units or
//! bytes, as negotiated. A position past the end of its line is the line's end, a line past
//! the end is the end of the text (the protocol's rule), so no position can panic.

use crate::report::lsp_json::Encoding;

/// Byte offset of the start of 0-based `line`, or the text's length past the last line.
fn line_start(text: &str, line: u32) -> usize {
    if line == 0 {
        return 0;
    }
    let bytes = text.as_bytes();
    let mut seen = 0;
    let mut i = 0;
    while let Some(pos) = memchr_line_end(&bytes[i..]) {
        let at = i + pos;
        let end = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
            at + 2
        } else {
            at + 1
        };
        seen += 1;
        if seen == line {
            return end;
        }
        i = end;
    }
    text.len()
}

fn memchr_line_end(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n' || b == b'\r')
}

/// Byte offset of an LSP position in `text`.
pub fn offset(text: &str, line: u32, character: u32, encoding: Encoding) -> usize {
    let start = line_start(text, line);
    let rest = &text[start..];
    let line_len = memchr_line_end(rest.as_bytes()).unwrap_or(rest.len());
    let line_text = &rest[..line_len];
    let mut units = 0u32;
    for (i, ch) in line_text.char_indices() {
        if units >= character {
            return start + i;
        }
        units += match encoding {
            Encoding::Utf16 => ch.len_utf16() as u32,
            Encoding::Utf8 => ch.len_utf8() as u32,
        };
    }
    start + line_len
}

/// Applies one `contentChanges` entry: a range replaced by `new`, or (no range) the whole
/// text. A range whose end is before its start is read as empty at its start.
pub fn apply(text: &mut String, range: Option<((u32, u32), (u32, u32))>, new: &str, encoding: Encoding) {
    match range {
        None => {
            text.clear();
            text.push_str(new);
        }
        Some(((l0, c0), (l1, c1))) => {
            let start = offset(text, l0, c0, encoding);
            let end = offset(text, l1, c1, encoding).max(start);
            text.replace_range(start..end, new);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_positions_count_surrogate_pairs_and_every_line_end() {
        let text = "é😀x\r\nab\rcd\n";
        // `x` is after 1 + 2 UTF-16 units, 2 + 4 bytes.
        assert_eq!(offset(text, 0, 3, Encoding::Utf16), "é😀".len());
        assert_eq!(offset(text, 0, 6, Encoding::Utf8), "é😀".len());
        // Past the line's end: the line's end, not the next line.
        assert_eq!(offset(text, 0, 99, Encoding::Utf16), "é😀x".len());
        assert_eq!(offset(text, 1, 1, Encoding::Utf16), "é😀x\r\na".len());
        assert_eq!(offset(text, 2, 0, Encoding::Utf16), "é😀x\r\nab\r".len());
        assert_eq!(offset(text, 9, 0, Encoding::Utf16), text.len());
    }

    #[test]
    fn incremental_changes_edit_in_place() {
        let mut t = String::from("a = false\nb = 1\n");
        apply(&mut t, Some(((0, 4), (0, 9))), "true", Encoding::Utf16);
        assert_eq!(t, "a = true\nb = 1\n");
        apply(&mut t, Some(((1, 0), (1, 0))), "#", Encoding::Utf16);
        assert_eq!(t, "a = true\n#b = 1\n");
        // A reversed range is empty at its start; a range past the end appends.
        apply(&mut t, Some(((0, 3), (0, 1))), "!", Encoding::Utf16);
        assert_eq!(t, "a =! true\n#b = 1\n");
        apply(&mut t, Some(((5, 0), (6, 0))), "c", Encoding::Utf16);
        assert_eq!(t, "a =! true\n#b = 1\nc");
        apply(&mut t, None, "all new", Encoding::Utf16);
        assert_eq!(t, "all new");
    }
}
