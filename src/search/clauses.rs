//! Building tantivy queries: each leaf of the expanded query (a word, a
//! phrase, a prefix, a fuzzy word, a filter) as tantivy clauses in the
//! stemmed, exact and section fields, with the ranking's boosts.

use std::ops::Bound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhrasePrefixQuery,
    PhraseQuery, Query as TantivyQuery, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Score, Term as TantivyTerm};

use super::plan::{Clause, Leaf};
use super::top_phrase::Bounded;
use super::SearchRequest;
use crate::index::{theme_facet, Fields};
use crate::lexicon::{Lexicon, Origin};
use crate::query::{Filter, Juxtaposition, Node, Term, TermKind, JUXTAPOSITION};

/// Ranking weights, tuned on the relevance set.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ranking {
    /// Weight of a concept's other names, relative to the name typed (their
    /// BM25 weight first scaled to the typed name's).
    pub(super) concept: Score,
    /// Weight of what is searched for in another language than the one
    /// the query is written in ([`Builder::home`]): a word typed in English
    /// and found in a French text (`information`), or a concept's French
    /// name, ranks below the words typed found in an English one.
    pub(super) foreign: Score,
    /// Weight of a word's family, relative to the word typed (scaled alike).
    pub(super) family: Score,
    /// Weight of a phrase's near matches (its words in a window, in any
    /// order; all but one of them in place), relative to the exact phrase.
    /// Zero: no fall-back.
    pub(super) near: Score,
    /// A passage tagged with a theme the query names scores this much more
    /// (a factor: `1 + theme`).
    pub(super) theme: Score,
    /// Weight of the same words in the section headings.
    pub(super) section: Score,
    /// Weight of the words found as typed (in the exact field), in any of
    /// their spellings.
    pub(super) normalized: Score,
    /// Weight of two words typed side by side found side by side.
    pub(super) adjacency: Score,
    /// Score multiplier for list items.
    pub(super) list_item: Score,
    /// Score multiplier for footnotes.
    pub(super) footnote: Score,
}

/// Measured on the relevance set (`tests/integration/search_relevance.rs`):
/// concept names at 0.8, 0.5 and 0.3 of the typed name give 0.699, 0.703
/// and 0.706 overall (0.807, 0.786, 0.773 on acronym queries): 0.5 keeps
/// most of both. The theme factor at 0.3, 0.6 and 1.0 gives 0.703, 0.707,
/// 0.708; the family (0.4–0.8) and near (0.3–0.8) weights change no figure
/// by more than 0.001.
pub(super) const RANKING: Ranking = Ranking {
    concept: 0.5,
    foreign: 0.3,
    family: 0.6,
    near: 0.5,
    theme: 0.5,
    section: 0.3,
    normalized: 0.3,
    adjacency: 1.0,
    list_item: 1.0,
    footnote: 0.3,
};

impl Ranking {
    /// The weights with the parts `features` leaves out set to nothing.
    pub(super) fn with(features: super::RankingFeatures) -> Ranking {
        let mut r = RANKING;
        if !features.boosts {
            r.section = 0.0;
            r.normalized = 0.0;
            r.adjacency = 0.0;
            r.list_item = 1.0;
            r.footnote = 1.0;
        }
        if !features.phrase_fallback {
            r.near = 0.0;
        }
        if !features.theme_boost {
            r.theme = 0.0;
        }
        r
    }

    /// The weight of a variant of what was typed, by where it comes from.
    pub(super) fn origin(&self, origin: &Origin) -> Score {
        match origin {
            Origin::Typed => 1.0,
            Origin::Concept { .. } => self.concept,
            Origin::Family { .. } => self.family,
        }
    }
}

/// A phrase's near matches may spread over this many positions per word
/// beyond its length (and swap words within that window).
pub(super) const NEAR_SLOP_PER_WORD: u32 = 2;

/// Phrases of more words than this get only the window as near matches,
/// not the one-word-different forms (one clause per word).
pub(super) const MAX_NEAR_WORDS: usize = 8;

/// Words typed side by side may stand this many words apart.
pub(super) const ADJACENCY_SLOP: u32 = 1;

