//! Comparison keys for lines: the same line on every page, whatever its
//! case, emphasis or spacing.
//!
//! Input: a line's text. Output: its key (lower case, emphasis and heading
//! marks removed, whitespace collapsed), the key with its digit runs
//! replaced (`Page 3 of 40` and `Page 4 of 40` alike), and the keys of all
//! lines, built once. Refused: nothing; a line of markup only has an empty
//! key.

use super::lines::{is_alnum, push_lower, Line};

/// A comparison key: lower case, emphasis and heading marks removed,
/// whitespace collapsed.
pub(crate) fn key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_key(text, &mut out);
    out
}

const KEEP: u8 = 0;
const SKIP: u8 = 1;
const SPACE: u8 = 2;
/// A byte of a character beyond ASCII, decoded on its own.
const WIDE: u8 = 3;

/// What [`key`] does with each byte: emphasis and heading marks are
/// skipped, whitespace collapses, other ASCII is kept.
const KEY_CLASS: [u8; 256] = {
    let mut t = [WIDE; 256];
    let mut b = 0;
    while b < 0x80 {
        t[b] = KEEP;
        b += 1;
    }
    t[b'*' as usize] = SKIP;
    t[b'_' as usize] = SKIP;
    t[b'#' as usize] = SKIP;
    t[b'`' as usize] = SKIP;
    let mut b = 0x09;
    while b <= 0x0d {
        t[b] = SPACE;
        b += 1;
    }
    t[b' ' as usize] = SPACE;
    t
};

/// Appends the [`key`] of `text` to `out`.
fn push_key(text: &str, out: &mut String) {
    let start = out.len();
    let mut space = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Runs of kept ASCII bytes are copied and lower-cased at once.
        let run = i;
        let kept = |i: usize| {
            bytes
                .get(i)
                .is_some_and(|&b| KEY_CLASS[usize::from(b)] == KEEP)
        };
        loop {
            while kept(i) {
                i += 1;
            }
            // One space between kept bytes is what the key has there: the
            // run goes on through it.
            if i > run && bytes.get(i) == Some(&b' ') && kept(i + 1) {
                i += 2;
                continue;
            }
            break;
        }
        if i > run {
            if space {
                out.push(' ');
                space = false;
            }
            let at = out.len();
            out.push_str(&text[run..i]);
            out[at..].make_ascii_lowercase();
        }
        let Some(&b) = bytes.get(i) else { break };
        if b < 0x80 {
            if KEY_CLASS[usize::from(b)] == SPACE {
                space = out.len() > start;
            }
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if c.is_whitespace() {
            space = out.len() > start;
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if c == '’' {
            out.push('\'');
        } else {
            push_lower(c, out);
        }
    }
}

/// The keys of all lines of a document, in one buffer: a string per line
/// would be an allocation per line.
pub(crate) struct Keys {
    buf: String,
    ends: Vec<usize>,
}

impl Keys {
    pub(crate) fn of(lines: &[Line]) -> Keys {
        let mut buf = String::with_capacity(lines.iter().map(|l| l.text.len()).sum());
        let ends = lines
            .iter()
            .map(|l| {
                push_key(l.text, &mut buf);
                buf.len()
            })
            .collect();
        Keys { buf, ends }
    }

    pub(crate) fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.buf[start..self.ends[i]]
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).map(|i| self.get(i))
    }
}

/// The key with every digit run replaced by `#`: page-numbered footers
/// ("Page 3 of 40", "12 | National Strategy") share it across pages.
pub(crate) fn digit_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut in_digits = false;
    for c in key.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
        } else {
            in_digits = false;
            out.push(c);
        }
    }
    out
}

/// Words of a key, ignoring punctuation.
pub(crate) fn words(key: &str) -> impl Iterator<Item = &str> {
    key.split(|c: char| !is_alnum(c)).filter(|w| !w.is_empty())
}
