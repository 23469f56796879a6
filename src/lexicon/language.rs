//! Per-language analysis: what the stemmed field holds for a text written
//! in a language other than English.
//!
//! Input: a text's folded words (the exact field's: split, lower-cased,
//! accents folded, `ё` read as `е`, Greek accents and final sigma folded)
//! and the text's language, an ISO 639-1 code as the manifest gives it.
//! Output: stemmed tokens, each marked with its language (`fr:secur`).
//! Nothing is refused: a language without a stemmer gets the neutral
//! analysis (the folded words, unstemmed).
//!
//! * English keeps the lexicon's rules (spellings, -ise, compounds,
//!   families: see the parent module), unmarked, so that English results
//!   stay what they were.
//! * The languages Snowball has a stemmer for (French, Spanish, Russian,
//!   German, Greek, Arabic, Portuguese, Italian, and the rest of
//!   [`stemmer_of`]) are stemmed with it, on the folded word: a query typed
//!   without accents (`securite`) then meets the accented text
//!   (`sécurité`), at the price of a few suffixes the stemmer only knows
//!   accented.
//! * Chinese is cut into words by jieba's dictionary (loaded at the first
//!   Chinese text, not before: it takes a fraction of a second); its
//!   exact-field words are single characters, so that a quoted phrase still
//!   finds any run of characters.
//! * Any other language (Latvian today) is folded and not stemmed.
//!
//! Why one field with marked tokens rather than a field per language: the
//! search planner, the theme tagger, the reuse signatures and the
//! highlighter all work on one token stream per passage, and the marks keep
//! each language's terms (and their statistics) apart in it: `fr:secur`
//! never meets an English `secur`, and a query reaches a language only
//! through that language's analysis of it.

use std::cell::RefCell;
use std::sync::OnceLock;

use tantivy::tokenizer::Token;

use super::FastMap;

/// The language whose texts get the lexicon's rules, unmarked.
pub const ENGLISH: &str = "en";

/// How a language's texts are analysed.
#[derive(Clone, Copy)]
pub(super) enum Analysis {
    /// The lexicon's English rules.
    English,
    /// A Snowball stemmer on the folded words.
    Snowball(frostem::Stemmer),
    /// Chinese words cut by jieba.
    Chinese,
    /// Folded words, unstemmed.
    Neutral,
}

/// The analysis for `language` (an ISO 639-1 code, any case; empty reads
/// as English, as every text was analysed before languages were told
/// apart).
pub(super) fn analysis_of(language: &str) -> Analysis {
    let code = language.trim();
    if code.is_empty() || code.eq_ignore_ascii_case(ENGLISH) {
        return Analysis::English;
    }
    if code.eq_ignore_ascii_case("zh") {
        return Analysis::Chinese;
    }
    match stemmer_of(code) {
        Some(s) => Analysis::Snowball(s),
        None => Analysis::Neutral,
    }
}

/// Whether `language` is analysed with the lexicon's English rules.
pub fn is_english(language: &str) -> bool {
    matches!(analysis_of(language), Analysis::English)
}

/// The Snowball stemmer for an ISO 639-1 code, if Snowball has one.
pub(super) fn stemmer_of(code: &str) -> Option<frostem::Stemmer> {
    use frostem::Algorithm as A;
    let algorithm = match code.to_ascii_lowercase().as_str() {
        "ar" => A::Arabic,
        "hy" => A::Armenian,
        "eu" => A::Basque,
        "ca" => A::Catalan,
        "cs" => A::Czech,
        "da" => A::Danish,
        "nl" => A::Dutch,
        "eo" => A::Esperanto,
        "et" => A::Estonian,
        "fi" => A::Finnish,
        "fr" => A::French,
        "de" => A::German,
        "el" => A::Greek,
        "hi" => A::Hindi,
        "hu" => A::Hungarian,
        "id" => A::Indonesian,
        "ga" => A::Irish,
        "it" => A::Italian,
        "lt" => A::Lithuanian,
        "ne" => A::Nepali,
        "no" | "nb" | "nn" => A::Norwegian,
        "fa" => A::Persian,
        "pl" => A::Polish,
        "pt" => A::Portuguese,
        "ro" => A::Romanian,
        "ru" => A::Russian,
        "sr" => A::Serbian,
        "es" => A::Spanish,
        "sv" => A::Swedish,
        "ta" => A::Tamil,
        "tr" => A::Turkish,
        "yi" => A::Yiddish,
        _ => return None,
    };
    Some(frostem::Stemmer::new(algorithm))
}

/// The mark before a token of `language`: `fr:`.
pub fn mark(language: &str) -> String {
    let mut m = language.trim().to_ascii_lowercase();
    m.push(':');
    m
}

/// The language a stemmed token is marked with (`fr` for `fr:secur`), or
/// English for an unmarked one.
pub fn language_of_token(token: &str) -> &str {
    match token.split_once(':') {
        Some((lang, _)) if (2..=3).contains(&lang.len()) => lang,
        _ => ENGLISH,
    }
}

/// Folds what the exact analyser's ASCII folding leaves alone, as each
/// language's readers expect: Russian `ё` is `е`, Greek accents and
/// diaeresis go and final `ς` is `σ`. `None` when nothing changes.
pub(super) fn fold_more(word: &str) -> Option<String> {
    if !word.chars().any(|c| fold_char(c) != c) {
        return None;
    }
    Some(word.chars().map(fold_char).collect())
}

fn fold_char(c: char) -> char {
    match c {
        'ё' => 'е',
        'ς' => 'σ',
        'ά' => 'α',
        'έ' => 'ε',
        'ή' => 'η',
        'ί' | 'ϊ' | 'ΐ' => 'ι',
        'ό' => 'ο',
        'ύ' | 'ϋ' | 'ΰ' => 'υ',
        'ώ' => 'ω',
        _ => c,
    }
}

