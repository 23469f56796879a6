//! The field's vocabulary: one normalisation for the index, the queries and
//! the theme tagger.
//!
//! Input: a lexicon file (`corpus/lexicon.toml`, or the copy built into the
//! program) listing British/American spellings, compounds written apart or
//! joined, and acronyms with their long forms. Output: a [`Lexicon`] that
//!
//! * registers two tantivy analysers: [`STEMMED_TOKENIZER`] (words split,
//!   lower-cased, accents folded, spellings and compounds rewritten, English
//!   stems) and [`EXACT_TOKENIZER`] (lower-cased and folded, nothing else);
//! * analyses a text into the same stemmed tokens ([`Lexicon::analyze`]), so
//!   that the theme tagger matches exactly what search matches;
//! * lists the acronym ↔ long-form variants of a query text
//!   ([`Lexicon::expansions`]).
//!
//! Refused, with a [`UserError::Data`] naming the file, line and entry: TOML
//! errors, unknown keys, empty entries, acronyms without a long form, and
//! rewrites that conflict (one word rewritten two ways, or a rewrite whose
//! result is rewritten again).
//!
//! Why rewrites happen on stems: a librarian writes `centre = "center"` once,
//! and `centres`, `centred` follow, because both sides are stemmed before the
//! mapping is stored and every indexed word is stemmed before it is looked up.
//!
//! Why compounds are joined into one token rather than split: a joined token
//! keeps one position, so phrase queries line up whichever way a text writes
//! the compound (`"national cyber security strategy"` finds
//! `national cybersecurity strategy`). Positions are renumbered after a join
//! for exactly that reason.
//!
//! Why acronyms are not rewritten in the index: `CBMs` and
//! `confidence-building measures` differ in length, and a token filter that
//! emits several tokens for one word turns a query word into a phrase. The
//! query parser instead asks [`Lexicon::expansions`] for alternatives and ORs
//! them.
//!
//! ```
//! use normsearch::lexicon::Lexicon;
//! let lex = Lexicon::builtin();
//! assert_eq!(lex.analyze("behaviour"), lex.analyze("Behaviors"));
//! assert_eq!(lex.analyze("cyber-security"), lex.analyze("cybersecurity"));
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
};

use crate::error::{line_of_offset, Error, UserError};

/// Name of the stemmed, normalising analyser in the index's tokenizer manager.
pub const STEMMED_TOKENIZER: &str = "ns_stem";
/// Name of the lightly stemmed analyser: the same rewrites as
/// [`STEMMED_TOKENIZER`] on words reduced only to their singular
/// (`digitisation` and `digitization` meet, `digital` stays apart). No
/// field of the index uses it since schema version 2: a third positional
/// copy of every passage cost a third of the build.
pub const NORMALIZED_TOKENIZER: &str = "ns_norm";
/// Name of the exact analyser (case-folded, accent-folded, nothing else).
pub const EXACT_TOKENIZER: &str = "ns_exact";

/// The lexicon shipped inside the program.
const BUILTIN: &str = include_str!("../corpus/lexicon.toml");

/// The file name looked for in a corpus folder.
const FILE_NAME: &str = "lexicon.toml";

/// Words longer than this (URLs, hashes, run-together PDF text) are dropped:
/// nobody searches for them and they bloat the term dictionary.
const MAX_TOKEN_BYTES: usize = 40;

/// -ise forms of this many letters or fewer are never -ize variants
/// (rise, wise, noise, raise, arise, crise-s).
const ISE_MIN_LETTERS: usize = 6;

/// Suffixes of the -ise family, longest first so that `-isations` wins
/// over `-ise`.
const ISE_SUFFIXES: &[(&str, &str)] = &[
    ("isational", "izational"),
    ("isations", "izations"),
    ("isation", "ization"),
    ("ising", "izing"),
    ("isers", "izers"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("iser", "izer"),
    ("ise", "ize"),
];

/// The domain normalisation: spellings, compounds, acronyms.
///
/// Cheap to clone (the rules are shared).
#[derive(Clone)]
pub struct Lexicon {
    rules: Arc<Rules>,
    source: Arc<str>,
}

impl fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lexicon")
            .field("spellings", &self.rules.full.spelling.len())
            .field("compounds", &self.rules.compound_count)
            .field("acronyms", &self.rules.acronyms.len())
            .finish()
    }
}

/// One variant of a query text: the text as a person reads it and the
/// stemmed tokens to search for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The text with acronyms or long forms replaced, for `--explain`.
    pub text: String,
    /// Its normalised tokens, as [`Lexicon::analyze`] gives them.
    pub tokens: Vec<String>,
}

/// An acronym or a long form standing in a text, and what may replace it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternatives {
    /// Byte range of the acronym or long form in the text.
    pub span: std::ops::Range<usize>,
    /// The replacements: a long form's acronym, an acronym's long forms.
    pub variants: Vec<Variant>,
}

impl Lexicon {
    /// The lexicon built into the program.
    pub fn builtin() -> Lexicon {
        // The built-in file is tested (`builtin_lexicon_is_valid`); failing
        // here would be a defect of the program, not of user input.
        Lexicon::parse(BUILTIN, Path::new("<built-in lexicon.toml>"))
            .expect("the built-in lexicon is valid")
    }

    /// The lexicon of a corpus folder: `corpus_dir/lexicon.toml` when it
    /// exists, else the built-in one.
    pub fn load(corpus_dir: &Path) -> crate::Result<Lexicon> {
        let path = corpus_dir.join(FILE_NAME);
        match std::fs::read_to_string(&path) {
            Ok(src) => Lexicon::parse(&src, &path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Lexicon::builtin()),
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => Err(UserError::data(
                &path,
                None,
                "the lexicon is not UTF-8 text; save it as UTF-8",
            )
            .into()),
            Err(e) => Err(Error::io(path, e)),
        }
    }

    /// Parses lexicon source text; `path` names it in error messages.
    pub fn parse(src: &str, path: &Path) -> crate::Result<Lexicon> {
        let file: LexiconFile = toml::from_str(src).map_err(|e| {
            let line = e.span().map(|s| line_of_offset(src, s.start));
            // toml's messages may span lines; an error prints as one.
            let message = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
            UserError::data(
                path,
                line,
                format!("lexicon: {message}; fix the lexicon (its format is described at the top of the built-in lexicon.toml)"),
            )
        })?;
        let rules = Rules::build(file, &Locator { src, path })?;
        Ok(Lexicon {
            rules: Arc::new(rules),
            source: Arc::from(src),
        })
    }

    /// The compiled rules, to store beside an index (see
    /// [`from_compiled`](Self::from_compiled)).
    pub fn compiled(&self) -> Vec<u8> {
        let r = &self.rules;
        let compiled = CompiledRef {
            version: COMPILED_VERSION,
            source: blake3::hash(self.source.as_bytes()).to_hex().to_string(),
            ise_exceptions: &r.ise_exceptions,
            ise_endings: &r.ise_endings,
            full: &r.full,
            light: &r.light,
            compound_count: r.compound_count,
            acronyms: &r.acronyms,
        };
        // Plain data with string keys: serialising cannot fail.
        serde_json::to_vec(&compiled).unwrap_or_default()
    }

    /// The lexicon of `source` from its [`compiled`](Self::compiled) rules,
    /// or `None` when they were compiled from another source or by another
    /// version (then [`parse`](Self::parse) the source).
    pub fn from_compiled(compiled: &[u8], source: &str) -> Option<Lexicon> {
        let c: Compiled = serde_json::from_slice(compiled).ok()?;
        if c.version != COMPILED_VERSION
            || c.source != blake3::hash(source.as_bytes()).to_hex().as_str()
        {
            return None;
        }
        let rules = Rules {
            id: NEXT_RULES_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
            ise_exceptions: c.ise_exceptions,
            ise_endings: c.ise_endings,
            full: c.full,
            light: c.light,
            compound_count: c.compound_count,
            acronyms: c.acronyms,
        };
        Some(Lexicon {
            rules: Arc::new(rules),
            source: Arc::from(source),
        })
    }

