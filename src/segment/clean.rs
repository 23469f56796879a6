//! Pass 5: a unit's source lines → clean text.
//!
//! Lines are unwrapped; a word hyphenated at a line end is rejoined unless
//! the document shows it is a real compound (*multi-stakeholder*,
//! *peut-être*, *c'est-à-dire*, *гражданско-правовой*): the same rule for
//! every language, on the evidence of the document's own words; glued
//! footnote numbers are cut out; Markdown emphasis, HTML tags, link syntax
//! and backslash escapes are removed; control characters and runs of spaces
//! are collapsed.

use super::lines::{is_alnum, push_lower};
use super::{FastMap, FastSet};

/// Prefixes that form real compounds across a line-end hyphen.
const COMPOUND_PREFIXES: &[&str] = &[
    "multi", "non", "cross", "cyber", "co", "self", "inter", "intra", "anti", "pre", "post",
    "well", "state", "sub", "counter", "public", "private", "long", "short", "high", "low", "open",
    "e", "re", "semi", "socio", "so",
];

/// The words of a document, lower-cased, for deciding hyphenation.
#[derive(Default)]
pub(crate) struct Vocabulary {
    words: FastSet<String>,
    /// Line-end heads that begin some longer word of the text ("vulner" of
    /// "vulnerable"): fragments, not words.
    fragments: FastSet<String>,
    /// Line-end heads the text also writes as the first part of another
    /// hyphenated compound ("гражданско" of "гражданско-процессуальный"):
    /// a part that compounds are made of.
    compound_heads: FastSet<String>,
}

/// A byte trie over the few strings [`Vocabulary::build`] looks for: the
/// line-end heads (to find the words they begin) and the candidate words
/// (to count them). Walking it costs a step or two for most words of the
/// text, where hashing every word and each of its prefixes cost a lookup
/// per prefix.
struct Trie {
    /// Children of the root by first byte (0: none).
    root: Box<[u32; 256]>,
    nodes: Vec<TrieNode>,
}

#[derive(Default)]
struct TrieNode {
    children: Vec<(u8, u32)>,
    /// A line-end head ends here.
    head: bool,
    /// A head ending here begins a longer word of the text.
    fragment: bool,
    /// A head and its hyphen end here ("multi-"): whether a word of the
    /// text goes on past them.
    compound: Option<bool>,
    /// Index of the candidate word ending here, in the count table.
    wanted: Option<u32>,
}

impl Trie {
    fn new() -> Trie {
        Trie {
            root: Box::new([0; 256]),
            // Node 0 stands for the root; its children live in `root`.
            nodes: vec![TrieNode::default()],
        }
    }

    fn insert(&mut self, word: &str) -> usize {
        let mut node = 0usize;
        for (depth, &b) in word.as_bytes().iter().enumerate() {
            let next = if depth == 0 {
                self.root[usize::from(b)]
            } else {
                self.child(node, b).unwrap_or(0)
            };
            node = if next != 0 {
                next as usize
            } else {
                let id = self.nodes.len() as u32;
                self.nodes.push(TrieNode::default());
                if depth == 0 {
                    self.root[usize::from(b)] = id;
                } else {
                    self.nodes[node].children.push((b, id));
                }
                id as usize
            };
        }
        node
    }

    fn child(&self, node: usize, b: u8) -> Option<u32> {
        self.nodes[node]
            .children
            .iter()
            .find(|(c, _)| *c == b)
            .map(|&(_, id)| id)
    }

    /// Walks a lower-cased word: marks the heads that are proper prefixes
    /// of it followed by a letter as fragments, and returns the candidate
    /// word it is, if it is one.
    fn walk(&mut self, word: &str) -> Option<u32> {
        let bytes = word.as_bytes();
        let mut node = self.root[usize::from(*bytes.first()?)] as usize;
        for i in 1..bytes.len() {
            if node == 0 {
                return None;
            }
            // A head is whole characters, so `i` is a character boundary.
            if self.nodes[node].head && word[i..].starts_with(char::is_alphabetic) {
                self.nodes[node].fragment = true;
            }
            if self.nodes[node].compound.is_some() {
                self.nodes[node].compound = Some(true);
            }
            node = self.child(node, bytes[i]).unwrap_or(0) as usize;
        }
        if node == 0 {
            return None;
        }
        self.nodes[node].wanted
    }

