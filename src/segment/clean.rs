//! Pass 5: a unit's source lines → clean text.
//!
//! Lines are unwrapped; a word hyphenated at a line end is rejoined unless
//! the document shows it is a real compound (*multi-stakeholder*); glued
//! footnote numbers are cut out; Markdown emphasis, HTML tags, link syntax
//! and backslash escapes are removed; control characters and runs of spaces
//! are collapsed.

use std::collections::{HashMap, HashSet};

/// Prefixes that form real compounds across a line-end hyphen.
const COMPOUND_PREFIXES: &[&str] = &[
    "multi", "non", "cross", "cyber", "co", "self", "inter", "intra", "anti", "pre", "post",
    "well", "state", "sub", "counter", "public", "private", "long", "short", "high", "low", "open",
    "e", "re", "semi", "socio", "so",
];

/// The words of a document, lower-cased, for deciding hyphenation.
#[derive(Default)]
pub(crate) struct Vocabulary {
    words: HashSet<String>,
    /// Line-end heads that begin some longer word of the text ("vulner" of
    /// "vulnerable"): fragments, not words.
    fragments: HashSet<String>,
}

impl Vocabulary {
    /// Collects, from `texts`, the words that can settle a line-end
    /// hyphenation found in them: for `head-` / `tail`, whether the text
    /// also writes `head-tail`, `headtail`, `head` or `tail`. Only those are
    /// kept, so the pass over a long text allocates for a handful of words.
    pub fn build(texts: &[&str]) -> Self {
        // Occurrences as the halves of a line-end hyphenation do not count
        // as the document using the fragment as a word.
        let mut wanted: HashMap<String, i64> = HashMap::new();
        let nonblank: Vec<&str> = texts.iter().copied().filter(|t| !t.is_empty()).collect();
        for pair in nonblank.windows(2) {
            let Some(head) = hyphenated_tail(pair[0]) else {
                continue;
            };
            let tail: String = pair[1].chars().take_while(|c| c.is_alphabetic()).collect();
            if head.is_empty() || tail.is_empty() {
                continue;
            }
            let (h, t) = (head.to_lowercase(), tail.to_lowercase());
            wanted.entry(format!("{h}-{t}")).or_default();
            wanted.entry(format!("{h}{t}")).or_default();
            *wanted.entry(h).or_default() -= 1;
            *wanted.entry(t).or_default() -= 1;
        }
        if wanted.is_empty() {
            return Vocabulary::default();
        }
        let heads: HashSet<String> = nonblank
            .iter()
            .filter_map(|t| hyphenated_tail(t))
            .map(str::to_lowercase)
            .collect();
        let longest_head = heads.iter().map(|h| h.len()).max().unwrap_or(0);
        let mut fragments = HashSet::new();
        let mut buf = String::new();
        for text in texts {
            for w in text.split(|c: char| !(c.is_alphanumeric() || c == '-')) {
                let w = w.trim_matches('-');
                if w.len() < 2 {
                    continue;
                }
                buf.clear();
                buf.extend(w.chars().flat_map(char::to_lowercase));
                if let Some(n) = wanted.get_mut(buf.as_str()) {
                    *n += 1;
                }
                for (i, _) in buf.char_indices().skip(1) {
                    if i > longest_head {
                        break;
                    }
                    if heads.contains(&buf[..i]) && buf[i..].starts_with(char::is_alphabetic) {
                        fragments.insert(buf[..i].to_string());
                    }
                }
            }
        }
        let words = wanted
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(w, _)| w)
            .collect();
        Vocabulary { words, fragments }
    }

    /// Whether `head-` at a line end and `tail` on the next line form a
    /// hyphenated compound (keep the hyphen) rather than one split word.
    pub fn keeps_hyphen(&self, head: &str, tail: &str) -> bool {
        let (h, t) = (head.to_lowercase(), tail.to_lowercase());
        if self.words.contains(&format!("{h}-{t}")) {
            return true;
        }
        if self.words.contains(&format!("{h}{t}")) {
            return false;
        }
        if COMPOUND_PREFIXES.contains(&h.as_str()) {
            return true;
        }
        let word = |w: &str| w.chars().count() > 2 && self.words.contains(w);
        // Two words the text uses on their own make a compound; a fragment
        // such as "publica" or "tion" does not. A head that is no fragment
        // of a longer word, before a real word, is a word too.
        word(&t) && (word(&h) || (h.chars().count() > 3 && !self.fragments.contains(&h)))
    }
}

/// Joins line pieces into one clean text.
pub(crate) fn join(pieces: &[&str], vocab: &dyn Fn(&str, &str) -> bool) -> String {
    let mut out = String::new();
    for piece in pieces {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        if out.is_empty() {
            out.push_str(piece);
            continue;
        }
        if let Some(head) = hyphenated_tail(&out) {
            if piece.starts_with(|c: char| c.is_lowercase()) {
                let tail: String = piece.chars().take_while(|c| c.is_alphanumeric()).collect();
                if vocab(head, &tail) {
                    out.push_str(piece);
                } else {
                    out.pop();
                    out.push_str(piece);
                }
                continue;
            }
        }
        out.push(' ');
        out.push_str(piece);
    }
    tidy(&out)
}

