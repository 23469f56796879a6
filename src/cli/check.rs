//! `normsearch check`: the manifest, the taxonomy, the lexicon and every
//! text, checked without touching the index; then, when there is one,
//! whether the index still matches every one of them.
//!
//! Every problem found in one run, one line each on stderr: `error: FILE:LINE:
//! FIELD: what is wrong and what to do` or `warning: …`; then a summary.
//! Exit code 2 when there is an error, else 0 (warnings alone pass).

use super::Global;
use crate::corpus::Corpus;
use crate::lexicon::Lexicon;
use crate::pipeline::Analyzer;
use crate::stats::DocumentStats;
use crate::themes::Taxonomy;
use crate::{Error, UserError};
use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {}

/// One line for a problem: `FILE:LINE: FIELD: message`, with the document
/// named after it when the problem is in an entry.
pub(super) fn problem_line(e: &UserError) -> String {
    match e {
        UserError::Data {
            path,
            line,
            document,
            field,
            message,
        } => {
            let mut s = path.display().to_string();
            if let Some(l) = line {
                s.push_str(&format!(":{l}"));
            }
            if let Some(f) = field {
                s.push_str(&format!(": {f}"));
            }
            s.push_str(&format!(": {message}"));
            if let Some(d) = document {
                s.push_str(&format!(" (document {d:?})"));
            }
            super::collapse(&s)
        }
        other => super::collapse(&other.to_string()),
    }
}

/// The user errors inside `e`: each problem of a manifest, or the one.
fn user_errors(e: Error) -> Result<Vec<UserError>> {
    match e {
        Error::User(UserError::Problems { problems }) => Ok(problems),
        Error::User(u) => Ok(vec![u]),
        other => Err(other.into()),
    }
}

/// Runs `check`.
pub fn run(_args: &CheckArgs, global: &Global) -> Result<ExitCode> {
    let mut errors: Vec<UserError> = Vec::new();
    let mut warnings: Vec<String> = Vec::new();
    let corpus = match Corpus::load_checked(&global.corpus) {
        Ok((corpus, problems)) => {
            errors.extend(problems);
            Some(corpus)
        }
        Err(e) => {
            errors.extend(user_errors(e)?);
            None
        }
    };
    let mut sound = true;
    if let Err(e) = Lexicon::load(&global.corpus) {
        sound = false;
        errors.extend(user_errors(e)?);
    }
    if let Err(e) = Taxonomy::load(&global.corpus) {
        sound = false;
        errors.extend(user_errors(e)?);
    }
    let mut documents = 0;
    if let (Some(corpus), true) = (&corpus, sound) {
        let analyzer = Analyzer::load(&global.corpus, global.lossy)?;
        documents = corpus.documents.len();
        // Each text on its own: one unreadable text does not hide the
        // problems of the next.
        let results: Vec<_> = {
            use rayon::prelude::*;
            (0..corpus.documents.len())
                .into_par_iter()
                .map(|i| analyzer.analyze_one(corpus, i))
                .collect()
        };
        for (i, r) in results.into_iter().enumerate() {
            match r {
                Ok(a) => {
                    warnings.extend(DocumentStats::of(&corpus.documents[i], &a).warnings);
                }
                Err(e) => errors.extend(user_errors(e)?),
            }
        }
    }
    // The one full freshness check of the index (a search looks only at
    // the corpus's folders and the texts it quotes).
    if errors.is_empty() && crate::index::exists(&global.index) {
        let stale = match crate::index::Index::open(&global.index) {
            Ok(index) => match index.freshness(&global.corpus) {
                crate::index::Freshness::Fresh => None,
                crate::index::Freshness::Stale(why) => Some(format!("is stale: {why}")),
            },
            Err(e) => Some(format!("cannot be opened ({e})")),
        };
        if let Some(what) = stale {
            warnings.push(format!(
                "the index in {} {what}; run `normsearch index` to rebuild it",
                global.index.display()
            ));
        }
    }
    let mut err = std::io::stderr().lock();
    for e in &errors {
        writeln!(err, "error: {}", problem_line(e))?;
    }
    for w in &warnings {
        writeln!(err, "warning: {}", super::collapse(w))?;
    }
    writeln!(
        err,
        "normsearch: checked {} ({documents} document{} read): {} error{}, {} warning{}",
        global.corpus.display(),
        if documents == 1 { "" } else { "s" },
        errors.len(),
        if errors.len() == 1 { "" } else { "s" },
        warnings.len(),
        if warnings.len() == 1 { "" } else { "s" },
    )?;
    Ok(if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