    /// [`Trie::walk`] for an ASCII word, lower-cased on the way.
    fn walk_ascii(&mut self, word: &[u8]) -> Option<u32> {
        let (first, rest) = word.split_first()?;
        let mut node = self.root[usize::from(first.to_ascii_lowercase())] as usize;
        for &b in rest {
            if node == 0 {
                return None;
            }
            if self.nodes[node].head && b.is_ascii_alphabetic() {
                self.nodes[node].fragment = true;
            }
            if self.nodes[node].compound.is_some() {
                self.nodes[node].compound = Some(true);
            }
            node = self.child(node, b.to_ascii_lowercase()).unwrap_or(0) as usize;
        }
        if node == 0 {
            return None;
        }
        self.nodes[node].wanted
    }
}

/// What each byte is to a word: outside it, in it (ASCII letters, digits,
/// the hyphen), or part of a character beyond ASCII to decode.
const OUT: u8 = 0;
const IN: u8 = 1;
const WIDE: u8 = 2;
const WORD: [u8; 256] = {
    let mut t = [WIDE; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = if (b as u8).is_ascii_alphanumeric() || b == b'-' as usize {
            IN
        } else {
            OUT
        };
        b += 1;
    }
    t
};

/// Calls `f` with each run of letters, digits and hyphens in `text`, and
/// whether the run is all ASCII.
fn for_each_word(text: &str, mut f: impl FnMut(&str, bool)) {
    let bytes = text.as_bytes();
    // Whether the non-ASCII character at `i` belongs to a word, and its
    // length.
    let wide = |i: usize| -> (bool, usize) {
        match text[i..].chars().next() {
            Some(c) => (is_alnum(c), c.len_utf8()),
            None => (false, 1),
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        match WORD[usize::from(bytes[i])] {
            OUT => {
                i += 1;
                continue;
            }
            IN => {}
            _ => {
                let (inside, len) = wide(i);
                if !inside {
                    i += len;
                    continue;
                }
            }
        }
        let start = i;
        let mut ascii = true;
        loop {
            while i < bytes.len() && WORD[usize::from(bytes[i])] == IN {
                i += 1;
            }
            if i < bytes.len() && WORD[usize::from(bytes[i])] == WIDE {
                let (inside, len) = wide(i);
                if inside {
                    ascii = false;
                    i += len;
                    continue;
                }
            }
            break;
        }
        f(&text[start..i], ascii);
    }
}

/// Lower-cases `word` into `buf`.
fn lower_into(word: &str, buf: &mut String) {
    buf.clear();
    if word.is_ascii() {
        buf.push_str(word);
        buf.make_ascii_lowercase();
    } else {
        for c in word.chars() {
            push_lower(c, buf);
        }
    }
}

impl Vocabulary {
    /// Collects, from `texts`, the words that can settle a line-end
    /// hyphenation found in them: for `head-` / `tail`, whether the text
    /// also writes `head-tail`, `headtail`, `head` or `tail`. Only those are
    /// kept, so the pass over a long text allocates for a handful of words.
    pub fn build(texts: &[&str]) -> Self {
        // Occurrences as the halves of a line-end hyphenation do not count
        // as the document using the fragment as a word.
        let mut wanted: FastMap<String, i64> = FastMap::default();
        let mut heads: FastSet<String> = FastSet::default();
        let mut prev: Option<&str> = None;
        for &text in texts.iter().filter(|t| !t.is_empty()) {
            let head = prev.and_then(hyphenated_tail);
            prev = Some(text);
            let Some(head) = head else { continue };
            let tail: String = text.chars().take_while(|c| c.is_alphabetic()).collect();
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
        for text in texts.iter().filter(|t| !t.is_empty()) {
            if let Some(h) = hyphenated_tail(text) {
                heads.insert(h.to_lowercase());
            }
        }
        let mut trie = Trie::new();
        for h in &heads {
            let node = trie.insert(h);
            trie.nodes[node].head = true;
            let node = trie.insert(&format!("{h}-"));
            trie.nodes[node].compound.get_or_insert(false);
        }
        let mut counts: Vec<(String, i64)> = wanted.into_iter().collect();
        for (k, (w, _)) in counts.iter().enumerate() {
            let node = trie.insert(w);
            trie.nodes[node].wanted = Some(k as u32);
        }
        let mut buf = String::new();
        for text in texts {
            for_each_word(text, |w, ascii| {
                // A word starts and ends with a letter or digit, seldom a
                // hyphen: trim only then.
                let w = if w.starts_with('-') || w.ends_with('-') {
                    w.trim_matches('-')
                } else {
                    w
                };
                if w.len() < 2 {
                    return;
                }
                // Most words share no first letter with what is looked for.
                let first = w.as_bytes()[0];
                if first < 0x80 && trie.root[usize::from(first.to_ascii_lowercase())] == 0 {
                    return;
                }
                let found = if ascii {
                    trie.walk_ascii(w.as_bytes())
                } else {
                    lower_into(w, &mut buf);
                    trie.walk(&buf)
                };
                if let Some(k) = found {
                    counts[k as usize].1 += 1;
                }
            });
        }
        let compound_heads = heads
            .iter()
            .filter(|h| {
                let node = trie.insert(&format!("{h}-"));
                trie.nodes[node].compound == Some(true)
            })
            .cloned()
            .collect();
        let fragments = heads
            .into_iter()
            .filter(|h| {
                let node = trie.insert(h);
                trie.nodes[node].fragment
            })
            .collect();
        let words = counts
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(w, _)| w)
            .collect();
        Vocabulary {
            words,
            fragments,
            compound_heads,
        }
    }

    /// Whether `head-` at a line end and `tail` on the next line form a
    /// hyphenated compound (keep the hyphen) rather than one split word.
    /// `chained`: the hyphen links parts of a longer chain (`c'est-à-` /
    /// `dire`, `c'est-` / `à-dire`).
    ///
    /// The evidence, in order: the text writes the compound elsewhere
    /// (keep) or the joined word (join); a chain of hyphenated parts is a
    /// compound; the head starts other compounds of the text; a known
    /// prefix; the tail and the head are words of the text (a head that
    /// begins longer words is a fragment, unless the tail is a long word).
    /// Without any, the word was split by the layout and is joined.
    pub fn keeps_hyphen(&self, head: &str, tail: &str, chained: bool) -> bool {
        let (h, t) = (head.to_lowercase(), tail.to_lowercase());
        if self.words.contains(&format!("{h}-{t}")) {
            return true;
        }
        if self.words.contains(&format!("{h}{t}")) {
            return false;
        }
        let (hn, tn) = (h.chars().count(), t.chars().count());
        // A short head that starts other compounds ("δια-") starts words
        // as often: only a longer one is a compound's part by itself.
        if chained
            || (hn > 4 && self.compound_heads.contains(&h))
            || COMPOUND_PREFIXES.contains(&h.as_str())
        {
            return true;
        }
        let word = |w: &str| w.chars().count() > 2 && self.words.contains(w);
        // Two words the text uses on their own make a compound; a fragment
        // such as "publica" or "tion" does not. A head that is no fragment
        // of a longer word, before a real word, is a word too; so is a long
        // head before a long word ("гражданско" / "правовой"), though it
        // begins inflected forms of itself.
        (word(&t)
            && (word(&h) || (hn > 3 && !self.fragments.contains(&h)) || (hn > 5 && tn > 5)))
            // A word of the text before a long word ("орган" /
            // "разработчик"): a split word's tail is seldom that long.
            || (hn > 3 && word(&h) && tn > 5)
    }
}

/// Joins line pieces into one clean text.
#[cfg(test)]
pub(crate) fn join(pieces: &[&str], vocab: &dyn Fn(&str, &str, bool) -> bool) -> String {
    let mut out = String::new();
    for piece in pieces {
        join_into(&mut out, piece, vocab);
    }
    tidy(&out)
}

/// Appends one line's piece to the unwrapped text in `out`: with a space,
/// or, after a line-end hyphen, rejoining the word unless `vocab` says the
/// hyphen belongs to a compound.
pub(crate) fn join_into(out: &mut String, piece: &str, vocab: &dyn Fn(&str, &str, bool) -> bool) {
    let piece = piece.trim();
    if piece.is_empty() {
        return;
    }
    if out.is_empty() {
        out.push_str(piece);
        return;
    }
    // A soft hyphen marks where a word may break: the typesetter broke it
    // there, and the word goes on in the next line.
    if let Some(body) = out.strip_suffix('\u{AD}') {
        out.truncate(body.len());
        out.push_str(piece);
        return;
    }
    if let Some(head) = hyphenated_tail(out) {
        if piece.starts_with(|c: char| c.is_lowercase()) {
            let tail_len = piece
                .find(|c: char| !c.is_alphanumeric())
                .unwrap_or(piece.len());
            let tail = &piece[..tail_len];
            // "c'est-à-" / "dire" or "c'est-" / "à-dire": the hyphen is one
            // of a chain's.
            let before = &out[..out.len() - 1 - head.len()];
            let chained = before.ends_with('-') || piece[tail_len..].starts_with('-');
            if !vocab(head, tail, chained) {
                out.pop();
            }
            out.push_str(piece);
            return;
        }
    }
    out.push(' ');
    out.push_str(piece);
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

/// ASCII bytes that [`tidy`] must look at; every other ASCII byte is copied
/// as it stands.
const SPECIAL: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = b <= 0x20 || b == 0x7f || matches!(b as u8, b'*' | b'\\' | b'<' | b'[');
        b += 1;
    }
    t
};

