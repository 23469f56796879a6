//! Reads `themes.toml`: the cue tables of every theme and language and the
//! `[scoring]` rules, validated into [`Theme`]s and a [`Scoring`].
//!
//! Input: the file's text and its path (for messages). Output: the themes
//! in file order and the rules. Refused, with a [`UserError::Data`] naming
//! the file, the line and the theme: TOML errors, unknown keys, duplicate
//! ids, unknown or nested parents, empty term lists, weights out of range,
//! language tables not named by an ISO 639-1 code, a `*` that does not end
//! a word of at least three letters.

use super::{Scoring, Term, Theme, ENGLISH, MAX_WEIGHT, MIN_PREFIX_CHARS};
use crate::error::{line_of_offset, Error, UserError};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use toml::Spanned;

/// Parses and validates taxonomy source text; `path` names it in error
/// messages.
pub(super) fn parse(text: &str, path: &Path) -> crate::Result<(Vec<Theme>, Scoring)> {
    let at = Locator { text, path };
    let raw: RawFile = toml::from_str(text).map_err(|e| at.toml_error(&e))?;
    let scoring = validate_scoring(raw.scoring, &at)?;
    let themes = validate_themes(raw.theme, &at)?;
    Ok((themes, scoring))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    scoring: Option<Spanned<RawScoring>>,
    #[serde(default)]
    theme: Vec<Spanned<RawTheme>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScoring {
    threshold: Option<Spanned<f64>>,
    repeat_cap: Option<Spanned<i64>>,
    anchor_weight: Option<Spanned<f64>>,
    relative: Option<Spanned<f64>>,
    heading: Option<Spanned<f64>>,
    full_length: Option<Spanned<i64>>,
    inherit: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    id: Spanned<String>,
    label: Spanned<String>,
    description: Spanned<String>,
    parent: Option<Spanned<String>>,
    #[serde(default)]
    requires_parent: Option<Spanned<bool>>,
    terms: Spanned<RawTerms>,
    lang: Option<Spanned<BTreeMap<Spanned<String>, Spanned<RawTerms>>>>,
}

type RawTerms = BTreeMap<Spanned<String>, Spanned<f64>>;

/// Turns byte offsets of the taxonomy text into `file:line: theme …` errors.
struct Locator<'a> {
    text: &'a str,
    path: &'a Path,
}

impl Locator<'_> {
    fn error(&self, offset: usize, theme: Option<&str>, message: impl AsRef<str>) -> Error {
        let line = line_of_offset(self.text, offset);
        let message = match theme {
            Some(id) => format!("theme `{id}`: {}", message.as_ref()),
            None => message.as_ref().to_string(),
        };
        UserError::data(self.path, Some(line), message).into()
    }

    fn toml_error(&self, e: &toml::de::Error) -> Error {
        // TOML messages can span lines; the command line prints one.
        let message = e
            .message()
            .split('\n')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        let message = format!("{message}; fix the taxonomy (its format is described at the top of the built-in themes.toml)");
        match e.span() {
            Some(span) => {
                let theme = theme_around(self.text, span.start);
                self.error(span.start, theme.as_deref(), message)
            }
            None => UserError::data(self.path, None, message).into(),
        }
    }
}

/// The id of the `[[theme]]` entry whose text contains `offset`, read
/// leniently from the raw text: used to name the theme in a TOML error,
/// when the file could not be parsed.
fn theme_around(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let mut header = None;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        if pos > offset {
            break;
        }
        if line.trim_start().starts_with("[[theme]]") {
            header = Some(pos);
        } else if line.trim_start().starts_with('[') && !line.trim_start().starts_with("[theme.") {
            header = None;
        }
        pos += line.len();
    }
    let start = header?;
    for line in text[start..].lines().skip(1) {
        let t = line.trim();
        if t.starts_with('[') {
            break;
        }
        if let Some(rest) = t.strip_prefix("id") {
            let value = rest.trim_start().strip_prefix('=')?.trim();
            let value = value.trim_matches(|c| c == '"' || c == '\'');
            return Some(value.to_string());
        }
    }
    None
}