/// At most this many spellings of a phrase are boosted.
pub(super) const MAX_SPELLINGS: usize = 8;

/// The word sequences `words` stands for in its spellings, the words as
/// typed first, at most [`MAX_SPELLINGS`].
pub(super) fn spelling_combinations(lexicon: &Lexicon, words: &[String]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = vec![Vec::new()];
    for word in words {
        let spellings = lexicon.spellings(word);
        let mut next = Vec::new();
        for prefix in &out {
            for s in &spellings {
                if next.len() == MAX_SPELLINGS {
                    break;
                }
                let mut w = prefix.clone();
                w.push(s.clone());
                next.push(w);
            }
        }
        out = next;
    }
    out
}

/// Prefixes expand to at most this many words.
pub(super) const MAX_PREFIX_EXPANSIONS: u32 = 200;

pub(super) fn request_filters(f: &Fields, r: &SearchRequest) -> Vec<Box<dyn TantivyQuery>> {
    let mut out: Vec<Box<dyn TantivyQuery>> = Vec::new();
    let any = |qs: Vec<Box<dyn TantivyQuery>>| -> Box<dyn TantivyQuery> {
        filter_query(Box::new(BooleanQuery::union(qs)))
    };
    if !r.sources.is_empty() {
        out.push(any(r
            .sources
            .iter()
            .map(|s| filter_leaf(f, &Filter::Source(s.clone())))
            .collect()));
    }
    if !r.themes.is_empty() {
        out.push(any(r
            .themes
            .iter()
            .map(|t| filter_leaf(f, &Filter::Theme(t.clone())))
            .collect()));
    }
    if let Some(years) = r.years {
        out.push(filter_query(filter_leaf(f, &Filter::Year(years))));
    }
    if let Some(kind) = r.kind {
        out.push(filter_query(filter_leaf(f, &Filter::Kind(kind))));
    }
    if let Some(lang) = &r.lang {
        let term = TantivyTerm::from_field_text(f.language, lang);
        out.push(filter_query(Box::new(TermQuery::new(
            term,
            IndexRecordOption::Basic,
        ))));
    }
    out
}

/// A filter matches without adding to the score.
pub(super) fn filter_query(q: Box<dyn TantivyQuery>) -> Box<dyn TantivyQuery> {
    Box::new(ConstScoreQuery::new(q, 0.0))
}

pub(super) fn filter_leaf(f: &Fields, filter: &Filter) -> Box<dyn TantivyQuery> {
    match filter {
        Filter::Source(id) => Box::new(TermQuery::new(
            TantivyTerm::from_field_text(f.doc, id),
            IndexRecordOption::Basic,
        )),
        Filter::Theme(id) => match theme_facet(id) {
            Some(facet) => Box::new(TermQuery::new(
                TantivyTerm::from_facet(f.themes, &facet),
                IndexRecordOption::Basic,
            )),
            None => Box::new(BooleanQuery::new(Vec::new())),
        },
        Filter::Year(years) => {
            let bound = |y: Option<u16>| {
                y.map_or(Bound::Unbounded, |y| {
                    Bound::Included(TantivyTerm::from_field_u64(f.year, u64::from(y)))
                })
            };
            Box::new(RangeQuery::new(bound(years.from), bound(years.to)))
        }
        Filter::Kind(kind) => Box::new(TermQuery::new(
            TantivyTerm::from_field_text(f.kind, kind.as_str()),
            IndexRecordOption::Basic,
        )),
    }
}

/// Turns the expanded query tree into a [`Clause`] tree over tantivy
/// queries.
pub(super) struct Builder<'a> {
    pub(super) f: &'a Fields,
    pub(super) searcher: &'a tantivy::Searcher,
    pub(super) lexicon: &'a Lexicon,
    pub(super) exact: bool,
    pub(super) rank: Ranking,
    /// Whether phrases get their near matches ([`Clause::Fallback`]).
    pub(super) fallback: bool,
    pub(super) leaves: Vec<Leaf>,
    /// The language the query is written in, as far as the index tells
    /// (see [`home_language`]); `None` when it was read in one language.
    pub(super) home: Option<String>,
    /// Whether a clause searches in another language than `home`.
    pub(super) elsewhere: bool,
    /// The request's filters, which every phrase leaf is made to match
    /// too (see [`Builder::leaf`]); none while the filters themselves are
    /// made leaves.
    pub(super) scope: Vec<Box<dyn TantivyQuery>>,
}