    /// The lexicon's source bytes, for the index's input fingerprint.
    pub fn source_bytes(&self) -> &[u8] {
        self.source.as_bytes()
    }

    /// Registers [`STEMMED_TOKENIZER`] and [`EXACT_TOKENIZER`] with an index.
    pub fn register(&self, index: &tantivy::Index) {
        let manager = index.tokenizers();
        manager.register(STEMMED_TOKENIZER, self.stemmed_analyzer());
        manager.register(NORMALIZED_TOKENIZER, self.analyzer(Stemming::Light));
        manager.register(EXACT_TOKENIZER, exact_analyzer());
    }

    /// The stemmed, normalising analyser ([`STEMMED_TOKENIZER`]).
    pub fn stemmed_analyzer(&self) -> TextAnalyzer {
        self.analyzer(Stemming::Full)
    }

    fn analyzer(&self, stemming: Stemming) -> TextAnalyzer {
        self.analyzer_with(stemming, None)
    }

    fn analyzer_with(&self, stemming: Stemming, handoff: Option<Arc<Handoff>>) -> TextAnalyzer {
        TextAnalyzer::builder(FoldedWords::default())
            .filter(LexiconFilter {
                rules: Arc::clone(&self.rules),
                stemming,
                handoff,
            })
            .build()
    }

    /// Registers the analysers like [`register`](Self::register), with a
    /// stemmed analyser that takes the tokens offered to `handoff` for a
    /// text instead of analysing it again.
    pub fn register_with_handoff(&self, index: &tantivy::Index, handoff: Arc<Handoff>) {
        self.register(index);
        index.tokenizers().register(
            STEMMED_TOKENIZER,
            self.analyzer_with(Stemming::Full, Some(handoff)),
        );
    }

    /// The normalised, stemmed tokens of `text`, in order: what the index
    /// holds for it in the stemmed field.
    pub fn analyze(&self, text: &str) -> Vec<String> {
        self.tokens(text).into_iter().map(|t| t.text).collect()
    }

    /// Like [`analyze`](Self::analyze), with byte offsets into `text` and
    /// positions: a joined compound spans the offsets of all its words.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        self.rules
            .normalize(text, folded_words(text), Stemming::Full)
    }

    /// Like [`tokens`](Self::tokens), for a text written in `language` (an
    /// ISO 639-1 code, as a manifest's `language`): the one entry point for
    /// whatever must be analysed as a document of that language is (the
    /// theme tagger's cues of that language). Every language is analysed
    /// as [`tokens`](Self::tokens) does for now; a language given its own
    /// analyser changes here, and its cues follow.
    pub fn tokens_in(&self, text: &str, language: &str) -> Vec<Token> {
        let _ = language;
        self.tokens(text)
    }

    /// The [`NORMALIZED_TOKENIZER`] tokens of `text`: rewritten like
    /// [`analyze`](Self::analyze), but reduced only to the singular.
    pub fn analyze_light(&self, text: &str) -> Vec<String> {
        self.rules.analyze_plain(text, Stemming::Light)
    }

    /// Analyses `text` once for everything indexing needs: its exact-field
    /// words and its normalised tokens, as [`exact_tokens`](Self::exact_tokens)
    /// and [`tokens`](Self::tokens) give them, into `into`'s reused buffers.
    pub fn analyse_into(&self, text: &str, into: &mut Analysis) {
        into.folded_len = fill_words(&mut into.folded, into.exact.token_stream(text));
        let folded = &into.folded[..into.folded_len];
        if into.stemmed.len() < folded.len() {
            into.stemmed.resize_with(folded.len(), Token::default);
        }
        for (s, f) in into.stemmed.iter_mut().zip(folded) {
            s.text.clear();
            s.text.push_str(&f.text);
            s.offset_from = f.offset_from;
            s.offset_to = f.offset_to;
        }
        into.stemmed_len =
            self.rules
                .normalize_in_place(text, &mut into.stemmed[..folded.len()], Stemming::Full);
    }

    /// The spellings of one folded word that the lexicon treats as the same
    /// word (`digitization`, `digitisation`; `behaviours`, `behaviors`),
    /// `word` first: what an exact-field boost must accept so that neither
    /// US nor UK spelling is favoured.
    pub fn spellings(&self, word: &str) -> Vec<String> {
        let key = self.analyze_light(word);
        let mut out = vec![word.to_string()];
        let push = |c: String, out: &mut Vec<String>| {
            if !out.contains(&c) && self.analyze_light(&c) == key {
                out.push(c);
            }
        };
        if let Some(ize) = self.rules.ise_to_ize(word) {
            push(ize, &mut out);
        }
        for (ise, ize) in ISE_SUFFIXES {
            if let Some(stem) = word.strip_suffix(ize) {
                push(format!("{stem}{ise}"), &mut out);
                break;
            }
        }
        // The spelling table, both ways, on the word and on its singular.
        let spelling = &self.rules.light.spelling;
        let (base, plural) = match word.strip_suffix('s') {
            Some(b) if !spelling.contains_key(word) => (b, "s"),
            _ => (word, ""),
        };
        for (british, american) in spelling {
            if british == base {
                push(format!("{american}{plural}"), &mut out);
            } else if american == base {
                push(format!("{british}{plural}"), &mut out);
            }
        }
        out
    }

    /// The exact-field tokens of `text`, with byte offsets.
    pub fn exact_tokens(&self, text: &str) -> Vec<Token> {
        folded_words(text)
    }

    /// The exact-field tokens of `text` (case- and accent-folded only).
    pub fn analyze_exact(&self, text: &str) -> Vec<String> {
        exact_words(text)
    }

    /// Every acronym and long form in `text`, left to right, longest first,
    /// not overlapping, each with its replacements.
    pub fn alternatives(&self, text: &str) -> Vec<Alternatives> {
        let tokens = self.tokens(text);
        self.rules
            .expansion_spots(text, &tokens)
            .into_iter()
            .map(|spot| Alternatives {
                span: tokens[spot.start].offset_from..tokens[spot.start + spot.len - 1].offset_to,
                variants: spot
                    .alternatives
                    .into_iter()
                    .map(|f| Variant {
                        text: f.written,
                        tokens: f.tokens,
                    })
                    .collect(),
            })
            .collect()
    }

    /// The acronym ↔ long-form variants of a query text (a word or a
    /// phrase), the text itself first, at most `max` in all.
    ///
    /// Every acronym in `text` may be replaced by each of its long forms, and
    /// every long form by its acronym and the other long forms; a text with
    /// two such spots yields their combinations, in order, until `max`.
    pub fn expansions(&self, text: &str, max: usize) -> Vec<Variant> {
        let tokens = self.tokens(text);
        let original = Variant {
            text: text.to_string(),
            tokens: tokens.iter().map(|t| t.text.clone()).collect(),
        };
        if max <= 1 {
            return if max == 1 { vec![original] } else { Vec::new() };
        }
        let spots = self.rules.expansion_spots(text, &tokens);
        if spots.is_empty() {
            return vec![original];
        }
        // Each spot offers the original span (choice 0) and its alternatives;
        // enumerate choices like an odometer, leftmost spot fastest.
        let mut out = vec![original];
        let mut choice = vec![0usize; spots.len()];
        'outer: loop {
            let mut k = 0;
            loop {
                if k == spots.len() {
                    break 'outer;
                }
                choice[k] += 1;
                if choice[k] <= spots[k].alternatives.len() {
                    break;
                }
                choice[k] = 0;
                k += 1;
            }
            if out.len() >= max {
                break;
            }
            out.push(render_variant(text, &tokens, &spots, &choice));
        }
        out
    }
}

