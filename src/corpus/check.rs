//! Checking a manifest: every entry's fields, ids and files, each problem
//! at its line, and TOML errors turned into one line naming the entry and
//! field.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use toml::Spanned;

use super::manifest::{RawDocument, RawVenue};
use super::{Document, PartialDate, Venue, ISSUER_TYPES, TRANSLATIONS};

/// One problem of a manifest.
pub(super) struct Problem {
    pub(super) line: usize,
    /// The entry's id, when it has a legible one.
    pub(super) document: Option<String>,
    /// The field at fault (`date`, `venue.pages`), when one.
    pub(super) field: Option<String>,
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
    /// Every kind a document may have: the built-in ones and the
    /// manifest's `[kinds]`.
    pub(super) kinds: Vec<String>,
}

impl Checker<'_> {
    /// 1-based line of the offset, as [`crate::error::line_of_offset`] counts it.
    pub(super) fn line_at(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&nl| nl < offset) + 1
    }

    /// 1-based line of the span's start.
    fn line(&self, span: Range<usize>) -> usize {
        self.line_at(span.start)
    }

    /// Records a problem with `field` of document `id` at `span`.
    fn problem(&mut self, id: &str, field: &str, span: Range<usize>, what: impl fmt::Display) {
        let line = self.line(span);
        self.problems.push(Problem {
            line,
            document: Some(id.to_string()),
            field: Some(field.to_string()),
            message: what.to_string(),
        });
    }

    /// A free-text field, whitespace collapsed; refused if blank.
    fn text_field(&mut self, id: &str, field: &str, value: Option<Spanned<String>>) -> String {
        let Some(value) = value else {
            return String::new();
        };
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
        field: &str,
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

    /// A list of names; refused if a name is blank.
    fn names(&mut self, id: &str, field: &str, value: Option<Spanned<Vec<String>>>) -> Vec<String> {
        let Some(list) = value else {
            return Vec::new();
        };
        let span = list.span();
        let names: Vec<String> = list
            .into_inner()
            .iter()
            .map(|a| collapse_whitespace(a))
            .collect();
        if names.iter().any(String::is_empty) {
            let e = if field == "authors" {
                "[\"Anna-Maria Osula\", \"Henry Rõigas\"]"
            } else {
                "[\"Government of France\", \"Microsoft\"]"
            };
            self.problem(
                id,
                field,
                span,
                format_args!("has an empty name; list each name, e.g. {field} = {e}"),
            );
        }
        names
    }

    /// A date; refused if it is not one.
    fn date(
        &mut self,
        id: &str,
        field: &str,
        value: Option<Spanned<String>>,
    ) -> Option<PartialDate> {
        let value = value?;
        match value.get_ref().parse::<PartialDate>() {
            Ok(d) => Some(d),
            Err(e) => {
                self.problem(id, field, value.span(), e);
                None
            }
        }
    }

    /// A value from a fixed list.
    fn one_of(
        &mut self,
        id: &str,
        field: &str,
        value: Option<Spanned<String>>,
        allowed: &[(&str, &str)],
    ) -> Option<String> {
        let value = value?;
        let v = value.get_ref().trim().to_string();
        if !allowed.iter().any(|(a, _)| *a == v) {
            let list: Vec<String> = allowed.iter().map(|(a, _)| format!("\"{a}\"")).collect();
            self.problem(
                id,
                field,
                value.span(),
                format_args!("{v:?} is not one of {}", list.join(", ")),
            );
        }
        Some(v)
    }

    /// A language code.
    fn language(
        &mut self,
        id: &str,
        field: &str,
        value: Option<Spanned<String>>,
    ) -> Option<String> {
        let value = value?;
        let span = value.span();
        let language = value.into_inner();
        if !ISO_639_1.contains(&language.as_str()) {
            let advice = if ISO_639_1.contains(&language.to_lowercase().as_str()) {
                format!("use lowercase: {:?}", language.to_lowercase())
            } else {
                "use the two-letter code in lowercase, e.g. \"en\"".to_owned()
            };
            self.problem(
                id,
                field,
                span,
                format_args!("{language:?} is not an ISO 639-1 language code; {advice}"),
            );
        }
        Some(language)
    }

    /// A web address.
    fn url(&mut self, id: &str, field: &str, value: Option<Spanned<String>>) -> Option<String> {
        let value = value?;
        let span = value.span();
        let url = value.into_inner();
        let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
        if !scheme_ok || url.chars().any(char::is_whitespace) {
            self.problem(
                id,
                field,
                span,
                format_args!(
                    "{url:?} is not a web address; give the full address starting with https:// or http://, or remove the line"
                ),
            );
        }
        Some(url)
    }

    /// Validates one entry; `None` if anything is wrong (the problems are
    /// recorded).
    pub(super) fn document(&mut self, raw: RawDocument) -> Option<Document> {
        let before = self.problems.len();
        let id = raw
            .id
            .as_ref()
            .map(|i| i.get_ref().clone())
            .unwrap_or_default();

        if let Some(id_value) = &raw.id {
            let id_span = id_value.span();
            if !is_slug(&id) {
                let advice = if is_slug(&id.to_lowercase()) {
                    format!("use lowercase: {:?}", id.to_lowercase())
                } else {
                    "use lowercase letters, digits and hyphens only, e.g. \"norway-2017\""
                        .to_owned()
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
        }

        let file = raw.file.and_then(|f| self.file(&id, f));
        let title = self.text_field(&id, "title", raw.title);
        let issuers = self.names(&id, "issuers", raw.issuers);
        let issuer = match raw.issuer {
            Some(i) => self.text_field(&id, "issuer", Some(i)),
            // Several issuers and no collective name: cite them all.
            None => join_names(&issuers),
        };
        let issuer_type = self.one_of(&id, "issuer_type", raw.issuer_type, ISSUER_TYPES);
        let authors = self.names(&id, "authors", raw.authors);
        let date = self.date(&id, "date", raw.date);

        let kind = raw.kind.map(|k| {
            let span = k.span();
            let kind = k.into_inner();
            if !self.kinds.contains(&kind) {
                let near = self
                    .kinds
                    .iter()
                    .map(|k| (strsim::damerau_levenshtein(&kind, k), k))
                    .min()
                    .filter(|(d, _)| *d <= 3)
                    .map(|(_, k)| format!("did you mean \"{k}\"? "))
                    .unwrap_or_default();
                self.problem(
                    &id,
                    "kind",
                    span,
                    format_args!(
                        "{kind:?} is not a known kind; {near}the kinds are {}; to add one, write it in the manifest's [kinds] table: [kinds] {} = \"what such a document is\"",
                        self.kinds.join(", "),
                        if is_slug(&kind) { kind.clone() } else { "my-kind".to_owned() }
                    ),
                );
            }
            kind
        });
        let number = self.optional_text(&id, "number", raw.number);

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
                        "a document has a country or an organization, not both; keep the one that issued it (a text of several issuers lists them in issuers = [...])",
                    );
                }
                name
            }
        };
        let country = country.map(|(c, _)| c);

        let language = self.language(&id, "language", raw.language);
        let translation = self.one_of(&id, "translation", raw.translation, TRANSLATIONS);
        let original_span = raw.original_language.as_ref().map(|o| o.span());
        let original_language = self.language(&id, "original_language", raw.original_language);
        if let (Some(span), None) = (original_span, &translation) {
            self.problem(
                &id,
                "original_language",
                span,
                "is given but the text is not marked as a translation; add translation = \"official\" or \"unofficial\", or remove the line",
            );
        }
        let url = self.url(&id, "url", raw.url);
        let container = self.optional_text(&id, "container", raw.container);
        let venue = raw.venue.and_then(|v| self.venue(&id, v));

        if self.problems.len() > before || raw.incomplete {
            return None;
        }
        Some(Document {
            id,
            file: file?,
            title,
            issuer,
            issuers,
            issuer_type,
            authors,
            date: date?,
            kind: kind?,
            number,
            country,
            organization,
            language: language?,
            translation,
            original_language,
            url,
            container,
            venue,
        })
    }

    /// Checks a `venue` table: a journal, and a date that is a date.
    fn venue(&mut self, id: &str, raw: RawVenue) -> Option<Venue> {
        let span = raw.span.clone();
        let journal = self.optional_text(id, "venue.journal", raw.journal);
        if journal.is_none() {
            self.problem(
                id,
                "venue.journal",
                span,
                "a venue names where the text was published; add journal = \"…\" to it",
            );
        }
        let volume = self.optional_text(id, "venue.volume", raw.volume);
        let issue = self.optional_text(id, "venue.issue", raw.issue);
        let pages = self.optional_text(id, "venue.pages", raw.pages);
        let date = self.date(id, "venue.date", raw.date);
        let url = self.url(id, "venue.url", raw.url);
        Some(Venue {
            journal: journal?,
            volume,
            issue,
            pages,
            date: date.map(|d| d.to_string()),
            url,
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

/// Names joined for reading: "A", "A and B", "A, B and C".
pub(crate) fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
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

/// Letters a text needs before its script is compared with its language:
/// a short text (a title page, a table) says too little.
const SCRIPT_MIN_LETTERS: usize = 200;

/// The scripts a language is written in, for the languages whose script
/// tells them apart from the Latin-script majority; `None` for a language
/// not listed (no check).
fn scripts_of(language: &str) -> Option<&'static [unicode_script::Script]> {
    use unicode_script::Script as S;
    Some(match language {
        "ru" | "uk" | "be" | "bg" | "mk" | "kk" | "ky" | "mn" | "tg" => &[S::Cyrillic],
        "sr" => &[S::Cyrillic, S::Latin],
        "el" => &[S::Greek],
        "ar" | "fa" | "ur" | "ps" => &[S::Arabic],
        "he" | "yi" => &[S::Hebrew],
        "zh" => &[S::Han],
        "ja" => &[S::Han, S::Hiragana, S::Katakana],
        "ko" => &[S::Hangul, S::Han],
        "hi" | "mr" | "ne" => &[S::Devanagari],
        "bn" => &[S::Bengali],
        "ta" => &[S::Tamil],
        "th" => &[S::Thai],
        "hy" => &[S::Armenian],
        "ka" => &[S::Georgian],
        "am" => &[S::Ethiopic],
        _ if language.len() == 2 && language.bytes().all(|b| b.is_ascii_lowercase()) => &[S::Latin],
        _ => return None,
    })
}

/// A warning when most letters of `text` are in a script its `language`
/// is not written in (a Russian text tagged `fr`): the text would be
/// stemmed and searched as the wrong language. `None` when they agree, the
/// language's script is not known, or the text is too short to tell.
pub(crate) fn script_mismatch(doc: &Document, text: &str) -> Option<String> {
    use unicode_script::UnicodeScript;
    let expected = scripts_of(&doc.language)?;
    let mut counts: HashMap<unicode_script::Script, usize> = HashMap::new();
    let mut letters = 0;
    // An ASCII letter is Latin: counted without the script table, whose
    // lookup per letter was a tenth of a whole build's time.
    let mut latin = 0;
    for c in text.chars() {
        if c.is_ascii() {
            latin += usize::from(c.is_ascii_alphabetic());
        } else if c.is_alphabetic() {
            *counts.entry(c.script()).or_default() += 1;
            letters += 1;
        }
    }
    if latin > 0 {
        *counts.entry(unicode_script::Script::Latin).or_default() += latin;
        letters += latin;
    }
    if letters < SCRIPT_MIN_LETTERS {
        return None;
    }
    let matching: usize = expected
        .iter()
        .map(|s| counts.get(s).copied().unwrap_or(0))
        .sum();
    if matching * 2 >= letters {
        return None;
    }
    let (main, n) = counts.iter().max_by_key(|(_, n)| **n)?;
    Some(format!(
        "{}: language = {:?}, but {}% of its letters are {} script; check the manifest's \
         `language` for this document (its text is stemmed and searched as that language)",
        doc.id,
        doc.language,
        n * 100 / letters,
        main.full_name()
    ))
}
