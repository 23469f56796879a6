//! The compiled rules: the -ise rule, English stems (full) or singulars
//! (light), the spelling table, compounds joined into one token, the
//! concepts with their names and the word families (`concepts.rs`); built
//! from the file, checked for conflicts, cached per thread, and written
//! beside an index.
//!
//! Why rewrites happen on stems: a librarian writes `centre = "center"`
//! once, and `centres`, `centred` follow, because both sides are stemmed
//! before the mapping is stored and every indexed word is stemmed before it
//! is looked up.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use tantivy::tokenizer::Token;

use super::analyzer::folded_words;
use super::concepts::{Concepts, Families, FormIndex};
use super::file::{IseFile, LexiconFile, Locator, OneOrMany};

/// -ise forms of this many letters or fewer are never -ize variants
/// (rise, wise, noise, raise, arise, crise-s).
const ISE_MIN_LETTERS: usize = 6;

/// Suffixes of the -ise family, longest first so that `-isations` wins
/// over `-ise`.
pub(super) const ISE_SUFFIXES: &[(&str, &str)] = &[
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

/// How far words are reduced before the rewrites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stemming {
    /// English (Snowball) stems: `digitization` and `digital` meet.
    Full,
    /// Plurals only: `measures` → `measure`, `policies` → `policy`.
    Light,
}

/// The rewrites at one [`Stemming`] level.
#[derive(Default, Serialize, Deserialize)]
pub(super) struct Level {
    /// Stem of the British form → stem of the American form.
    pub(super) spelling: FastMap<String, String>,
    /// First normalised word of a compound → its candidates, longest first.
    pub(super) compounds: FastMap<String, Vec<Compound>>,
}

/// A hash map for short keys looked up once per word indexed; SipHash's
/// resistance to flooding buys nothing against a lexicon and a corpus.
pub(crate) type FastMap<K, V> = rustc_hash::FxHashMap<K, V>;

/// Words already normalised by this thread, per lexicon and level: a
/// corpus repeats a few thousand words, and stemming is the costliest step
/// of indexing.
pub(super) struct WordCache {
    pub(super) rules: u64,
    pub(super) stemming: Stemming,
    pub(super) words: FastMap<String, String>,
}

thread_local! {
    pub(super) static WORD_CACHES: std::cell::RefCell<Vec<WordCache>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Cached words per thread and level before the cache starts afresh.
pub(super) const WORD_CACHE_LIMIT: usize = 100_000;

/// Gives every compiled lexicon its own identity in the word caches.
pub(super) static NEXT_RULES_ID: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(1);

pub(super) struct Rules {
    /// Unique per compiled lexicon (see [`WordCache`]).
    pub(super) id: u64,
    pub(super) stemmer: frostem::Stemmer,
    pub(super) ise_exceptions: HashSet<String>,
    pub(super) ise_endings: Vec<String>,
    pub(super) full: Level,
    pub(super) light: Level,
    pub(super) compound_count: usize,
    pub(super) concepts: Concepts,
    /// Concept forms by first token (stored with the compiled rules, so
    /// that opening them decodes no concept).
    pub(super) form_index: FormIndex,
    pub(super) families: Families,
}

#[derive(Serialize, Deserialize)]
pub(super) struct Compound {
    pub(super) parts: Vec<String>,
    pub(super) joined: String,
}

/// Bumped whenever the compiled form of the rules changes meaning.
pub(super) const COMPILED_VERSION: u32 = 5;

/// The compiled rules as written into an index generation: opening an
/// index then skips re-stemming every entry of the lexicon, the largest
/// part of a search process's start-up. Followed in the file by every
/// concept's encoding ([`Concepts`]), decoded when a query names it.
#[derive(Serialize)]
pub(super) struct CompiledRef<'a> {
    pub(super) version: u32,
    /// blake3 of the lexicon source these rules come from.
    pub(super) source: String,
    /// blake3 of the concepts' encodings that follow.
    pub(super) concepts_hash: String,
    pub(super) ise_exceptions: &'a HashSet<String>,
    pub(super) ise_endings: &'a [String],
    pub(super) full: &'a Level,
    pub(super) light: &'a Level,
    pub(super) compound_count: usize,
    pub(super) concept_ends: &'a [u32],
    pub(super) form_index: &'a FormIndex,
    pub(super) families: &'a Families,
}

