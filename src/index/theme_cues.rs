//! Which themes a query names: the taxonomy's decisive terms, analysed
//! when the index is built and kept beside it (`theme-cues.json`), so that
//! a search knows them without reading or analysing the taxonomy.
//!
//! Input: the [`Taxonomy`] and the [`Lexicon`] an index is built with.
//! Output: [`ThemeCues`]: for each theme, the token sequences of its English
//! terms that alone show it (weight at the taxonomy's threshold or more);
//! [`ThemeCues::named`] finds them in a query's tokens. A generation
//! without the file (built by an older version) names no theme: nothing is
//! refused.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::lexicon::Lexicon;
use crate::themes::Taxonomy;

/// The file in each generation.
pub(super) const FILE: &str = "theme-cues.json";

/// The decisive terms of each theme, analysed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ThemeCues {
    /// `(theme id, tokens)` for every decisive term.
    cues: Vec<(String, Vec<String>)>,
}

impl ThemeCues {
    /// The cues of a taxonomy under a lexicon: each theme's English terms
    /// weighing at least the threshold a theme must reach (a term that
    /// alone gives a passage the theme also names it in a query). Prefix
    /// terms (`word*`) are left out: a query names a theme in words.
    pub fn new(taxonomy: &Taxonomy, lexicon: &Lexicon) -> ThemeCues {
        let threshold = taxonomy.scoring().threshold;
        let mut cues = Vec::new();
        for theme in taxonomy.themes() {
            for term in &theme.terms {
                if term.weight < threshold || term.text.contains('*') {
                    continue;
                }
                let tokens = lexicon.analyze(&term.text);
                if !tokens.is_empty() {
                    cues.push((theme.id.clone(), tokens));
                }
            }
        }
        ThemeCues { cues }
    }

    /// Reads the cues of a generation; none when the file is missing or
    /// unreadable (the search then boosts no theme).
    pub(super) fn load(generation: &Path) -> ThemeCues {
        std::fs::read(generation.join(FILE))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// The bytes written into a generation.
    pub(super) fn to_bytes(&self) -> Vec<u8> {
        // Plain data with string keys: serialising cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The themes whose cues stand, words in a row, in any of `runs` (the
    /// query's tokens, and those of each variant it searches for), in
    /// taxonomy order, each once.
    pub fn named(&self, runs: &[Vec<String>]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (theme, cue) in &self.cues {
            if out.contains(theme) {
                continue;
            }
            let found = runs
                .iter()
                .any(|run| run.windows(cue.len()).any(|w| w == cue.as_slice()));
            if found {
                out.push(theme.clone());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decisive_term_names_its_theme_and_a_passing_word_does_not() {
        let lex = Lexicon::builtin();
        let cues = ThemeCues::new(&Taxonomy::builtin(), &lex);
        let named = |q: &str| cues.named(&[lex.analyze(q)]);
        assert!(!named("confidence-building measures").is_empty());
        assert!(named("the").is_empty());
        let back: ThemeCues = serde_json::from_slice(&cues.to_bytes()).unwrap();
        assert_eq!(back, cues);
    }
}