/// Builds the text and tokens of one combination of choices.
fn render_variant(text: &str, tokens: &[Token], spots: &[Spot], choice: &[usize]) -> Variant {
    let mut out_text = String::new();
    let mut out_tokens = Vec::new();
    let mut text_at = 0;
    let mut tok_at = 0;
    for (spot, &c) in spots.iter().zip(choice) {
        let from = tokens[spot.start].offset_from;
        let to = tokens[spot.start + spot.len - 1].offset_to;
        out_tokens.extend(tokens[tok_at..spot.start].iter().map(|t| t.text.clone()));
        out_text.push_str(&text[text_at..from]);
        if c == 0 {
            out_text.push_str(&text[from..to]);
            out_tokens.extend(
                tokens[spot.start..spot.start + spot.len]
                    .iter()
                    .map(|t| t.text.clone()),
            );
        } else {
            let alt = &spot.alternatives[c - 1];
            out_text.push_str(&alt.written);
            out_tokens.extend(alt.tokens.iter().cloned());
        }
        text_at = to;
        tok_at = spot.start + spot.len;
    }
    out_text.push_str(&text[text_at..]);
    out_tokens.extend(tokens[tok_at..].iter().map(|t| t.text.clone()));
    Variant {
        text: out_text,
        tokens: out_tokens,
    }
}

/// One text's analysis for indexing (see [`Lexicon::analyse_into`]).
///
/// Reused from one passage to the next, so that analysing a corpus
/// allocates per new word of the vocabulary, not per word of the text.
#[derive(Clone, Default)]
pub struct Analysis {
    exact: FoldedWords,
    folded: Vec<Token>,
    folded_len: usize,
    stemmed: Vec<Token>,
    stemmed_len: usize,
}

impl fmt::Debug for Analysis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Analysis")
            .field("folded", &self.folded())
            .field("stemmed", &self.stemmed())
            .finish()
    }
}

impl Analysis {
    /// The exact-field words (split, case- and accent-folded).
    pub fn folded(&self) -> &[Token] {
        &self.folded[..self.folded_len]
    }

    /// The normalised, stemmed tokens (the stemmed field's).
    pub fn stemmed(&self) -> &[Token] {
        &self.stemmed[..self.stemmed_len]
    }
}

/// The exact analyser ([`EXACT_TOKENIZER`]): words split, lower-cased,
/// accents folded. No stemming, no rewrites.
pub fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(FoldedWords::default())
}

/// The exact analyser as a chain of tantivy's own tokenizer and filters:
/// what [`FoldedWords`] does in one pass, and what it hands a word with
/// letters outside ASCII to.
fn exact_chain() -> TextAnalyzer {
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
struct FoldedWords {
    token: Token,
    /// Made at the first word outside ASCII.
    chain: Option<TextAnalyzer>,
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

struct FoldedWordsStream<'a> {
    text: &'a str,
    /// Byte offset where the search for the next word starts.
    at: usize,
    token: &'a mut Token,
    chain: &'a mut Option<TextAnalyzer>,
}

impl FoldedWordsStream<'_> {
    /// The character starting at byte `at` (a char boundary, not ASCII)
    /// and whether [`SimpleTokenizer`] counts it as part of a word.
    fn wide_char(&self, at: usize) -> (usize, bool) {
        let c = self.text[at..].chars().next().unwrap_or(' ');
        (c.len_utf8(), c.is_alphanumeric())
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
                    self.token.text.push_str(&stream.token().text);
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
fn folded_words(text: &str) -> Vec<Token> {
    let mut analyzer = exact_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(std::mem::take(stream.token_mut()));
    }
    out
}

// ---------------------------------------------------------------------------
// The file format.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    #[serde(default)]
    spelling: BTreeMap<String, String>,
    #[serde(default)]
    ise: IseFile,
    #[serde(default)]
    compounds: BTreeMap<String, OneOrMany>,
    #[serde(default)]
    acronyms: BTreeMap<String, AcronymFile>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct IseFile {
    #[serde(default)]
    exceptions: Vec<String>,
    #[serde(default)]
    endings: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum AcronymFile {
    Long(OneOrMany),
    Table(AcronymTable),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AcronymTable {
    long: OneOrMany,
    #[serde(default)]
    case_sensitive: bool,
}

/// Finds the line of an entry in the source, for error messages.
struct Locator<'a> {
    src: &'a str,
    path: &'a Path,
}

impl Locator<'_> {
    /// The 1-based line where `needle` (a key or a quoted value) first occurs
    /// inside section `[section]`.
    fn line(&self, section: &str, needle: &str) -> Option<usize> {
        let header = format!("[{section}]");
        let quoted = format!("\"{needle}\"");
        let mut inside = false;
        for (i, line) in self.src.lines().enumerate() {
            let t = line.trim_start();
            if t.starts_with('[') {
                inside = t.starts_with(&header);
                continue;
            }
            if !inside || t.starts_with('#') {
                continue;
            }
            let is_key = t
                .strip_prefix(needle)
                .or_else(|| t.strip_prefix(&quoted))
                .is_some_and(|rest| rest.trim_start().starts_with('='));
            if is_key || t.contains(&quoted) {
                return Some(i + 1);
            }
        }
        None
    }

    fn error(&self, section: &str, entry: &str, message: String) -> Error {
        UserError::data(
            PathBuf::from(self.path),
            self.line(section, entry),
            format!("lexicon [{section}] `{entry}`: {message}"),
        )
        .into()
    }
}

// ---------------------------------------------------------------------------
// The compiled rules.

/// How far words are reduced before the rewrites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stemming {
    /// English (Snowball) stems: `digitization` and `digital` meet.
    Full,
    /// Plurals only: `measures` → `measure`, `policies` → `policy`.
    Light,
}

/// The rewrites at one [`Stemming`] level.
#[derive(Default, Serialize, Deserialize)]
struct Level {
    /// Stem of the British form → stem of the American form.
    spelling: FastMap<String, String>,
    /// First normalised word of a compound → its candidates, longest first.
    compounds: FastMap<String, Vec<Compound>>,
}

/// A hash map for short keys looked up once per word indexed; SipHash's
/// resistance to flooding buys nothing against a lexicon and a corpus.
pub(crate) type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;

/// The Fx hash (as in rustc): a multiply and a rotate per word of input.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Words already normalised by this thread, per lexicon and level: a
/// corpus repeats a few thousand words, and stemming is the costliest step
/// of indexing.
struct WordCache {
    rules: u64,
    stemming: Stemming,
    words: FastMap<String, String>,
}

thread_local! {
    static WORD_CACHES: std::cell::RefCell<Vec<WordCache>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Cached words per thread and level before the cache starts afresh.
const WORD_CACHE_LIMIT: usize = 100_000;

/// Gives every compiled lexicon its own identity in the word caches.
static NEXT_RULES_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

struct Rules {
    /// Unique per compiled lexicon (see [`WordCache`]).
    id: u64,
    stemmer: frostem::Stemmer,
    ise_exceptions: HashSet<String>,
    ise_endings: Vec<String>,
    full: Level,
    light: Level,
    compound_count: usize,
    acronyms: Vec<Acronym>,
}

#[derive(Serialize, Deserialize)]
struct Compound {
    parts: Vec<String>,
    joined: String,
}

#[derive(Serialize, Deserialize)]
struct Acronym {
    /// As the lexicon writes it (`CBM`).
    written: String,
    tokens: Vec<String>,
    case_sensitive: bool,
    long: Vec<LongForm>,
}

#[derive(Serialize, Deserialize)]
struct LongForm {
    written: String,
    tokens: Vec<String>,
}

/// Bumped whenever the compiled form of the rules changes meaning.
const COMPILED_VERSION: u32 = 1;

/// The compiled rules as written into an index generation: opening an
/// index then skips re-stemming every entry of the lexicon, the largest
/// part of a search process's start-up.
#[derive(Serialize)]
struct CompiledRef<'a> {
    version: u32,
    /// blake3 of the lexicon source these rules come from.
    source: String,
    ise_exceptions: &'a HashSet<String>,
    ise_endings: &'a [String],
    full: &'a Level,
    light: &'a Level,
    compound_count: usize,
    acronyms: &'a [Acronym],
}

