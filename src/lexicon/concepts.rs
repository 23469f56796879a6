//! Concepts and word families: the field's names for one idea, and the
//! derivations of one word that the stemmer leaves apart.
//!
//! Input: the `[[concept]]` entries, the `[acronyms]` shorthand (each
//! acronym a concept of its own, its first long form the label) and the
//! `[families]` table of a lexicon file. Output: [`Concept`]s whose English
//! forms (label, variants, acronyms, symbols) are analysed into stemmed
//! tokens, each form indexed by its first token, and [`Families`] of stems.
//! Refused, naming the entry: a concept without id or label, an id or a
//! form given twice (within a concept, across concepts, or between a
//! concept and an acronym), an empty form, a language code that is not two
//! or three lower-case letters, a family member that is not one word, and a
//! word in two families.
//!
//! Why concepts are expanded at query time and never in the index: a
//! concept's names differ in length (`IHL`, `law of armed conflict`), and
//! a token filter that emits several tokens for one word turns a query word
//! into a phrase. Why families are too: joining `regulatory` to
//! `regulation` in the index would make the two one word for good, where a
//! query can match the typed word first and its relatives below it, and the
//! theme tagger (which reads the index's analysis) keeps its own terms.
//!
//! Names in other languages are forms of the concept too
//! ([`FormKind::Name`]), each analysed in its own language (its tokens
//! marked with it, `fr:mesur fr:de fr:confianc`): a query naming the
//! concept in one language finds its names in every other, and a name
//! never meets another language's words.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::file::{AcronymFile, ConceptFile, Locator};
use super::rules::{Rules, Stemming};
use super::FastMap;

/// What a form of a concept is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FormKind {
    /// The preferred label.
    Label,
    /// Another word or phrase for the concept.
    Variant,
    /// An acronym.
    Acronym,
    /// A document symbol (`A/70/174`, `ETS No. 185`).
    Symbol,
    /// A name in another language than English (its form's `language`).
    Name,
}

/// One form of a concept, analysed in its language.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Form {
    /// As the lexicon writes it.
    pub(super) written: String,
    /// Its normalised, stemmed tokens, analysed as a text in `language`
    /// is (marked with it when it is not English).
    pub(super) tokens: Vec<String>,
    /// Its language (ISO 639-1): `en` for the label, variants, acronyms
    /// and symbols; the language of a [`FormKind::Name`].
    pub(super) language: String,
    pub(super) kind: FormKind,
    /// Matched only when a query writes it as written (acronyms that are
    /// also ordinary words: `IT`, `US`, `FIRST`).
    pub(super) case_sensitive: bool,
}

/// A concept: one idea and its names.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Concept {
    pub(super) id: String,
    pub(super) label: String,
    /// Every English form, the label first, then the names in other
    /// languages ([`FormKind::Name`]); no two with the same tokens.
    pub(super) forms: Vec<Form>,
    /// Names in other languages by language code, as written.
    pub(super) names: BTreeMap<String, Vec<String>>,
}

/// The word families: stems that meet although the stemmer leaves them
/// apart (`regulatori`, `regul`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Families {
    /// Each family: its head as written, and its stems, each with the first
    /// word written for it.
    pub(super) families: Vec<Family>,
    /// Stem → its family.
    pub(super) of_stem: FastMap<String, u32>,
}

/// One word family.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Family {
    /// The head word as the lexicon writes it (`regulation`).
    pub(super) head: String,
    /// `(stem, a word written for it)`, the head's first.
    pub(super) stems: Vec<(String, String)>,
}

impl Families {
    /// The family of a stem.
    pub(super) fn of(&self, stem: &str) -> Option<&Family> {
        self.of_stem.get(stem).map(|&i| &self.families[i as usize])
    }
}

/// Concept forms by their first token: `(concept, form)` indexes.
pub(super) type FormIndex = FastMap<String, Vec<(u32, u32)>>;

/// The concepts, in file order. Read from an index's compiled rules, each
/// stays encoded until a query first names it.
///
/// Why: every search opens the compiled rules, and decoding every name of
/// every concept (about 200 concepts, their names in six languages, a
/// string allocated for each) took over a millisecond and as much again
/// to free, more than the search; a query names a few concepts at most.
#[derive(Default)]
pub(super) struct Concepts {
    decoded: Vec<std::sync::OnceLock<Concept>>,
    /// Each concept's encoding, one after the other, when read from
    /// compiled rules (empty when built from the source).
    encoded: Vec<u8>,
    /// Where each concept's encoding ends in `encoded`.
    ends: Vec<u32>,
}

