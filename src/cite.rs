//! One canonical [`Citation`] per passage, and its renderings.
//!
//! Input: a document's metadata as the index recorded it (its number,
//! issuers, translation, the venue of a published speech) and where the
//! passage stands in it (section, the document's own label, page, ordinal,
//! source lines). Output: the same citation as plain text, a Chicago-style
//! note, a BibTeX entry or JSON, all rendered from the one value, so they
//! never disagree. Every format cites the document by its own marks only;
//! a passage it does not number is called unnumbered, and normsearch's
//! ordinal and the text file's lines appear only in the marked locator
//! `[normsearch doc:n, text lines a–b]` (in BibTeX's note, in brackets).

use crate::corpus::Venue;
use crate::error::UserError;
use crate::index::DocumentMeta;
use crate::search::Hit;
use crate::segment::PassageKind;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// Where a passage stands in its document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// The passage's ordinal in its document (its `n`).
    pub n: u32,
    /// Section headings, outermost first.
    pub section: Vec<String>,
    /// The document's own number for the passage, if it has one.
    pub label: Option<String>,
    /// The page the passage starts on, when known.
    pub page: Option<u32>,
    /// First and last line of the source file.
    pub lines: [u32; 2],
    /// Body, list item or footnote.
    pub kind: PassageKind,
    /// Content anchor (stable across re-segmentation), when known.
    pub anchor: Option<String>,
}

/// Everything a reader needs to find a passage again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    /// The passage id, `doc:n`: normsearch's own reference, never the
    /// document's numbering.
    pub id: String,
    /// The document id.
    pub doc: String,
    /// The document's title.
    pub title: String,
    /// Who issued it, as cited.
    pub issuer: String,
    /// Every issuer of a joint text; empty for one issuer.
    #[serde(default)]
    pub issuers: Vec<String>,
    /// What sort of issuer, when the manifest says.
    #[serde(default)]
    pub issuer_type: Option<String>,
    /// Personal authors, if any.
    pub authors: Vec<String>,
    /// The date as precise as known (`2017-08-31`, `2011-05`, `2016`).
    pub date: String,
    /// The year alone.
    pub year: i32,
    /// The kind of document (`national-strategy` …).
    pub document_kind: String,
    /// The document's own number or symbol (`ETS No. 185`, `A/70/174`).
    #[serde(default)]
    pub number: Option<String>,
    /// The language of the text cited.
    #[serde(default)]
    pub language: String,
    /// `official`, `unofficial` or `machine` for a translation.
    #[serde(default)]
    pub translation: Option<String>,
    /// The language the document was issued in, for a translation.
    #[serde(default)]
    pub original_language: Option<String>,
    /// The book or collection the document is part of.
    pub container: Option<String>,
    /// Where a speech or article was published, with its own date.
    #[serde(default)]
    pub venue: Option<Venue>,
    /// Where the original is.
    pub url: Option<String>,
    /// The source file, relative to the corpus folder.
    pub file: String,
    /// The place in the document by the document's own marks (section,
    /// its paragraph or note number, page), or "unnumbered paragraph"
    /// where it numbers none: what a reader looks for in the original.
    #[serde(default)]
    pub pinpoint: String,
    /// Where the passage stands; its `n` is normsearch's ordinal.
    #[serde(flatten)]
    pub location: Location,
}

/// A rendering of a citation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One line of plain text.
    #[default]
    Plain,
    /// A Chicago-style note.
    Chicago,
    /// A BibTeX entry for the document, with the passage in its note.
    Bibtex,
    /// The citation as JSON.
    Json,
}

impl Format {
    /// Every format, in the order they are listed to users.
    pub const ALL: [Format; 4] = [Format::Plain, Format::Chicago, Format::Bibtex, Format::Json];

    /// The name a user types: `plain`, `chicago`, `bibtex`, `json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Plain => "plain",
            Format::Chicago => "chicago",
            Format::Bibtex => "bibtex",
            Format::Json => "json",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = UserError;