#[derive(Deserialize)]
struct Compiled {
    version: u32,
    source: String,
    ise_exceptions: HashSet<String>,
    ise_endings: Vec<String>,
    full: Level,
    light: Level,
    compound_count: usize,
    acronyms: Vec<Acronym>,
}

/// A place in a query text where an acronym or a long form stands.
struct Spot {
    /// First token index.
    start: usize,
    /// Number of tokens.
    len: usize,
    alternatives: Vec<LongForm>,
}

impl Rules {
    fn build(file: LexiconFile, at: &Locator<'_>) -> crate::Result<Rules> {
        let mut rules = Rules {
            id: NEXT_RULES_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
            ise_exceptions: HashSet::new(),
            ise_endings: Vec::new(),
            full: Level::default(),
            light: Level::default(),
            compound_count: 0,
            acronyms: Vec::new(),
        };
        rules.build_ise(file.ise, at)?;
        rules.build_spelling(file.spelling, at)?;
        rules.build_compounds(file.compounds, at)?;
        rules.build_acronyms(file.acronyms, at)?;
        Ok(rules)
    }

    fn build_ise(&mut self, ise: IseFile, at: &Locator<'_>) -> crate::Result<()> {
        for (list, what) in [(ise.exceptions, "exceptions"), (ise.endings, "endings")] {
            for word in list {
                let folded = self.single_folded_word(&word);
                let Some(folded) = folded else {
                    return Err(at.error(
                        "ise",
                        &word,
                        format!("each of `{what}` must be one word, got {word:?}"),
                    ));
                };
                if !folded.ends_with("ise") {
                    return Err(at.error(
                        "ise",
                        &word,
                        format!("each of `{what}` must end in -ise, got {word:?}"),
                    ));
                }
                if what == "exceptions" {
                    self.ise_exceptions.insert(folded);
                } else {
                    self.ise_endings.push(folded);
                }
            }
        }
        Ok(())
    }

    /// `word` lower-cased and folded when it is exactly one word.
    fn single_folded_word(&self, word: &str) -> Option<String> {
        let mut words = folded_words(word);
        (words.len() == 1).then(|| words.remove(0).text)
    }

    fn build_spelling(
        &mut self,
        spelling: BTreeMap<String, String>,
        at: &Locator<'_>,
    ) -> crate::Result<()> {
        // Both sides are normalised without spelling rules (the map is being
        // built), so the stored pair is stem → stem.
        let mut sources: HashMap<String, String> = HashMap::new();
        for (british, american) in &spelling {
            let (Some(b), Some(a)) = (
                self.single_folded_word(british),
                self.single_folded_word(american),
            ) else {
                return Err(at.error(
                    "spelling",
                    british,
                    format!(
                        "both sides must be one word, got {british:?} = {american:?}; \
                         compounds go in [compounds]"
                    ),
                ));
            };
            // The light level only serves ranking; where two entries meet
            // there, the first one stands.
            let (lb, la) = (
                self.stem_word(&b, Stemming::Light),
                self.stem_word(&a, Stemming::Light),
            );
            if lb != la {
                self.light.spelling.entry(lb).or_insert(la);
            }
            let b = self.stem_word(&b, Stemming::Full);
            let a = self.stem_word(&a, Stemming::Full);
            if a == b {
                // Already the same after stemming and the -ise rule: harmless.
                continue;
            }
            if let Some(prev) = self.full.spelling.get(&b) {
                if *prev != a {
                    return Err(at.error(
                        "spelling",
                        british,
                        format!(
                            "conflicts with `{}`: the same word would be rewritten both to \
                             {american:?} and to the other entry's spelling; keep one",
                            sources[&b]
                        ),
                    ));
                }
            }
            self.full.spelling.insert(b.clone(), a);
            sources.insert(b, british.clone());
        }
        let chained: Vec<String> = self
            .light
            .spelling
            .values()
            .filter(|v| self.light.spelling.contains_key(*v))
            .cloned()
            .collect();
        for v in chained {
            self.light.spelling.remove(&v);
        }
        // A rewrite whose result is rewritten again would depend on the
        // order the rules run in; refuse it rather than guess.
        for (british, american) in &spelling {
            let a = self.stem_word(
                &self.single_folded_word(american).unwrap_or_default(),
                Stemming::Full,
            );
            if let Some(other) = sources.get(&a) {
                return Err(at.error(
                    "spelling",
                    british,
                    format!(
                        "conflicts with `{other}`: {american:?} is itself rewritten by that \
                         entry; point both at the final spelling"
                    ),
                ));
            }
        }
        Ok(())
    }

    fn build_compounds(
        &mut self,
        compounds: BTreeMap<String, OneOrMany>,
        at: &Locator<'_>,
    ) -> crate::Result<()> {
        let mut by_parts: HashMap<Vec<String>, (String, String)> = HashMap::new();
        for (joined_written, variants) in compounds {
            let joined = self.normalize(
                &joined_written,
                folded_words(&joined_written),
                Stemming::Full,
            );
            let light_joined = self.analyze_plain(&joined_written, Stemming::Light);
            if joined.len() != 1 {
                return Err(at.error(
                    "compounds",
                    &joined_written,
                    "the joined form must be one word (no spaces or hyphens)".into(),
                ));
            }
            let joined = joined
                .into_iter()
                .next()
                .map(|t| t.text)
                .unwrap_or_default();
            let variants = variants.into_vec();
            if variants.is_empty() {
                return Err(at.error(
                    "compounds",
                    &joined_written,
                    "empty entry: list how the compound is written apart, e.g. \
                     [\"cyber security\"]"
                        .into(),
                ));
            }
            for variant in variants {
                let parts: Vec<String> = folded_words(&variant)
                    .iter()
                    .map(|t| self.normalize_word(&t.text, Stemming::Full))
                    .collect();
                let light_parts: Vec<String> = folded_words(&variant)
                    .iter()
                    .map(|t| self.normalize_word(&t.text, Stemming::Light))
                    .collect();
                if parts.len() < 2 {
                    return Err(at.error(
                        "compounds",
                        &joined_written,
                        format!("{variant:?} must be two or more words"),
                    ));
                }
                match by_parts.get(&parts) {
                    Some((prev_joined, prev_written)) if *prev_joined != joined => {
                        return Err(at.error(
                            "compounds",
                            &joined_written,
                            format!(
                                "conflicts with `{prev_written}`: {variant:?} would be joined \
                                 two ways; keep one"
                            ),
                        ));
                    }
                    Some(_) => continue,
                    None => {}
                }
                by_parts.insert(parts.clone(), (joined.clone(), joined_written.clone()));
                let light_list = self
                    .light
                    .compounds
                    .entry(light_parts[0].clone())
                    .or_default();
                if !light_list.iter().any(|c| c.parts == light_parts) {
                    light_list.push(Compound {
                        parts: light_parts,
                        joined: light_joined.concat(),
                    });
                }
                self.full
                    .compounds
                    .entry(parts[0].clone())
                    .or_default()
                    .push(Compound {
                        parts,
                        joined: joined.clone(),
                    });
                self.compound_count += 1;
            }
        }
        for list in self
            .full
            .compounds
            .values_mut()
            .chain(self.light.compounds.values_mut())
        {
            list.sort_by_key(|c| std::cmp::Reverse(c.parts.len()));
        }
        Ok(())
    }