fn validate_scoring(raw: Option<Spanned<RawScoring>>, at: &Locator) -> crate::Result<Scoring> {
    let mut scoring = Scoring::default();
    let Some(raw) = raw else {
        return Ok(scoring);
    };
    let raw = raw.into_inner();
    if let Some(t) = raw.threshold {
        let v = *t.get_ref();
        if !(v.is_finite() && v > 0.0 && v <= 1000.0) {
            return Err(at.error(
                t.span().start,
                None,
                format!("[scoring] threshold = {v}: write a positive number such as 4"),
            ));
        }
        scoring.threshold = v as f32;
    }
    if let Some(c) = raw.repeat_cap {
        let v = *c.get_ref();
        if !(1..=1000).contains(&v) {
            return Err(at.error(
                c.span().start,
                None,
                format!(
                    "[scoring] repeat_cap = {v}: write a whole number of at least 1, such as 2"
                ),
            ));
        }
        scoring.repeat_cap = v as u32;
    }
    if let Some(a) = raw.anchor_weight {
        let v = *a.get_ref();
        if !(v.is_finite() && (0.0..=MAX_WEIGHT).contains(&v)) {
            return Err(at.error(
                a.span().start,
                None,
                format!("[scoring] anchor_weight = {v}: write a weight from 0 to {MAX_WEIGHT}, such as 2"),
            ));
        }
        scoring.anchor_weight = v as f32;
    }
    if let Some(r) = raw.relative {
        let v = *r.get_ref();
        if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
            return Err(at.error(
                r.span().start,
                None,
                format!("[scoring] relative = {v}: write a share from 0 to 1, such as 0.25"),
            ));
        }
        scoring.relative = v as f32;
    }
    if let Some(h) = raw.heading {
        let v = *h.get_ref();
        if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
            return Err(at.error(
                h.span().start,
                None,
                format!("[scoring] heading = {v}: write a share from 0 to 1, such as 0.5"),
            ));
        }
        scoring.heading = v as f32;
    }
    if let Some(f) = raw.full_length {
        let v = *f.get_ref();
        if !(0..=1000).contains(&v) {
            return Err(at.error(
                f.span().start,
                None,
                format!("[scoring] full_length = {v}: write a number of words from 0 to 1000, such as 20"),
            ));
        }
        scoring.full_length = v as u32;
    }
    if let Some(i) = raw.inherit {
        scoring.inherit = i;
    }
    Ok(scoring)
}

/// Whether `s` is a slug: lowercase ASCII letters, digits and inner hyphens.
fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Validates one term table: `language` is empty for `[theme.terms]`, else
/// the code of `[theme.lang.…]`, for messages.
fn validate_terms(
    raw: Spanned<RawTerms>,
    language: &str,
    fail: &dyn Fn(usize, String) -> Error,
) -> crate::Result<Vec<Term>> {
    let table = if language.is_empty() {
        "the term list".to_string()
    } else {
        format!("the term list [theme.lang.{language}]")
    };
    let terms_at = raw.span().start;
    let mut entries: Vec<(Spanned<String>, Spanned<f64>)> = raw.into_inner().into_iter().collect();
    if entries.is_empty() {
        return Err(fail(
            terms_at,
            format!("{table} is empty; add the words and phrases that show the theme"),
        ));
    }
    // The map sorts by text; keep the librarian's order.
    entries.sort_by_key(|(k, _)| k.span().start);
    let mut terms = Vec::with_capacity(entries.len());
    for (text, weight) in entries {
        let text_at = text.span().start;
        let text = text.into_inner();
        if !text.chars().any(char::is_alphanumeric) {
            return Err(fail(
                text_at,
                format!("term {text:?} has no letter or digit, so it can never match; remove it"),
            ));
        }
        if !stars_end_words(&text) {
            return Err(fail(
                text_at,
                format!(
                    "term {text:?}: a `*` must end a word of at least {MIN_PREFIX_CHARS} letters \
                     (`sécurit*` matches sécurité and sécuritaire); move or remove it"
                ),
            ));
        }
        let w = *weight.get_ref();
        if !(w.is_finite() && (0.0..=MAX_WEIGHT).contains(&w)) {
            return Err(fail(
                weight.span().start,
                format!("term {text:?} has weight {w}; use a number from 0 to {MAX_WEIGHT}"),
            ));
        }
        terms.push(Term {
            text: text.trim().to_string(),
            weight: w as f32,
        });
    }
    if terms.iter().all(|t| t.weight == 0.0) {
        return Err(fail(
            terms_at,
            format!(
                "every term has weight 0{}, so it can never give the theme; weigh at least one term above 0",
                if language.is_empty() { String::new() } else { format!(" in [theme.lang.{language}]") }
            ),
        ));
    }
    Ok(terms)
}

