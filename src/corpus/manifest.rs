//! Reading a manifest's TOML into entries, every structural problem at its
//! line.
//!
//! Input: the manifest's text. Output: the `[[document]]` entries as
//! written (each value with its span), the `[kinds]` the manifest adds, and
//! every problem found on the way: TOML syntax (as far as the parser can
//! recover), unknown keys (with the nearest known one), values of the wrong
//! type (said in plain words with an example: `authors` takes a list), and
//! missing required fields. Nothing stops at the first problem, so one run
//! reports them all. The values themselves (dates, codes, files) are
//! checked afterwards by [`super::check::Checker`].

use std::collections::BTreeMap;
use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::check::{context_at, Entry, Problem};

/// The fields of a `[[document]]` entry, in the order the README lists
/// them; the first of each pair is required.
pub(super) const FIELDS: &[(&str, bool)] = &[
    ("id", true),
    ("file", true),
    ("title", true),
    ("issuer", false),
    ("issuers", false),
    ("issuer_type", false),
    ("authors", false),
    ("date", true),
    ("kind", true),
    ("number", false),
    ("country", false),
    ("organization", false),
    ("language", true),
    ("translation", false),
    ("original_language", false),
    ("url", false),
    ("container", false),
    ("venue", false),
];

/// The fields of a `venue` table.
pub(super) const VENUE_FIELDS: &[&str] = &["journal", "volume", "issue", "pages", "date", "url"];

/// An example value for each field, used in messages: a librarian copies it.
fn example(field: &str) -> &'static str {
    match field {
        "id" => "id = \"norway-2017\"",
        "file" => "file = \"norway-2017.txt\"",
        "title" => "title = \"International Cyber Strategy for Norway\"",
        "issuer" => "issuer = \"Norwegian Ministry of Foreign Affairs\"",
        "issuers" => "issuers = [\"Government of France\", \"Microsoft\"]",
        "issuer_type" => "issuer_type = \"multistakeholder\"",
        "authors" => "authors = [\"Roy Schöndorf\"]",
        "date" => "date = \"2017-08-31\" (or \"2011-05\", \"2016\")",
        "kind" => "kind = \"national-strategy\"",
        "number" => "number = \"A/70/174\"",
        "country" => "country = \"NO\"",
        "organization" => "organization = \"United Nations\"",
        "language" => "language = \"en\"",
        "translation" => "translation = \"unofficial\"",
        "original_language" => "original_language = \"fr\"",
        "url" => "url = \"https://example.org/text.pdf\"",
        "container" => "container = \"International Cyber Norms\"",
        "venue" => "venue = { journal = \"International Law Studies\", volume = \"97\", pages = \"395–406\", date = \"2021\" }",
        "journal" => "journal = \"International Law Studies\"",
        "volume" => "volume = \"97\"",
        "issue" => "issue = \"1\"",
        "pages" => "pages = \"395–406\"",
        _ => "",
    }
}

/// A venue table as written.
#[derive(Default)]
pub(super) struct RawVenue {
    pub(super) span: Range<usize>,
    pub(super) journal: Option<Spanned<String>>,
    pub(super) volume: Option<Spanned<String>>,
    pub(super) issue: Option<Spanned<String>>,
    pub(super) pages: Option<Spanned<String>>,
    pub(super) date: Option<Spanned<String>>,
    pub(super) url: Option<Spanned<String>>,
}

/// One `[[document]]` entry as written; a field is `None` when absent or
/// unusable (the problem is already recorded).
#[derive(Default)]
pub(super) struct RawDocument {
    /// Whether a required field is missing or unusable.
    pub(super) incomplete: bool,
    pub(super) id: Option<Spanned<String>>,
    pub(super) file: Option<Spanned<String>>,
    pub(super) title: Option<Spanned<String>>,
    pub(super) issuer: Option<Spanned<String>>,
    pub(super) issuers: Option<Spanned<Vec<String>>>,
    pub(super) issuer_type: Option<Spanned<String>>,
    pub(super) authors: Option<Spanned<Vec<String>>>,
    pub(super) date: Option<Spanned<String>>,
    pub(super) kind: Option<Spanned<String>>,
    pub(super) number: Option<Spanned<String>>,
    pub(super) country: Option<Spanned<String>>,
    pub(super) organization: Option<Spanned<String>>,
    pub(super) language: Option<Spanned<String>>,
    pub(super) translation: Option<Spanned<String>>,
    pub(super) original_language: Option<Spanned<String>>,
    pub(super) url: Option<Spanned<String>>,
    pub(super) container: Option<Spanned<String>>,
    pub(super) venue: Option<RawVenue>,
}

