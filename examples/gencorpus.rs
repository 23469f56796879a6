//! Generates a synthetic corpus for benchmarks: texts that look like the
//! founding corpus, plus a `corpus.toml` that `normsearch` accepts.
//!
//! ```text
//! cargo run --release --example gencorpus -- --size 100MB --seed 42 --out /tmp/gen-100mb
//! ```
//!
//! Output: `--out` holding `gen-000001.txt`, `gen-000002.txt`, … (50–500 KB
//! each) and `corpus.toml`, about `--size` bytes of text in all, the same
//! bytes for the same seed and size. The layouts and the Markov chain behind
//! them are described in `benches/common/generator.rs`.
//!
//! Refused (exit 2): an output folder inside this repository (a gigabyte
//! of texts must not end up in a commit), or one that holds files other
//! than a corpus this program generated (`--force` replaces such a corpus).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

// The generator itself is shared with the benches and tests.
#[path = "../benches/common/generator.rs"]
mod generator;

use generator::MARKER;

/// Generates a deterministic synthetic corpus for benchmarks.
#[derive(Debug, Parser)]
#[command(name = "gencorpus")]
struct Args {
    /// Total text to write: a number with an optional unit, B, KB, MB, GB
    /// (powers of 1000) or KiB, MiB, GiB (powers of 1024), e.g. 100MB.
    #[arg(long, value_parser = parse_size)]
    size: u64,
    /// Seed of the generator: the same seed gives the same corpus.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Folder to write the corpus into (created if missing); it must lie
    /// outside this repository.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Corpus folder whose texts train the Markov chain.
    #[arg(long, value_name = "DIR", default_value_os_t = generator::default_training_dir())]
    train: PathBuf,
    /// Replace a corpus this program generated earlier in `--out`.
    #[arg(long)]
    force: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gencorpus: error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let started = Instant::now();
    let chain = generator::train(&args.train)?;
    prepare_out(&args.out, args.force)?;
    let summary = generator::generate(&chain, &args.out, args.size, args.seed)
        .map_err(|e| format!("{}: cannot write the corpus: {e}", args.out.display()))?;
    eprintln!(
        "gencorpus: wrote {} documents, {:.1} MB, to {} in {:.1} s (seed {}, {} words and {} states in the chain)",
        summary.documents,
        summary.bytes as f64 / 1e6,
        args.out.display(),
        started.elapsed().as_secs_f64(),
        args.seed,
        chain.words.len(),
        chain.state_word.len(),
    );
    Ok(())
}

/// Parses `100MB`, `1GB`, `512KiB`, `1048576`.
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{s:?} is not a size; write e.g. 10MB, 1GB or 500KB"))?;
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "m" | "mb" => 1_000_000,
        "g" | "gb" => 1_000_000_000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        other => {
            return Err(format!(
                "unknown size unit {other:?}; use B, KB, MB, GB, KiB, MiB or GiB"
            ))
        }
    };
    let bytes = n
        .checked_mul(multiplier)
        .ok_or_else(|| format!("{s:?} is too large"))?;
    if !(1_000..=100_000_000_000).contains(&bytes) {
        return Err(format!("{s:?} is out of range; give between 1KB and 100GB"));
    }
    Ok(bytes)
}

/// Checks that `out` may be written and clears an earlier generated corpus
/// from it.
fn prepare_out(out: &Path, force: bool) -> Result<(), String> {
    fs::create_dir_all(out)
        .map_err(|e| format!("{}: cannot create the folder: {e}", out.display()))?;
    let canonical = out
        .canonicalize()
        .map_err(|e| format!("{}: {e}", out.display()))?;
    if let Ok(repo) = Path::new(env!("CARGO_MANIFEST_DIR")).canonicalize() {
        if canonical.starts_with(&repo) {
            return Err(format!(
                "{}: is inside the repository; write generated corpora elsewhere, e.g. /tmp/normsearch-gen",
                out.display()
            ));
        }
    }
    let entries: Vec<PathBuf> = fs::read_dir(out)
        .map_err(|e| format!("{}: {e}", out.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    if entries.is_empty() {
        return Ok(());
    }
    let manifest = out.join("corpus.toml");
    let ours = fs::read_to_string(&manifest).is_ok_and(|m| m.starts_with(MARKER));
    if !ours {
        return Err(format!(
            "{}: the folder is not empty and holds no generated corpus; give an empty or new folder",
            out.display()
        ));
    }
    if !force {
        return Err(format!(
            "{}: already holds a generated corpus; pass --force to replace it",
            out.display()
        ));
    }
    // Only our own files go: a generated corpus may sit beside an index
    // folder or benchmark results the caller wants to keep.
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name == "corpus.toml" || (name.starts_with("gen-") && name.ends_with(".txt")) {
            fs::remove_file(&path)
                .map_err(|e| format!("{}: cannot remove: {e}", path.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("100MB"), Ok(100_000_000));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("5000"), Ok(5000));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("10XB").is_err());
        assert!(parse_size("10").is_err());
    }

    #[test]
    fn arguments() {
        use clap::CommandFactory;
        Args::command().debug_assert();
    }
}
