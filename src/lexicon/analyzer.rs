//! The tantivy analysers: words split, lower-cased and folded in one pass
//! ([`exact_analyzer`]), then rewritten by the lexicon's rules (the
//! stemmed analyser's token filter), and the [`Handoff`] that gives the
//! indexing threads the tokens the build's workers already made.
//!
//! Input: text. Output: tokens with offsets and positions, the same for
//! the index, the queries, the tagger and the highlighter.

use std::fmt;
use std::sync::Arc;

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
};

use super::language::{fold_more, is_unspaced};
use super::rules::{FastMap, Rules, Stemming};
use super::Analysis;

/// Words longer than this (URLs, hashes, run-together PDF text) are dropped:
/// nobody searches for them and they bloat the term dictionary.
const MAX_TOKEN_BYTES: usize = 40;

/// The exact analyser ([`super::EXACT_TOKENIZER`]): words split, lower-cased,
/// accents folded. No stemming, no rewrites.
pub fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(FoldedWords::default())
}

/// The exact analyser as a chain of tantivy's own tokenizer and filters:
/// what [`FoldedWords`] does in one pass, and what it hands a word with
/// letters outside ASCII to.
pub(super) fn exact_chain() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Splits, lower-cases and accent-folds words in one pass over the text:
/// the tokens (text, offsets, positions) of [`SimpleTokenizer`], then
/// [`RemoveLongFilter`] at [`MAX_TOKEN_BYTES`], [`LowerCaser`] and
/// [`AsciiFoldingFilter`].
///
/// Why not the chain itself: every passage is split three times while it
/// is indexed (the exact field, the stemmed field, the workers' analysis
/// for themes and anchors), and the chain goes through three filter
/// streams per word and decodes every character. Here a word of ASCII
/// letters and digits (nearly all of them) is found byte by byte and
/// lower-cased in place; a word with any other letter goes through the
/// chain, so the two agree on every word.
#[derive(Clone, Default)]
pub(super) struct FoldedWords {
    pub(super) token: Token,
    /// Made at the first word outside ASCII.
    pub(super) chain: Option<TextAnalyzer>,
}

impl Tokenizer for FoldedWords {
    type TokenStream<'a> = FoldedWordsStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> FoldedWordsStream<'a> {
        self.token.reset();
        FoldedWordsStream {
            text,
            at: 0,
            token: &mut self.token,
            chain: &mut self.chain,
        }
    }
}

pub(super) struct FoldedWordsStream<'a> {
    pub(super) text: &'a str,
    /// Byte offset where the search for the next word starts.
    pub(super) at: usize,
    pub(super) token: &'a mut Token,
    pub(super) chain: &'a mut Option<TextAnalyzer>,
}

impl FoldedWordsStream<'_> {
    /// The character starting at byte `at` (a char boundary, not ASCII)
    /// and whether [`SimpleTokenizer`] counts it as part of a word.
    pub(super) fn wide_char(&self, at: usize) -> (usize, bool) {
        let c = self.text[at..].chars().next().unwrap_or(' ');
        (c.len_utf8(), c.is_alphanumeric())
    }

    /// Whether the character at byte `at` is written without spaces
    /// between words (an ideograph): it is then a word of its own.
    fn unspaced_at(&self, at: usize) -> bool {
        self.text[at..].chars().next().is_some_and(is_unspaced)
    }
}