/// What a manifest holds, as written.
pub(super) struct RawManifest {
    pub(super) documents: Vec<RawDocument>,
    /// Kinds the manifest adds: slug → (description, span).
    pub(super) kinds: BTreeMap<String, (String, Range<usize>)>,
    /// Problems found while reading, not yet sorted.
    pub(super) problems: Vec<Problem>,
    /// Whether the TOML itself has errors (values near them may be lost).
    pub(super) syntax_errors: bool,
}

/// Reads the manifest `text`, recording every structural problem; `line`
/// turns a byte offset into a 1-based line.
pub(super) fn read(text: &str, line: &dyn Fn(usize) -> usize) -> RawManifest {
    let (table, errors) = DeTable::parse_recoverable(text);
    let mut out = RawManifest {
        documents: Vec::new(),
        kinds: BTreeMap::new(),
        problems: Vec::new(),
        syntax_errors: !errors.is_empty(),
    };
    for e in &errors {
        let at = e.span().map(|s| line(s.start));
        let (entry, field) = at.map(|l| context_at(text, l)).unwrap_or((None, None));
        let message = super::check::collapse_whitespace(e.message());
        let hint = if field.as_deref() == Some("date") {
            // An unquoted `2017-08-31` is a TOML date and `2011-05` a
            // syntax error; both mean the quotes were forgotten.
            "; write the date in quotes: date = \"2017-08-31\", \"2011-05\" or \"2016\""
        } else if message.starts_with("duplicate key") {
            "; keep only one"
        } else {
            "; fix the TOML syntax (text values go in double quotes)"
        };
        let (document, message) = match entry {
            Some(Entry::Id(id)) => (Some(id), format!("{message}{hint}")),
            Some(Entry::Ordinal(n)) => (None, format!("document #{n}: {message}{hint}")),
            None => (None, format!("{message}{hint}")),
        };
        out.problems.push(Problem {
            line: at.unwrap_or(1),
            document,
            field,
            message,
        });
    }
    let table = table.into_inner();
    for (key, value) in table.iter() {
        let at = line(key.span().start);
        match key.get_ref().as_ref() {
            "document" => match value.get_ref() {
                DeValue::Array(entries) => {
                    for (i, entry) in entries.iter().enumerate() {
                        match entry.get_ref() {
                            DeValue::Table(t) => {
                                out.documents
                                    .push(document(t, entry.span(), i + 1, line, &mut out.problems))
                            }
                            _ => out.problems.push(Problem {
                                line: line(entry.span().start),
                                document: None,
                                field: None,
                                message: "each document is a [[document]] table of fields; write [[document]] on a line of its own, then one field per line".into(),
                            }),
                        }
                    }
                }
                _ => out.problems.push(Problem {
                    line: at,
                    document: None,
                    field: Some("document".into()),
                    message: "documents are listed as [[document]] tables (double brackets), one per text".into(),
                }),
            },
            "kinds" => match value.get_ref() {
                DeValue::Table(t) => {
                    for (k, v) in t.iter() {
                        let at = line(k.span().start);
                        match v.get_ref().as_str() {
                            Some(desc) if super::check::is_slug(k.get_ref()) => {
                                out.kinds.insert(
                                    k.get_ref().to_string(),
                                    (super::check::collapse_whitespace(desc), k.span()),
                                );
                            }
                            Some(_) => out.problems.push(Problem {
                                line: at,
                                document: None,
                                field: Some("kinds".into()),
                                message: format!(
                                    "{:?} is not a kind name; use lowercase letters, digits and hyphens, e.g. speech = \"a speech as delivered\"",
                                    k.get_ref()
                                ),
                            }),
                            None => out.problems.push(Problem {
                                line: at,
                                document: None,
                                field: Some("kinds".into()),
                                message: format!(
                                    "each kind takes a description in double quotes: {} = \"what such a document is\"",
                                    k.get_ref()
                                ),
                            }),
                        }
                    }
                }
                _ => out.problems.push(Problem {
                    line: at,
                    document: None,
                    field: Some("kinds".into()),
                    message: "kinds is a table: write [kinds] on a line of its own, then one line per kind, e.g. speech = \"a speech as delivered\"".into(),
                }),
            },
            other => out.problems.push(Problem {
                line: at,
                document: None,
                field: Some(super::check::collapse_whitespace(other)),
                message: format!(
                    "`{}` is not part of a manifest, which holds [[document]] entries and an optional [kinds] table; put document fields below a [[document]] line",
                    super::check::collapse_whitespace(other)
                ),
            }),
        }
    }
    if !out.syntax_errors && out.documents.is_empty() && out.problems.is_empty() {
        out.problems.push(Problem {
            line: 0,
            document: None,
            field: None,
            message: "the manifest lists no documents; add one [[document]] entry (id, file, title, issuer, date, kind, language) per text".into(),
        });
    }
    if out.syntax_errors {
        // The parser skips what it cannot read, so a field near a syntax
        // error may look missing when it is only garbled: the syntax error
        // is reported, not its echo.
        // Keys the parser could not place (after a broken table header)
        // are the same error's echo too.
        out.problems.retain(|p| {
            !p.message.contains("missing field `")
                && !p.message.contains("is not part of a manifest")
        });
    }
    out
}

