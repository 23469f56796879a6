//! `normsearch export --format ndjson|opensearch|quickwit [--config-dir
//! DIR]`: every passage, with its citation and themes, for a distributed
//! engine.
//!
//! The passages go to stdout: NDJSON for `ndjson` and `quickwit` (what
//! `quickwit index ingest` reads), `_bulk` action/source pairs for
//! `opensearch`. With `--config-dir`, the folder receives the engine's
//! configuration made from the same analysis: `quickwit-index.yaml` and
//! `opensearch-index.json` (settings with a stemmer per language of the
//! corpus, and the mapping). The export reads the corpus as the indexer
//! does; it needs no index.

use super::Global;
use crate::corpus::Corpus;
use crate::export;
use crate::pipeline::Analyzer;
use crate::present;
use anyhow::Result;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// What to write: ndjson (one passage per line), opensearch (a _bulk
    /// body), quickwit (NDJSON for `quickwit index ingest`).
    #[arg(long, value_enum, default_value_t = ExportFormat::Ndjson)]
    pub format: ExportFormat,
    /// Also write the engines' configuration here (created if missing):
    /// quickwit-index.yaml and opensearch-index.json.
    #[arg(long, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// One JSON record per passage per line.
    Ndjson,
    /// OpenSearch _bulk: an action line and a record line per passage.
    Opensearch,
    /// NDJSON for Quickwit's ingest.
    Quickwit,
}

/// Runs `export`.
pub fn run(args: &ExportArgs, global: &Global) -> Result<ExitCode> {
    let corpus = Corpus::load(&global.corpus)?;
    let analysed = Analyzer::load(&global.corpus, global.lossy)?.analyze(&corpus, None)?;
    let records = export::records(&corpus.documents, &analysed);
    if let Some(dir) = &args.config_dir {
        std::fs::create_dir_all(dir).map_err(|e| crate::Error::io(dir, e))?;
        let mut languages: Vec<String> = corpus
            .documents
            .iter()
            .map(|d| d.language.clone())
            .collect();
        languages.sort();
        languages.dedup();
        let path = dir.join("quickwit-index.yaml");
        let mut f = std::fs::File::create(&path).map_err(|e| crate::Error::io(&path, e))?;
        present::export::yaml(&mut f, &export::quickwit_config())?;
        let path = dir.join("opensearch-index.json");
        let mut f = std::fs::File::create(&path).map_err(|e| crate::Error::io(&path, e))?;
        present::export::json_pretty(&mut f, &export::opensearch_mapping(&languages))?;
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        ExportFormat::Ndjson | ExportFormat::Quickwit => {
            present::export::ndjson(&mut out, &records)?
        }
        ExportFormat::Opensearch => present::export::opensearch_bulk(&mut out, &records)?,
    }
    out.flush()?;
    eprintln!(
        "normsearch: exported {} passages of {} documents",
        records.len(),
        corpus.documents.len()
    );
    Ok(ExitCode::SUCCESS)
}
