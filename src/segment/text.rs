//! A unit's lines to a passage's text, and overlong passages cut.
//!
//! Input: the line indices of one unit (a paragraph, a list item, a note),
//! the cuts each line carries (footnote references, markup) and the
//! structure its markup states. Output: clean text, or for a unit over
//! [`MAX_WORDS`] words, pieces of whole sentences with the lines each
//! piece stands on. Refused: nothing; a run without any sentence end is
//! cut at line starts rather than left whole.

use super::lines::Line;
use super::{clean, markup, Cut, CutWhat};
/// Passages longer than this many words are cut at sentence ends.
pub(crate) const MAX_WORDS: usize = 400;
/// The words a cut piece of an overlong passage holds at most, where its
/// sentences allow.
pub(crate) const PIECE_WORDS: usize = 300;

/// One passage's text, or a piece of an overlong one: the text and the
/// positions in the unit's lines of its first and last line.
pub(crate) struct Chunk {
    pub(crate) text: String,
    pub(crate) first: usize,
    pub(crate) last: usize,
}

/// Turns a unit's lines into clean text, with the buffers reused from unit
/// to unit.
pub(crate) struct Texts<'a, 'b> {
    pub(crate) lines: &'a [Line<'b>],
    /// What to cut out of each line.
    pub(crate) cuts: &'a [Vec<Cut>],
    /// Per line: the structure its markup states (table cells are joined
    /// with a bar).
    pub(crate) hints: &'a [markup::Hint],
    pub(crate) vocab: &'a clean::Vocabulary,
    /// The unwrapped text of the unit.
    pub(crate) raw: String,
    /// One line's piece of it.
    pub(crate) piece: String,
    /// Where each line's piece starts in `raw`.
    pub(crate) starts: Vec<usize>,
}

impl Texts<'_, '_> {
    /// Unwraps the lines `idx` into `raw`, without the first `marker_len`
    /// bytes of the first (its list marker), without markup and, if
    /// `refs`, without footnote references (headings keep theirs: they
    /// have no footnote list).
    fn unwrap(&mut self, idx: &[usize], marker_len: usize, refs: bool) {
        let vocab = self.vocab;
        let keeps = |h: &str, t: &str, chained: bool| vocab.keeps_hyphen(h, t, chained);
        self.raw.clear();
        self.starts.clear();
        for (k, &i) in idx.iter().enumerate() {
            if k > 0 && self.hints[i] == markup::Hint::Cell && !self.raw.is_empty() {
                self.raw.push_str(" |");
            }
            self.starts.push(self.raw.len());
            let t = self.lines[i].text;
            let skip = if k == 0 { marker_len } else { 0 };
            let mut at = skip.min(t.len());
            if self.cuts[i].is_empty() {
                clean::join_into(&mut self.raw, &t[at..], &keeps);
                continue;
            }
            self.piece.clear();
            for m in &self.cuts[i] {
                if !refs && matches!(m.what, CutWhat::Ref(_)) {
                    continue;
                }
                if m.start >= at {
                    self.piece.push_str(&t[at..m.start]);
                    at = m.end;
                }
            }
            self.piece.push_str(&t[at.min(t.len())..]);
            clean::join_into(&mut self.raw, &self.piece, &keeps);
        }
    }

    /// The clean text of the lines `idx`.
    pub(crate) fn text(&mut self, idx: &[usize], marker_len: usize, cut: bool) -> String {
        self.unwrap(idx, marker_len, cut);
        clean::tidy(&self.raw)
    }