/// Whether every `*` in a term ends a word (the end, a space or
/// punctuation follows) of at least [`MIN_PREFIX_CHARS`] letters or digits.
fn stars_end_words(term: &str) -> bool {
    let chars: Vec<char> = term.chars().collect();
    chars.iter().enumerate().all(|(i, &c)| {
        if c != '*' {
            return true;
        }
        let ends_word = chars
            .get(i + 1)
            .is_none_or(|&n| !n.is_alphanumeric() && n != '*');
        let letters = chars[..i]
            .iter()
            .rev()
            .take_while(|c| c.is_alphanumeric())
            .count();
        ends_word && letters >= MIN_PREFIX_CHARS
    })
}

fn validate_themes(raw: Vec<Spanned<RawTheme>>, at: &Locator) -> crate::Result<Vec<Theme>> {
    if raw.is_empty() {
        return Err(UserError::data(
            at.path,
            None,
            "the taxonomy has no [[theme]] entries; add at least one (see the built-in themes.toml)",
        )
        .into());
    }
    // First pass: ids, duplicates, and which ids are pillars.
    let mut first_line: HashMap<String, usize> = HashMap::new();
    let mut pillar: HashMap<String, bool> = HashMap::new();
    for entry in &raw {
        let theme = entry.get_ref();
        let id = theme.id.get_ref().as_str();
        let start = theme.id.span().start;
        if let Some(line) = first_line.get(id) {
            return Err(at.error(
                start,
                Some(id),
                format!("duplicate id, first used on line {line}; give each theme its own id"),
            ));
        }
        first_line.insert(id.to_string(), line_of_offset(at.text, start));
        pillar.insert(id.to_string(), theme.parent.is_none());
    }

    let mut themes = Vec::with_capacity(raw.len());
    for entry in raw {
        let theme = entry.into_inner();
        let id = theme.id.get_ref().clone();
        let id_at = theme.id.span().start;
        let fail = |offset: usize, message: String| at.error(offset, Some(&id), message);

        match &theme.parent {
            None => {
                if !is_slug(&id) {
                    return Err(fail(
                        id_at,
                        "a pillar's id must be lowercase letters, digits and hyphens (a sub-theme \
                         also needs `parent = \"…\"`)"
                            .into(),
                    ));
                }
                if let Some(r) = &theme.requires_parent {
                    return Err(fail(
                        r.span().start,
                        "`requires_parent` is for sub-themes only; remove it or add a parent"
                            .into(),
                    ));
                }
            }
            Some(parent) => {
                let p = parent.get_ref().as_str();
                match pillar.get(p) {
                    None => {
                        return Err(fail(
                            parent.span().start,
                            format!("unknown parent `{p}`; set parent to the id of a pillar defined in this file"),
                        ))
                    }
                    Some(false) => {
                        return Err(fail(
                            parent.span().start,
                            format!("parent `{p}` is itself a sub-theme; only two levels are allowed, so name a pillar"),
                        ))
                    }
                    Some(true) => {}
                }
                let slug_ok = id
                    .strip_prefix(p)
                    .and_then(|r| r.strip_prefix('/'))
                    .is_some_and(is_slug);
                if !slug_ok {
                    return Err(fail(
                        id_at,
                        format!("a sub-theme's id must be its parent's id, a slash and a slug, e.g. `{p}/example`"),
                    ));
                }
            }
        }
        let label = theme.label.get_ref().trim().to_string();
        if label.is_empty() {
            return Err(fail(
                theme.label.span().start,
                "the label is empty; give the theme a short name".into(),
            ));
        }
        let description = theme.description.get_ref().trim().to_string();

        let terms = validate_terms(theme.terms, "", &fail)?;
        let mut translations = BTreeMap::new();
        for (language, terms) in theme.lang.map(Spanned::into_inner).unwrap_or_default() {
            let code = language.get_ref().as_str();
            if code == ENGLISH {
                return Err(fail(
                    language.span().start,
                    "English terms go in [theme.terms], not [theme.lang.en]".into(),
                ));
            }
            if !crate::corpus::ISO_639_1.contains(&code) {
                return Err(fail(
                    language.span().start,
                    format!("[theme.lang.{code}]: {code:?} is not an ISO 639-1 language code; name the language as the manifest's `language` does (fr, es, ru …)"),
                ));
            }
            let terms = validate_terms(terms, code, &fail)?;
            translations.insert(language.into_inner(), terms);
        }
        themes.push(Theme {
            id,
            label,
            description,
            parent: theme.parent.map(Spanned::into_inner),
            requires_parent: theme.requires_parent.is_some_and(|r| r.into_inner()),
            terms,
            translations,
        });
    }
    Ok(themes)
}