    fn build_acronyms(
        &mut self,
        acronyms: BTreeMap<String, AcronymFile>,
        at: &Locator<'_>,
    ) -> crate::Result<()> {
        let mut seen: HashMap<Vec<String>, String> = HashMap::new();
        for (written, entry) in acronyms {
            let (long, case_sensitive) = match entry {
                AcronymFile::Long(l) => (l.into_vec(), false),
                AcronymFile::Table(t) => (t.long.into_vec(), t.case_sensitive),
            };
            let tokens = self.analyze_plain(&written, Stemming::Full);
            if tokens.is_empty() {
                return Err(at.error("acronyms", &written, "empty acronym".into()));
            }
            if long.is_empty() {
                return Err(at.error(
                    "acronyms",
                    &written,
                    "has no long form: give at least one, e.g. CBM = [\"confidence-building \
                     measure\"]"
                        .into(),
                ));
            }
            if let Some(prev) = seen.get(&tokens) {
                return Err(at.error(
                    "acronyms",
                    &written,
                    format!("is the same word as `{prev}` after normalisation; merge the entries"),
                ));
            }
            seen.insert(tokens.clone(), written.clone());
            let mut forms: Vec<LongForm> = Vec::new();
            for l in long {
                let t = self.analyze_plain(&l, Stemming::Full);
                if t.is_empty() {
                    return Err(at.error(
                        "acronyms",
                        &written,
                        "empty long form: remove the empty string".into(),
                    ));
                }
                if t == tokens {
                    return Err(at.error(
                        "acronyms",
                        &written,
                        format!("long form {l:?} is the acronym itself"),
                    ));
                }
                // `information and communication(s) technology` collapse
                // to one token sequence; keep the first as written.
                if !forms.iter().any(|f| f.tokens == t) {
                    forms.push(LongForm {
                        written: l,
                        tokens: t,
                    });
                }
            }
            self.acronyms.push(Acronym {
                written,
                tokens,
                case_sensitive,
                long: forms,
            });
        }
        Ok(())
    }

    fn analyze_plain(&self, text: &str, stemming: Stemming) -> Vec<String> {
        self.normalize(text, folded_words(text), stemming)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    /// The -ise → -ize rule on one folded word, when it applies.
    fn ise_to_ize(&self, word: &str) -> Option<String> {
        let (suffix, replacement) = ISE_SUFFIXES.iter().find(|(s, _)| word.ends_with(s))?;
        let stem = &word[..word.len() - suffix.len()];
        let base = format!("{stem}ise");
        if base.chars().count() < ISE_MIN_LETTERS
            || self.ise_exceptions.contains(&base)
            || self.ise_endings.iter().any(|e| base.ends_with(e.as_str()))
        {
            return None;
        }
        Some(format!("{stem}{replacement}"))
    }

    fn level(&self, stemming: Stemming) -> &Level {
        match stemming {
            Stemming::Full => &self.full,
            Stemming::Light => &self.light,
        }
    }

    /// One folded word → its stem after the -ise rule.
    fn stem_word(&self, word: &str, stemming: Stemming) -> String {
        let ized = self.ise_to_ize(word);
        let word = ized.as_deref().unwrap_or(word);
        match stemming {
            Stemming::Full => self.stemmer.stem(word).into_owned(),
            Stemming::Light => plural_stem(word).to_string(),
        }
    }

    /// Runs `f` with this thread's cache of normalised words for these
    /// rules and level.
    ///
    /// Cached: a word's normal form depends only on the -ise rule, the
    /// stemmer and the spelling map, all complete before the first call
    /// (building the spelling map uses [`stem_word`](Self::stem_word)
    /// alone). Looked up once per text, not once per word: the
    /// thread-local access and the search for the right cache cost as much
    /// as a hash lookup.
    fn with_word_cache<R>(
        &self,
        stemming: Stemming,
        f: impl FnOnce(&mut FastMap<String, String>) -> R,
    ) -> R {
        WORD_CACHES.with(|caches| {
            let mut caches = caches.borrow_mut();
            let at = match caches
                .iter()
                .position(|c| c.rules == self.id && c.stemming == stemming)
            {
                Some(i) => i,
                None => {
                    caches.push(WordCache {
                        rules: self.id,
                        stemming,
                        words: FastMap::default(),
                    });
                    caches.len() - 1
                }
            };
            f(&mut caches[at].words)
        })
    }

    /// One folded word → its normalised stem: -ise rule, stem, spelling.
    fn normalize_word(&self, word: &str, stemming: Stemming) -> String {
        let mut w = word.to_string();
        self.with_word_cache(stemming, |cache| {
            self.normalize_cached(&mut w, stemming, cache)
        });
        w
    }

    /// Rewrites `word` in place into its normalised stem, through `cache`.
    /// A word seen before costs a hash lookup and a copy into the word's
    /// own buffer: no allocation.
    fn normalize_cached(
        &self,
        word: &mut String,
        stemming: Stemming,
        cache: &mut FastMap<String, String>,
    ) {
        if let Some(done) = cache.get(word.as_str()) {
            word.clear();
            word.push_str(done);
            return;
        }
        let done = self.normalize_word_uncached(word, stemming);
        if cache.len() >= WORD_CACHE_LIMIT {
            cache.clear();
        }
        let key = std::mem::replace(word, done.clone());
        cache.insert(key, done);
    }

    fn normalize_word_uncached(&self, word: &str, stemming: Stemming) -> String {
        let stem = self.stem_word(word, stemming);
        match self.level(stemming).spelling.get(&stem) {
            Some(american) => american.clone(),
            None => stem,
        }
    }

    /// Folded words of `text` → normalised tokens, compounds joined and
    /// positions renumbered.
    fn normalize(&self, text: &str, mut words: Vec<Token>, stemming: Stemming) -> Vec<Token> {
        let n = self.normalize_in_place(text, &mut words, stemming);
        words.truncate(n);
        words
    }

    /// [`normalize`](Self::normalize) in place: the first `n` entries of
    /// `words` become the tokens, `n` returned; the rest are spent words
    /// whose buffers the caller may reuse.
    fn normalize_in_place(&self, text: &str, words: &mut [Token], stemming: Stemming) -> usize {
        self.with_word_cache(stemming, |cache| {
            for w in words.iter_mut() {
                // The stemmer keeps the s of `cbms` (no vowel before it), so
                // an acronym's plural written in capitals loses it here.
                if is_capital_plural(text.get(w.offset_from..w.offset_to).unwrap_or("")) {
                    w.text.pop();
                }
                self.normalize_cached(&mut w.text, stemming, cache);
            }
        });
        let compounds = &self.level(stemming).compounds;
        let mut out = 0;
        let mut i = 0;
        while i < words.len() {
            let joined = compounds
                .get(words[i].text.as_str())
                .and_then(|cands| {
                    cands
                        .iter()
                        .find(|c| compound_at(text, &words[i..], &c.parts))
                })
                .map(|c| (c, words[i + c.parts.len() - 1].offset_to));
            // Entries before `i` from `out` on are spent (words joined into
            // an earlier compound), so swapping keeps every buffer.
            words.swap(out, i);
            match joined {
                Some((c, last_to)) => {
                    let t = &mut words[out];
                    t.text.clear();
                    t.text.push_str(&c.joined);
                    t.offset_to = last_to;
                    i += c.parts.len();
                }
                None => i += 1,
            }
            words[out].position = out;
            words[out].position_length = 1;
            out += 1;
        }
        out
    }

    /// Acronyms and long forms standing in `tokens`, left to right, longest
    /// first, not overlapping.
    fn expansion_spots(&self, text: &str, tokens: &[Token]) -> Vec<Spot> {
        let words: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
        let mut spots = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let mut best: Option<Spot> = None;
            for acr in &self.acronyms {
                let mut consider = |len: usize, alternatives: Vec<LongForm>| {
                    if best.as_ref().is_none_or(|b| len > b.len) {
                        best = Some(Spot {
                            start: i,
                            len,
                            alternatives,
                        });
                    }
                };
                if starts_with(&words[i..], &acr.tokens) {
                    let n = acr.tokens.len();
                    let written = &text[tokens[i].offset_from..tokens[i + n - 1].offset_to];
                    if !acr.case_sensitive || written_as(written, &acr.written) {
                        consider(n, acr.long.iter().map(LongForm::clone_of).collect());
                    }
                }
                for (k, form) in acr.long.iter().enumerate() {
                    if starts_with(&words[i..], &form.tokens) {
                        let mut alts = vec![LongForm {
                            written: acr.written.clone(),
                            tokens: acr.tokens.clone(),
                        }];
                        alts.extend(
                            acr.long
                                .iter()
                                .enumerate()
                                .filter(|&(j, _)| j != k)
                                .map(|(_, f)| f.clone_of()),
                        );
                        consider(form.tokens.len(), alts);
                    }
                }
            }
            match best {
                Some(spot) => {
                    i += spot.len;
                    spots.push(spot);
                }
                None => i += 1,
            }
        }
        spots
    }
}

