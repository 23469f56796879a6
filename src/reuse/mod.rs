//! Lineage of agreed wording: where a formulation first appears and how it
//! travels between documents.
//!
//! Input: passages (id, document, date, text). Output: for a text or a
//! passage, its [`Trace`] — every passage sharing wording with it, earliest
//! document first, each with the shared span and a word diff against the
//! closest earlier version; for the whole corpus, [`Cluster`]s of passages
//! sharing a span; for a passage, the [`SimilarPassage`]s most like it.
//!
//! The pieces, in pipeline order:
//!
//! 1. [`words`]: a passage's words, normalised by the lexicon (case,
//!    accents, spellings, compounds, stems), with their places in the text.
//! 2. [`signature`]: per passage, the winnowed hashes of its 5-word
//!    shingles (a compact [`Signature`], made while the passage is indexed),
//!    and the inverted [`SignatureIndex`] that finds the passages sharing a
//!    run of words without comparing all pairs; [`spill`] keeps a build's
//!    signatures on disk and writes that table from them in bounded memory.
//! 3. [`align`]: Smith–Waterman over the words of a candidate pair, which
//!    finds the shared span exactly, and the word diff of the two spans.
//! 4. [`Library`] (trace, similar) and clusters (`Library::clusters`): the
//!    searches, over an in-memory table of passages and their signatures.
//!
//! What counts as reuse: an alignment of passages of different documents
//! with at least [`ReuseOptions::min_words`] matched words, at least half
//! of them (in weight, [`stats`]) more than function words. Shorter shared phrases ("information and
//! communication technologies", "in accordance with international law")
//! never count, whatever their number, nor do longer runs of the
//! commonest words; a document repeating its own text is not reuse.

pub mod align;
mod cluster;
mod library;
pub mod signature;
pub mod spill;
pub mod stats;
pub mod words;

pub use align::{Alignment, Edit, EditKind};
pub use cluster::{Cluster, ClusterMember};
pub use library::{
    EarlierVersion, Library, Passage, PassageInfo, PassageTexts, ReuseError, SimilarPassage, Trace,
    TraceEntry,
};
pub use signature::{Params, Signature, SignatureIndex};
pub use spill::{SignatureBatch, SignatureSpill, SpilledBatch};
pub use stats::WordStats;
pub use words::{Word, Words};

use serde::{Deserialize, Serialize};

/// Thresholds of the searches.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReuseOptions {
    /// Least number of matched words for shared wording (default
    /// [`DEFAULT_MIN_WORDS`]). Below the signatures'
    /// [`Params::guaranteed_words`], shorter shared runs may be missed.
    pub min_words: usize,
    /// Most passages aligned per search (trace, similar), the rarest
    /// sharers first.
    pub max_candidates: usize,
    /// Hashes held by more passages than this are stop-shingles: stock
    /// phrases, skipped by every search ([`DEFAULT_MAX_POSTINGS`]).
    pub max_postings: usize,
    /// Share of `min_words` the matched words must weigh
    /// ([`WordStats::weight`]): 0.5 by default, 0 to count words alone.
    pub min_weight_share: f64,
}

/// The default [`ReuseOptions::min_words`].
pub const DEFAULT_MIN_WORDS: usize = 10;

/// The default [`ReuseOptions::max_postings`]: a run of five words held by
/// more than 100 passages is a stock phrase.
///
/// Measured on the founding and extra texts together (47 documents,
/// 19,400 passages, 141,398 distinct hashes): no hash is held by more than
/// 50 passages, 5 by more than 20, 48 by more than 10, so the bound drops
/// nothing there. On the generated 100 MB corpus,
/// whose every run is repeated hundreds of times, the bound is what keeps
/// `trace` and `reuse` from aligning every passage with every other. A
/// formulation that truly travelled into more than 100 passages is not
/// traced by its common runs; `Trace::stock_shingles` says so.
pub const DEFAULT_MAX_POSTINGS: usize = 100;

impl Default for ReuseOptions {
    fn default() -> ReuseOptions {
        ReuseOptions {
            min_words: DEFAULT_MIN_WORDS,
            max_candidates: 300,
            max_postings: DEFAULT_MAX_POSTINGS,
            min_weight_share: 0.5,
        }
    }
}

impl ReuseOptions {
    /// Whether an alignment shares enough wording to count as reuse: at
    /// least `min_words` matched words, weighing at least
    /// `min_weight_share` of `min_words`.
    pub fn accepts(&self, alignment: &Alignment) -> bool {
        let min = self.min_words.max(1);
        alignment.matched >= min && alignment.weight >= self.min_weight_share * min as f64 - 1e-9
    }
}
