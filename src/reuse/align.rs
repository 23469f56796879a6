//! Word-level local alignment of two passages, and the word diff of the
//! aligned spans.
//!
//! Input: two passages' [`Words`] (and texts, for the diff). Output: an
//! [`Alignment`] — the span of each passage that the two share, found by
//! Smith–Waterman with affine gaps over the words' normalised keys, with
//! its count of matched words and its similarity — and, on request, the
//! [`Edit`]s that turn the earlier span into the later one.
//!
//! Two passages with no span scoring above zero give no alignment. Words
//! beyond [`MAX_WORDS`] of a passage are not aligned (a passage that long
//! is a segmentation accident, and the table would need gigabytes).

use serde::{Deserialize, Serialize};
use similar::{capture_diff_slices, Algorithm, DiffOp};

use super::words::{char_offsets, Words};
use crate::lexicon::exact_words;

/// Score of two equal words.
const MATCH: i32 = 2;
/// Score of a word replaced by another: cheaper than a gap, so that a
/// changed word lines up with the word it replaced.
const MISMATCH: i32 = -1;
/// Score of the first word of a gap (a word added or removed)…
const GAP_OPEN: i32 = -3;
/// …and of each further word of it.
const GAP_EXTEND: i32 = -1;

/// Words of a passage beyond this are left out of an alignment.
pub const MAX_WORDS: usize = 4000;

/// Unmatched words at either end of both spans, up to this many, are
/// taken into the alignment ([`with_ends`]).
const MAX_TAIL: usize = 3;

/// Where two passages share wording.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Alignment {
    /// Words `a.0..a.1` of the first passage.
    pub a: (usize, usize),
    /// Words `b.0..b.1` of the second passage.
    pub b: (usize, usize),
    /// Words aligned with an equal word (by normalised key).
    pub matched: usize,
    /// The matched words' rarity weights summed
    /// ([`WordStats::weight`](super::stats::WordStats::weight); `matched`
    /// when aligned without weights).
    pub weight: f64,
    /// The Smith–Waterman score.
    pub score: i32,
}

impl Alignment {
    /// Dice similarity of the two spans: twice the matched words over the
    /// words of both spans (1 for identical spans).
    pub fn similarity(&self) -> f64 {
        let words = (self.a.1 - self.a.0) + (self.b.1 - self.b.0);
        if words == 0 {
            0.0
        } else {
            2.0 * self.matched as f64 / words as f64
        }
    }

    /// The same alignment seen from the other passage.
    pub fn swapped(self) -> Alignment {
        Alignment {
            a: self.b,
            b: self.a,
            ..self
        }
    }
}

/// What happened to a run of words between two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EditKind {
    /// The words are the same (case and accents aside).
    Same,
    /// The later version adds these words.
    Added,
    /// The later version drops these words.
    Removed,
    /// The later version has other words in their place.
    Replaced,
}

/// One run of a word diff between an earlier and a later span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    /// What happened to the run.
    pub kind: EditKind,
    /// `[start, end)` in Unicode characters of the earlier passage's text
    /// (empty, at the place of the addition, for [`EditKind::Added`]).
    pub earlier: [usize; 2],
    /// `[start, end)` in characters of the later passage's text (empty for
    /// [`EditKind::Removed`]).
    pub later: [usize; 2],
    /// The earlier words as written (empty for an addition).
    pub earlier_text: String,
    /// The later words as written (empty for a removal).
    pub later_text: String,
}

/// The best local alignment of `a` and `b`, if any span scores above zero.
pub fn align(a: &Words, b: &Words) -> Option<Alignment> {
    let ka: Vec<u64> = a.keys().take(MAX_WORDS).collect();
    let kb: Vec<u64> = b.keys().take(MAX_WORDS).collect();
    align_keys(&ka, &kb)
}

/// [`align`] with each matched word weighed by `weight` (its key).
pub fn align_weighted(a: &Words, b: &Words, weight: &dyn Fn(u64) -> f64) -> Option<Alignment> {
    let ka: Vec<u64> = a.keys().take(MAX_WORDS).collect();
    let kb: Vec<u64> = b.keys().take(MAX_WORDS).collect();
    align_keys_weighted(&ka, &kb, weight)
}

/// [`align`] on word keys.
pub fn align_keys(a: &[u64], b: &[u64]) -> Option<Alignment> {
    align_keys_weighted(a, b, &|_| 1.0)
}

/// [`align_weighted`] on word keys.
pub fn align_keys_weighted(a: &[u64], b: &[u64], weight: &dyn Fn(u64) -> f64) -> Option<Alignment> {
    let al = local_alignment(a, b, weight)?;
    Some(with_ends(
        al,
        a.len().min(MAX_WORDS),
        b.len().min(MAX_WORDS),
    ))
}