/// The language a query read in several languages is written in: the one
/// whose passages hold its words most often, for their number (each word's
/// share of that language's passages, multiplied over the words). `None`
/// when the query was read in one language only.
pub(super) fn home_language(
    searcher: &tantivy::Searcher,
    f: &Fields,
    root: &Node,
) -> Option<String> {
    let mut fit: Vec<(String, f64)> = Vec::new();
    let mut words = 0usize;
    for leaf in super::highlight::positive_leaves(root) {
        if !matches!(leaf.kind, TermKind::Word | TermKind::Phrase { .. }) {
            continue;
        }
        for v in &leaf.variants {
            if v.origin != Origin::Typed || v.language.is_empty() {
                continue;
            }
            let passages = searcher
                .doc_freq(&TantivyTerm::from_field_text(f.language, &v.language))
                .unwrap_or(0);
            if passages == 0 {
                continue;
            }
            let mut sum = 0.0;
            if crate::lexicon::is_english(&v.language) {
                words += v.tokens.len();
            }
            for token in &v.tokens {
                let df = searcher
                    .doc_freq(&TantivyTerm::from_field_text(f.text, token))
                    .unwrap_or(0);
                // Half a passage for a word absent: a language of few
                // passages does not win on words nobody wrote.
                sum += ((df as f64 + 0.5) / (passages as f64 + 1.0)).ln();
            }
            match fit.iter_mut().find(|(l, _)| *l == v.language) {
                Some((_, s)) => *s += sum,
                None => fit.push((v.language.clone(), sum)),
            }
        }
    }
    if fit.len() < 2 {
        return None;
    }
    // English, the lexicon's language, unless another language fits the
    // words far better: words shared by two languages (`convention`,
    // `information`) are more often English in this field.
    let english = fit
        .iter()
        .find(|(l, _)| crate::lexicon::is_english(l))
        .map(|(_, f)| *f);
    let (best, best_fit) = fit
        .iter()
        .filter(|(l, _)| !crate::lexicon::is_english(l))
        .max_by(|a, b| a.1.total_cmp(&b.1))?
        .clone();
    match english {
        Some(e) if best_fit <= e + HOME_MARGIN * words as f64 => {
            Some(crate::lexicon::ENGLISH.to_string())
        }
        _ => Some(best),
    }
}

/// How much better, per word, another language must fit a query than
/// English for the query to be taken as written in it: ten times the share
/// of its passages holding each word.
const HOME_MARGIN: f64 = std::f64::consts::LN_10;