impl Concepts {
    /// Concepts read from compiled rules: `ends[i]` is where the `i`-th
    /// one's encoding ends in `encoded`. `None` when an encoding does not
    /// decode (checked by the caller's checksum, so never in practice).
    pub(super) fn encoded(encoded: Vec<u8>, ends: Vec<u32>) -> Option<Concepts> {
        let last = ends.last().copied().unwrap_or(0) as usize;
        if last != encoded.len() || ends.windows(2).any(|w| w[0] > w[1]) {
            return None;
        }
        Some(Concepts {
            decoded: (0..ends.len())
                .map(|_| std::sync::OnceLock::new())
                .collect(),
            encoded,
            ends,
        })
    }

    pub(super) fn push(&mut self, concept: Concept) {
        self.decoded.push(std::sync::OnceLock::from(concept));
    }

    pub(super) fn len(&self) -> usize {
        self.decoded.len()
    }

    /// The `i`-th concept, decoded on first use.
    pub(super) fn get(&self, i: usize) -> &Concept {
        self.decoded[i].get_or_init(|| {
            let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
            let bytes = &self.encoded[start..self.ends[i] as usize];
            // The bytes passed the compiled rules' checksum and were
            // written by this version: they decode.
            postcard::from_bytes(bytes).expect("compiled concept decodes")
        })
    }