/// Characters dropped without trace: soft hyphens, zero-width spaces and
/// joiners, byte-order marks.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}'
    )
}

/// Removes Markdown and HTML syntax and normalises whitespace.
pub(crate) fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let brackets = Brackets::of(text);
    tidy_into(text, 0, text.len(), &brackets, &mut out);
    out
}

/// Appends the tidied `text[from..to]` to `out`, as if `out` were empty:
/// a link's label is tidied on its own.
fn tidy_into(text: &str, from: usize, to: usize, brackets: &Brackets, out: &mut String) {
    let start = out.len();
    let bytes = text.as_bytes();
    let mut i = from;
    // Plain bytes are copied a run at a time.
    let mut run = from;
    while i < to {
        let b = bytes[i];
        if b < 0x80 {
            // A space after a kept character is kept as it stands.
            if !SPECIAL[usize::from(b)] || (b == b' ' && i > run && bytes[i - 1] != b' ') {
                i += 1;
                continue;
            }
        } else if let Some(c) = text[i..].chars().next() {
            if !(invisible(c) || c.is_control() || c.is_whitespace()) {
                i += c.len_utf8();
                continue;
            }
        }
        out.push_str(&text[run..i]);
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let mut next = i + c.len_utf8();
        match c {
            '*' => {}
            '\\' if i + 1 < to && b"()[]*_#.-`!".contains(&bytes[i + 1]) => {
                out.push(char::from(bytes[i + 1]));
                next = i + 2;
            }
            '<' => match html_tag(&text[i..to]) {
                Some((len, sep)) => {
                    next = i + len;
                    push_separator(out, start, sep);
                }
                None => out.push('<'),
            },
            '[' => match link_spans(text, i, to, brackets) {
                Some((label_end, url_end)) => {
                    tidy_into(text, i + 1, label_end, brackets, out);
                    let url = text[label_end + 2..url_end].trim();
                    if !url.is_empty() && !url.starts_with('#') {
                        out.push_str(" (");
                        out.push_str(url);
                        out.push(')');
                    }
                    next = url_end + 1;
                }
                None => out.push('['),
            },
            c if invisible(c) => {}
            c if c.is_control() || c.is_whitespace() => {
                if out.len() > start && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
        i = next;
        run = next;
    }
    if run < to {
        out.push_str(&text[run..to]);
    }
    let kept = out[start..].trim_end().len();
    out.truncate(start + kept);
}

/// Appends a tag's separator: a bar only between cells with text, a
/// space only where none stands.
fn push_separator(out: &mut String, start: usize, sep: Option<&str>) {
    match sep {
        Some(" | ") if out.len() > start && !out.trim_end().ends_with('|') => {
            let kept = out.trim_end().len();
            out.truncate(kept);
            out.push_str(" | ");
        }
        Some(" ") if out.len() > start && !out.ends_with(' ') => out.push(' '),
        _ => {}
    }
}

/// The matching `]` of every `[` in a text, found in one pass: a link's
/// label may hold brackets of its own, and scanning ahead from every `[`
/// would make a text full of them quadratic.
struct Brackets {
    /// (byte of `[`, byte of its `]`), ordered by the first.
    pairs: Vec<(usize, usize)>,
}

impl Brackets {
    fn of(text: &str) -> Brackets {
        let mut pairs = Vec::new();
        if text.as_bytes().contains(&b'[') {
            let mut open = Vec::new();
            for (i, b) in text.bytes().enumerate() {
                match b {
                    b'[' => open.push(i),
                    b']' => {
                        if let Some(o) = open.pop() {
                            pairs.push((o, i));
                        }
                    }
                    _ => {}
                }
            }
            pairs.sort_unstable();
        }
        Brackets { pairs }
    }

    fn close_of(&self, open: usize) -> Option<usize> {
        let k = self.pairs.binary_search_by_key(&open, |p| p.0).ok()?;
        Some(self.pairs[k].1)
    }
}

/// What an HTML tag at the start of `text` leaves in the clean text: its
/// length in bytes, and the separator it stands for — a space for a line
/// break, a bar between table cells (`<td>` after text) — if any.
fn html_tag(text: &str) -> Option<(usize, Option<&'static str>)> {
    let (len, name, closing) = super::markup::tag_at(text)?;
    let sep = match (&name[..3], closing) {
        ([b't', b'd' | b'h', 0], false) => Some(" | "),
        ([b'b', b'r', 0], _) => Some(" "),
        _ => None,
    };
    Some((len, sep))
}

/// Length in bytes of an HTML tag (`<b>`, `</i>`, `<br/>`, `<td
/// class="x">`, `<!-- … -->`) at the start of `text`.
fn html_tag_len(text: &str) -> Option<usize> {
    html_tag(text).map(|(len, _)| len)
}

/// For `[label](url)` at byte `open` of `text`, within `..to`: the bytes of
/// `]` and of the closing `)`. The label is at most 400 characters, the URL
/// at most 598 and has no space unless brackets or a space came first.
fn link_spans(text: &str, open: usize, to: usize, brackets: &Brackets) -> Option<(usize, usize)> {
    const MAX_LABEL: usize = 400;
    const MAX_URL: usize = 598;
    let label_end = brackets.close_of(open).filter(|&c| c < to)?;
    // A character takes at most four bytes: a longer span is too long.
    if label_end - open >= 4 * MAX_LABEL || text[open..label_end].chars().count() >= MAX_LABEL {
        return None;
    }
    let bytes = text.as_bytes();
    if label_end + 1 >= to || bytes[label_end + 1] != b'(' {
        return None;
    }
    let url_start = label_end + 2;
    let mut chars = text[url_start..to].char_indices();
    let mut depth = 1;
    let mut seen = 0;
    let mut spaced = false;
    while seen < MAX_URL {
        let Some((off, c)) = chars.next() else { break };
        match c {
            '\\' => {
                // The escaped character is skipped, but counts as seen.
                if let Some((_, e)) = chars.next() {
                    spaced |= e.is_whitespace();
                }
                seen += 1;
            }
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some((label_end, url_start + off));
                }
            }
            ' ' if !spaced && depth == 1 => return None,
            _ => {}
        }
        spaced |= c.is_whitespace();
        seen += 1;
    }
    None
}

