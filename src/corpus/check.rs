//! Checking a manifest: every entry's fields, ids and files, each problem
//! at its line, and TOML errors turned into one line naming the entry and
//! field.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use toml::Spanned;

use super::{Document, PartialDate, RawDocument};
use crate::error::{line_of_offset, UserError};

/// One problem of a manifest entry.
pub(super) struct Problem {
    pub(super) line: usize,
    pub(super) document: String,
    pub(super) field: &'static str,
    pub(super) message: String,
}

/// Collects the problems of a manifest's entries, with their lines.
pub(super) struct Checker<'a> {
    /// Byte offsets of the manifest's line breaks, so that the line of any
    /// entry is a binary search: scanning the text from its start for each
    /// of thousands of entries made loading quadratic.
    pub(super) newlines: Vec<usize>,
    pub(super) root: &'a Path,
    pub(super) canonical_root: &'a Path,
    pub(super) problems: Vec<Problem>,
    /// Id → line of its first use.
    pub(super) ids: HashMap<String, usize>,
    /// Canonical file → (id, line) of its first use.
    pub(super) files: HashMap<PathBuf, (String, usize)>,
}

impl Checker<'_> {
    /// 1-based line of the span's start, as [`line_of_offset`] counts it.
    fn line(&self, span: Range<usize>) -> usize {
        self.newlines.partition_point(|&nl| nl < span.start) + 1
    }

    /// Records a problem with `field` of document `id` at `span`.
    fn problem(
        &mut self,
        id: &str,
        field: &'static str,
        span: Range<usize>,
        what: impl fmt::Display,
    ) {
        let line = self.line(span);
        self.problems.push(Problem {
            line,
            document: id.to_string(),
            field,
            message: what.to_string(),
        });
    }

    /// A free-text field, whitespace collapsed; refused if blank.
    fn text_field(&mut self, id: &str, field: &'static str, value: Spanned<String>) -> String {
        let span = value.span();
        let clean = collapse_whitespace(value.get_ref());
        if clean.is_empty() {
            self.problem(
                id,
                field,
                span,
                format_args!("is empty; give the document's {field}"),
            );
        }
        clean
    }

    /// An optional free-text field; refused if present but blank.
    fn optional_text(
        &mut self,
        id: &str,
        field: &'static str,
        value: Option<Spanned<String>>,
    ) -> Option<String> {
        let value = value?;
        let span = value.span();
        let clean = collapse_whitespace(value.get_ref());
        if clean.is_empty() {
            self.problem(id, field, span, "is empty; give a value or remove the line");
        }
        Some(clean)
    }

    /// Validates one entry; `None` if anything is wrong (the problems are
    /// recorded).
    pub(super) fn document(&mut self, raw: RawDocument) -> Option<Document> {
        let before = self.problems.len();
        let id = raw.id.get_ref().clone();

        let id_span = raw.id.span();
        if !is_slug(&id) {
            let advice = if is_slug(&id.to_lowercase()) {
                format!("use lowercase: {:?}", id.to_lowercase())
            } else {
                "use lowercase letters, digits and hyphens only, e.g. \"norway-2017\"".to_owned()
            };
            self.problem(
                &id,
                "id",
                id_span.clone(),
                format_args!("{id:?} is not a valid id; {advice}"),
            );
        } else if let Some(&first) = self.ids.get(&id) {
            self.problem(
                &id,
                "id",
                id_span,
                format_args!(
                    "{id:?} is already the id of the document at line {first}; give each document its own id"
                ),
            );
        } else {
            let line = self.line(id_span);
            self.ids.insert(id.clone(), line);
        }

        let file = self.file(&id, raw.file);
        let title = self.text_field(&id, "title", raw.title);
        let issuer = self.text_field(&id, "issuer", raw.issuer);

        let authors = match raw.authors {
            None => Vec::new(),
            Some(list) => {
                let span = list.span();
                let authors: Vec<String> = list
                    .into_inner()
                    .iter()
                    .map(|a| collapse_whitespace(a))
                    .collect();
                if authors.iter().any(String::is_empty) {
                    self.problem(
                        &id,
                        "authors",
                        span,
                        "has an empty name; list each author's name, e.g. [\"Anna-Maria Osula\", \"Henry Rõigas\"]",
                    );
                }
                authors
            }
        };

        let date_span = raw.date.span();
        let date = match raw.date.get_ref().parse::<PartialDate>() {
            Ok(d) => Some(d),
            Err(e) => {
                self.problem(&id, "date", date_span, e);
                None
            }
        };

        let kind_span = raw.kind.span();
        let kind = raw.kind.into_inner();
        if !is_slug(&kind) {
            self.problem(
                &id,
                "kind",
                kind_span,
                format_args!(
                    "{kind:?} is not a kind; use a lowercase slug such as \"national-strategy\", \"book-chapter\" or \"un-submission\""
                ),
            );
        }

        let country = raw.country.map(|c| {
            let span = c.span();
            let code = c.into_inner();
            if !ISO_3166_1_ALPHA_2.contains(&code.as_str()) {
                let advice = if code == "UK" {
                    "the United Kingdom's code is \"GB\"".to_owned()
                } else if ISO_3166_1_ALPHA_2.contains(&code.to_uppercase().as_str()) {
                    format!("use capitals: {:?}", code.to_uppercase())
                } else {
                    "use the two-letter code in capitals, e.g. \"NO\"".to_owned()
                };
                self.problem(
                    &id,
                    "country",
                    span.clone(),
                    format_args!("{code:?} is not an ISO 3166-1 country code; {advice}"),
                );
            }
            (code, span)
        });
        let organization = raw.organization.map(|o| (o.span(), o));
        let organization = match organization {
            None => None,
            Some((span, o)) => {
                let name = self.optional_text(&id, "organization", Some(o));
                if let Some((_, country_span)) = &country {
                    // Point at whichever of the two comes second: that is
                    // the line the librarian just added.
                    let (field, at) = if country_span.start > span.start {
                        ("country", country_span.clone())
                    } else {
                        ("organization", span)
                    };
                    self.problem(
                        &id,
                        field,
                        at,
                        "a document has a country or an organization, not both; keep the one that issued it",
                    );
                }
                name
            }
        };
        let country = country.map(|(c, _)| c);

        let lang_span = raw.language.span();
        let language = raw.language.into_inner();
        if !ISO_639_1.contains(&language.as_str()) {
            let advice = if ISO_639_1.contains(&language.to_lowercase().as_str()) {
                format!("use lowercase: {:?}", language.to_lowercase())
            } else {
                "use the two-letter code in lowercase, e.g. \"en\"".to_owned()
            };
            self.problem(
                &id,
                "language",
                lang_span,
                format_args!("{language:?} is not an ISO 639-1 language code; {advice}"),
            );
        }

        let url = raw.url.map(|u| {
            let span = u.span();
            let url = u.into_inner();
            let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
            if !scheme_ok || url.chars().any(char::is_whitespace) {
                self.problem(
                    &id,
                    "url",
                    span,
                    format_args!(
                        "{url:?} is not a web address; give the full address starting with https:// or http://, or remove the line"
                    ),
                );
            }
            url
        });
        let container = self.optional_text(&id, "container", raw.container);

        if self.problems.len() > before {
            return None;
        }
        Some(Document {
            id,
            file: file?,
            title,
            issuer,
            authors,
            date: date?,
            kind,
            country,
            organization,
            language,
            url,
            container,
        })
    }

    /// Checks the `file` field: inside the corpus folder, present, a file,
    /// and not already another entry's text.
    fn file(&mut self, id: &str, raw: Spanned<String>) -> Option<PathBuf> {
        let span = raw.span();
        let file = PathBuf::from(raw.into_inner());
        match resolve(self.root, self.canonical_root, &file) {
            Err(message) => {
                self.problem(id, "file", span, message);
                None
            }
            Ok(canonical) => {
                let line = self.line(span.clone());
                if let Some((other, first)) = self.files.get(&canonical) {
                    let message = format!(
                        "{} is already the text of document {other:?} (line {first}); each document needs its own file",
                        file.display()
                    );
                    self.problem(id, "file", span, message);
                    return None;
                }
                self.files.insert(canonical, (id.to_owned(), line));
                Some(file)
            }
        }
    }
}