/// Reads one entry's fields.
fn document(
    t: &DeTable<'_>,
    span: Range<usize>,
    ordinal: usize,
    line: &dyn Fn(usize) -> usize,
    problems: &mut Vec<Problem>,
) -> RawDocument {
    let mut d = RawDocument::default();
    let id = t
        .get("id")
        .and_then(|v| v.get_ref().as_str())
        .map(str::to_owned);
    let mut fields = Fields {
        id: id.clone(),
        ordinal,
        line,
        problems,
    };
    // Fields a misspelt key was taken for: the misspelling is the
    // problem, reported once, not also as a missing field.
    let mut suggested: Vec<&str> = Vec::new();
    for (key, value) in t.iter() {
        let name = key.get_ref().as_ref();
        match name {
            "id" => d.id = fields.text(name, value),
            "file" => d.file = fields.text(name, value),
            "title" => d.title = fields.text(name, value),
            "issuer" => d.issuer = fields.text(name, value),
            "issuers" => d.issuers = fields.list(name, value),
            "issuer_type" => d.issuer_type = fields.text(name, value),
            "authors" => d.authors = fields.list(name, value),
            "date" => d.date = fields.text(name, value),
            "kind" => d.kind = fields.text(name, value),
            "number" => d.number = fields.text(name, value),
            "country" => d.country = fields.text(name, value),
            "organization" => d.organization = fields.text(name, value),
            "language" => d.language = fields.text(name, value),
            "translation" => d.translation = fields.text(name, value),
            "original_language" => d.original_language = fields.text(name, value),
            "url" => d.url = fields.text(name, value),
            "container" => d.container = fields.text(name, value),
            "venue" => d.venue = fields.venue(value),
            _ => {
                let names: Vec<&str> = FIELDS.iter().map(|(f, _)| *f).collect();
                if let Some(meant) = fields.unknown(name, key.span(), &names, "a document") {
                    suggested.push(meant);
                }
            }
        }
    }
    // Missing fields are reported at the entry's `[[document]]` line: that
    // is where the librarian adds them.
    let header = line(span.start);
    for (field, required) in FIELDS {
        if !required || t.contains_key(*field) {
            continue;
        }
        d.incomplete = true;
        if suggested.contains(field) {
            continue;
        }
        fields.problems.push(Problem {
            line: header,
            document: id.clone(),
            field: Some(field.to_string()),
            message: fields.name(format!(
                "missing field `{field}`; add it to this [[document]] entry: {}",
                example(field)
            )),
        });
    }
    if !t.contains_key("issuer") && !t.contains_key("issuers") {
        d.incomplete = true;
        fields.problems.push(Problem {
            line: header,
            document: id.clone(),
            field: Some("issuer".into()),
            message: fields.name(format!(
                "missing field `issuer`; add it to this [[document]] entry: {}, or for several issuers: {}",
                example("issuer"),
                example("issuers")
            )),
        });
    }
    for (field, value) in [
        ("id", &d.id),
        ("file", &d.file),
        ("title", &d.title),
        ("date", &d.date),
        ("kind", &d.kind),
        ("language", &d.language),
    ] {
        if value.is_none() && t.contains_key(field) {
            d.incomplete = true;
        }
    }
    d
}

/// Reads typed values out of one entry, recording problems.
struct Fields<'a, 'p> {
    id: Option<String>,
    ordinal: usize,
    line: &'a dyn Fn(usize) -> usize,
    problems: &'p mut Vec<Problem>,
}

impl Fields<'_, '_> {
    /// Names the entry in a message when it has no legible id.
    fn name(&self, message: String) -> String {
        match &self.id {
            Some(_) => message,
            None => format!("document #{}: {message}", self.ordinal),
        }
    }