impl Builder<'_> {
    /// A leaf; one that is not a term (a phrase) under filters matches
    /// only within them.
    ///
    /// Why: scored beside filters (a union under a source, or a passage
    /// asked about in the second pass), a phrase's scorer, asked for the
    /// next match from a passage, reads ahead through every passage
    /// holding its words until it finds one, far past the filtered
    /// passages (one source's concept name `responsible state behaviour`
    /// read the whole index). In an intersection with the filters it is
    /// only asked whether each passage the filters keep holds it (tantivy
    /// leads with the cheaper side). The filters add nothing to the score.
    pub(super) fn leaf(&mut self, query: Box<dyn TantivyQuery>, term: bool) -> Clause {
        let query = if term || self.scope.is_empty() {
            query
        } else {
            let mut both: Vec<(Occur, Box<dyn TantivyQuery>)> = self
                .scope
                .iter()
                .map(|f| (Occur::Must, f.box_clone()))
                .collect();
            both.push((Occur::Must, query));
            Box::new(BooleanQuery::new(both))
        };
        self.leaves.push(Leaf {
            query,
            term,
            late: false,
            bounded: None,
        });
        Clause::Leaf(self.leaves.len() - 1)
    }

    /// A word or phrase: a term when it is one token.
    pub(super) fn tokens(
        &mut self,
        field: Field,
        tokens: &[String],
        slop: u32,
        boost: Score,
    ) -> Clause {
        let query = tokens_query(field, tokens, slop);
        let query: Box<dyn TantivyQuery> = if boost == 1.0 {
            query
        } else {
            Box::new(BoostQuery::new(query, boost))
        };
        let clause = self.leaf(query, tokens.len() == 1);
        if tokens.len() == 1 || slop == 0 {
            let leaf = self.leaves.last_mut().expect("just pushed");
            leaf.bounded = Some(Bounded {
                terms: tokens
                    .iter()
                    .map(|t| TantivyTerm::from_field_text(field, t))
                    .collect(),
                boost,
            });
        }
        clause
    }

    pub(super) fn node(&mut self, node: &Node) -> Clause {
        match node {
            Node::Term(t) => self.term(t),
            Node::Filter { filter, .. } => {
                let q = filter_query(filter_leaf(self.f, filter));
                self.leaf(q, false)
            }
            Node::Juxtaposed(items) => self.juxtaposed(items),
            Node::And(items) => {
                let mut clauses = Vec::new();
                for item in items {
                    clauses.push(match item {
                        Node::Not(inner) => (Occur::MustNot, self.node(inner)),
                        other => (Occur::Must, self.node(other)),
                    });
                }
                self.complete(clauses)
            }
            Node::Or(items) => self.either(items),
            Node::Not(inner) => {
                let excluded = self.node(inner);
                self.complete(vec![(Occur::MustNot, excluded)])
            }
            Node::Must(inner) => self.node(inner),
        }
    }

    /// `a OR b OR …`, and a concept's names side by side with the words
    /// typed. An alternative that can only match where another one does
    /// (`"norms of behaviour"` beside the word `norms`) adds to the score
    /// but no passage: it goes under the others as a boost, which leaves
    /// the first pass a union of words that block-max WAND prunes, and its
    /// phrase to the second pass over the best candidates. Matches and
    /// scores are those of the plain union.
    pub(super) fn either(&mut self, items: &[Node]) -> Clause {
        let implied = if self.exact {
            vec![false; items.len()]
        } else {
            implied_alternatives(items)
        };
        if implied.iter().all(|&i| !i) {
            return Clause::Bool(
                items
                    .iter()
                    .map(|i| (Occur::Should, self.node(i)))
                    .collect(),
            );
        }
        let mut free = Vec::new();
        let mut boosts = Vec::new();
        for (item, implied) in items.iter().zip(implied) {
            let clause = self.node(item);
            if implied {
                boosts.push((Occur::Should, clause));
            } else {
                free.push((Occur::Should, clause));
            }
        }
        let main = if free.len() == 1 {
            free.remove(0).1
        } else {
            Clause::Bool(free)
        };
        let mut clauses = vec![(Occur::Must, main)];
        clauses.extend(boosts);
        Clause::Bool(clauses)
    }

    /// `a b +c -d source:x`: `+` clauses and filters are required, `-`
    /// clauses excluded; plain clauses follow [`JUXTAPOSITION`]. When a `+`
    /// clause is present, plain clauses only add to the score (as in
    /// Lucene); otherwise at least one of them must match.
    pub(super) fn juxtaposed(&mut self, items: &[Node]) -> Clause {
        let mut clauses = Vec::new();
        let mut plain = Vec::new();
        let mut stop = Vec::new();
        let mut has_must = false;
        for item in items {
            match item {
                Node::Not(inner) => clauses.push((Occur::MustNot, self.node(inner))),
                Node::Must(inner) => {
                    has_must = true;
                    clauses.push((Occur::Must, self.node(inner)));
                }
                Node::Filter { .. } => clauses.push((Occur::Must, self.node(item))),
                Node::Term(t) if is_stopword(t) => stop.push(self.node(item)),
                other => plain.push(self.node(other)),
            }
        }
        // Words typed side by side rank higher where they stand side by
        // side: `private sector` inside `role of the private sector`.
        let words: Vec<&Term> = items
            .iter()
            .filter_map(|i| match i {
                Node::Term(t) if t.kind == TermKind::Word => Some(t),
                _ => None,
            })
            .collect();
        if self.rank.adjacency > 0.0 && !self.exact {
            for span in adjacent_spans(&words) {
                // In each language the words were read in: their typed
                // forms in that language side by side.
                let languages: Vec<&str> = span[0]
                    .variants
                    .iter()
                    .filter(|v| v.origin == Origin::Typed)
                    .map(|v| v.language.as_str())
                    .collect();
                for language in languages {
                    let typed: Option<Vec<&crate::lexicon::Variant>> = span
                        .iter()
                        .map(|t| {
                            t.variants
                                .iter()
                                .find(|v| v.origin == Origin::Typed && v.language == language)
                        })
                        .collect();
                    let Some(typed) = typed else { continue };
                    let tokens: Vec<String> = typed
                        .iter()
                        .flat_map(|v| v.tokens.iter().cloned())
                        .collect();
                    let text = self.f.text;
                    let weight = self.rank.adjacency * self.foreign(typed[0]);
                    let near = self.tokens(text, &tokens, ADJACENCY_SLOP, weight);
                    clauses.push((Occur::Should, near));
                }
            }
        }
        match JUXTAPOSITION {
            Juxtaposition::AllMustMatch => {
                clauses.extend(plain.into_iter().map(|q| (Occur::Must, q)));
            }
            Juxtaposition::RankedByMatches if has_must => {
                clauses.extend(plain.into_iter().map(|q| (Occur::Should, q)));
            }
            Juxtaposition::RankedByMatches => {
                // Stopwords add to the score but match nothing on their own
                // unless the query has nothing else.
                if plain.is_empty() {
                    plain = std::mem::take(&mut stop);
                }
                if !plain.is_empty() {
                    let any = plain.into_iter().map(|q| (Occur::Should, q)).collect();
                    clauses.push((Occur::Must, Clause::Bool(any)));
                }
            }
        }
        clauses.extend(stop.into_iter().map(|q| (Occur::Should, q)));
        self.complete(clauses)
    }

    /// The BM25 inverse document frequency of a word or phrase (summed over
    /// its words, as tantivy scores phrases), 0 when a word is absent.
    pub(super) fn idf(&self, field: Field, tokens: &[String]) -> f32 {
        let n = self.searcher.num_docs() as f32;
        let mut sum = 0.0;
        for token in tokens {
            let df = self
                .searcher
                .doc_freq(&TantivyTerm::from_field_text(field, token))
                .unwrap_or(0) as f32;
            if df == 0.0 {
                return 0.0;
            }
            sum += (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        }
        sum
    }

    /// The reading of a word or phrase (one typed variant per language it
    /// was read in) in the language it is most at home in: the one whose
    /// passages hold its words most often, for their number. The first
    /// variant when there is one reading, or none is found.
    pub(super) fn home<'t>(&self, t: &'t Term) -> &'t crate::lexicon::Variant {
        let text = self.f.text;
        if let Some(home) = t.variants.iter().find(|v| {
            v.origin == Origin::Typed
                && self.home.as_deref() == Some(v.language.as_str())
                && self.idf(text, &v.tokens) > 0.0
        }) {
            return home;
        }
        let mut best: Option<(f32, &crate::lexicon::Variant)> = None;
        let readings = t
            .variants
            .iter()
            .filter(|v| v.origin == Origin::Typed && !v.language.is_empty());
        if readings.clone().count() > 1 {
            for v in readings {
                let passages = self
                    .searcher
                    .doc_freq(&TantivyTerm::from_field_text(self.f.language, &v.language))
                    .unwrap_or(0);
                if passages == 0 {
                    continue;
                }
                let mut fit = 0.0;
                for token in &v.tokens {
                    let df = self
                        .searcher
                        .doc_freq(&TantivyTerm::from_field_text(text, token))
                        .unwrap_or(0);
                    if df == 0 {
                        fit = f32::NEG_INFINITY;
                        break;
                    }
                    fit += (df as f32 / passages as f32).ln();
                }
                if fit.is_finite() && best.is_none_or(|(b, _)| fit > b) {
                    best = Some((fit, v));
                }
            }
        }
        best.map_or(&t.variants[0], |(_, v)| v)
    }

    /// [`Ranking::foreign`] for a variant in another language than the
    /// query's own, 1 otherwise.
    pub(super) fn foreign(&self, v: &crate::lexicon::Variant) -> Score {
        match &self.home {
            Some(home) if !v.language.is_empty() && v.language != *home => self.rank.foreign,
            _ => 1.0,
        }
    }

    pub(super) fn term(&mut self, t: &Term) -> Clause {
        let slop = match t.kind {
            TermKind::Phrase { slop } => slop,
            _ => 0,
        };
        let (text, text_exact, section) = (self.f.text, self.f.text_exact, self.f.section);
        let mut alternatives = Vec::new();
        let mut boosts = Vec::new();
        // The words as written are boosted once per text: read in several
        // languages, a word typed is one text in as many variants.
        let mut boosted: Vec<&str> = Vec::new();
        // What is searched for in other languages than the query's own:
        // never an exact match of the phrase typed.
        let mut elsewhere = Vec::new();
        let home = self.home(t);
        for v in &t.variants {
            match t.kind {
                TermKind::Prefix => {
                    let terms = v
                        .tokens
                        .iter()
                        .map(|tok| TantivyTerm::from_field_text(text_exact, tok))
                        .collect();
                    let mut q = PhrasePrefixQuery::new(terms);
                    q.set_max_expansions(MAX_PREFIX_EXPANSIONS);
                    alternatives.push(self.leaf(Box::new(q), false));
                }
                TermKind::Fuzzy { distance } => {
                    for tok in &v.tokens {
                        let q = FuzzyTermQuery::new(
                            TantivyTerm::from_field_text(text_exact, tok),
                            distance,
                            true,
                        );
                        alternatives.push(self.leaf(Box::new(q), false));
                    }
                }
                TermKind::Word | TermKind::Phrase { .. } if self.exact => {
                    alternatives.push(self.tokens(text_exact, &v.tokens, slop, 1.0));
                }
                TermKind::Word | TermKind::Phrase { .. } => {
                    // An alternative weighs what the words typed weigh: a
                    // rare spelling-out (`UNGGE`) must not outrank the
                    // common form it stands for.
                    // Read in several languages, each reading weighs what
                    // the words weigh in the language they are most at
                    // home in: a passage's score does not depend on how
                    // rare the words are in its own language (English
                    // words quoted in a Greek text are rare in Greek).
                    let own = self.idf(text, &v.tokens);
                    // A variant no passage holds matches nothing; its
                    // words as written must not be boosted either (a
                    // Spanish name written like the French one).
                    if own == 0.0 && t.variants.len() > 1 {
                        continue;
                    }
                    let scale = self.idf(text, &home.tokens) / own.max(f32::EPSILON);
                    let scale = if scale.is_finite() && scale > 0.0 {
                        scale
                    } else {
                        1.0
                    };
                    // The name typed ranks above the lexicon's other names
                    // for it, and a word above its relatives; the query in
                    // its own language above its other readings.
                    let foreign = self.foreign(v);
                    let scale = scale * self.rank.origin(&v.origin) * foreign;
                    let clause = self.tokens(text, &v.tokens, slop, scale);
                    if foreign < 1.0 {
                        elsewhere.push(clause);
                    } else {
                        alternatives.push(clause);
                    }
                    if self.rank.section > 0.0 {
                        let boost = self.rank.section * scale;
                        boosts.push(self.tokens(section, &v.tokens, slop, boost));
                    }
                    // Words as written weigh a little more than their
                    // stemmed forms: the exact field ranks the form typed.
                    let exact = self.lexicon.analyze_exact(&v.text);
                    let first = !boosted.contains(&v.text.as_str());
                    boosted.push(&v.text);
                    if self.rank.normalized > 0.0 && !exact.is_empty() && first {
                        let boost = self.rank.normalized * scale;
                        // In any of its spellings, so that a UK query is not
                        // ranked against US texts, nor the reverse.
                        let mut spelled = Vec::new();
                        for words in spelling_combinations(self.lexicon, &exact) {
                            let typed = self.tokens(text_exact, &words, slop, boost);
                            if let Clause::Leaf(i) = typed {
                                self.leaves[i].late = true;
                            }
                            spelled.push((Occur::Should, typed));
                        }
                        boosts.push(if spelled.len() == 1 {
                            spelled.remove(0).1
                        } else {
                            Clause::Bool(spelled)
                        });
                    }
                }
            }
        }
        let any = |mut clauses: Vec<Clause>| {
            if clauses.len() == 1 {
                clauses.remove(0)
            } else {
                Clause::Bool(clauses.into_iter().map(|a| (Occur::Should, a)).collect())
            }
        };
        if alternatives.is_empty() {
            alternatives = std::mem::take(&mut elsewhere);
        }
        let main = any(alternatives);
        // A quoted phrase counts its exact hits, and falls back to its near
        // matches when the plan does.
        // (Not the phrases the lexicon put in for a run of words: a
        // concept's name spelled out is no phrase the researcher quoted.)
        let phrase = matches!(t.kind, TermKind::Phrase { slop: 0 })
            && !self.exact
            && t.variants
                .first()
                .is_some_and(|v| v.tokens.len() > 1 && v.origin == Origin::Typed);
        let main = if phrase {
            Clause::Fallback {
                exact: Box::new(main),
                near: self.near_clause(t).map(Box::new),
            }
        } else {
            main
        };
        let main = if elsewhere.is_empty() {
            main
        } else {
            self.elsewhere = true;
            Clause::Bool(vec![(Occur::Should, main), (Occur::Should, any(elsewhere))])
        };
        if boosts.is_empty() {
            return main;
        }
        // The boosts only add to passages the text itself matched.
        let mut clauses = vec![(Occur::Must, main)];
        clauses.extend(boosts.into_iter().map(|b| (Occur::Should, b)));
        Clause::Bool(clauses)
    }

    /// The near matches of a quoted phrase, when the plan falls back to
    /// them: its words (stopwords aside) within a window, in any order; and
    /// for three words or more, each form with one word different (its
    /// other words in place, one move allowed: a word replaced, dropped or
    /// added).
    pub(super) fn near_clause(&mut self, t: &Term) -> Option<Clause> {
        if !self.fallback || self.exact || self.rank.near <= 0.0 {
            return None;
        }
        let mut near = Vec::new();
        // The phrase as typed, in the query's language (in each language it
        // was read in, when that is not known).
        let typed: Vec<Vec<String>> = t
            .variants
            .iter()
            .filter(|v| v.origin == Origin::Typed && v.tokens.len() >= 2 && self.foreign(v) == 1.0)
            .map(|v| v.tokens.clone())
            .collect();
        for tokens in &typed {
            self.near_forms(tokens, &mut near);
        }
        (!near.is_empty()).then_some(Clause::Bool(near))
    }

    /// The near forms of one phrase's tokens (see
    /// [`near_clause`](Self::near_clause)), into `near`.
    fn near_forms(&mut self, tokens: &[String], near: &mut Vec<(Occur, Clause)>) {
        let text = self.f.text;
        let content: Vec<String> = tokens
            .iter()
            .filter(|t| !STOPWORDS.contains(&t.as_str()))
            .cloned()
            .collect();
        if content.len() >= 2 {
            let slop = NEAR_SLOP_PER_WORD * content.len() as u32;
            near.push((
                Occur::Should,
                self.tokens(text, &content, slop, self.rank.near),
            ));
        }
        if tokens.len() >= 3 && tokens.len() <= MAX_NEAR_WORDS {
            for skip in 0..tokens.len() {
                if STOPWORDS.contains(&tokens[skip].as_str()) {
                    continue;
                }
                let terms: Vec<(usize, TantivyTerm)> = tokens
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| i != skip)
                    .map(|(i, tok)| (i, TantivyTerm::from_field_text(text, tok)))
                    .collect();
                let q: Box<dyn TantivyQuery> = Box::new(BoostQuery::new(
                    Box::new(super::seek_guard::ForwardOnly(Box::new(
                        PhraseQuery::new_with_offset_and_slop(terms, 1),
                    ))),
                    self.rank.near,
                ));
                near.push((Occur::Should, self.leaf(q, false)));
            }
        }
    }

    /// A boolean clause made to match something: one with only exclusions
    /// matches every passage but those.
    pub(super) fn complete(&mut self, mut clauses: Vec<(Occur, Clause)>) -> Clause {
        if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
            let all = ConstScoreQuery::new(Box::new(AllQuery), 0.0);
            clauses.push((Occur::Must, self.leaf(Box::new(all), false)));
        }
        Clause::Bool(clauses)
    }
}