/// Resolves `file` inside the corpus folder to its canonical path, or says
/// why it cannot be used (one line, ending with what to do).
pub(super) fn resolve(root: &Path, canonical_root: &Path, file: &Path) -> Result<PathBuf, String> {
    if file.as_os_str().is_empty() {
        return Err("is empty; give the text file's name, relative to the corpus folder".into());
    }
    // Checked on the path as written first, so that `../x` is refused even
    // when it happens to lead back into the folder: manifests are copied
    // between machines, and only paths inside the folder travel with it.
    let leaves = file.components().any(|c| {
        matches!(
            c,
            Component::ParentDir | Component::RootDir | Component::Prefix(_)
        )
    });
    if leaves {
        return Err(format!(
            "{:?} leaves the corpus folder; put the text inside {} and give its path relative to it",
            file.display().to_string(),
            root.display()
        ));
    }
    let path = root.join(file);
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "{} does not exist; put the text in the corpus folder or correct the file name",
                path.display()
            ))
        }
        Err(e) => return Err(format!("{} cannot be read: {e}", path.display())),
    };
    if !meta.is_file() {
        return Err(format!(
            "{} is not a file; name the document's text file",
            path.display()
        ));
    }
    let canonical = path
        .canonicalize()
        .map_err(|e| format!("{} cannot be read: {e}", path.display()))?;
    // A symlink inside the folder may point anywhere; what counts is where
    // the text really is.
    if !canonical.starts_with(canonical_root) {
        return Err(format!(
            "{} resolves to {}, outside the corpus folder; copy the text into the folder instead of linking to it",
            path.display(),
            canonical.display()
        ));
    }
    Ok(canonical)
}