impl LongForm {
    fn clone_of(&self) -> LongForm {
        LongForm {
            written: self.written.clone(),
            tokens: self.tokens.clone(),
        }
    }
}

/// `CBMs`, `CSIRTs`, `G20s`: two or more capitals or digits (one capital
/// at least) and a lower-case s.
fn is_capital_plural(word: &str) -> bool {
    let Some(stem) = word.strip_suffix('s') else {
        return false;
    };
    stem.len() >= 2
        && stem.bytes().any(|b| b.is_ascii_uppercase())
        && stem
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// The plural-only stem of a folded word (Harman's S-stemmer): `policies`
/// → `policy`, `measures` → `measure`, `cbms` → `cbm`; `us`, `ss`, `aes`,
/// `ees`, `oes` endings stay.
fn plural_stem(word: &str) -> std::borrow::Cow<'_, str> {
    if let Some(stem) = word.strip_suffix("ies") {
        if !stem.ends_with('e') && !stem.ends_with('a') && !stem.is_empty() {
            return format!("{stem}y").into();
        }
        return word.into();
    }
    if word.ends_with("es") && !["aes", "ees", "oes"].iter().any(|e| word.ends_with(e)) {
        return word[..word.len() - 1].into();
    }
    if word.len() > 2 && word.ends_with('s') && !word.ends_with("us") && !word.ends_with("ss") {
        return word[..word.len() - 1].into();
    }
    word.into()
}

fn starts_with(words: &[&str], pattern: &[String]) -> bool {
    words.len() >= pattern.len() && words.iter().zip(pattern).all(|(w, p)| *w == p.as_str())
}

/// Whether a case-sensitive acronym is written as the lexicon writes it,
/// allowing a plural `s` (`IPs`).
fn written_as(found: &str, acronym: &str) -> bool {
    found == acronym || found.strip_suffix('s') == Some(acronym)
}

/// Whether `parts` stand at the start of `words`, separated in `text` only by
/// spaces, line breaks or hyphens: `cyber. Security` is no compound.
fn compound_at(text: &str, words: &[Token], parts: &[String]) -> bool {
    if words.len() < parts.len() {
        return false;
    }
    let matches = words.iter().zip(parts).all(|(w, p)| w.text == *p);
    matches
        && words[..parts.len()].windows(2).all(|pair| {
            let gap = text
                .get(pair[0].offset_to..pair[1].offset_from)
                .unwrap_or("");
            gap.chars().all(|c| {
                c.is_whitespace() || matches!(c, '-' | '\u{2010}' | '\u{2011}' | '\u{00AD}')
            })
        })
}

// ---------------------------------------------------------------------------
// The token filter.

/// Applies the lexicon's one-to-one rewrites to folded words: the -ise rule,
/// English stemming, spellings and compound joins.
///
/// It sees a whole field value at once (passages are short), because joining
/// a compound needs the words that follow and the text between them.
#[derive(Clone)]
struct LexiconFilter {
    rules: Arc<Rules>,
    stemming: Stemming,
    handoff: Option<Arc<Handoff>>,
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
struct LexiconTokenizer<T> {
    rules: Arc<Rules>,
    stemming: Stemming,
    /// Analyses made ahead by the build's workers (see [`Handoff`]).
    handoff: Option<Arc<Handoff>>,
    inner: T,
    /// Words of the text being analysed; kept between texts so that the
    /// indexer reuses their buffers instead of allocating per word.
    words: Vec<Token>,
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
    inner: std::sync::Mutex<HandoffState>,
    /// Signalled on every claim, for workers waiting to offer.
    claimed: std::sync::Condvar,
}

#[derive(Default)]
struct HandoffState {
    /// Offered analyses by the address of their text.
    waiting: FastMap<usize, Offered>,
    /// Spent token buffers, to be filled again.
    spare: Vec<Vec<Token>>,
    /// Claims stopped coming while offers waited: workers no longer wait.
    stalled: bool,
}

struct Offered {
    len: usize,
    hash: u64,
    tokens: Vec<Token>,
    /// How many of `tokens` are the text's (the rest are spent buffers).
    n: usize,
}

/// Spent buffers kept for reuse; beyond this they are freed.
const HANDOFF_SPARE: usize = 256;

/// Offers waiting beyond this are not made. tantivy's queue holds at most
/// 10,000 documents, so only texts that were never claimed (a tantivy
/// that copied them before analysis) could pile up this far: the build
/// then analyses them again instead of growing without end.
const HANDOFF_MAX_WAITING: usize = 20_000;

/// Offers waiting beyond this make a worker wait for the indexing threads
/// to claim some before it offers (and adds) another passage. Each offer
/// holds a passage's tokens, several kilobytes: with tantivy's queue full
/// of offered passages, a build held hundreds of megabytes more than it
/// needs to keep the indexing threads busy.
const HANDOFF_QUEUE: usize = 1_000;

/// How long a worker waits for a claim before deciding claims have
/// stopped (longer than an indexing thread takes to write a segment).
const HANDOFF_PATIENCE: std::time::Duration = std::time::Duration::from_secs(10);

impl fmt::Debug for Handoff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let waiting = self.state().waiting.len();
        f.debug_struct("Handoff")
            .field("waiting", &waiting)
            .finish()
    }
}