/// The word before a trailing hyphen, if the text ends in one that follows
/// a letter (a line-end hyphenation, not a dash).
fn hyphenated_tail(text: &str) -> Option<&str> {
    let body = text.strip_suffix('-')?;
    let start = body
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic())
        .last()
        .map(|(i, _)| i)?;
    Some(&body[start..])
}

/// Removes Markdown and HTML syntax and normalises whitespace.
pub(crate) fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '*' => {}
            '\\' if chars.get(i + 1).is_some_and(|n| "()[]*_#.-`!".contains(*n)) => {
                out.push(chars[i + 1]);
                i += 1;
            }
            '<' => {
                if let Some(len) = html_tag_len(&chars[i..]) {
                    i += len;
                    continue;
                }
                out.push(c);
            }
            '[' => {
                if let Some((label_end, url_end)) = link_spans(&chars[i..]) {
                    let label: String = chars[i + 1..i + label_end].iter().collect();
                    let url: String = chars[i + label_end + 2..i + url_end].iter().collect();
                    out.push_str(&tidy(&label));
                    let url = url.trim();
                    if !url.is_empty() && !url.starts_with('#') {
                        out.push_str(" (");
                        out.push_str(url);
                        out.push(')');
                    }
                    i += url_end + 1;
                    continue;
                }
                out.push(c);
            }
            '\u{ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' => {}
            c if c.is_control() || c.is_whitespace() => {
                if !out.ends_with(' ') && !out.is_empty() {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    let trimmed = out.trim_end();
    trimmed.to_string()
}

/// The text with HTML tags (`<b>`, `</i>`) removed and nothing else changed.
pub(crate) fn tidy_tags(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '<' {
            if let Some(len) = html_tag_len(&chars[i..]) {
                i += len;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Length of an HTML tag such as `<b>`, `</i>` or `<br/>` at the start.
fn html_tag_len(chars: &[char]) -> Option<usize> {
    let close = chars.iter().take(8).position(|&c| c == '>')?;
    let inner = &chars[1..close];
    let name = inner.strip_prefix(&['/']).unwrap_or(inner);
    let name = name.strip_suffix(&['/']).unwrap_or(name);
    (!name.is_empty() && name.iter().all(|c| c.is_ascii_alphanumeric())).then_some(close + 1)
}

/// For `[label](url)` at the start: the index of `]` and of `)`.
fn link_spans(chars: &[char]) -> Option<(usize, usize)> {
    let mut depth = 0;
    let mut label_end = None;
    for (k, &c) in chars.iter().enumerate().take(400) {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    label_end = Some(k);
                    break;
                }
            }
            _ => {}
        }
    }
    let label_end = label_end?;
    if chars.get(label_end + 1) != Some(&'(') {
        return None;
    }
    let mut k = label_end + 2;
    let mut depth = 1;
    while k < chars.len() && k < label_end + 600 {
        match chars[k] {
            '\\' => k += 1,
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some((label_end, k));
                }
            }
            ' ' if chars[label_end + 2..k].iter().all(|c| !c.is_whitespace()) && depth == 1 => {
                return None
            }
            _ => {}
        }
        k += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab(words: &str) -> Vocabulary {
        Vocabulary::build(&[
            words,
            "refine the multi-",
            "stakeholder model",
            "broad civilian-",
            "military",
            "whole publica-",
            "tion process",
            "the backbone –",
            "global",
        ])
    }

    #[test]
    fn hyphenation_repaired_but_compounds_kept() {
        let v = vocab("a multi-stakeholder model; civilian and military; publication");
        let f = |h: &str, t: &str| v.keeps_hyphen(h, t);
        assert_eq!(
            join(&["during the whole publica-", "tion process."], &f),
            "during the whole publication process."
        );
        assert_eq!(
            join(&["refine the multi-", "stakeholder model"], &f),
            "refine the multi-stakeholder model"
        );
        assert_eq!(
            join(&["broad civilian-", "military cooperation"], &f),
            "broad civilian-military cooperation"
        );
        assert_eq!(
            join(&["the backbone –", "global"], &f),
            "the backbone – global"
        );
    }

    #[test]
    fn markdown_removed() {
        assert_eq!(tidy("**Privacy.** Our *strategy*"), "Privacy. Our strategy");
        assert_eq!(
            tidy("The [Swedish Civil Contingencies Agency \\(MSB\\)](#), Office"),
            "The Swedish Civil Contingencies Agency (MSB), Office"
        );
        assert_eq!(
            tidy("see [the report](https://un.org/a) now"),
            "see the report (https://un.org/a) now"
        );
        assert_eq!(tidy("<b>II. Future</b>\tx"), "II. Future x");
        assert_eq!(tidy("a\u{7}b  c"), "a b c");
        assert_eq!(tidy("x < y and [not a link]"), "x < y and [not a link]");
    }
}