/// `[a-z0-9-]+`.
pub(super) fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Trims and turns every run of whitespace (line breaks from a wrapped
/// title pasted out of a PDF) into one space, so citations print on one line.
pub(super) fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Byte offsets of every `\n` in `text`, in order.
pub(super) fn newline_offsets(text: &str) -> Vec<usize> {
    text.bytes()
        .enumerate()
        .filter_map(|(i, b)| (b == b'\n').then_some(i))
        .collect()
}

/// Turns a TOML error into a one-line [`UserError`] at its line, naming the
/// document entry and field when the text around the error shows them.
pub(super) fn toml_error(manifest: &Path, text: &str, e: &toml::de::Error) -> UserError {
    let message = collapse_whitespace(e.message());
    let Some(span) = e.span() else {
        return UserError::data(manifest, None, format!("{message}; fix the TOML syntax"));
    };
    let line = line_of_offset(text, span.start);
    let (entry, field) = context_at(text, line);
    let hint = if message.starts_with("missing field") {
        "; add it to this [[document]] entry"
    } else if message.starts_with("unknown field") {
        "; correct its spelling or remove it"
    } else if message.starts_with("duplicate key") {
        "; keep only one"
    } else if field.as_deref() == Some("date") {
        // An unquoted `2017-08-31` is a TOML date and `2011-05` a syntax
        // error; both mean the quotes were forgotten.
        "; write the date in quotes: date = \"2017-08-31\", \"2011-05\" or \"2016\""
    } else if message.starts_with("invalid type") {
        "; put text in double quotes"
    } else {
        "; fix the TOML syntax (text values go in double quotes)"
    };
    let (document, message) = match entry {
        Some(Entry::Id(id)) => (Some(id), format!("{message}{hint}")),
        // An entry without a legible id is named by its place, in the
        // message: the `document` of the error is an id.
        Some(Entry::Ordinal(n)) => (None, format!("document #{n}: {message}{hint}")),
        None => (None, format!("{message}{hint}")),
    };
    UserError::Data {
        path: manifest.to_path_buf(),
        line: Some(line),
        document,
        field,
        message,
    }
}

/// A `[[document]]` entry of a manifest: its id, or its place when no id
/// is legible.
pub(super) enum Entry {
    Id(String),
    Ordinal(usize),
}

/// The `[[document]]` entry and the key on 1-based line `line` of a
/// manifest, read from the raw text because a TOML error leaves no parsed
/// values to ask.
pub(super) fn context_at(text: &str, line: usize) -> (Option<Entry>, Option<String>) {
    let lines: Vec<&str> = text.lines().collect();
    let here = line.saturating_sub(1).min(lines.len());
    let is_header = |l: &str| {
        let squeezed: String = l.chars().filter(|c| !c.is_whitespace()).collect();
        squeezed.starts_with("[[document]]")
    };
    let key_of = |l: &str| -> Option<String> {
        let (key, _) = l.split_once('=')?;
        let key = key.trim();
        let bare = !key.is_empty()
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        bare.then(|| key.to_owned())
    };
    let field = lines.get(here).and_then(|l| key_of(l));
    let headers: Vec<usize> = lines[..(here + 1).min(lines.len())]
        .iter()
        .enumerate()
        .filter(|(_, l)| is_header(l))
        .map(|(i, _)| i)
        .collect();
    let Some(&start) = headers.last() else {
        return (None, field);
    };
    let id = lines[start + 1..]
        .iter()
        .take_while(|l| !l.trim_start().starts_with('['))
        .find_map(|l| {
            if key_of(l).as_deref() != Some("id") {
                return None;
            }
            let value = l.split_once('=')?.1.trim();
            let value = value.strip_prefix('"')?.strip_suffix('"')?;
            (!value.contains(['"', '\\'])).then(|| value.to_owned())
        });
    let entry = match id {
        Some(id) => Entry::Id(id),
        None => Entry::Ordinal(headers.len()),
    };
    (Some(entry), field)
}

/// ISO 639-1 language codes (from the Debian iso-codes tables).
pub(crate) const ISO_639_1: &[&str] = &[
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh",
    "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da",
    "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr",
    "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz",
    "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj",
    "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb",
    "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi",
    "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk",
    "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti",
    "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo",
    "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// ISO 3166-1 alpha-2 country codes (from the Debian iso-codes tables).
pub(super) const ISO_3166_1_ALPHA_2: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];