impl TokenStream for FoldedWordsStream<'_> {
    fn advance(&mut self) -> bool {
        let bytes = self.text.as_bytes();
        loop {
            self.token.text.clear();
            // The start of the next word.
            while self.at < bytes.len() {
                let b = bytes[self.at];
                if b.is_ascii() {
                    if b.is_ascii_alphanumeric() {
                        break;
                    }
                    self.at += 1;
                } else {
                    let (len, in_word) = self.wide_char(self.at);
                    if in_word {
                        break;
                    }
                    self.at += len;
                }
            }
            if self.at >= bytes.len() {
                return false;
            }
            let from = self.at;
            let mut ascii = true;
            while self.at < bytes.len() {
                let b = bytes[self.at];
                if b.is_ascii() {
                    if !b.is_ascii_alphanumeric() {
                        break;
                    }
                    self.at += 1;
                } else {
                    let (len, in_word) = self.wide_char(self.at);
                    if !in_word {
                        break;
                    }
                    // An ideograph is a word of its own: Chinese writes no
                    // spaces, and a run of them would be one huge word.
                    if self.unspaced_at(self.at) {
                        if self.at == from {
                            self.at += len;
                            ascii = false;
                        }
                        break;
                    }
                    ascii = false;
                    self.at += len;
                }
            }
            // A dropped long word still takes its position, as it does
            // in the chain (the filter drops tokens already numbered).
            self.token.position = self.token.position.wrapping_add(1);
            if self.at - from >= MAX_TOKEN_BYTES {
                continue;
            }
            self.token.offset_from = from;
            self.token.offset_to = self.at;
            let word = &self.text[from..self.at];
            if ascii {
                self.token.text.push_str(word);
                self.token.text.make_ascii_lowercase();
            } else {
                // The word is one run of letters and digits, so the chain
                // gives it back as one token, lower-cased and folded.
                let chain = self.chain.get_or_insert_with(exact_chain);
                let mut stream = chain.token_stream(word);
                if stream.advance() {
                    let folded = &stream.token().text;
                    match fold_more(folded) {
                        Some(more) => self.token.text.push_str(&more),
                        None => self.token.text.push_str(folded),
                    }
                }
            }
            return true;
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// The exact-field words of `text`: split, lower-cased, accent-folded.
pub fn exact_words(text: &str) -> Vec<String> {
    folded_words(text).into_iter().map(|t| t.text).collect()
}

/// Words of `text`, split, lower-cased and folded, with offsets.
pub(super) fn folded_words(text: &str) -> Vec<Token> {
    let mut analyzer = exact_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(std::mem::take(stream.token_mut()));
    }
    out
}

/// Applies the lexicon's one-to-one rewrites to folded words: the -ise rule,
/// English stemming, spellings and compound joins.
///
/// It sees a whole field value at once (passages are short), because joining
/// a compound needs the words that follow and the text between them.
#[derive(Clone)]
pub(super) struct LexiconFilter {
    pub(super) rules: Arc<Rules>,
    pub(super) stemming: Stemming,
    pub(super) handoff: Option<Arc<Handoff>>,
}

impl TokenFilter for LexiconFilter {
    type Tokenizer<T: Tokenizer> = LexiconTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> LexiconTokenizer<T> {
        LexiconTokenizer {
            rules: self.rules,
            stemming: self.stemming,
            handoff: self.handoff,
            inner: tokenizer,
            words: Vec::new(),
        }
    }
}

#[derive(Clone)]
pub(super) struct LexiconTokenizer<T> {
    pub(super) rules: Arc<Rules>,
    pub(super) stemming: Stemming,
    /// Analyses made ahead by the build's workers (see [`Handoff`]).
    pub(super) handoff: Option<Arc<Handoff>>,
    pub(super) inner: T,
    /// Words of the text being analysed; kept between texts so that the
    /// indexer reuses their buffers instead of allocating per word.
    pub(super) words: Vec<Token>,
}

impl<T: Tokenizer> Tokenizer for LexiconTokenizer<T> {
    type TokenStream<'a> = LexiconTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> LexiconTokenStream<'a> {
        let claimed = match &self.handoff {
            Some(handoff) => handoff.claim(text, &mut self.words),
            None => None,
        };
        let len = claimed.unwrap_or_else(|| {
            let n = fill_words(&mut self.words, self.inner.token_stream(text));
            self.rules
                .normalize_in_place(text, &mut self.words[..n], self.stemming)
        });
        LexiconTokenStream {
            tokens: &mut self.words[..len],
            next: 0,
            none: Token::default(),
        }
    }
}

/// Stemmed tokens analysed ahead of indexing, handed from the build's
/// workers to the stemmed analyser on tantivy's indexing threads.
///
/// Why: the workers analyse every passage anyway (its themes are tagged
/// from the stemmed tokens), and tantivy's indexing thread, which would
/// analyse it again, is the build's busiest thread. tantivy's own way in,
/// a pre-tokenized value, is copied twice inside tantivy and would be
/// stored with its tokens.
///
/// A text is known by where it lies in memory: a worker offers the tokens
/// of the text inside the document it is about to add, and the analyser
/// takes them when tantivy hands it that same text. Its length and hash
/// are checked too, so tokens left over by a failed build never pass for
/// another text's. A text nobody offered for (headings, queries) is
/// analysed as usual. Token buffers go round between the two sides, so
/// nothing is allocated per passage once the build runs.
#[derive(Default)]
pub struct Handoff {
    pub(super) inner: std::sync::Mutex<HandoffState>,
    /// Signalled on every claim, for workers waiting to offer.
    pub(super) claimed: std::sync::Condvar,
}

#[derive(Default)]
pub(super) struct HandoffState {
    /// Offered analyses by the address of their text.
    pub(super) waiting: FastMap<usize, Offered>,
    /// Spent token buffers, to be filled again.
    pub(super) spare: Vec<Vec<Token>>,
    /// Claims stopped coming while offers waited: workers no longer wait.
    pub(super) stalled: bool,
}

pub(super) struct Offered {
    pub(super) len: usize,
    pub(super) hash: u64,
    pub(super) tokens: Vec<Token>,
    /// How many of `tokens` are the text's (the rest are spent buffers).
    pub(super) n: usize,
}

/// Spent buffers kept for reuse; beyond this they are freed.
pub(super) const HANDOFF_SPARE: usize = 256;

/// Offers waiting beyond this are not made. tantivy's queue holds at most
/// 10,000 documents, so only texts that were never claimed (a tantivy
/// that copied them before analysis) could pile up this far: the build
/// then analyses them again instead of growing without end.
pub(super) const HANDOFF_MAX_WAITING: usize = 20_000;

/// Offers waiting beyond this make a worker wait for the indexing threads
/// to claim some before it offers (and adds) another passage. Each offer
/// holds a passage's tokens, several kilobytes: with tantivy's queue full
/// of offered passages, a build held hundreds of megabytes more than it
/// needs to keep the indexing threads busy.
pub(super) const HANDOFF_QUEUE: usize = 1_000;

/// How long a worker waits for a claim before deciding claims have
/// stopped (longer than an indexing thread takes to write a segment).
pub(super) const HANDOFF_PATIENCE: std::time::Duration = std::time::Duration::from_secs(10);

impl fmt::Debug for Handoff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let waiting = self.state().waiting.len();
        f.debug_struct("Handoff")
            .field("waiting", &waiting)
            .finish()
    }
}