/// Whether `c` is written without spaces between words (Chinese and
/// Japanese ideographs and kana): the exact field takes each as a word.
pub(super) fn is_unspaced(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'   // hiragana, katakana
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}' // compatibility ideographs
        | '\u{20000}'..='\u{2FA1F}')
}

thread_local! {
    /// Stems already made by this thread, by marked folded word: a corpus
    /// repeats a few thousand words per language.
    static STEMS: RefCell<FastMap<String, String>> = RefCell::new(FastMap::default());
}

/// Cached stems per thread before the cache starts afresh.
const STEM_CACHE_LIMIT: usize = 100_000;

/// The stemmed tokens of a text in `language` (not English) from its
/// folded words: into the first entries of `words` (whose texts are the
/// folded words), returning how many. `text` is the text the offsets point
/// into.
pub(super) fn analyse_in_place(
    analysis: Analysis,
    language: &str,
    text: &str,
    words: &mut Vec<Token>,
    n: usize,
) -> usize {
    let mark = mark(language);
    match analysis {
        Analysis::Chinese => chinese(&mark, text, words, n),
        Analysis::Snowball(stemmer) => {
            STEMS.with(|cache| {
                let mut cache = cache.borrow_mut();
                let mut key = String::new();
                for w in &mut words[..n] {
                    key.clear();
                    key.push_str(&mark);
                    key.push_str(&w.text);
                    if let Some(done) = cache.get(&key) {
                        w.text.clear();
                        w.text.push_str(done);
                        continue;
                    }
                    let mut stemmed = mark.clone();
                    stemmed.push_str(&stemmer.stem(&w.text));
                    if cache.len() >= STEM_CACHE_LIMIT {
                        cache.clear();
                    }
                    cache.insert(key.clone(), stemmed.clone());
                    w.text = stemmed;
                }
            });
            renumber(&mut words[..n]);
            n
        }
        Analysis::Neutral | Analysis::English => {
            for w in &mut words[..n] {
                w.text.insert_str(0, &mark);
            }
            renumber(&mut words[..n]);
            n
        }
    }
}

/// The tokens of `text` written in `language`, which is not English.
pub(super) fn analyse_other(text: &str, language: &str) -> Vec<Token> {
    let mut words = super::analyzer::folded_words(text);
    let n = words.len();
    let n = analyse_in_place(analysis_of(language), language, text, &mut words, n);
    words.truncate(n);
    words
}

/// Numbers tokens one after the other, as the English analysis does
/// (a dropped overlong word leaves no gap).
fn renumber(tokens: &mut [Token]) {
    for (k, t) in tokens.iter_mut().enumerate() {
        t.position = k;
        t.position_length = 1;
    }
}

/// jieba, with its own dictionary, made at the first Chinese text.
fn jieba() -> &'static jieba_rs::Jieba {
    static JIEBA: OnceLock<jieba_rs::Jieba> = OnceLock::new();
    JIEBA.get_or_init(jieba_rs::Jieba::new)
}

/// Chinese: each run of single-character words standing side by side in
/// the text (the exact field's ideographs) is cut into words by jieba; other
/// words (Latin letters, digits) stay as they are. Positions are renumbered.
fn chinese(mark: &str, text: &str, words: &mut Vec<Token>, n: usize) -> usize {
    let folded: Vec<Token> = words[..n].to_vec();
    let mut out: Vec<Token> = Vec::with_capacity(n);
    let mut i = 0;
    while i < folded.len() {
        let unspaced = |t: &Token| t.text.chars().next().is_some_and(is_unspaced);
        if !unspaced(&folded[i]) {
            let mut t = folded[i].clone();
            t.text.insert_str(0, mark);
            out.push(t);
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < folded.len()
            && unspaced(&folded[j])
            && folded[j].offset_from == folded[j - 1].offset_to
        {
            j += 1;
        }
        let from = folded[i].offset_from;
        let run = &text[from..folded[j - 1].offset_to];
        for word in jieba().cut(run, true) {
            let w = word.word.trim();
            if w.is_empty() || !w.chars().any(char::is_alphanumeric) {
                continue;
            }
            out.push(Token {
                offset_from: from + word.byte_start,
                offset_to: from + word.byte_end,
                text: format!("{mark}{w}"),
                ..Token::default()
            });
        }
        i = j;
    }
    renumber(&mut out);
    let len = out.len();
    if words.len() < len {
        words.resize_with(len, Token::default);
    }
    for (w, t) in words.iter_mut().zip(out) {
        *w = t;
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_get_their_analysis() {
        assert!(matches!(analysis_of("en"), Analysis::English));
        assert!(matches!(analysis_of(""), Analysis::English));
        assert!(matches!(analysis_of("fr"), Analysis::Snowball(_)));
        assert!(matches!(analysis_of("RU"), Analysis::Snowball(_)));
        assert!(matches!(analysis_of("zh"), Analysis::Chinese));
        assert!(matches!(analysis_of("lv"), Analysis::Neutral));
    }

    #[test]
    fn marks_name_their_language() {
        assert_eq!(mark("fr"), "fr:");
        assert_eq!(language_of_token("fr:secur"), "fr");
        assert_eq!(language_of_token("secur"), "en");
    }

    #[test]
    fn folding_reads_yo_and_greek_accents() {
        assert_eq!(fold_more("ещё").as_deref(), Some("еще"));
        assert_eq!(
            fold_more("κυβερνοασφάλειας").as_deref(),
            Some("κυβερνοασφαλειασ")
        );
        assert_eq!(fold_more("security"), None);
        assert_eq!(fold_more("безопасность"), None);
    }
}
