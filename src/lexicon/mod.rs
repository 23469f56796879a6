//! The field's vocabulary: one normalisation for the index, the queries and
//! the theme tagger.
//!
//! Input: a lexicon file (`corpus/lexicon.toml`, or the copy built into the
//! program) listing British/American spellings, compounds written apart or
//! joined, concepts (one idea under its label, variants, acronyms and
//! document symbols, with its names in other languages) and word families.
//! Output: a [`Lexicon`] that
//!
//! * registers two tantivy analysers: [`STEMMED_TOKENIZER`] (words split,
//!   lower-cased, accents folded, spellings and compounds rewritten, English
//!   stems) and [`EXACT_TOKENIZER`] (lower-cased and folded, nothing else);
//! * analyses a text into the same stemmed tokens ([`Lexicon::analyze`]), so
//!   that the theme tagger matches exactly what search matches;
//! * lists the variants of a query text ([`Lexicon::expansions`]): the other
//!   names of each concept it names, and for a word the other stems of its
//!   family, each marked with its [`Origin`].
//!
//! Refused, with a [`UserError::Data`] naming the file, line and entry: TOML
//! errors, unknown keys, empty entries, acronyms without a long form,
//! rewrites that conflict (one word rewritten two ways, or a rewrite whose
//! result is rewritten again), a name given to two concepts, a word in two
//! families.
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
//! Why concepts and families are not rewritten in the index: `CBMs` and
//! `confidence-building measures` differ in length, and a token filter that
//! emits several tokens for one word turns a query word into a phrase; and
//! a query should find the form typed first, its other names and relatives
//! below it. The query parser instead asks [`Lexicon::expansions`] for
//! alternatives and ORs them, and the ranking weighs each by its
//! [`Origin`].
//!
//! ```
//! use normsearch::lexicon::Lexicon;
//! let lex = Lexicon::builtin();
//! assert_eq!(lex.analyze("behaviour"), lex.analyze("Behaviors"));
//! assert_eq!(lex.analyze("cyber-security"), lex.analyze("cybersecurity"));
//! ```

mod analyzer;
mod concepts;
mod expansion;
mod file;
pub mod language;
mod rules;
#[cfg(test)]
mod tests;

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use tantivy::tokenizer::{TextAnalyzer, Token, Tokenizer};

use crate::error::{line_of_offset, Error, UserError};

pub use analyzer::{exact_analyzer, exact_words, Handoff};
use analyzer::{fill_tokens, fill_words, folded_words, FoldedWords, LexiconFilter};
use file::{LexiconFile, Locator};
pub use language::{is_english, ENGLISH};
pub(crate) use rules::FastMap;
use rules::{
    Compiled, CompiledRef, Rules, Stemming, COMPILED_VERSION, ISE_SUFFIXES, NEXT_RULES_ID,
};

/// Name of the stemmed, normalising analyser in the index's tokenizer manager.
pub const STEMMED_TOKENIZER: &str = "ns_stem";
/// Name of the exact analyser (case-folded, accent-folded, nothing else).
pub const EXACT_TOKENIZER: &str = "ns_exact";

/// The lexicon shipped inside the program.
const BUILTIN: &str = include_str!("../../corpus/lexicon.toml");

/// The file name looked for in a corpus folder.
const FILE_NAME: &str = "lexicon.toml";

/// The domain normalisation: spellings, compounds, concepts, families.
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
            .field("concepts", &self.rules.concepts.len())
            .field("families", &self.rules.families.families.len())
            .finish()
    }
}

/// One variant of a query text: the text as a person reads it, the
/// stemmed tokens to search for, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The text with a concept's name or a word replaced, for `--explain`.
    pub text: String,
    /// Its normalised tokens, as [`Lexicon::analyze_in`] gives them for
    /// its language.
    pub tokens: Vec<String>,
    /// Why it is searched for.
    pub origin: Origin,
    /// The language it is analysed in (ISO 639-1); empty for words as
    /// written (the exact field's, the same in every language).
    pub language: String,
}

/// Why a [`Variant`] is searched for: the text as typed, or what the
/// lexicon put in its place. The ranking weighs the typed form above the
/// others.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Origin {
    /// The text as typed.
    #[default]
    Typed,
    /// Another name of a concept the text names.
    Concept {
        /// The concept's id.
        id: String,
        /// Its preferred label.
        label: String,
        /// What the name put in is (label, variant, acronym, symbol).
        kind: FormKind,
    },
    /// Another word of the typed word's family.
    Family {
        /// The family's head word (`regulation`).
        head: String,
    },
}

pub use concepts::FormKind;

/// Which of the lexicon's expansions a query uses: all of them normally;
/// the ranking's measurements switch them off one by one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expansions {
    /// The other names of the concepts a text names.
    pub concepts: bool,
    /// The other stems of a word's family.
    pub families: bool,
}

impl Default for Expansions {
    fn default() -> Self {
        Expansions {
            concepts: true,
            families: true,
        }
    }
}

/// A concept's name standing in a text, and what may replace it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternatives {
    /// Byte range of the name in the text.
    pub span: std::ops::Range<usize>,
    /// The replacements: the concept's other names.
    pub variants: Vec<Variant>,
}