impl Handoff {
    pub(super) fn state(&self) -> std::sync::MutexGuard<'_, HandoffState> {
        // A panic elsewhere cannot leave the map half-updated in a way
        // that matters: every entry is checked when it is claimed.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Offers `analysis`'s stemmed tokens for `text`, which must not move
    /// until it has been indexed (the text inside a document being added).
    pub fn offer(&self, text: &str, analysis: &Analysis) {
        let mut tokens = {
            let mut state = self.state();
            while state.waiting.len() >= HANDOFF_QUEUE && !state.stalled {
                let (s, wait) = self
                    .claimed
                    .wait_timeout(state, HANDOFF_PATIENCE)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                state = s;
                if wait.timed_out() {
                    state.stalled = true;
                }
            }
            // Another language's tokens are always offered: analysed
            // again on the indexing thread, the text would be taken as
            // English.
            if state.waiting.len() >= HANDOFF_MAX_WAITING && !analysis.marked {
                return;
            }
            state.spare.pop().unwrap_or_default()
        };
        let n = fill_tokens(&mut tokens, analysis.stemmed());
        let offered = Offered {
            len: text.len(),
            hash: text_hash(text),
            tokens,
            n,
        };
        self.state().waiting.insert(text.as_ptr() as usize, offered);
    }

    /// Analyses offered and not yet claimed.
    pub fn waiting(&self) -> usize {
        self.state().waiting.len()
    }

    /// The tokens offered for `text`, swapped into `words`; how many.
    pub(super) fn claim(&self, text: &str, words: &mut Vec<Token>) -> Option<usize> {
        let hash = text_hash(text);
        let mut state = self.state();
        let offered = state.waiting.remove(&(text.as_ptr() as usize))?;
        self.claimed.notify_all();
        if offered.len != text.len() || offered.hash != hash {
            return None;
        }
        let Offered { mut tokens, n, .. } = offered;
        std::mem::swap(words, &mut tokens);
        if state.spare.len() < HANDOFF_SPARE {
            state.spare.push(tokens);
        }
        Some(n)
    }
}

pub(super) fn text_hash(text: &str) -> u64 {
    use std::hash::Hasher as _;
    let mut h = rustc_hash::FxHasher::default();
    h.write(text.as_bytes());
    h.finish()
}

/// Copies `from` into `words`, reusing the buffers already there; returns
/// how many it wrote.
pub(super) fn fill_tokens(words: &mut Vec<Token>, from: &[Token]) -> usize {
    if words.len() < from.len() {
        words.resize_with(from.len(), Token::default);
    }
    for (w, t) in words.iter_mut().zip(from) {
        w.text.clear();
        w.text.push_str(&t.text);
        w.offset_from = t.offset_from;
        w.offset_to = t.offset_to;
        w.position = t.position;
        w.position_length = t.position_length;
    }
    from.len()
}

/// Copies the tokens of `stream` into `words`, reusing the buffers already
/// there; returns how many it wrote.
pub(super) fn fill_words<S: TokenStream>(words: &mut Vec<Token>, mut stream: S) -> usize {
    let mut n = 0;
    while stream.advance() {
        let t = stream.token();
        if n == words.len() {
            words.push(Token::default());
        }
        let w = &mut words[n];
        w.text.clear();
        w.text.push_str(&t.text);
        w.offset_from = t.offset_from;
        w.offset_to = t.offset_to;
        w.position = t.position;
        w.position_length = t.position_length;
        n += 1;
    }
    n
}

pub(super) struct LexiconTokenStream<'a> {
    pub(super) tokens: &'a mut [Token],
    /// One past the current token.
    pub(super) next: usize,
    /// What `token` shows before the first `advance`.
    pub(super) none: Token,
}

impl TokenStream for LexiconTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        match self.next {
            0 => &self.none,
            n => &self.tokens[n - 1],
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        match self.next {
            0 => &mut self.none,
            n => &mut self.tokens[n - 1],
        }
    }
}