#[derive(Deserialize)]
pub(super) struct Compiled {
    pub(super) version: u32,
    pub(super) source: String,
    pub(super) concepts_hash: String,
    pub(super) ise_exceptions: HashSet<String>,
    pub(super) ise_endings: Vec<String>,
    pub(super) full: Level,
    pub(super) light: Level,
    pub(super) compound_count: usize,
    pub(super) concept_ends: Vec<u32>,
    pub(super) form_index: FormIndex,
    pub(super) families: Families,
}

impl Rules {
    pub(super) fn build(file: LexiconFile, at: &Locator<'_>) -> crate::Result<Rules> {
        let mut rules = Rules {
            id: NEXT_RULES_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
            ise_exceptions: HashSet::new(),
            ise_endings: Vec::new(),
            full: Level::default(),
            light: Level::default(),
            compound_count: 0,
            concepts: Concepts::default(),
            form_index: FormIndex::default(),
            families: Families::default(),
        };
        rules.build_ise(file.ise, at)?;
        rules.build_spelling(file.spelling, at)?;
        rules.build_compounds(file.compounds, at)?;
        rules.build_concepts(file.concept, file.acronyms, at)?;
        rules.build_families(file.families, at)?;
        Ok(rules)
    }

    pub(super) fn build_ise(&mut self, ise: IseFile, at: &Locator<'_>) -> crate::Result<()> {
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
    pub(super) fn single_folded_word(&self, word: &str) -> Option<String> {
        let mut words = folded_words(word);
        (words.len() == 1).then(|| words.remove(0).text)
    }

    pub(super) fn build_spelling(
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

    pub(super) fn build_compounds(
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

    pub(super) fn analyze_plain(&self, text: &str, stemming: Stemming) -> Vec<String> {
        self.normalize(text, folded_words(text), stemming)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    /// The -ise → -ize rule on one folded word, when it applies.
    pub(super) fn ise_to_ize(&self, word: &str) -> Option<String> {
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

    pub(super) fn level(&self, stemming: Stemming) -> &Level {
        match stemming {
            Stemming::Full => &self.full,
            Stemming::Light => &self.light,
        }
    }

    /// One folded word → its stem after the -ise rule.
    pub(super) fn stem_word(&self, word: &str, stemming: Stemming) -> String {
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
    pub(super) fn with_word_cache<R>(
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
    pub(super) fn normalize_word(&self, word: &str, stemming: Stemming) -> String {
        let mut w = word.to_string();
        self.with_word_cache(stemming, |cache| {
            self.normalize_cached(&mut w, stemming, cache)
        });
        w
    }

    /// Rewrites `word` in place into its normalised stem, through `cache`.
    /// A word seen before costs a hash lookup and a copy into the word's
    /// own buffer: no allocation.
    pub(super) fn normalize_cached(
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

    pub(super) fn normalize_word_uncached(&self, word: &str, stemming: Stemming) -> String {
        let stem = self.stem_word(word, stemming);
        match self.level(stemming).spelling.get(&stem) {
            Some(american) => american.clone(),
            None => stem,
        }
    }

    /// Folded words of `text` → normalised tokens, compounds joined and
    /// positions renumbered.
    pub(super) fn normalize(
        &self,
        text: &str,
        mut words: Vec<Token>,
        stemming: Stemming,
    ) -> Vec<Token> {
        let n = self.normalize_in_place(text, &mut words, stemming);
        words.truncate(n);
        words
    }

    /// [`normalize`](Self::normalize) in place: the first `n` entries of
    /// `words` become the tokens, `n` returned; the rest are spent words
    /// whose buffers the caller may reuse.
    pub(super) fn normalize_in_place(
        &self,
        text: &str,
        words: &mut [Token],
        stemming: Stemming,
    ) -> usize {
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
}

/// `CBMs`, `CSIRTs`, `G20s`: two or more capitals or digits (one capital
/// at least) and a lower-case s.
pub(super) fn is_capital_plural(word: &str) -> bool {
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
pub(super) fn plural_stem(word: &str) -> std::borrow::Cow<'_, str> {
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

/// Whether `parts` stand at the start of `words`, separated in `text` only by
/// spaces, line breaks or hyphens: `cyber. Security` is no compound.
pub(super) fn compound_at(text: &str, words: &[Token], parts: &[String]) -> bool {
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