/// The text with HTML tags (`<b>`, `</i>`) removed and nothing else changed.
pub(crate) fn tidy_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = 0;
    let mut i = 0;
    while let Some(k) = text[i..].find('<') {
        let at = i + k;
        match html_tag_len(&text[at..]) {
            Some(len) => {
                out.push_str(&text[run..at]);
                i = at + len;
                run = i;
            }
            None => i = at + 1,
        }
    }
    out.push_str(&text[run..]);
    out
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
    fn soft_hyphens_rejoin_their_word() {
        let f = |_: &str, _: &str, _: bool| false;
        assert_eq!(
            join(
                &[
                    "La Estrategia consta de cinco capítu\u{AD}",
                    "los. El primero"
                ],
                &f
            ),
            "La Estrategia consta de cinco capítulos. El primero"
        );
    }

    #[test]
    fn hyphenation_repaired_but_compounds_kept() {
        let v = vocab("a multi-stakeholder model; civilian and military; publication");
        let f = |h: &str, t: &str, c: bool| v.keeps_hyphen(h, t, c);
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
    fn compounds_of_other_languages_kept() {
        let text = [
            "Il peut y avoir des risques. C'est un enjeu socio-économique; il faut être",
            "prêt, c'est-à-dire vigilant. La menace peut-",
            "être réelle, c'est-à-",
            "dire grave, c'est-",
            "à-dire sérieuse. Le développement socio-",
            "économique et la cyber-",
            "sécurité. Les vulnérabi-",
            "lités des systèmes; la sécurité des systè-",
            "mes d'information.",
            "гражданско-процессуальный кодекс и правовой акт, гражданско-",
            "правовой договор и правовые нормы гражданского права.",
        ];
        let v = Vocabulary::build(&text);
        let f = |h: &str, t: &str, c: bool| v.keeps_hyphen(h, t, c);
        let joined = join(&text, &f);
        for kept in [
            "peut-être",
            "c'est-à-dire grave",
            "c'est-à-dire sérieuse",
            "socio-économique et",
            "гражданско-правовой",
        ] {
            assert!(joined.contains(kept), "{kept}: {joined}");
        }
        for split in ["vulnérabilités", "systèmes d'information"] {
            assert!(joined.contains(split), "{split}: {joined}");
        }
    }

    /// The rules of [`tidy`] stated plainly, a character at a time, as the
    /// model the byte-level version must agree with.
    fn tidy_model(text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::new();
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
                    let rest: String = chars[i..].iter().collect();
                    if let Some((len, sep)) = html_tag(&rest) {
                        push_separator(&mut out, 0, sep);
                        i += rest[..len].chars().count();
                        continue;
                    }
                    out.push(c);
                }
                '[' => {
                    if let Some((label_end, url_end)) = link_model(&chars[i..]) {
                        let label: String = chars[i + 1..i + label_end].iter().collect();
                        let url: String = chars[i + label_end + 2..i + url_end].iter().collect();
                        out.push_str(&tidy_model(&label));
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
                c if invisible(c) => {}
                c if c.is_control() || c.is_whitespace() => {
                    if !out.ends_with(' ') && !out.is_empty() {
                        out.push(' ');
                    }
                }
                c => out.push(c),
            }
            i += 1;
        }
        out.trim_end().to_string()
    }

    /// `[label](url)` at the start, by a plain scan: the indices of `]`
    /// and `)`.
    fn link_model(chars: &[char]) -> Option<(usize, usize)> {
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

    /// Texts made of the pieces [`tidy`] treats specially, so that links,
    /// tags and escapes come up often.
    fn markup() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let pieces = vec![
            "[",
            "]",
            "(",
            ")",
            "](",
            "<",
            ">",
            "<b>",
            "</i>",
            "*",
            "**",
            "\\",
            "\\(",
            "\\]",
            " ",
            "  ",
            "\t",
            "\n",
            "#",
            "_",
            "a",
            "word",
            "B",
            "é",
            "’",
            "\u{ad}",
            "\u{200b}",
            "\u{85}",
            "\u{a0}",
            "\u{7}",
            "http://x.org/a",
            "-",
        ];
        proptest::collection::vec(proptest::sample::select(pieces), 0..40).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #[test]
        fn tidy_agrees_with_its_model(text in markup()) {
            proptest::prop_assert_eq!(tidy(&text), tidy_model(&text));
        }
    }

    #[test]
    fn tidy_links_and_brackets() {
        for text in [
            "see [a [nested] label](http://x.org/a_(b)) and [x](#anchor)",
            "[[[[unclosed",
            "[label](url with space) [l](u\\ v) [l](\tu v)",
            "[**bold**](<b>x</b>)",
            "<br/>a<i>b</i><notatag and <b >",
        ] {
            assert_eq!(tidy(text), tidy_model(text), "{text:?}");
        }
        let long = format!("[{}](u)", "x".repeat(398));
        assert_eq!(tidy(&long), tidy_model(&long));
        let long = format!("[{}](u)", "é".repeat(399));
        assert_eq!(tidy(&long), tidy_model(&long));
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