/// [`align_keys_weighted`] of `a` with `b[from..to]` only (a window where
/// the shared wording must lie), offsets given in the whole of `b`.
pub fn align_in_window(
    a: &[u64],
    b: &[u64],
    (from, to): (usize, usize),
    weight: &dyn Fn(u64) -> f64,
) -> Option<Alignment> {
    let (from, to) = (from.min(b.len()), to.min(b.len()));
    let mut al = local_alignment(a, &b[from..to], weight)?;
    al.b = (al.b.0 + from, al.b.1 + from);
    Some(with_ends(
        al,
        a.len().min(MAX_WORDS),
        b.len().min(MAX_WORDS),
    ))
}

/// Takes short unmatched ends on both sides into the version: a copied
/// paragraph whose first or last word was changed is still one aligned
/// version, with the change shown. `n` and `m` are the passages' lengths.
pub(super) fn with_ends(mut al: Alignment, n: usize, m: usize) -> Alignment {
    if al.a.0 <= MAX_TAIL && al.b.0 <= MAX_TAIL {
        al.a.0 = 0;
        al.b.0 = 0;
    }
    if n.saturating_sub(al.a.1) <= MAX_TAIL && m.saturating_sub(al.b.1) <= MAX_TAIL {
        al.a.1 = al.a.1.max(n);
        al.b.1 = al.b.1.max(m);
    }
    al
}

/// Smith–Waterman–Gotoh: the best-scoring local alignment, ends as found.
pub(super) fn local_alignment(
    a: &[u64],
    b: &[u64],
    weight: &dyn Fn(u64) -> f64,
) -> Option<Alignment> {
    let (n, m) = (a.len().min(MAX_WORDS), b.len().min(MAX_WORDS));
    if n == 0 || m == 0 {
        return None;
    }
    // Gotoh's three states per cell: H (ends in a match or mismatch, or
    // the best of all), E (ends in a gap in `a`: a word of `b` added), F
    // (a word of `a` removed). One row of each is kept; the traceback
    // reads a byte per cell: H's origin in bits 0–1, whether E and F
    // extend a gap in bits 2 and 3.
    const FROM_ZERO: u8 = 0;
    const FROM_DIAG: u8 = 1;
    const FROM_E: u8 = 2;
    const FROM_F: u8 = 3;
    const E_EXTENDS: u8 = 4;
    const F_EXTENDS: u8 = 8;
    let width = m + 1;
    let mut trace = vec![0u8; (n + 1) * width];
    let mut h_prev = vec![0i32; width];
    let mut h_row = vec![0i32; width];
    let mut f_prev = vec![i32::MIN / 2; width];
    let mut f_row = vec![i32::MIN / 2; width];
    let (mut best, mut best_at) = (0i32, (0usize, 0usize));
    for i in 1..=n {
        let mut e = i32::MIN / 2;
        h_row[0] = 0;
        let ai = a[i - 1];
        let row = &mut trace[i * width..(i + 1) * width];
        for j in 1..=m {
            let mut flags = 0u8;
            // E: a gap in `a` along the row.
            let open = h_row[j - 1] + GAP_OPEN;
            let extend = e + GAP_EXTEND;
            if extend > open {
                e = extend;
                flags |= E_EXTENDS;
            } else {
                e = open;
            }
            // F: a gap in `b` down the column.
            let open = h_prev[j] + GAP_OPEN;
            let extend = f_prev[j] + GAP_EXTEND;
            let f = if extend > open {
                flags |= F_EXTENDS;
                extend
            } else {
                open
            };
            f_row[j] = f;
            let diag = h_prev[j - 1] + if ai == b[j - 1] { MATCH } else { MISMATCH };
            let (mut h, mut from) = (0, FROM_ZERO);
            if diag > h {
                (h, from) = (diag, FROM_DIAG);
            }
            if e > h {
                (h, from) = (e, FROM_E);
            }
            if f > h {
                (h, from) = (f, FROM_F);
            }
            h_row[j] = h;
            row[j] = flags | from;
            if h > best {
                (best, best_at) = (h, (i, j));
            }
        }
        std::mem::swap(&mut h_prev, &mut h_row);
        std::mem::swap(&mut f_prev, &mut f_row);
    }
    if best <= 0 {
        return None;
    }
    // Traceback from the best cell until H restarts from zero.
    let (mut i, mut j) = best_at;
    let (mut matched, mut weighed) = (0, 0.0);
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        H,
        E,
        F,
    }
    let mut state = State::H;
    while i > 0 && j > 0 {
        let cell = trace[i * width + j];
        match state {
            State::H => match cell & 3 {
                FROM_ZERO => break,
                FROM_DIAG => {
                    if a[i - 1] == b[j - 1] {
                        matched += 1;
                        weighed += weight(a[i - 1]);
                    }
                    i -= 1;
                    j -= 1;
                }
                FROM_E => state = State::E,
                _ => state = State::F,
            },
            State::E => {
                if cell & E_EXTENDS == 0 {
                    state = State::H;
                }
                j -= 1;
            }
            State::F => {
                if cell & F_EXTENDS == 0 {
                    state = State::H;
                }
                i -= 1;
            }
        }
    }
    Some(Alignment {
        a: (i, best_at.0),
        b: (j, best_at.1),
        matched,
        weight: weighed,
        score: best,
    })
}

