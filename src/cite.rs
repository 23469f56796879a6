//! One canonical [`Citation`] per passage, and its renderings.
//!
//! Input: a document's metadata as the index recorded it and where the
//! passage stands in it (section, the document's own label, page, ordinal,
//! source lines). Output: the same
//! citation as plain text, a Chicago-style note, a BibTeX entry or JSON. All
//! four are rendered from the one value, so they never disagree.

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
    /// The passage id, `doc:n`.
    pub id: String,
    /// The document id.
    pub doc: String,
    /// The document's title.
    pub title: String,
    /// Who issued it.
    pub issuer: String,
    /// Personal authors, if any.
    pub authors: Vec<String>,
    /// The date as precise as known (`2017-08-31`, `2011-05`, `2016`).
    pub date: String,
    /// The year alone.
    pub year: i32,
    /// The kind of document (`national-strategy` …).
    pub document_kind: String,
    /// The book or collection the document is part of.
    pub container: Option<String>,
    /// Where the original is.
    pub url: Option<String>,
    /// The source file, relative to the corpus folder.
    pub file: String,
    /// Where the passage stands.
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
        Citation {
            id: format!("{}:{}", doc.id, location.n),
            doc: doc.id.clone(),
            title: doc.title.clone(),
            issuer: doc.issuer.clone(),
            authors: doc.authors.clone(),
            date: doc.date.clone(),
            year: doc.year,
            document_kind: doc.kind.clone(),
            container: doc.container.clone(),
            url: doc.url.clone(),
            file: doc.file.clone(),
            location,
        }
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

    /// "§ 2.1 United Nations …, ¶ 13(f), p. 4, lines 76–112": where in the
    /// document, as precisely as the layout allows.
    pub fn pinpoint(&self) -> String {
        let l = &self.location;
        let mut parts = Vec::new();
        if let Some(s) = l.section.last() {
            parts.push(format!("§ {s}"));
        }
        match (&l.label, l.kind) {
            (Some(label), PassageKind::Footnote) => parts.push(format!("n. {label}")),
            (Some(label), _) => parts.push(format!("¶ {label}")),
            (None, _) => {}
        }
        if let Some(p) = l.page {
            parts.push(format!("p. {p}"));
        }
        parts.push(format!("lines {}–{}", l.lines[0], l.lines[1]));
        parts.join(", ")
    }

    /// The date written out: "31 August 2017", "May 2011", "2016".
    fn long_date(&self) -> String {
        let mut it = self.date.split('-');
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

    fn names(&self) -> String {
        match self.authors.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
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
        let _ = write!(
            s,
            ", {}, {} [{}]",
            self.long_date(),
            self.pinpoint(),
            self.id
        );
        s
    }

    fn chicago(&self) -> String {
        let mut s = String::new();
        if self.authors.is_empty() {
            let _ = write!(s, "{}, *{}*", self.issuer, self.title);
        } else {
            let _ = write!(s, "{}, “{}”", self.names(), self.title);
            if let Some(c) = &self.container {
                let _ = write!(s, ", in *{c}*");
            }
            let _ = write!(s, " ({}", self.issuer);
        }
        let open = if self.authors.is_empty() { " (" } else { ", " };
        let _ = write!(s, "{open}{})", self.long_date());
        let l = &self.location;
        if let Some(sec) = l.section.last() {
            let _ = write!(s, ", sec. “{sec}”");
        }
        match (&l.label, l.kind) {
            (Some(label), PassageKind::Footnote) => {
                let _ = write!(s, ", n. {label}");
            }
            (Some(label), _) => {
                let _ = write!(s, ", para. {label}");
            }
            (None, _) => {
                let _ = write!(s, ", passage {}", l.n);
            }
        }
        if let Some(p) = l.page {
            let _ = write!(s, ", p. {p}");
        }
        let _ = write!(s, ", lines {}–{}", l.lines[0], l.lines[1]);
        if let Some(u) = &self.url {
            let _ = write!(s, ", {u}");
        }
        s.push('.');
        s
    }

    fn bibtex(&self) -> String {
        let entry = match (self.container.is_some(), self.authors.is_empty()) {
            (true, _) => "incollection",
            (false, true) => "techreport",
            (false, false) => "misc",
        };
        let key: String = self
            .doc
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let mut fields: Vec<(&str, String)> = Vec::new();
        if self.authors.is_empty() {
            fields.push(("author", format!("{{{}}}", bib(&self.issuer))));
        } else {
            fields.push((
                "author",
                self.authors
                    .iter()
                    .map(|a| bib(a))
                    .collect::<Vec<_>>()
                    .join(" and "),
            ));
        }
        fields.push(("title", format!("{{{}}}", bib(&self.title))));
        if let Some(c) = &self.container {
            fields.push(("booktitle", bib(c)));
            fields.push(("publisher", bib(&self.issuer)));
        } else if self.authors.is_empty() {
            fields.push(("institution", bib(&self.issuer)));
        }
        fields.push(("year", self.year.to_string()));
        if let Some(m) = self
            .date
            .split('-')
            .nth(1)
            .and_then(|m| m.parse::<usize>().ok())
            .filter(|m| (1..=12).contains(m))
        {
            fields.push(("month", MONTHS[m - 1][..3].to_lowercase()));
        }
        if let Some(u) = &self.url {
            fields.push(("url", u.clone()));
        }
        fields.push((
            "note",
            bib(&format!("Passage {}: {}", self.id, self.pinpoint())),
        ));
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
mod tests {
    use super::*;
    use crate::corpus::{Document, PartialDate};

    fn meta(doc: &Document) -> DocumentMeta {
        DocumentMeta::of(doc, 50)
    }

    fn chapter() -> Document {
        Document {
            id: "ccdcoe-2016".into(),
            file: "ccdcoe.txt".into(),
            title: "Introduction".into(),
            issuer: "NATO Cooperative Cyber Defence Centre of Excellence".into(),
            authors: vec!["Anna-Maria Osula".into(), "Henry Rõigas".into()],
            date: PartialDate {
                year: 2016,
                month: None,
                day: None,
            },
            kind: "book-chapter".into(),
            country: None,
            organization: Some("NATO CCD COE".into()),
            language: "en".into(),
            url: None,
            container: Some(
                "International Cyber Norms: Legal, Policy & Industry Perspectives".into(),
            ),
        }
    }

    fn strategy() -> Document {
        Document {
            id: "norway-2017".into(),
            file: "norway.txt".into(),
            title: "International Cyber Strategy for Norway".into(),
            issuer: "Norwegian Ministry of Foreign Affairs".into(),
            authors: vec![],
            date: PartialDate {
                year: 2017,
                month: Some(8),
                day: Some(31),
            },
            kind: "national-strategy".into(),
            country: Some("NO".into()),
            organization: None,
            language: "en".into(),
            url: Some("https://example.org/norway.pdf".into()),
            container: None,
        }
    }

    fn at(label: Option<&str>, kind: PassageKind) -> Location {
        Location {
            n: 40,
            section: vec![
                "Norway’s strategic priorities".into(),
                "Crime prevention".into(),
            ],
            label: label.map(String::from),
            page: Some(5),
            lines: [219, 226],
            kind,
            anchor: Some("a1b2c3".into()),
        }
    }

    #[test]
    fn plain_and_chicago_name_the_place() {
        let c = Citation::new(&meta(&strategy()), at(Some("13(f)"), PassageKind::Body));
        assert_eq!(
            c.render(Format::Plain),
            "Norwegian Ministry of Foreign Affairs, “International Cyber Strategy for Norway”, 31 August 2017, \
             § Crime prevention, ¶ 13(f), p. 5, lines 219–226 [norway-2017:40]"
        );
        assert_eq!(
            c.render(Format::Chicago),
            "Norwegian Ministry of Foreign Affairs, *International Cyber Strategy for Norway* (31 August 2017), \
             sec. “Crime prevention”, para. 13(f), p. 5, lines 219–226, https://example.org/norway.pdf."
        );
    }

    #[test]
    fn chapter_citations_name_authors_and_book() {
        let c = Citation::new(&meta(&chapter()), at(Some("11"), PassageKind::Footnote));
        let chicago = c.render(Format::Chicago);
        assert!(
            chicago.starts_with(
                "Anna-Maria Osula and Henry Rõigas, “Introduction”, in *International Cyber Norms"
            ),
            "{chicago}"
        );
        assert!(chicago.contains(", n. 11,"), "{chicago}");
        let bib = c.render(Format::Bibtex);
        assert!(bib.starts_with("@incollection{ccdcoe_2016,"), "{bib}");
        assert!(
            bib.contains("author      = {Anna-Maria Osula and Henry Rõigas}"),
            "{bib}"
        );
        assert!(bib.contains("booktitle   = {International Cyber Norms: Legal, Policy \\& Industry Perspectives}"), "{bib}");
        assert!(bib.contains("note        = {Passage ccdcoe-2016:40: § Crime prevention, n. 11, p. 5, lines 219–226}"), "{bib}");
    }

    #[test]
    fn json_round_trips_and_agrees_with_the_others() {
        let c = Citation::new(&meta(&strategy()), at(None, PassageKind::ListItem));
        let back: Citation = serde_json::from_str(&c.render(Format::Json)).unwrap();
        assert_eq!(back, c);
        assert!(c.render(Format::Bibtex).contains("month       = aug,"));
        assert!(c.render(Format::Chicago).contains(", passage 40, p. 5,"));
    }
}