/// Words too common to rank by on their own.
pub(super) const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how",
    "in", "into", "is", "it", "its", "of", "on", "or", "should", "that", "the", "their", "this",
    "to", "was", "what", "when", "which", "who", "why", "with",
];

pub(super) fn is_stopword(t: &Term) -> bool {
    STOPWORDS.contains(&t.text.to_lowercase().as_str())
}

/// Which of `items` (alternatives of one union) match only passages another
/// alternative matches: a word or phrase each of whose forms holds a word
/// that alone makes the other match. Of alternatives that imply each other
/// the first stays; at least one always does.
pub(super) fn implied_alternatives(items: &[Node]) -> Vec<bool> {
    let sufficient: Vec<Vec<&str>> = items.iter().map(sufficient_tokens).collect();
    let covers = |j: usize, i: usize| -> bool {
        let Node::Term(t) = &items[i] else {
            return false;
        };
        if !matches!(t.kind, TermKind::Word | TermKind::Phrase { .. }) || t.variants.is_empty() {
            return false;
        }
        !sufficient[j].is_empty()
            && t.variants.iter().all(|v| {
                v.tokens
                    .iter()
                    .any(|tok| sufficient[j].contains(&tok.as_str()))
            })
    };
    let mut implied: Vec<bool> = (0..items.len())
        .map(|i| (0..items.len()).any(|j| j != i && covers(j, i) && (j < i || !covers(i, j))))
        .collect();
    if implied.iter().all(|&i| i) {
        implied.iter_mut().for_each(|i| *i = false);
    }
    implied
}