    fn from_str(s: &str) -> Result<Format, UserError> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                UserError::request(
                    "format",
                    format!("unknown citation format `{s}`: the formats are plain, chicago, bibtex and json"),
                )
            })
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Citation {
    /// The citation of the passage at `location` in `doc`.
    pub fn new(doc: &DocumentMeta, location: Location) -> Citation {
        let mut c = Citation {
            id: format!("{}:{}", doc.id, location.n),
            doc: doc.id.clone(),
            title: doc.title.clone(),
            issuer: doc.issuer.clone(),
            issuers: doc.issuers.clone(),
            issuer_type: doc.issuer_type.clone(),
            authors: doc.authors.clone(),
            date: doc.date.clone(),
            year: doc.year,
            document_kind: doc.kind.clone(),
            number: doc.number.clone(),
            language: doc.language.clone(),
            translation: doc.translation.clone(),
            original_language: doc.original_language.clone(),
            container: doc.container.clone(),
            venue: doc.venue.clone(),
            url: doc.url.clone(),
            file: doc.file.clone(),
            pinpoint: String::new(),
            location,
        };
        c.pinpoint = c.pinpoint();
        c
    }

    /// The citation of a passage the index returned (a search hit or a
    /// looked-up passage) in `doc`, its document as the index recorded it:
    /// the citation and the text quoted come from the same build.
    pub fn of_hit(doc: &DocumentMeta, hit: &Hit) -> Citation {
        Citation::new(
            doc,
            Location {
                n: hit.n,
                section: hit.section.clone(),
                label: hit.label.clone(),
                page: hit.page,
                lines: hit.lines,
                kind: hit.kind,
                anchor: Some(hit.anchor.clone()),
            },
        )
    }

    /// Renders the citation.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Plain => self.plain(),
            Format::Chicago => self.chicago(),
            Format::Bibtex => self.bibtex(),
            Format::Json => serde_json::to_string_pretty(self).unwrap_or_default(),
        }
    }

    /// "§ 2.1 United Nations …, ¶ 13(f), p. 4": where in the document, by
    /// the document's own marks only. A passage the document does not
    /// number is said to be unnumbered, so that no reader takes
    /// normsearch's ordinal for the document's.
    pub fn pinpoint(&self) -> String {
        let l = &self.location;
        let mut parts = Vec::new();
        if let Some(s) = l.section.last() {
            parts.push(format!("§ {s}"));
        }
        parts.push(self.label_words("¶ "));
        if let Some(p) = l.page {
            parts.push(format!("p. {p}"));
        }
        parts.join(", ")
    }

    /// normsearch's own reference, marked as such: the passage id and the
    /// lines of the text file.
    pub fn locator(&self) -> String {
        let l = &self.location;
        format!(
            "normsearch {}, text lines {}–{}",
            self.id, l.lines[0], l.lines[1]
        )
    }

    /// The document's label for the passage in words: `¶ 13(f)` (or
    /// `para. 13(f)`), `n. 11`, a label that names itself (`Article 5`) as
    /// it is, and "unnumbered paragraph" (item, note) where there is none.
    fn label_words(&self, para: &str) -> String {
        let l = &self.location;
        match (&l.label, l.kind) {
            (Some(label), _)
                if label.chars().next().is_some_and(char::is_alphabetic)
                    && label.split_whitespace().count() > 1 =>
            {
                label.clone()
            }
            (Some(label), PassageKind::Footnote) => format!("n. {label}"),
            (Some(label), _) => format!("{para}{label}"),
            (None, PassageKind::Footnote) => "unnumbered note".into(),
            (None, PassageKind::ListItem) => "unnumbered list item".into(),
            (None, PassageKind::Body) => "unnumbered paragraph".into(),
        }
    }

    /// The date written out: "31 August 2017", "May 2011", "2016".
    fn long_date(&self) -> String {
        long_date(&self.date)
    }

    fn names(&self) -> String {
        crate::corpus::join_names(&self.authors)
    }

    /// "Unofficial translation from French", when the text is a
    /// translation.
    fn translation_note(&self) -> Option<String> {
        let t = self.translation.as_deref()?;
        let mut s = match t {
            "official" => "Official translation".to_string(),
            "unofficial" => "Unofficial translation".to_string(),
            "machine" => "Machine translation".to_string(),
            other => format!("Translation ({other})"),
        };
        if let Some(from) = &self.original_language {
            let _ = write!(s, " from {}", language_name(from));
        }
        Some(s)
    }

    /// "International Law Studies, vol. 97, no. 1 (2021), pp. 395–406".
    fn venue_words(&self, italic: bool) -> Option<String> {
        let v = self.venue.as_ref()?;
        let mut s = if italic {
            format!("*{}*", v.journal)
        } else {
            v.journal.clone()
        };
        if let Some(vol) = &v.volume {
            let _ = write!(s, ", vol. {vol}");
        }
        if let Some(no) = &v.issue {
            let _ = write!(s, ", no. {no}");
        }
        if let Some(d) = &v.date {
            let _ = write!(s, " ({})", long_date(d));
        }
        if let Some(p) = &v.pages {
            let pp = if p.contains(['-', '–']) {
                "pp."
            } else {
                "p."
            };
            let _ = write!(s, ", {pp} {p}");
        }
        Some(s)
    }

    /// What a speech was: "delivered 8 December 2020" for a speech, the
    /// plain date otherwise.
    fn dated(&self) -> String {
        if self.document_kind == "speech" {
            format!("delivered {}", self.long_date())
        } else {
            self.long_date()
        }
    }

    fn plain(&self) -> String {
        let who = if self.authors.is_empty() {
            self.issuer.clone()
        } else {
            self.names()
        };
        let mut s = format!("{who}, “{}”", self.title);
        if let Some(c) = &self.container {
            let _ = write!(s, ", in {c}");
        }
        if !self.authors.is_empty() {
            let _ = write!(s, " ({})", self.issuer);
        }
        if let Some(n) = &self.number {
            let _ = write!(s, ", {n}");
        }
        if let Some(t) = self.translation_note() {
            let _ = write!(s, ", {}", lower_first(&t));
        }
        let _ = write!(s, ", {}", self.dated());
        if let Some(v) = self.venue_words(false) {
            let _ = write!(s, ", published in {v}");
        }
        let _ = write!(s, ", {} [{}]", self.pinpoint, self.locator());
        s
    }

    fn chicago(&self) -> String {
        let mut s = String::new();
        if self.authors.is_empty() && self.venue.is_none() {
            let _ = write!(s, "{}, *{}*", self.issuer, self.title);
        } else {
            let who = if self.authors.is_empty() {
                self.issuer.clone()
            } else {
                self.names()
            };
            let _ = write!(s, "{who}, “{}”", self.title);
            if let Some(c) = &self.container {
                let _ = write!(s, ", in *{c}*");
            }
        }
        let mut paren = Vec::new();
        if !self.authors.is_empty() {
            paren.push(self.issuer.clone());
        }
        if self.venue.is_some() || self.document_kind == "speech" {
            // The delivery date stands beside the publication's, which
            // follows with the venue.
            if let Some(n) = &self.number {
                let _ = write!(s, ", {n}");
            }
            paren.push(self.dated());
            let _ = write!(s, " ({})", paren.join(", "));
            if let Some(v) = self.venue_words(true) {
                let _ = write!(s, ", published in {v}");
            }
        } else {
            if let Some(n) = &self.number {
                let _ = write!(s, ", {n}");
            }
            paren.push(self.dated());
            let _ = write!(s, " ({})", paren.join(", "));
        }
        if let Some(t) = self.translation_note() {
            let _ = write!(s, ", {}", lower_first(&t));
        }
        let l = &self.location;
        if let Some(sec) = l.section.last() {
            let _ = write!(s, ", sec. “{sec}”");
        }
        let _ = write!(s, ", {}", self.label_words("para. "));
        if let Some(p) = l.page {
            let _ = write!(s, ", p. {p}");
        }
        if let Some(u) = &self.url {
            let _ = write!(s, ", {u}");
        }
        s.push('.');
        s
    }

    fn bibtex(&self) -> String {
        let entry = if self.container.is_some() {
            "incollection"
        } else if self.venue.is_some() {
            "article"
        } else if !self.authors.is_empty()
            || matches!(
                self.document_kind.as_str(),
                "treaty" | "declaration" | "speech" | "law"
            )
        {
            "misc"
        } else {
            "techreport"
        };
        let key: String = self
            .doc
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let mut fields: Vec<(&str, String)> = Vec::new();
        let author = if !self.authors.is_empty() {
            self.authors
                .iter()
                .map(|a| bib(a))
                .collect::<Vec<_>>()
                .join(" and ")
        } else if !self.issuers.is_empty() {
            // Each issuer braced: an organisation's name is not a
            // person's to be split into first and last names.
            self.issuers
                .iter()
                .map(|i| format!("{{{}}}", bib(i)))
                .collect::<Vec<_>>()
                .join(" and ")
        } else {
            format!("{{{}}}", bib(&self.issuer))
        };
        fields.push(("author", author));
        fields.push(("title", format!("{{{}}}", bib(&self.title))));
        let mut notes = Vec::new();
        let (year, month) = match &self.venue {
            Some(v) => {
                fields.push(("journal", bib(&v.journal)));
                if let Some(vol) = &v.volume {
                    fields.push(("volume", bib(vol)));
                }
                if let Some(no) = &v.issue {
                    fields.push(("number", bib(no)));
                }
                if let Some(p) = &v.pages {
                    fields.push(("pages", bib(&p.replace('–', "--"))));
                }
                if let Some(n) = &self.number {
                    notes.push(bib(n));
                }
                let what = if self.document_kind == "speech" {
                    "Delivered"
                } else {
                    "Dated"
                };
                notes.push(format!("{what} {}", self.long_date()));
                match &v.date {
                    Some(d) => (
                        d.split('-').next().unwrap_or_default().to_string(),
                        month_of(d),
                    ),
                    None => (self.year.to_string(), month_of(&self.date)),
                }
            }
            None => {
                if let Some(c) = &self.container {
                    fields.push(("booktitle", bib(c)));
                    fields.push(("publisher", bib(&self.issuer)));
                } else if entry == "techreport" {
                    fields.push(("institution", bib(&self.issuer)));
                } else if !self.authors.is_empty() {
                    fields.push(("organization", bib(&self.issuer)));
                }
                if let Some(n) = &self.number {
                    fields.push(("number", bib(n)));
                }
                (self.year.to_string(), month_of(&self.date))
            }
        };
        fields.push(("year", year));
        if let Some(m) = month {
            fields.push(("month", MONTHS[m - 1][..3].to_lowercase()));
        }
        if let Some(t) = self.translation_note() {
            notes.push(t);
        }
        if let Some(u) = &self.url {
            fields.push(("url", u.clone()));
        }
        notes.push(bib(&format!("{} ({})", self.pinpoint, self.locator())));
        fields.push(("note", notes.join(". ")));
        let mut s = format!("@{entry}{{{key},\n");
        for (name, value) in fields {
            let value = if name == "month" {
                value
            } else {
                format!("{{{value}}}")
            };
            let _ = writeln!(s, "  {name:<11} = {value},");
        }
        s.push('}');
        s
    }
}