/// A concept as the lexicon holds it, for listing and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConceptInfo {
    /// Its id.
    pub id: String,
    /// Its preferred label.
    pub label: String,
    /// Its English forms as written, the label first, with their kinds.
    pub forms: Vec<(String, FormKind)>,
    /// Its names in other languages, by language code.
    pub names: std::collections::BTreeMap<String, Vec<String>>,
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
        let (concepts, concept_ends) = r.concepts.encode();
        let compiled = CompiledRef {
            version: COMPILED_VERSION,
            source: blake3::hash(self.source.as_bytes()).to_hex().to_string(),
            concepts_hash: blake3::hash(&concepts).to_hex().to_string(),
            ise_exceptions: &r.ise_exceptions,
            ise_endings: &r.ise_endings,
            full: &r.full,
            light: &r.light,
            compound_count: r.compound_count,
            concept_ends: &concept_ends,
            form_index: &r.form_index,
            families: &r.families,
        };
        // Plain data: serialising cannot fail. A compact binary form, read
        // by every search: parsing it as JSON took a millisecond.
        let mut out = postcard::to_allocvec(&compiled).unwrap_or_default();
        out.extend_from_slice(&concepts);
        out
    }

    /// The lexicon of `source` from its [`compiled`](Self::compiled) rules,
    /// or `None` when they were compiled from another source or by another
    /// version, or are damaged (then [`parse`](Self::parse) the source).
    pub fn from_compiled(compiled: &[u8], source: &str) -> Option<Lexicon> {
        let (c, concepts): (Compiled, &[u8]) = postcard::take_from_bytes(compiled).ok()?;
        if c.version != COMPILED_VERSION
            || c.source != blake3::hash(source.as_bytes()).to_hex().as_str()
            || c.concepts_hash != blake3::hash(concepts).to_hex().as_str()
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
            concepts: concepts::Concepts::encoded(concepts.to_vec(), c.concept_ends)?,
            form_index: c.form_index,
            families: c.families,
        };
        Some(Lexicon {
            rules: Arc::new(rules),
            source: Arc::from(source),
        })
    }

    /// Every concept, in file order (the `[acronyms]` shorthand's last).
    pub fn concepts(&self) -> Vec<ConceptInfo> {
        self.rules
            .concepts
            .iter()
            .map(|c| ConceptInfo {
                id: c.id.clone(),
                label: c.label.clone(),
                forms: c
                    .forms
                    .iter()
                    .filter(|f| f.kind != FormKind::Name)
                    .map(|f| (f.written.clone(), f.kind))
                    .collect(),
                names: c.names.clone(),
            })
            .collect()
    }

    /// The family of a stemmed token: its head word and the family's other
    /// stems, each with a word written for it.
    pub fn family(&self, stem: &str) -> Option<(&str, Vec<(&str, &str)>)> {
        let family = self.rules.families.of(stem)?;
        let others = family
            .stems
            .iter()
            .filter(|(s, _)| s != stem)
            .map(|(s, w)| (s.as_str(), w.as_str()))
            .collect();
        Some((family.head.as_str(), others))
    }

    /// The lexicon's source bytes, for the index's input fingerprint.
    pub fn source_bytes(&self) -> &[u8] {
        self.source.as_bytes()
    }

    /// Registers [`STEMMED_TOKENIZER`] and [`EXACT_TOKENIZER`] with an index.
    pub fn register(&self, index: &tantivy::Index) {
        let manager = index.tokenizers();
        manager.register(STEMMED_TOKENIZER, self.stemmed_analyzer());
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
    /// ISO 639-1 code, as a manifest's `language`): the entry point for
    /// whatever must be analysed as a document of that language is (the
    /// index's stemmed field, the theme tagger's cues of that language, a
    /// query searched in that language). English gets the lexicon's rules;
    /// another language its own stemmer, its tokens marked with it
    /// (`fr:secur`): see [`language`](self::language)'s documentation.
    pub fn tokens_in(&self, text: &str, language: &str) -> Vec<Token> {
        match language::analysis_of(language) {
            language::Analysis::English => self.tokens(text),
            _ => language::analyse_other(text, language),
        }
    }

    /// Like [`analyze`](Self::analyze), for a text written in `language`
    /// (see [`tokens_in`](Self::tokens_in)).
    pub fn analyze_in(&self, text: &str, language: &str) -> Vec<String> {
        self.tokens_in(text, language)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    /// The light analysis of `text`: rewritten like
    /// [`analyze`](Self::analyze), but reduced only to the singular
    /// (`digitisation` and `digitization` meet, `digital` stays apart): what
    /// tells the spellings of one word apart from its relatives
    /// ([`spellings`](Self::spellings)).
    pub fn analyze_light(&self, text: &str) -> Vec<String> {
        self.rules.analyze_plain(text, Stemming::Light)
    }

    /// Analyses `text` once for everything indexing needs: its exact-field
    /// words and its normalised tokens, as [`exact_tokens`](Self::exact_tokens)
    /// and [`tokens`](Self::tokens) give them, into `into`'s reused buffers.
    pub fn analyze_into(&self, text: &str, into: &mut Analysis) {
        self.analyze_into_in(text, ENGLISH, into);
    }

    /// Like [`analyze_into`](Self::analyze_into), for a text written in
    /// `language`: its stemmed tokens are [`tokens_in`](Self::tokens_in)'s.
    pub fn analyze_into_in(&self, text: &str, language: &str, into: &mut Analysis) {
        into.folded_len = fill_words(&mut into.folded, into.exact.token_stream(text));
        let analysis = language::analysis_of(language);
        into.marked = !matches!(analysis, language::Analysis::English);
        if into.marked {
            let n = fill_tokens(&mut into.stemmed, &into.folded[..into.folded_len]);
            into.stemmed_len =
                language::analyse_in_place(analysis, language, text, &mut into.stemmed, n);
            return;
        }
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
        // The table is a hash map: sorted, the spellings come out the same
        // whatever its order.
        out[1..].sort();
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
}

/// One text's analysis for indexing (see [`Lexicon::analyze_into`]).
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
    /// Whether the stemmed tokens are another language's than English.
    marked: bool,
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