    /// The clean text of a passage's lines, cut into pieces of at most
    /// [`PIECE_WORDS`] words when it is over [`MAX_WORDS`] words: at
    /// sentence ends, or, in a run without one (a list that lost its
    /// bullets), at line starts. Text extracted a page or a block per line
    /// has no paragraphs to go by, and one passage would hold pages.
    pub(crate) fn chunks(&mut self, idx: &[usize], marker_len: usize) -> Vec<Chunk> {
        self.unwrap(idx, marker_len, true);
        if self.raw.split_whitespace().nth(MAX_WORDS).is_none() {
            return vec![Chunk {
                text: clean::tidy(&self.raw),
                first: 0,
                last: idx.len().saturating_sub(1),
            }];
        }
        let mut cuts = sentence_cuts(&self.raw, PIECE_WORDS);
        // Pieces still too long are cut at the line starts within them.
        let mut bounds: Vec<usize> = Vec::with_capacity(cuts.len() + 2);
        bounds.push(0);
        bounds.extend(&cuts);
        bounds.push(self.raw.len());
        cuts.clear();
        for w in bounds.windows(2) {
            let (from, to) = (w[0], w[1]);
            let mut words = 0;
            let mut piece_start = from;
            // A line's start may fall inside a character where a hyphen
            // was taken back: step back to the character's start.
            let raw = &self.raw;
            let boundary = |mut s: usize| {
                while !raw.is_char_boundary(s) {
                    s -= 1;
                }
                s
            };
            for start in self
                .starts
                .iter()
                .map(|&s| boundary(s))
                .filter(|&s| s > from && s < to)
            {
                // Line starts taken back into a character can repeat or
                // come out of order: each piece moves forward only.
                if start <= piece_start {
                    continue;
                }
                words += self.raw[piece_start..start].split_whitespace().count();
                if words >= PIECE_WORDS && self.raw[start..to].split_whitespace().nth(10).is_some()
                {
                    cuts.push(start);
                    words = 0;
                }
                piece_start = start;
            }
            let piece_words = self.raw[from..to].split_whitespace().count();
            if piece_words <= MAX_WORDS {
                // Only pieces over the limit keep their line cuts.
                while cuts.last().is_some_and(|&c| c > from && c < to) {
                    cuts.pop();
                }
            }
            if to < self.raw.len() {
                cuts.push(to);
            }
        }
        let line_at = |pos: usize| self.starts.partition_point(|&s| s <= pos).saturating_sub(1);
        let mut out = Vec::with_capacity(cuts.len() + 1);
        let mut from = 0;
        for end in cuts.into_iter().chain(std::iter::once(self.raw.len())) {
            let piece = &self.raw[from..end];
            let text = clean::tidy(piece);
            if !text.is_empty() {
                let lead = piece.len() - piece.trim_start().len();
                out.push(Chunk {
                    text,
                    first: line_at(from + lead),
                    last: line_at(end.saturating_sub(1).max(from)),
                });
            }
            from = end;
        }
        out
    }
}

/// Byte positions at which to cut `text` into pieces of whole sentences of
/// at most `most` words each where its sentences allow (a longer sentence
/// stands alone). Sentences are found by the Unicode rules (UAX #29), which
/// know the Chinese, Japanese, Arabic and Greek marks; Greek writes its
/// question mark as `;`. A quotation (« », „ “, ‚ ‘, “ ”, 「」, 『』) is never
/// cut: its sentences go with the one that quotes them.
pub(crate) fn sentence_cuts(text: &str, most: usize) -> Vec<usize> {
    use unicode_segmentation::UnicodeSegmentation;
    let quotes = quoted_spans(text);
    let quoted = |at: usize| {
        let k = quotes.partition_point(|&(open, _)| open < at);
        k > 0 && quotes[k - 1].1 >= at
    };
    let mut cuts = Vec::new();
    let mut piece = 0;
    for (at, sentence) in text.split_sentence_bound_indices() {
        let words = sentence.split_whitespace().count();
        if piece > 0 && piece + words > most && !quoted(at) {
            cuts.push(at);
            piece = 0;
        }
        piece += words;
        // "Τι είναι; Είναι…": a Greek question ends its sentence, which
        // UAX #29 does not see in the semicolon.
        if let Some(q) = greek_question(sentence) {
            let cut = at + q;
            if piece > most && !quoted(cut) && cut < text.len() {
                cuts.push(cut);
                piece = text[cut..at + sentence.len()].split_whitespace().count();
            }
        }
    }
    cuts
}