impl Handoff {
    fn state(&self) -> std::sync::MutexGuard<'_, HandoffState> {
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
            if state.waiting.len() >= HANDOFF_MAX_WAITING {
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
    fn claim(&self, text: &str, words: &mut Vec<Token>) -> Option<usize> {
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

fn text_hash(text: &str) -> u64 {
    use std::hash::Hasher as _;
    let mut h = FxHasher::default();
    h.write(text.as_bytes());
    h.finish()
}

/// Copies `from` into `words`, reusing the buffers already there; returns
/// how many it wrote.
fn fill_tokens(words: &mut Vec<Token>, from: &[Token]) -> usize {
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
fn fill_words<S: TokenStream>(words: &mut Vec<Token>, mut stream: S) -> usize {
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

struct LexiconTokenStream<'a> {
    tokens: &'a mut [Token],
    /// One past the current token.
    next: usize,
    /// What `token` shows before the first `advance`.
    none: Token,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every token of `text` from `analyzer`, whole.
    fn all_tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().clone());
        }
        out
    }

    fn same_as_chain(text: &str) {
        let one_pass = all_tokens(&mut exact_analyzer(), text);
        let chain = all_tokens(&mut exact_chain(), text);
        assert_eq!(one_pass, chain, "{text:?}");
    }

    #[test]
    fn the_stemmed_analyser_takes_offered_tokens_for_that_text_only() {
        let l = lex();
        let index = tantivy::Index::create_in_ram(tantivy::schema::Schema::builder().build());
        let handoff = Arc::new(Handoff::default());
        l.register_with_handoff(&index, Arc::clone(&handoff));
        let mut analyzer = index.tokenizers().get(STEMMED_TOKENIZER).unwrap();
        let texts = |a: &mut TextAnalyzer, t: &str| -> Vec<String> {
            all_tokens(a, t).into_iter().map(|t| t.text).collect()
        };

        let text = String::from("Confidence-building measures");
        let mut other = Analysis::default();
        l.analyse_into("alpha beta gamma", &mut other);
        handoff.offer(&text, &other);
        assert_eq!(handoff.waiting(), 1);
        // Offered tokens are taken (here another text's, to tell them apart).
        assert_eq!(texts(&mut analyzer, &text), ["alpha", "beta", "gamma"]);
        assert_eq!(handoff.waiting(), 0);
        // Once only, and never for the same words elsewhere in memory.
        assert_eq!(texts(&mut analyzer, &text), l.analyze(&text));
        handoff.offer(&text, &other);
        let copy = text.clone();
        assert_eq!(texts(&mut analyzer, &copy), l.analyze(&text));
        // Nor for a shorter text at the same address.
        assert_eq!(texts(&mut analyzer, &text[..10]), l.analyze(&text[..10]));
        assert_eq!(handoff.waiting(), 0);
    }

    #[test]
    fn one_pass_folding_gives_the_chains_tokens() {
        for text in [
            "",
            "   ",
            "Hello, happy tax payer!",
            "CBMs and ICTs: the UN GGE's 2015 report (A/70/174), para. 13(f).",
            "Café déjà-vu NAÏVE Straße œuvre ﬁnance Æsir ÉTAT",
            "İstanbul ΣΟΦΊΑ Москва 東京 ١٢٣ x²",
            "emoji 🙂 between\u{00AD}soft\u{2010}hyphens and curly “quotes” — dashes",
            "combining e\u{0301}tat, tabs\tand\nnewlines",
            // 39, 40 and 41 bytes: the limit drops words of 40 bytes and more.
            &format!(
                "a {} b {} c {} d",
                "x".repeat(39),
                "y".repeat(40),
                "z".repeat(41)
            ),
            &format!("{} é{} end", "é".repeat(20), "e".repeat(38)),
            "trailing word",
            "ends in a wide letterß",
        ] {
            same_as_chain(text);
        }
    }

    #[test]
    fn one_pass_folding_gives_the_chains_tokens_on_the_corpus() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut texts = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "txt") {
                same_as_chain(&std::fs::read_to_string(&path).unwrap());
                texts += 1;
            }
        }
        assert!(texts > 0);
    }

    fn lex() -> Lexicon {
        Lexicon::builtin()
    }

    fn same(a: &str, b: &str) {
        let l = lex();
        assert_eq!(l.analyze(a), l.analyze(b), "{a:?} vs {b:?}");
    }

    fn differ(a: &str, b: &str) {
        let l = lex();
        assert_ne!(l.analyze(a), l.analyze(b), "{a:?} vs {b:?}");
    }

    #[test]
    fn builtin_lexicon_is_valid() {
        Lexicon::parse(BUILTIN, Path::new("lexicon.toml")).unwrap();
    }

    #[test]
    fn british_and_american_spellings_meet() {
        same("behaviour", "behavior");
        same("Behaviours of States", "behaviors of states");
        same("defence", "defense");
        same("defences", "defenses");
        same("organisation", "organization");
        same("organisations", "organizations");
        same("centre", "center");
        same("centres", "centers");
        same("programme", "program");
        same("licence", "license");
        same("catalogue", "catalog");
        same("labelled", "labeled");
        same("analysed", "analyzed");
    }

    #[test]
    fn ise_family_is_rewritten_by_rule() {
        same("organise", "organize");
        same("prioritised", "prioritized");
        same("recognising", "recognizing");
        same("harmonisation", "harmonization");
        same("internationalisation", "internationalization");
        same("criticise", "criticize");
        same("utilisers", "utilizers");
    }

    #[test]
    fn ise_exceptions_are_kept() {
        for word in [
            "otherwise",
            "likewise",
            "enterprise",
            "expertise",
            "exercise",
            "advise",
            "comprise",
            "premise",
            "compromise",
            "surprise",
            "franchise",
            "supervise",
            "televise",
            "revise",
            "devise",
            "rise",
            "wise",
            "noise",
            "precise",
            "concise",
            "promise",
            "raising",
            "crises",
            "arising",
            "advertised",
        ] {
            let rules = &lex().rules;
            assert_eq!(rules.ise_to_ize(word), None, "{word} must not become -ize");
        }
        differ("exercise", "exercize");
        differ("premises", "premizes");
    }

    #[test]
    fn compounds_written_three_ways_meet() {
        same("cyber security", "cybersecurity");
        same("cyber-security", "cybersecurity");
        same("Cyber Security", "CYBER-SECURITY");
        same("multi-stakeholder", "multistakeholder");
        same("multi stakeholder approach", "multistakeholder approach");
        same("capacity-building", "capacity building");
        same("e-commerce", "ecommerce");
        same("cyber space", "cyberspace");
        same("cyber attacks", "cyberattacks");
        same("co-operation", "cooperation");
        same("NATO CCD COE", "NATO CCDCOE");
        assert_eq!(lex().analyze("cyber security").len(), 1);
    }

    #[test]
    fn compounds_need_adjacent_words() {
        // Sentence punctuation between the words: no compound.
        assert_eq!(lex().analyze("cyber. Security").len(), 2);
        assert_eq!(lex().analyze("cyber, security").len(), 2);
    }

    #[test]
    fn positions_are_renumbered_after_a_join() {
        let toks = lex().tokens("national cyber security strategy");
        let pos: Vec<usize> = toks.iter().map(|t| t.position).collect();
        assert_eq!(pos, vec![0, 1, 2]);
        assert_eq!(
            &"national cyber security strategy"[toks[1].offset_from..toks[1].offset_to],
            "cyber security"
        );
        assert_eq!(
            lex().analyze("national cyber security strategy"),
            lex().analyze("national cybersecurity strategy")
        );
    }

    #[test]
    fn light_level_rewrites_without_merging_word_families() {
        let l = lex();
        assert_eq!(
            l.analyze_light("digitisation"),
            l.analyze_light("digitization")
        );
        assert_ne!(l.analyze_light("digitization"), l.analyze_light("digital"));
        assert_eq!(l.analyze("digitization"), l.analyze("digital"));
        assert_eq!(l.analyze_light("Behaviours"), vec!["behavior"]);
        assert_eq!(l.analyze_light("defences"), l.analyze_light("defense"));
        assert_eq!(
            l.analyze_light("cyber-security policies"),
            vec!["cybersecurity", "policy"]
        );
        assert_eq!(l.analyze_light("CBMs"), l.analyze_light("cbm"));
        assert_eq!(plural_stem("status"), "status");
        assert_eq!(plural_stem("access"), "access");
        assert_eq!(plural_stem("measures"), "measure");
    }

    #[test]
    fn spellings_cover_both_sides_and_nothing_else() {
        let l = Lexicon::builtin();
        assert_eq!(
            l.spellings("digitization"),
            ["digitization", "digitisation"]
        );
        assert_eq!(
            l.spellings("digitisation"),
            ["digitisation", "digitization"]
        );
        assert!(l.spellings("behaviours").contains(&"behaviors".to_string()));
        assert!(l.spellings("defense").contains(&"defence".to_string()));
        // Not an -ise word, not in the table: only itself.
        assert_eq!(l.spellings("promise"), ["promise"]);
        assert_eq!(l.spellings("digital"), ["digital"]);
    }

    #[test]
    fn accents_and_case_fold() {
        same("Rõigas", "roigas");
        same("CBMs", "cbm");
    }

    #[test]
    fn exact_analysis_keeps_spelling_and_inflection() {
        let l = lex();
        assert_ne!(l.analyze_exact("behaviour"), l.analyze_exact("behavior"));
        assert_eq!(l.analyze_exact("Rõigas States"), vec!["roigas", "states"]);
    }

    #[test]
    fn one_analysis_gives_both_fields_tokens() {
        let lex = lex();
        let mut a = Analysis::default();
        // Long then short, so that spent buffers from the first text must
        // not leak into the second.
        for text in [
            "The UK's cyber-security strategy: Confidence-Building Measures (CBMs), \
             organisations and the centres of cyber security in cyber space.",
            "Cyber security and CBMs.",
            "",
            "Behaviour of States",
        ] {
            lex.analyse_into(text, &mut a);
            // Positions aside: `exact_tokens` does not number them.
            let words = |t: &[Token]| -> Vec<(String, usize, usize)> {
                t.iter()
                    .map(|t| (t.text.clone(), t.offset_from, t.offset_to))
                    .collect()
            };
            assert_eq!(words(a.folded()), words(&lex.exact_tokens(text)), "{text}");
            assert_eq!(a.stemmed(), lex.tokens(text).as_slice(), "{text}");
        }
    }

    #[test]
    fn registered_analyzer_matches_analyze() {
        let index = tantivy::Index::create_in_ram(tantivy::schema::Schema::builder().build());
        let l = lex();
        l.register(&index);
        let mut a = index.tokenizers().get(STEMMED_TOKENIZER).unwrap();
        // One analyser for several texts, longest first: the buffers it
        // keeps between texts must not leak words from one to the next.
        for text in [
            "The organisation's cyber-security behaviour, CBMs and the GGE in cyber space.",
            "Cyber security, GGE.",
            "",
            "behaviour",
        ] {
            let mut stream = a.token_stream(text);
            let mut got = Vec::new();
            while let Some(t) = stream.next() {
                got.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
            }
            let want: Vec<(String, usize, usize, usize)> = l
                .tokens(text)
                .into_iter()
                .map(|t| (t.text, t.position, t.offset_from, t.offset_to))
                .collect();
            assert_eq!(got, want, "{text}");
        }
        assert!(index.tokenizers().get(EXACT_TOKENIZER).is_some());
    }

    #[test]
    fn acronyms_expand_both_ways() {
        let l = lex();
        let v = l.expansions("CBMs", 8);
        assert_eq!(v[0].text, "CBMs");
        assert!(v
            .iter()
            .any(|x| x.tokens == l.analyze("confidence-building measures")));
        let v = l.expansions("confidence building measures", 8);
        assert!(v.iter().any(|x| x.tokens == l.analyze("CBM")), "{v:?}");
        let v = l.expansions("ICTs", 8);
        assert!(v
            .iter()
            .any(|x| x.tokens == l.analyze("information and communications technologies")));
    }

    #[test]
    fn acronyms_expand_inside_phrases() {
        let l = lex();
        let v = l.expansions("the GGE report on ICTs", 10);
        let texts: Vec<&str> = v.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(texts[0], "the GGE report on ICTs");
        assert!(texts.contains(&"the Group of Governmental Experts report on ICTs"));
        assert!(texts.contains(&"the GGE report on information and communication technology"));
        assert!(texts.contains(
            &"the Group of Governmental Experts report on information and communication technology"
        ));
        // Every combination: (GGE and its long forms) × (ICTs and its one
        // distinct long form), within the bound.
        let gge = l.expansions("GGE", 100).len();
        assert_eq!(v.len(), (gge * 2).min(10));
        assert_eq!(l.expansions("the GGE report on ICTs", 2).len(), 2);
    }

    #[test]
    fn case_sensitive_acronyms_need_capitals() {
        let l = lex();
        assert_eq!(l.expansions("it is", 8).len(), 1);
        assert_eq!(l.expansions("IT security", 8).len(), 2);
        assert_eq!(l.expansions("APTs", 8).len(), 2);
        assert_eq!(l.expansions("apt", 8).len(), 1);
        // Ordinary acronyms expand whatever the case.
        assert_eq!(l.expansions("gge", 8).len(), l.expansions("GGE", 8).len());
        assert!(l.expansions("gge", 8).len() > 1);
    }

    #[test]
    fn alternatives_name_their_span() {
        let l = lex();
        let text = "adopt confidence-building measures and CBMs";
        let alts = l.alternatives(text);
        assert_eq!(alts.len(), 2);
        assert_eq!(&text[alts[0].span.clone()], "confidence-building measures");
        assert_eq!(alts[0].variants[0].text, "CBM");
        assert_eq!(&text[alts[1].span.clone()], "CBMs");
        assert_eq!(
            alts[1].variants[0].tokens,
            l.analyze("confidence building measure")
        );
    }

    #[test]
    fn nothing_to_expand() {
        let v = lex().expansions("due diligence", 8);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].tokens, lex().analyze("due diligence"));
    }

    fn bad(src: &str) -> String {
        match Lexicon::parse(src, Path::new("corpus/lexicon.toml")) {
            Ok(_) => panic!("accepted a bad lexicon:\n{src}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn bad_lexicons_are_refused_with_file_line_and_entry() {
        let e = bad("[spelling]\nbehaviour = \n");
        assert!(e.starts_with("corpus/lexicon.toml:2:"), "{e}");

        let e = bad("[spellings]\nbehaviour = \"behavior\"\n");
        assert!(
            e.contains("corpus/lexicon.toml:1") && e.contains("spellings"),
            "{e}"
        );

        let e = bad("[acronyms]\nCBM = []\n");
        assert!(
            e.contains(":2:") && e.contains("`CBM`") && e.contains("no long form"),
            "{e}"
        );

        let e = bad("[acronyms]\nGGE = [\"\"]\n");
        assert!(e.contains(":2:") && e.contains("empty"), "{e}");

        let e = bad("[compounds]\ncybersecurity = []\n");
        assert!(e.contains(":2:") && e.contains("empty entry"), "{e}");

        let e = bad("[compounds]\ncybersecurity = [\"cybersecurity\"]\n");
        assert!(e.contains("two or more words"), "{e}");

        let e = bad("[compounds]\ncyber-security = [\"cyber security\"]\n");
        assert!(e.contains("one word"), "{e}");

        let e = bad("[spelling]\n\ndefence = \"defense\"\ndefences = \"protection\"\n");
        assert!(e.contains("conflicts"), "{e}");

        let e = bad("[spelling]\ncentre = \"center\"\ncenter = \"middle\"\n");
        assert!(e.contains("conflicts") && e.contains(":2:"), "{e}");

        let e = bad("[compounds]\ncyberspace = [\"cyber space\"]\ncyberspaces = [\"cyber space\"]\nx = [\"cyber space\"]\n");
        assert!(e.contains("conflicts") && e.contains(":4:"), "{e}");

        let e = bad("[ise]\nexceptions = [\"nothing\"]\n");
        assert!(e.contains("-ise") && e.contains(":2:"), "{e}");

        let e = bad("[acronyms]\nCBM = [\"confidence-building measure\"]\nCBMs = [\"x y\"]\n");
        assert!(e.contains("same word") && e.contains(":3:"), "{e}");
    }

    #[test]
    fn compiled_rules_analyse_alike() {
        let l = lex();
        let src = std::str::from_utf8(l.source_bytes()).unwrap();
        let back = Lexicon::from_compiled(&l.compiled(), src).unwrap();
        for text in [
            "The organisation's cyber-security behaviour, CBMs and the UN GGE report on ICTs.",
            "digitisation of defences; multi stakeholder e-commerce",
        ] {
            assert_eq!(back.analyze(text), l.analyze(text));
            assert_eq!(back.analyze_light(text), l.analyze_light(text));
            assert_eq!(back.expansions(text, 20), l.expansions(text, 20));
        }
        // Compiled from another source, or damaged: refused.
        assert!(Lexicon::from_compiled(&l.compiled(), "[spelling]\n").is_none());
        assert!(Lexicon::from_compiled(b"{", src).is_none());
    }

    #[test]
    fn corpus_lexicon_replaces_builtin() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            Lexicon::load(dir.path()).unwrap().source_bytes(),
            BUILTIN.as_bytes()
        );
        let src = "[spelling]\ncolour = \"color\"\n";
        std::fs::write(dir.path().join("lexicon.toml"), src).unwrap();
        let l = Lexicon::load(dir.path()).unwrap();
        assert_eq!(l.source_bytes(), src.as_bytes());
        assert_eq!(l.analyze("colours"), l.analyze("colors"));
        // Only what the file says: the built-in compounds are gone.
        assert_eq!(l.analyze("cyber security").len(), 2);
    }
}