    fn problem(&mut self, field: &str, span: Range<usize>, message: String) {
        let message = self.name(message);
        self.problems.push(Problem {
            line: (self.line)(span.start),
            document: self.id.clone(),
            field: Some(field.to_string()),
            message,
        });
    }

    /// A text value; anything else is a problem said in plain words.
    fn text(&mut self, field: &str, value: &Spanned<DeValue<'_>>) -> Option<Spanned<String>> {
        let span = value.span();
        match value.get_ref() {
            DeValue::String(s) => Some(Spanned::new(span, s.to_string())),
            DeValue::Datetime(dt) if field == "date" || field.ends_with("date") => {
                self.problem(
                    field,
                    span,
                    format!("write the date in quotes: {field} = \"{dt}\""),
                );
                None
            }
            DeValue::Integer(n) => {
                let advice = if field == "date" {
                    format!("write the date in quotes: date = \"{}\"", n.as_str())
                } else {
                    format!(
                        "`{field}` takes text in double quotes: {field} = \"{}\"",
                        n.as_str()
                    )
                };
                self.problem(field, span, advice);
                None
            }
            DeValue::Array(items) => {
                let first = items
                    .iter()
                    .next()
                    .and_then(|v| v.get_ref().as_str())
                    .unwrap_or("…");
                self.problem(
                    field,
                    span,
                    format!("`{field}` takes one text, not a list: {field} = \"{first}\""),
                );
                None
            }
            _ => {
                let e = example(field);
                let e = if e.is_empty() {
                    format!("{field} = \"…\"")
                } else {
                    e.to_string()
                };
                self.problem(
                    field,
                    span,
                    format!("`{field}` takes text in double quotes: {e}"),
                );
                None
            }
        }
    }

    /// A list of texts; a single text is refused with the list it meant.
    fn list(&mut self, field: &str, value: &Spanned<DeValue<'_>>) -> Option<Spanned<Vec<String>>> {
        let span = value.span();
        match value.get_ref() {
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    match item.get_ref().as_str() {
                        Some(s) => out.push(s.to_owned()),
                        None => {
                            self.problem(
                                field,
                                item.span(),
                                format!(
                                    "each name in `{field}` is text in double quotes: {}",
                                    example(field)
                                ),
                            );
                            return None;
                        }
                    }
                }
                Some(Spanned::new(span, out))
            }
            DeValue::String(s) => {
                self.problem(
                    field,
                    span,
                    format!("`{field}` takes a list: {field} = [{s:?}]"),
                );
                None
            }
            _ => {
                self.problem(
                    field,
                    span,
                    format!("`{field}` takes a list of names: {}", example(field)),
                );
                None
            }
        }
    }

    /// The `venue` table.
    fn venue(&mut self, value: &Spanned<DeValue<'_>>) -> Option<RawVenue> {
        let span = value.span();
        let DeValue::Table(t) = value.get_ref() else {
            self.problem(
                "venue",
                span,
                format!(
                    "`venue` takes a table of where the text was published: {}",
                    example("venue")
                ),
            );
            return None;
        };
        let mut v = RawVenue {
            span,
            ..RawVenue::default()
        };
        for (key, value) in t.iter() {
            let name = key.get_ref().as_ref();
            let field = format!("venue.{name}");
            match name {
                "journal" => v.journal = self.text(&field, value),
                "volume" => v.volume = self.text(&field, value),
                "issue" => v.issue = self.text(&field, value),
                "pages" => v.pages = self.text(&field, value),
                "date" => v.date = self.text(&field, value),
                "url" => v.url = self.text(&field, value),
                _ => {
                    self.unknown(&field, key.span(), VENUE_FIELDS, "a venue");
                }
            }
        }
        Some(v)
    }

    /// An unknown key, with the nearest known one (returned).
    fn unknown<'k>(
        &mut self,
        name: &str,
        span: Range<usize>,
        known: &[&'k str],
        of: &str,
    ) -> Option<&'k str> {
        let name = &super::check::collapse_whitespace(name);
        let bare = name.rsplit('.').next().unwrap_or(name);
        let meant = known
            .iter()
            .map(|k| (strsim::damerau_levenshtein(bare, k), *k))
            .min()
            .filter(|(d, _)| *d <= 2)
            .map(|(_, k)| k);
        let nearest = meant
            .map(|k| format!("did you mean `{k}`? "))
            .unwrap_or_default();
        self.problem(
            name,
            span,
            format!(
                "`{bare}` is not a field of {of}; {nearest}correct its spelling or remove it (the fields are: {})",
                known.join(", ")
            ),
        );
        meant
    }
}