    /// How many have been decoded (all, when built from the source).
    #[cfg(test)]
    pub(super) fn decoded_count(&self) -> usize {
        self.decoded.iter().filter(|c| c.get().is_some()).count()
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &Concept> {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Every concept encoded, one after the other, and where each ends.
    pub(super) fn encode(&self) -> (Vec<u8>, Vec<u32>) {
        let mut encoded = Vec::new();
        let mut ends = Vec::with_capacity(self.len());
        for c in self.iter() {
            // Plain data: encoding cannot fail.
            encoded.extend(postcard::to_allocvec(c).unwrap_or_default());
            ends.push(encoded.len() as u32);
        }
        (encoded, ends)
    }
}

impl std::ops::Index<usize> for Concepts {
    type Output = Concept;

    fn index(&self, i: usize) -> &Concept {
        self.get(i)
    }
}

/// Indexes every form of `concepts` by its first token.
pub(super) fn index_forms(concepts: &Concepts) -> FormIndex {
    let mut index = FormIndex::default();
    for (c, concept) in concepts.iter().enumerate() {
        for (f, form) in concept.forms.iter().enumerate() {
            index
                .entry(form.tokens[0].clone())
                .or_default()
                .push((c as u32, f as u32));
        }
    }
    index
}

impl Rules {
    /// Builds the concepts: first the `[[concept]]` entries, then each
    /// `[acronyms]` entry as a concept of its own.
    pub(super) fn build_concepts(
        &mut self,
        entries: Vec<ConceptFile>,
        acronyms: BTreeMap<String, AcronymFile>,
        at: &Locator<'_>,
    ) -> crate::Result<()> {
        // Tokens of every form → the concept holding it, so that one form
        // cannot stand for two concepts.
        let mut owner: HashMap<Vec<String>, String> = HashMap::new();
        let mut ids: HashMap<String, ()> = HashMap::new();
        for entry in entries {
            let id = entry.id.trim().to_string();
            if id.is_empty() {
                return Err(at.concept_error(&entry.label, "has no id: give it a slug".into()));
            }
            if ids.insert(id.clone(), ()).is_some() {
                return Err(at.concept_error(&id, "the id is used twice; merge the entries".into()));
            }
            if entry.label.trim().is_empty() {
                return Err(at.concept_error(&id, "has no label".into()));
            }
            for lang in entry.names.keys() {
                let ok =
                    (2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_lowercase());
                if !ok {
                    return Err(at.concept_error(
                        &id,
                        format!("names: {lang:?} is not a language code (ISO 639-1, e.g. fr)"),
                    ));
                }
            }
            let mut written: Vec<(String, FormKind)> = vec![(entry.label.clone(), FormKind::Label)];
            written.extend(entry.variants.into_iter().map(|v| (v, FormKind::Variant)));
            written.extend(entry.acronyms.into_iter().map(|v| (v, FormKind::Acronym)));
            written.extend(entry.symbols.into_iter().map(|v| (v, FormKind::Symbol)));
            let concept = self.concept(
                &id,
                entry.label,
                written,
                entry.case_sensitive,
                entry.names,
                &mut owner,
                &|m| at.concept_error(&id, m),
            )?;
            self.concepts.push(concept);
        }
        for (acronym, entry) in acronyms {
            let (long, case_sensitive) = match entry {
                AcronymFile::Long(l) => (l.into_vec(), false),
                AcronymFile::Table(t) => (t.long.into_vec(), t.case_sensitive),
            };
            let fail = |m: String| at.error("acronyms", &acronym, m);
            if long.is_empty() {
                return Err(fail(
                    "has no long form: give at least one, e.g. CBM = [\"confidence-building \
                     measure\"]"
                        .into(),
                ));
            }
            let mut written: Vec<(String, FormKind)> = Vec::new();
            written.extend(long.iter().map(|l| (l.clone(), FormKind::Variant)));
            written[0].1 = FormKind::Label;
            written.push((acronym.clone(), FormKind::Acronym));
            let id = acronym.to_lowercase();
            if ids.insert(id.clone(), ()).is_some() {
                return Err(fail(format!(
                    "a [[concept]] has the id {id:?}; write the acronym in that concept"
                )));
            }
            let concept = self.concept(
                &id,
                long[0].clone(),
                written,
                case_sensitive,
                BTreeMap::new(),
                &mut owner,
                &fail,
            )?;
            self.concepts.push(concept);
        }
        self.form_index = index_forms(&self.concepts);
        Ok(())
    }

    /// One concept from its written forms, the label first.
    #[allow(clippy::too_many_arguments)]
    fn concept(
        &self,
        id: &str,
        label: String,
        written: Vec<(String, FormKind)>,
        case_sensitive: bool,
        names: BTreeMap<String, Vec<String>>,
        owner: &mut HashMap<Vec<String>, String>,
        fail: &dyn Fn(String) -> crate::Error,
    ) -> crate::Result<Concept> {
        let mut forms: Vec<Form> = Vec::new();
        for (text, kind) in written {
            let tokens = self.analyze_plain(&text, Stemming::Full);
            if tokens.is_empty() {
                return Err(fail(format!(
                    "the form {text:?} has no word: remove the empty string"
                )));
            }
            // `information and communication(s) technology` and a plural
            // written out collapse to one token sequence: kept once.
            if forms.iter().any(|f| f.tokens == tokens) {
                continue;
            }
            if let Some(other) = owner.get(&tokens) {
                if other != id {
                    return Err(fail(format!(
                        "{text:?} is also a name of `{other}` after normalisation; one \
                         name, one concept: merge the entries or drop the name from one"
                    )));
                }
            }
            owner.insert(tokens.clone(), id.to_string());
            forms.push(Form {
                written: text,
                tokens,
                language: super::ENGLISH.to_string(),
                kind,
                case_sensitive: case_sensitive && kind == FormKind::Acronym,
            });
        }
        // Names in other languages: one name may serve two concepts in a
        // language whose words are fewer (no check across concepts).
        for (language, written) in &names {
            if super::is_english(language) {
                continue;
            }
            for text in written {
                let tokens: Vec<String> = super::language::analyse_other(text, language)
                    .into_iter()
                    .map(|t| t.text)
                    .collect();
                if tokens.is_empty() {
                    return Err(fail(format!(
                        "the {language} name {text:?} has no word: remove the empty string"
                    )));
                }
                if forms.iter().any(|f| f.tokens == tokens) {
                    continue;
                }
                forms.push(Form {
                    written: text.clone(),
                    tokens,
                    language: language.clone(),
                    kind: FormKind::Name,
                    case_sensitive: false,
                });
            }
        }
        Ok(Concept {
            id: id.to_string(),
            label,
            forms,
            names,
        })
    }

    /// Builds the word families: each head and member reduced to its stem;
    /// a family whose words all share one stem needs no entry and is kept
    /// for the record only.
    pub(super) fn build_families(
        &mut self,
        table: BTreeMap<String, Vec<String>>,
        at: &Locator<'_>,
    ) -> crate::Result<()> {
        let mut families = Families::default();
        let mut head_of: HashMap<String, String> = HashMap::new();
        for (head, members) in table {
            let mut stems: Vec<(String, String)> = Vec::new();
            for word in std::iter::once(&head).chain(&members) {
                let Some(folded) = self.single_folded_word(word) else {
                    return Err(at.error("families", &head, format!("{word:?} must be one word")));
                };
                let stem = self.normalize_word(&folded, Stemming::Full);
                if let Some(other) = head_of.get(&stem) {
                    if *other != head {
                        return Err(at.error(
                            "families",
                            &head,
                            format!(
                                "{word:?} is already in the family of `{other}`; a word \
                                 belongs to one family"
                            ),
                        ));
                    }
                }
                head_of.insert(stem.clone(), head.clone());
                if !stems.iter().any(|(s, _)| *s == stem) {
                    stems.push((stem, word.clone()));
                }
            }
            if stems.len() < 2 {
                continue;
            }
            let n = families.families.len() as u32;
            for (stem, _) in &stems {
                families.of_stem.insert(stem.clone(), n);
            }
            families.families.push(Family { head, stems });
        }
        self.families = families;
        Ok(())
    }
}