/// "31 August 2017", "May 2011", "2016" from `2017-08-31`, `2011-05`,
/// `2016`.
fn long_date(date: &str) -> String {
    let mut it = date.split('-');
    let year = it.next().unwrap_or_default();
    let month = it
        .next()
        .and_then(|m| m.parse::<usize>().ok())
        .filter(|m| (1..=12).contains(m));
    let day = it.next().and_then(|d| d.parse::<u32>().ok());
    match (month, day) {
        (Some(m), Some(d)) => format!("{d} {} {year}", MONTHS[m - 1]),
        (Some(m), None) => format!("{} {year}", MONTHS[m - 1]),
        _ => year.to_string(),
    }
}

/// The month (1–12) of a date, if it has one.
fn month_of(date: &str) -> Option<usize> {
    date.split('-')
        .nth(1)
        .and_then(|m| m.parse::<usize>().ok())
        .filter(|m| (1..=12).contains(m))
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The English name of a language code, for "translation from French";
/// the code itself for a language not listed.
pub fn language_name(code: &str) -> String {
    let name = match code {
        "ar" => "Arabic",
        "de" => "German",
        "en" => "English",
        "es" => "Spanish",
        "et" => "Estonian",
        "fi" => "Finnish",
        "fr" => "French",
        "he" => "Hebrew",
        "it" => "Italian",
        "ja" => "Japanese",
        "ko" => "Korean",
        "nl" => "Dutch",
        "no" | "nb" | "nn" => "Norwegian",
        "pl" => "Polish",
        "pt" => "Portuguese",
        "ru" => "Russian",
        "sv" => "Swedish",
        "uk" => "Ukrainian",
        "zh" => "Chinese",
        other => return other.to_string(),
    };
    name.to_string()
}

/// Escapes the characters BibTeX treats specially.
fn bib(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' | '%' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '{' | '}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
