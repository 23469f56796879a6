//! `normsearch add FILE --title … --issuer … --date …`: a document into the
//! corpus in one step.
//!
//! Copies the text into the corpus folder, appends a `[[document]]` entry
//! to the manifest (its comments and layout kept: `toml_edit`), checks the
//! new manifest as every command would before writing it, and shows how
//! the text was cut. The index is left as it is: the next `index` (or
//! search) rebuilds it. Refused: a file that is not text (binary, empty,
//! not UTF-8), a text already in the corpus (same content hash), an id
//! already taken, and any value the manifest check refuses; nothing is
//! written then.

use super::Global;
use crate::corpus::{decode_text, Corpus, MANIFEST_NAME};
use crate::pipeline::Analyzer;
use crate::stats::DocumentStats;
use crate::UserError;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The text file to add (UTF-8 plain text or Markdown).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The document's title as printed on it.
    #[arg(long)]
    pub title: String,
    /// Who issued it; repeat for a text issued jointly.
    #[arg(long = "issuer", required = true, value_name = "NAME")]
    pub issuers: Vec<String>,
    /// Its date: YYYY-MM-DD, YYYY-MM or YYYY.
    #[arg(long)]
    pub date: String,
    /// Its language, as an ISO 639-1 code.
    #[arg(long, default_value = "en", value_name = "CODE")]
    pub language: String,
    /// Its kind (see the README's list, or the manifest's [kinds]).
    #[arg(long, default_value = "national-strategy")]
    pub kind: String,
    /// Its id; proposed from the file name and the year when not given.
    #[arg(long)]
    pub id: Option<String>,
    /// The issuing state's ISO 3166-1 code (e.g. NO).
    #[arg(long, value_name = "CODE")]
    pub country: Option<String>,
    /// The issuing organisation, for a non-state document.
    #[arg(long, value_name = "NAME")]
    pub organization: Option<String>,
    /// A personal author; repeat for several.
    #[arg(long = "author", value_name = "NAME")]
    pub authors: Vec<String>,
    /// The document's own number or symbol (e.g. A/70/174).
    #[arg(long)]
    pub number: Option<String>,
    /// For a translation: official, unofficial or machine.
    #[arg(long, value_name = "WHOSE")]
    pub translation: Option<String>,
    /// Where the original can be found.
    #[arg(long)]
    pub url: Option<String>,
}

/// `[a-z0-9-]+` made from any text: lowercase ASCII letters and digits,
/// runs of anything else one hyphen, at most `max` characters, cut at a
/// hyphen.
fn slugify(text: &str, max: usize) -> String {
    let mut s = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let mut s = s.trim_end_matches('-').to_string();
    if s.len() > max {
        let cut = s[..max].rfind('-').unwrap_or(max);
        s.truncate(cut);
    }
    s
}

/// The id proposed for a new document: the file name's slug (with the
/// year, unless it holds it already), made unique with `-2`, `-3`….
pub(super) fn propose_id(file: &Path, date: &str, taken: &[&str]) -> String {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let year: String = date.chars().take(4).collect();
    let mut base = slugify(&stem, 48);
    if base.is_empty() {
        base = "document".into();
    }
    if !base.contains(&year) {
        base = format!("{base}-{year}");
    }
    let mut id = base.clone();
    let mut k = 2;
    while taken.contains(&id.as_str()) {
        id = format!("{base}-{k}");
        k += 1;
    }
    id
}

