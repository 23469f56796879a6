//! `normsearch index`: build or rebuild the search index, with a progress
//! bar on a terminal and a closing summary line.

use super::Global;
use crate::index::{self, BuildOptions, BuildSummary, Progress};
use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Arguments of `index`.
#[derive(Debug, clap::Args)]
pub struct IndexArgs {
    /// Worker threads for reading, segmenting and indexing (0: one per core;
    /// at most 256).
    #[arg(
        long,
        default_value_t = 0,
        value_name = "N",
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=256)
    )]
    pub threads: usize,
    /// If another build of the same index is running, stop at once instead
    /// of waiting for it to finish.
    #[arg(long)]
    pub no_wait: bool,
}

/// Runs `index`.
pub fn run(args: &IndexArgs, global: &Global) -> Result<ExitCode> {
    let summary = build(global, args.threads, !args.no_wait)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", summary_line(&summary, &global.index))?;
    Ok(ExitCode::SUCCESS)
}

/// The build options the arguments describe.
pub(super) fn options(global: &Global, threads: usize, wait: bool) -> BuildOptions {
    BuildOptions {
        threads,
        wait_for_lock: wait,
        lossy: global.lossy,
    }
}

/// Builds the index of `global.corpus` in `global.index`, drawing progress
/// on stderr when it is a terminal.
fn build(global: &Global, threads: usize, wait: bool) -> Result<BuildSummary> {
    let bar = Bar::new();
    let summary = index::build(
        &global.corpus,
        &global.index,
        &options(global, threads, wait),
        &bar,
    );
    bar.finish();
    let summary = summary?;
    warn(&summary)?;
    Ok(summary)
}

/// The build's warnings (bytes replaced in a lossy read), on stderr.
pub(super) fn warn(summary: &BuildSummary) -> std::io::Result<()> {
    let mut err = std::io::stderr().lock();
    for w in &summary.warnings {
        writeln!(err, "normsearch: warning: {w}")?;
    }
    Ok(())
}

/// `indexed 4 documents, 306 passages, 0.16 MB in 0.21 s (0.78 MB/s) into index/gen-3`
pub(crate) fn summary_line(s: &BuildSummary, index_dir: &Path) -> String {
    let generation = s
        .generation
        .file_name()
        .map(|g| index_dir.join(g))
        .unwrap_or_else(|| s.generation.clone());
    format!(
        "indexed {} documents, {} passages, {:.2} MB in {:.2} s ({:.2} MB/s) into {}",
        s.documents,
        s.passages,
        s.megabytes(),
        s.elapsed.as_secs_f64(),
        s.mb_per_second(),
        generation.display()
    )
}

/// The progress bar: bytes of text analysed. indicatif draws nothing when
/// stderr is not a terminal.
pub(super) struct Bar(ProgressBar);

impl Bar {
    /// Clears the bar once the build is over.
    pub(super) fn finish(&self) {
        self.0.finish_and_clear();
    }

    pub(super) fn new() -> Bar {
        let bar = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template(
            "{prefix:>9} [{bar:30}] {binary_bytes}/{binary_total_bytes} {msg}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix("indexing");
        Bar(bar)
    }
}

impl Progress for Bar {
    fn waiting_for_lock(&self, lock: &Path) {
        // Printed even off a terminal: a silent wait looks like a hang.
        self.0.suspend(|| {
            eprintln!(
                "normsearch: another build holds {}; waiting for it to finish",
                lock.display()
            );
        });
    }

    fn start(&self, _documents: usize, bytes: u64) {
        self.0.set_length(bytes);
    }

    fn document_done(&self, id: &str, bytes: u64, _passages: usize) {
        self.0.inc(bytes);
        self.0.set_message(id.to_string());
    }

    fn committing(&self) {
        self.0.set_message("committing");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::time::Duration;

    #[test]
    fn summary_names_counts_sizes_and_speed() {
        let s = BuildSummary {
            documents: 4,
            passages: 306,
            bytes: 164_000,
            elapsed: Duration::from_millis(200),
            generation: PathBuf::from("/tmp/x/index/gen-3"),
            warnings: Vec::new(),
        };
        assert_eq!(
            summary_line(&s, Path::new("index")),
            format!(
                "indexed 4 documents, 306 passages, 0.16 MB in 0.20 s (0.82 MB/s) into {}",
                Path::new("index").join("gen-3").display()
            )
        );
    }
}