/// The byte just past the last Greek question mark (`;` after a Greek
/// letter, before a space) inside `sentence`, if any.
fn greek_question(sentence: &str) -> Option<usize> {
    if sentence.is_ascii() {
        return None;
    }
    let mut found = None;
    let mut prev_greek = false;
    for (i, c) in sentence.char_indices() {
        if (c == ';' && prev_greek) || c == '\u{37e}' {
            let end = i + c.len_utf8();
            if sentence[end..].starts_with(' ') && end + 1 < sentence.len() {
                found = Some(end + 1);
            }
        }
        prev_greek = matches!(c, '\u{370}'..='\u{3ff}' | '\u{1f00}'..='\u{1fff}');
    }
    found
}

/// The byte spans `(open, close)` of the quotations of `text` whose marks
/// pair up, outermost only, in order. A mark left open pairs with nothing
/// and holds nothing, so a stray « cannot keep a whole text uncut.
pub(crate) fn quoted_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    if text.is_ascii() {
        return spans;
    }
    // Open marks: where, and which marks close them.
    let mut open: Vec<(usize, &'static [char])> = Vec::new();
    for (i, c) in text.char_indices() {
        let closes: &[char] = match c {
            '»' => &['«'],
            '›' => &['‹'],
            '」' => &['「'],
            '』' => &['『'],
            '”' => &['“', '„'],
            '“' => &['„'],
            '‘' => &['‚'],
            _ => &[],
        };
        if let Some(k) = open
            .iter()
            .rposition(|(at, _)| closes.iter().any(|o| text[*at..].starts_with(*o)))
        {
            let (at, _) = open[k];
            open.truncate(k);
            if open.is_empty() {
                // Spans closed inside this one are within it.
                while spans.last().is_some_and(|&(o, _)| o > at) {
                    spans.pop();
                }
                spans.push((at, i));
            }
            continue;
        }
        let opens: &'static [char] = match c {
            '«' => &['»'],
            '‹' => &['›'],
            '「' => &['」'],
            '『' => &['』'],
            '„' => &['“', '”'],
            '“' => &['”'],
            '‚' => &['‘'],
            _ => continue,
        };
        open.push((i, opens));
    }
    // An inner quotation closed while an outer one stayed open.
    spans.sort_unstable();
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_cuts_keep_sentences_whole() {
        let text = "One two three. Four five six. Seven eight nine. Ten.";
        let cuts = sentence_cuts(text, 4);
        let pieces: Vec<&str> = cuts
            .iter()
            .chain(std::iter::once(&text.len()))
            .scan(0, |from, &to| {
                let piece = &text[*from..to];
                *from = to;
                Some(piece.trim())
            })
            .collect();
        assert_eq!(
            pieces,
            vec!["One two three.", "Four five six.", "Seven eight nine. Ten."]
        );
        // One sentence longer than a piece stands alone.
        assert!(sentence_cuts("a b c d e f g h. I j.", 3) == vec![17]);
        // Nothing is cut inside a quotation, in any language's marks.
        for text in [
            "Il a dit : « Un deux. Trois quatre. Cinq six. » Sept huit.",
            "Er sagte: „Eins zwei. Drei vier. Fünf sechs.“ Sieben acht.",
            "Er sagte: ‚Eins zwei. Drei vier. Fünf sechs.‘ Sieben acht.",
            "他说「一 二。三 四。五 六。」七 八。",
        ] {
            let cuts = sentence_cuts(text, 2);
            let spans = quoted_spans(text);
            assert_eq!(spans.len(), 1, "{text}");
            for c in cuts {
                assert!(!(spans[0].0 < c && c <= spans[0].1), "{text}: cut at {c}");
            }
        }
        // A mark left open holds nothing.
        assert!(quoted_spans("« un. deux. trois.").is_empty());
        // Greek ends a question with a semicolon.
        let text = "Τι είναι η ασφάλεια; Είναι η προστασία των συστημάτων.";
        assert_eq!(sentence_cuts(text, 3).len(), 1);
    }
}
