//! A passage's words as reuse detection compares them.
//!
//! Input: a passage text and the lexicon's stemmed tokens of it
//! ([`Lexicon::tokens`], or the [`Analysis`](crate::lexicon::Analysis) the
//! indexer already made). Output: [`Words`], one [`Word`] per token, each
//! with a 64-bit key of its normalised form and its byte range in the text.
//!
//! Why the lexicon's stemmed form: a formulation that travels is retyped,
//! re-spelled and re-inflected (`behaviour`/`behavior`, `cyber
//! security`/`cybersecurity`, `State`/`States`); comparing normalised forms
//! lets the alignment run through those differences, while the word diff
//! ([`super::align`]) still shows them, because it compares the words as
//! written (case- and accent-folded).
//!
//! Nothing is refused: a text with no word gives empty [`Words`].

use crate::lexicon::Lexicon;
use tantivy::tokenizer::Token;

/// One word of a passage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    /// [`key_of`] its normalised form.
    pub key: u64,
    /// Its byte range in the passage text (a joined compound covers all
    /// its words).
    pub start: u32,
    /// End of the byte range (exclusive).
    pub end: u32,
}

/// The words of one passage, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Words {
    words: Vec<Word>,
}

impl Words {
    /// Analyses `text` with the lexicon.
    pub fn new(lexicon: &Lexicon, text: &str) -> Words {
        Words::from_tokens(&lexicon.tokens(text))
    }

    /// The words of tokens already made by the lexicon for a text
    /// ([`Lexicon::tokens`] or `Analysis::stemmed`).
    pub fn from_tokens(tokens: &[Token]) -> Words {
        Words {
            words: tokens
                .iter()
                .map(|t| Word {
                    key: key_of(&t.text),
                    start: t.offset_from as u32,
                    end: t.offset_to as u32,
                })
                .collect(),
        }
    }

    /// The words.
    pub fn as_slice(&self) -> &[Word] {
        &self.words
    }

    /// How many words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether there is no word.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = u64> + '_ {
        self.words.iter().map(|w| w.key)
    }

    /// Byte range in the text of the words `from..to` (word indices).
    pub fn byte_range(&self, from: usize, to: usize) -> std::ops::Range<usize> {
        if from >= to || to > self.words.len() {
            return 0..0;
        }
        self.words[from].start as usize..self.words[to - 1].end as usize
    }
}

/// The key of one normalised word: 64-bit FNV-1a of its bytes.
///
/// Stored signatures are made of these keys, so the function is written
/// down here rather than borrowed from a hasher whose output may change
/// between releases (std's and rustc-hash's make no such promise).
pub fn key_of(word: &str) -> u64 {
    key_of_bytes(word.as_bytes())
}

/// [`key_of`] a word's bytes (a term of the index's dictionary).
pub fn key_of_bytes(word: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in word {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Character offset of each byte offset in `offsets` (sorted ascending or
/// not), for JSON output that counts characters as `search --json` does.
pub fn char_offsets(text: &str, offsets: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_unstable_by_key(|&i| offsets[i]);
    let mut out = vec![0; offsets.len()];
    let (mut byte, mut chars) = (0usize, 0usize);
    for i in order {
        let target = offsets[i].min(text.len());
        if target > byte {
            chars += text[byte..target].chars().count();
            byte = target;
        }
        out[i] = chars;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelling_inflection_and_compounds_meet() {
        let lex = Lexicon::builtin();
        let a = Words::new(
            &lex,
            "Norms of responsible State behaviour in cyber security",
        );
        let b = Words::new(
            &lex,
            "norms of responsible states' behavior in cybersecurity",
        );
        assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
        assert_ne!(key_of("state"), key_of("states"));
    }

    #[test]
    fn offsets_point_into_the_text() {
        let lex = Lexicon::builtin();
        let text = "« Les États » — rights online";
        let w = Words::new(&lex, text);
        assert_eq!(w.len(), 4);
        assert_eq!(&text[w.byte_range(1, 2)], "États");
        assert_eq!(&text[w.byte_range(2, 4)], "rights online");
        let bytes = [w.byte_range(1, 2).start, w.byte_range(1, 2).end];
        assert_eq!(char_offsets(text, &bytes), vec![6, 11]);
        assert_eq!(w.byte_range(3, 3), 0..0);
    }

    #[test]
    fn key_is_fnv1a() {
        // Published FNV-1a 64 test vectors: stored signatures depend on them.
        assert_eq!(key_of(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(key_of("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(key_of("foobar"), 0x8594_4171_f739_67e8);
    }
}