/// The word diff from the earlier span to the later one: runs of words
/// kept, added, removed and replaced, with their places in both texts.
///
/// Words are compared as written, folded for case and accents only, so a
/// change of spelling or number (`behaviour` → `behavior`, `State` →
/// `States`) shows, even though the alignment ran through it.
pub fn diff(
    earlier_text: &str,
    earlier: &Words,
    later_text: &str,
    later: &Words,
    alignment: &Alignment,
) -> Vec<Edit> {
    let side = |text: &str, words: &Words, (from, to): (usize, usize)| {
        let ws = &words.as_slice()[from..to];
        let folded: Vec<String> = ws
            .iter()
            .map(|w| exact_words(&text[w.start as usize..w.end as usize]).join(" "))
            .collect();
        // Char offsets of every word's start and end, for the edits.
        let bytes: Vec<usize> = ws
            .iter()
            .flat_map(|w| [w.start as usize, w.end as usize])
            .collect();
        (folded, char_offsets(text, &bytes), ws.to_vec())
    };
    let (old, old_chars, old_words) = side(earlier_text, earlier, alignment.a);
    let (new, new_chars, new_words) = side(later_text, later, alignment.b);
    // A run's char range and text; an empty run sits where the next word
    // starts (or where the span ends).
    let run = |text: &str, chars: &[usize], ws: &[super::words::Word], from: usize, len: usize| {
        if len == 0 {
            let at = if from < ws.len() {
                chars[2 * from]
            } else {
                chars.last().copied().unwrap_or(0)
            };
            return ([at, at], String::new());
        }
        let range = [chars[2 * from], chars[2 * (from + len) - 1]];
        let written = text[ws[from].start as usize..ws[from + len - 1].end as usize].to_string();
        (range, written)
    };
    capture_diff_slices(Algorithm::Myers, &old, &new)
        .into_iter()
        .map(|op| {
            let (kind, o, ol, n, nl) = match op {
                DiffOp::Equal {
                    old_index,
                    new_index,
                    len,
                } => (EditKind::Same, old_index, len, new_index, len),
                DiffOp::Delete {
                    old_index,
                    old_len,
                    new_index,
                } => (EditKind::Removed, old_index, old_len, new_index, 0),
                DiffOp::Insert {
                    old_index,
                    new_index,
                    new_len,
                } => (EditKind::Added, old_index, 0, new_index, new_len),
                DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } => (EditKind::Replaced, old_index, old_len, new_index, new_len),
            };
            let (earlier, earlier_text) = run(earlier_text, &old_chars, &old_words, o, ol);
            let (later, later_text) = run(later_text, &new_chars, &new_words, n, nl);
            Edit {
                kind,
                earlier,
                later,
                earlier_text,
                later_text,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Lexicon;

    fn words(text: &str) -> Words {
        Words::new(&Lexicon::builtin(), text)
    }

    const NORM: &str = "States should not conduct or knowingly support ICT activity contrary to \
                        their obligations under international law that intentionally damages \
                        critical infrastructure";

    #[test]
    fn finds_the_shared_span_inside_other_text() {
        let a = format!(
            "Alpha beta gamma delta epsilon zeta eta theta. {NORM}. Iota kappa lambda mu nu."
        );
        let b =
            format!("Completely different opening words here and there: {NORM}; and then more.");
        let (wa, wb) = (words(&a), words(&b));
        let al = align(&wa, &wb).unwrap();
        let norm_words = words(NORM).len();
        assert_eq!(al.matched, norm_words);
        assert_eq!(&a[wa.byte_range(al.a.0, al.a.1)], NORM);
        assert_eq!(&b[wb.byte_range(al.b.0, al.b.1)], NORM);
        assert!((al.similarity() - 1.0).abs() < 1e-9);
        assert_eq!(al.score, MATCH * norm_words as i32);
    }

    #[test]
    fn changed_words_are_marked_and_the_rest_aligned() {
        let earlier = NORM;
        let later = "States must not conduct or knowingly support ICT activity contrary to \
                     their obligations under international law which intentionally damages \
                     vital critical infrastructure";
        let (we, wl) = (words(earlier), words(later));
        let al = align(&we, &wl).unwrap();
        assert_eq!((al.a, al.b), ((0, we.len()), (0, wl.len())));
        let edits = diff(earlier, &we, later, &wl, &al);
        let changes: Vec<(EditKind, &str, &str)> = edits
            .iter()
            .filter(|e| e.kind != EditKind::Same)
            .map(|e| (e.kind, e.earlier_text.as_str(), e.later_text.as_str()))
            .collect();
        assert_eq!(
            changes,
            vec![
                (EditKind::Replaced, "should", "must"),
                (EditKind::Replaced, "that", "which"),
                (EditKind::Added, "", "vital"),
            ]
        );
        // Every other word is kept, in order, and the runs tile both spans.
        let same: usize = edits
            .iter()
            .filter(|e| e.kind == EditKind::Same)
            .map(|e| words(&e.later_text).len())
            .sum();
        assert_eq!(same, we.len() - 2);
        let chars =
            |t: &str, r: [usize; 2]| t.chars().skip(r[0]).take(r[1] - r[0]).collect::<String>();
        for e in &edits {
            assert_eq!(chars(earlier, e.earlier), e.earlier_text);
            assert_eq!(chars(later, e.later), e.later_text);
        }
    }

    #[test]
    fn a_change_at_either_end_stays_in_the_version() {
        let earlier = "Moreover states should cooperate to prevent harmful practices in the use of ICTs today";
        let later = "Furthermore states should cooperate to prevent harmful practices in the use of ICTs tomorrow";
        let (we, wl) = (words(earlier), words(later));
        let al = align(&we, &wl).unwrap();
        assert_eq!((al.a, al.b), ((0, we.len()), (0, wl.len())));
        let edits = diff(earlier, &we, later, &wl, &al);
        assert_eq!(edits.first().unwrap().kind, EditKind::Replaced);
        assert_eq!(edits.last().unwrap().later_text, "tomorrow");
        assert_eq!(al.matched, we.len() - 2);
    }

    #[test]
    fn removed_words_and_accents() {
        let earlier =
            "Les États devraient coopérer pour prévenir les pratiques nuisibles en matière de TIC";
        let later = "les etats devraient cooperer pour prevenir les pratiques en matiere de TIC";
        let (we, wl) = (words(earlier), words(later));
        let al = align(&we, &wl).unwrap();
        let edits = diff(earlier, &we, later, &wl, &al);
        let changes: Vec<_> = edits.iter().filter(|e| e.kind != EditKind::Same).collect();
        assert_eq!(changes.len(), 1, "{edits:?}");
        assert_eq!(changes[0].kind, EditKind::Removed);
        assert_eq!(changes[0].earlier_text, "nuisibles");
        assert_eq!(changes[0].later[0], changes[0].later[1]);
    }

    #[test]
    fn nothing_shared_gives_nothing() {
        assert_eq!(
            align(&words("alpha beta gamma"), &words("delta epsilon")),
            None
        );
        assert_eq!(align(&words(""), &words("delta epsilon")), None);
    }

    #[test]
    fn gaps_are_affine() {
        // Three words inserted in the middle: one gap, not three mismatches
        // chasing each other.
        let a: Vec<u64> = (0..20).collect();
        let mut b: Vec<u64> = (0..10).collect();
        b.extend([100, 101, 102]);
        b.extend(10..20);
        let al = align_keys(&a, &b).unwrap();
        assert_eq!(al.matched, 20);
        assert_eq!(al.score, 20 * MATCH + GAP_OPEN + 2 * GAP_EXTEND);
        assert_eq!((al.a, al.b), ((0, 20), (0, 23)));
    }

    #[test]
    fn a_window_gives_offsets_in_the_whole_passage() {
        let a: Vec<u64> = (100..115).collect();
        let mut b: Vec<u64> = (0..50).collect();
        b.extend(100..115);
        b.extend(200..260);
        let whole = align_keys(&a, &b).unwrap();
        let near = align_in_window(&a, &b, (40, 80), &|_| 1.0).unwrap();
        assert_eq!(whole, near);
        assert_eq!(near.b, (50, 65));
        // A window edge is not a passage end: no tail is taken there.
        let tight = align_in_window(&a, &b, (50, 66), &|_| 1.0).unwrap();
        assert_eq!(tight.b, (50, 65));
    }
}