/// Stemmed tokens any one of which makes `node` match on its own: a word's
/// one-token forms; every such token of the alternatives of `OR`, or of
/// words side by side ranked by how many match (`cyber norms`). Empty
/// when no single token suffices (a phrase, an intersection, a filter).
fn sufficient_tokens(node: &Node) -> Vec<&str> {
    match node {
        Node::Term(t) if t.kind == TermKind::Word && !is_stopword(t) => t
            .variants
            .iter()
            .filter(|v| v.tokens.len() == 1)
            .map(|v| v.tokens[0].as_str())
            .collect(),
        Node::Or(items) => items.iter().flat_map(sufficient_tokens).collect(),
        Node::Juxtaposed(items)
            if JUXTAPOSITION == Juxtaposition::RankedByMatches
                && items
                    .iter()
                    .all(|i| matches!(i, Node::Term(_) | Node::Or(_) | Node::Juxtaposed(_))) =>
        {
            items.iter().flat_map(sufficient_tokens).collect()
        }
        _ => Vec::new(),
    }
}

/// Runs from each content word to the next, the stopwords between them
/// included: `role of the private sector` → `role of the private`,
/// `private sector`.
pub(super) fn adjacent_spans<'a, 'b>(words: &'b [&'a Term]) -> Vec<&'b [&'a Term]> {
    let content: Vec<usize> = (0..words.len())
        .filter(|&i| !is_stopword(words[i]))
        .collect();
    content.windows(2).map(|w| &words[w[0]..=w[1]]).collect()
}

/// One token: a term; several: a phrase (positions are consecutive because
/// the analyser numbers them so).
pub(super) fn tokens_query(field: Field, tokens: &[String], slop: u32) -> Box<dyn TantivyQuery> {
    if tokens.len() == 1 {
        return Box::new(TermQuery::new(
            TantivyTerm::from_field_text(field, &tokens[0]),
            IndexRecordOption::WithFreqs,
        ));
    }
    let terms = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| (i, TantivyTerm::from_field_text(field, t)))
        .collect();
    Box::new(super::seek_guard::ForwardOnly(Box::new(
        PhraseQuery::new_with_offset_and_slop(terms, slop),
    )))
}