/// Runs `add`.
pub fn run(args: &AddArgs, global: &Global) -> Result<ExitCode> {
    let corpus = Corpus::load(&global.corpus)?;
    let bytes = std::fs::read(&args.file).map_err(|e| crate::Error::io(&args.file, e))?;
    let hash = blake3::hash(&bytes);
    // Refused before anything is written.
    decode_text(&args.file, bytes.clone(), false)?;
    for doc in &corpus.documents {
        let path = corpus.path_of(doc);
        if std::fs::read(&path).is_ok_and(|b| blake3::hash(&b) == hash) {
            return Err(UserError::data(
                &args.file,
                None,
                format!(
                    "the same text is already in the corpus as document {:?} ({}); nothing was added",
                    doc.id,
                    path.display()
                ),
            )
            .into());
        }
    }
    let id = match &args.id {
        Some(id) => id.clone(),
        None => propose_id(&args.file, &args.date, &corpus.ids()),
    };
    let ext = args
        .file
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .filter(|e| matches!(e.as_str(), "txt" | "md" | "markdown" | "html" | "htm"))
        .unwrap_or_else(|| "txt".into());
    let stem = match slugify(&id, 120) {
        s if s.is_empty() => "document".to_string(),
        s => s,
    };
    let name = format!("{stem}.{ext}");
    let dest = corpus.root.join(&name);
    if dest.exists() {
        return Err(UserError::data(
            &dest,
            None,
            "a file of this name is already in the corpus folder; give another --id",
        )
        .into());
    }

    let manifest_text = std::fs::read_to_string(&corpus.manifest)
        .map_err(|e| crate::Error::io(&corpus.manifest, e))?;
    let new_text = with_entry(&manifest_text, &id, &name, args)?;
    std::fs::copy(&args.file, &dest).map_err(|e| crate::Error::io(&dest, e))?;
    // The manifest as it would be, checked as every command checks it; on
    // any problem the copy is taken back and the manifest left untouched.
    let checked = Corpus::from_text(&corpus.root, &corpus.manifest, &new_text);
    let new_corpus = match checked {
        Ok(c) => c,
        Err(e) => {
            let _ = std::fs::remove_file(&dest);
            return Err(e.into());
        }
    };
    let tmp = corpus.root.join(format!(".{MANIFEST_NAME}.new"));
    std::fs::write(&tmp, &new_text).map_err(|e| crate::Error::io(&tmp, e))?;
    std::fs::rename(&tmp, &corpus.manifest)
        .with_context(|| format!("cannot replace {}", corpus.manifest.display()))?;

    let index = new_corpus.documents.len() - 1;
    let analysed = Analyzer::load(&global.corpus, global.lossy)?.analyze_one(&new_corpus, index)?;
    let s = DocumentStats::of(&new_corpus.documents[index], &analysed);
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "added {id}: {} → {}, entry appended to {}",
        args.file.display(),
        dest.display(),
        corpus.manifest.display()
    )?;
    let dropped: Vec<String> = s.dropped.iter().map(|(r, n)| format!("{n} {r}")).collect();
    writeln!(
        out,
        "cut into {} passages ({} footnotes, {} labelled, {}), {} headings, {} lines dropped{}",
        s.passages,
        s.footnotes,
        s.labelled,
        match s.pages {
            Some(p) => format!("pages 1–{p}"),
            None => "no pages".into(),
        },
        s.headings,
        s.dropped_total(),
        if dropped.is_empty() {
            String::new()
        } else {
            format!(" ({})", dropped.join(", "))
        }
    )?;
    for w in &s.warnings {
        writeln!(out, "warning: {w}")?;
    }
    writeln!(
        out,
        "the index is not rebuilt yet: run `normsearch index` (see `normsearch passages {id}` for every passage)"
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The manifest `text` with a new entry appended, its comments and layout
/// kept.
fn with_entry(text: &str, id: &str, file: &str, a: &AddArgs) -> Result<String> {
    use toml_edit::{value, Array, ArrayOfTables, DocumentMut, Item, Table};
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        anyhow::anyhow!("{}: {}", MANIFEST_NAME, super::collapse(e.message()))
    })?;
    let mut t = Table::new();
    t.insert("id", value(id));
    t.insert("file", value(file));
    t.insert("title", value(a.title.as_str()));
    if let [one] = a.issuers.as_slice() {
        t.insert("issuer", value(one.as_str()));
    } else {
        let list: Array = a.issuers.iter().map(String::as_str).collect();
        t.insert("issuers", value(list));
    }
    if !a.authors.is_empty() {
        let list: Array = a.authors.iter().map(String::as_str).collect();
        t.insert("authors", value(list));
    }
    t.insert("date", value(a.date.as_str()));
    t.insert("kind", value(a.kind.as_str()));
    let optional = [
        ("number", &a.number),
        ("country", &a.country),
        ("organization", &a.organization),
    ];
    for (k, v) in optional {
        if let Some(v) = v {
            t.insert(k, value(v.as_str()));
        }
    }
    t.insert("language", value(a.language.as_str()));
    for (k, v) in [("translation", &a.translation), ("url", &a.url)] {
        if let Some(v) = v {
            t.insert(k, value(v.as_str()));
        }
    }
    match doc.get_mut("document") {
        Some(Item::ArrayOfTables(list)) => list.push(t),
        Some(_) => anyhow::bail!(
            "{}: `document` is not a list of [[document]] tables; fix the manifest first (`normsearch check`)",
            MANIFEST_NAME
        ),
        None => {
            let mut list = ArrayOfTables::new();
            list.push(t);
            doc.insert("document", Item::ArrayOfTables(list));
        }
    }
    let mut out = doc.to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_proposed_from_the_file_and_year() {
        assert_eq!(
            propose_id(Path::new("/x/Estonia Cyber Strategy.txt"), "2019-05", &[]),
            "estonia-cyber-strategy-2019"
        );
        assert_eq!(
            propose_id(
                Path::new("albania-2022-cybersecurity-strategy-en.txt"),
                "2022",
                &[]
            ),
            "albania-2022-cybersecurity-strategy-en"
        );
        assert_eq!(
            propose_id(Path::new("Stratégie.md"), "2018", &["strategie-2018"]),
            "strategie-2018-2"
        );
    }
}
