//! The command line: clap definitions, one file per command, and the one
//! place where errors become messages and exit codes.
//!
//! Exit codes follow grep and ripgrep: 0 when something was found, 1 when a
//! search found nothing, 2 on any error. Errors are printed once, as
//! `normsearch: error: …` on one line. A closed pipe (`| head`) ends the
//! program quietly. The prompt (`shell`) exits 0 when its input ends, even
//! after refusing some lines.

mod add;
mod check;
mod export;
mod generate;
mod grid;
mod index;
mod passages;
mod reuse;
mod search;
mod serve;
mod shell;
mod show;
mod stats;
mod themes;

use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Fast, exact full-text search over cyber-norm texts, with citable passages.
///
/// With no command, opens the search prompt (as `normsearch shell`); when
/// stdin is not a terminal, reads one query or :command per line from it.
#[derive(Debug, Parser)]
#[command(name = "normsearch", version, about)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,
    /// The command to run.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options shared by every command.
#[derive(Debug, Clone, clap::Args)]
pub struct Global {
    /// The corpus folder (holding corpus.toml).
    #[arg(
        long,
        global = true,
        env = "NORMSEARCH_CORPUS",
        default_value = "corpus",
        value_name = "DIR"
    )]
    pub corpus: PathBuf,
    /// The index folder.
    #[arg(
        long,
        global = true,
        env = "NORMSEARCH_INDEX",
        default_value = "index",
        value_name = "DIR"
    )]
    pub index: PathBuf,
    /// Read texts that are not valid UTF-8, replacing bad bytes (with a warning).
    #[arg(long, global = true)]
    pub lossy: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show how documents were cut into passages (and what was dropped).
    Passages(passages::PassagesArgs),
    /// List the themes, with how many passages carry each, per document.
    Themes(themes::ThemesArgs),
    /// Build or rebuild the search index.
    Index(index::IndexArgs),
    /// Search the corpus: ranked, cited, highlighted passages.
    Search(search::SearchArgs),
    /// One passage in context: its neighbours, section and footnotes.
    Show(show::ShowArgs),
    /// A citation for one passage: plain, chicago, bibtex or json.
    Cite(show::CiteArgs),
    /// The JSON API and the web page on a local address (until Ctrl-C).
    ///
    /// Opens the index, or builds it first when there is none (the API
    /// answers 503 meanwhile), and follows rebuilds made beside it by
    /// `normsearch index`, without a restart. Read-only: only GET and
    /// HEAD. The page is at http://ADDRESS/; the API under /api/ (see the
    /// README).
    Serve(serve::ServeArgs),
    /// Documents × themes: how many passages of each source carry each
    /// theme, with each cell's best passage (--json, --csv).
    Grid(grid::GridArgs),
    /// One passage per document for a query or a theme, oldest first, side
    /// by side (--json, --csv, --markdown).
    Compare(grid::CompareArgs),
    /// The lineage of a formulation: every passage sharing its wording,
    /// earliest first, with word diffs against the earlier version.
    Trace(reuse::TraceArgs),
    /// Clusters of wording shared between documents, widest-travelled first.
    Reuse(reuse::ReuseArgs),
    /// The passages most like one: shared wording, then shared rare terms.
    Similar(reuse::SimilarArgs),
    /// The search prompt: queries and :commands, one index reader for the
    /// whole session.
    ///
    /// On a terminal: line editing, history (in
    /// $XDG_DATA_HOME/normsearch/history, else
    /// ~/.local/share/normsearch/history), Tab completion of commands,
    /// document ids and theme ids, the active filters in the prompt. When
    /// stdin is not a terminal: one query or :command per line, no prompt,
    /// no colour; errors go to stderr and the session goes on; the exit
    /// code is 0 at the end of input. Type :help for the commands.
    Shell,
    /// Check the manifest, taxonomy, lexicon and every text, without
    /// touching the index: every problem in one run, one line each.
    Check(check::CheckArgs),
    /// Add a text to the corpus: copy it, append its manifest entry, show
    /// how it was cut (the index is rebuilt by the next `index`).
    Add(add::AddArgs),
    /// Figures per document and in total: passages by kind, footnotes,
    /// labels, pages, dropped lines, theme coverage, words, languages.
    Stats(stats::StatsArgs),
    /// Every passage with its citation and themes, for OpenSearch or
    /// Quickwit (and their configuration with --config-dir).
    Export(export::ExportArgs),
    /// A shell completion script, from these very definitions.
    Completions(generate::CompletionsArgs),
    /// The man page (roff), from these very definitions.
    Man(generate::ManArgs),
}

/// Parses the arguments, runs the command and turns the outcome into an
/// exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    set_panic_hook();
    // A panic is a defect, or a damaged index read by tantivy; either way
    // the user gets one line and exit code 2, not a backtrace.
    match std::panic::catch_unwind(|| dispatch(&cli)) {
        Ok(Ok(code)) => code,
        Ok(Err(err)) => report(&err),
        Err(_) => report_panic(&cli),
    }
}

fn dispatch(cli: &Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Some(Command::Passages(args)) => passages::run(args, &cli.global),
        Some(Command::Themes(args)) => themes::run(args, &cli.global),
        Some(Command::Index(args)) => index::run(args, &cli.global),
        Some(Command::Search(args)) => search::run(args, &cli.global),
        Some(Command::Show(args)) => show::run_show(args, &cli.global),
        Some(Command::Cite(args)) => show::run_cite(args, &cli.global),
        Some(Command::Serve(args)) => serve::run(args, &cli.global),
        Some(Command::Grid(args)) => grid::run_grid(args, &cli.global),
        Some(Command::Compare(args)) => grid::run_compare(args, &cli.global),
        Some(Command::Trace(args)) => reuse::run_trace(args, &cli.global),
        Some(Command::Reuse(args)) => reuse::run_reuse(args, &cli.global),
        Some(Command::Similar(args)) => reuse::run_similar(args, &cli.global),
        Some(Command::Shell) | None => shell::run(&cli.global),
        Some(Command::Check(args)) => check::run(args, &cli.global),
        Some(Command::Add(args)) => add::run(args, &cli.global),
        Some(Command::Stats(args)) => stats::run(args, &cli.global),
        Some(Command::Export(args)) => export::run(args, &cli.global),
        Some(Command::Completions(args)) => generate::completions(args),
        Some(Command::Man(args)) => generate::man(args),
    }
}

/// Help and version go out as clap writes them; a usage error becomes one
/// line like any other error, with where to read the usage.
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let args: Vec<String> = std::env::args().collect();
    let _ = writeln!(
        std::io::stderr(),
        "normsearch: error: {}",
        usage_line(&e.render().to_string(), &args)
    );
    ExitCode::from(2)
}

/// clap's rendered error (the error, tips, a usage line) as one line:
/// `invalid value 'x' for '--limit <N>': …; see `normsearch search --help``.
/// The command is read from the usage line, else from `args`.
fn usage_line(rendered: &str, args: &[String]) -> String {
    use clap::CommandFactory;
    let mut parts = Vec::new();
    let subcommand = args.iter().skip(1).find(|a| {
        Cli::command()
            .get_subcommands()
            .any(|c| c.get_name() == a.as_str())
    });
    let mut command = match subcommand {
        Some(sub) => format!("normsearch {sub}"),
        None => "normsearch".to_string(),
    };
    for line in rendered.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(usage) = line.strip_prefix("Usage: ") {
            command = usage
                .split_whitespace()
                .take_while(|w| !w.starts_with(['-', '<', '[']))
                .collect::<Vec<_>>()
                .join(" ");
        } else if !line.starts_with("For more information") {
            parts.push(line.strip_prefix("error: ").unwrap_or(line));
        }
    }
    collapse(&format!("{}; see `{command} --help`", parts.join(" ")))
}

/// The first panic's message and place (and its backtrace when
/// `RUST_BACKTRACE` asks for one), kept by the hook for [`report_panic`].
static PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Keeps a panic's message instead of printing it (rayon and tantivy
/// threads panic too; the first message is the cause).
fn set_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        // `capture` honours RUST_BACKTRACE (and RUST_LIB_BACKTRACE): a
        // developer who asks for the backtrace gets it under the one line.
        let backtrace = std::backtrace::Backtrace::capture();
        let backtrace = match backtrace.status() {
            std::backtrace::BacktraceStatus::Captured => format!("\n{backtrace}"),
            _ => String::new(),
        };
        if let Ok(mut first) = PANIC.lock() {
            first.get_or_insert_with(|| {
                format!("{}{backtrace}", collapse(&format!("{message}{place}")))
            });
        }
    }));
}

/// Reports a panic as one line: a damaged index when the command read one
/// and its checksums say so, else a defect to report.
fn report_panic(cli: &Cli) -> ExitCode {
    let reads_index = matches!(
        cli.command,
        Some(
            Command::Search(_)
                | Command::Show(_)
                | Command::Cite(_)
                | Command::Grid(_)
                | Command::Compare(_)
        )
    );
    if reads_index && crate::index::exists(&cli.global.index) {
        let verdict = std::panic::catch_unwind(|| crate::index::verify(&cli.global.index));
        if let Ok(Err(damaged)) = verdict {
            return report(&damaged.into());
        }
    }
    let what = PANIC
        .lock()
        .ok()
        .and_then(|p| p.clone())
        .unwrap_or_else(|| "unknown panic".into());
    let (line, backtrace) = what.split_once('\n').unwrap_or((&what, ""));
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "normsearch: error: internal error: {line}; this is a defect of normsearch, please report it with the command that caused it"
    );
    if !backtrace.is_empty() {
        let _ = writeln!(err, "{backtrace}");
    }
    ExitCode::from(2)
}

/// One line: every run of whitespace becomes one space.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Prints an error as one line and picks the exit code.
fn report(err: &anyhow::Error) -> ExitCode {
    if is_broken_pipe(err) {
        return ExitCode::SUCCESS;
    }
    // A manifest's problems, all found in one pass: one line each.
    if let Some(crate::Error::User(crate::UserError::Problems { problems })) =
        err.downcast_ref::<crate::Error>()
    {
        let mut out = std::io::stderr().lock();
        for p in problems {
            let _ = writeln!(out, "normsearch: error: {}", collapse(&p.to_string()));
        }
        return ExitCode::from(2);
    }
    let mut line = err.to_string();
    let library = err.downcast_ref::<crate::Error>();
    // The library's user errors are complete; internal ones get their
    // causes, each once (an I/O error's message already holds its source).
    if library.is_none_or(|e| !matches!(e, crate::Error::User(_))) {
        for cause in err.chain().skip(1) {
            let cause = cause.to_string();
            if !line.contains(&cause) {
                line.push_str(": ");
                line.push_str(&cause);
            }
        }
    }
    match library {
        Some(crate::Error::User(e)) => {
            if let Some(advice) = advice(e) {
                line.push_str("; ");
                line.push_str(advice);
            }
        }
        Some(crate::Error::Tantivy(_)) => {
            line.push_str("; if the index is damaged, run `normsearch index` to rebuild it");
        }
        _ => {}
    }
    let _ = writeln!(std::io::stderr(), "normsearch: error: {}", collapse(&line));
    ExitCode::from(2)
}

/// What to do about an error, at the command line: the library's messages
/// say what is wrong and how to fix the input, never which command to run.
pub(crate) fn advice(e: &crate::UserError) -> Option<&'static str> {
    use crate::error::FolderProblem;
    use crate::UserError as E;
    Some(match e {
        E::Index { .. } => "run `normsearch index` to rebuild it",
        E::IndexBusy { .. } => "wait for it to finish",
        E::NoCorpus { .. } => "pass --corpus <folder> naming the folder that holds corpus.toml",
        E::NoManifest { .. } => "if the corpus is elsewhere, pass --corpus <folder>",
        E::NotUtf8 { .. } => "to read it anyway, pass --lossy to replace bad bytes",
        E::IndexFolder { problem, .. } => match problem {
            FolderProblem::IsAFile => "pass --index naming a folder (it is created if missing)",
            FolderProblem::Foreign(_) => {
                "pass --index naming the index folder, or a new or empty one"
            }
            FolderProblem::Unwritable { full: true, .. } => {
                "free some disk space, then run `normsearch index` again"
            }
            FolderProblem::Unwritable { full: false, .. } => {
                "pass --index naming a folder you can write to"
            }
        },
        _ => return None,
    })
}

/// Whether to colour standard output: only on a terminal, and never when
/// `NO_COLOR` is set. Decided here, once: the printers in `present` only
/// write to what they are given.
pub(crate) fn color_choice() -> termcolor::ColorChoice {
    use std::io::IsTerminal;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if no_color || !std::io::stdout().is_terminal() {
        termcolor::ColorChoice::Never
    } else {
        termcolor::ColorChoice::Auto
    }
}

/// How to lay hits out on standard output: on a terminal, wrapped to its
/// width (asked of the terminal, else `COLUMNS`) with long passages as
/// snippets unless `full`; into a pipe, whole lines and whole passages.
pub(crate) fn layout(full: bool) -> crate::present::Layout {
    use std::io::IsTerminal;
    let stdout = std::io::stdout();
    if !stdout.is_terminal() {
        return crate::present::Layout::FULL;
    }
    let width = terminal_size::terminal_size_of(&stdout)
        .map(|(w, _)| usize::from(w.0))
        .filter(|&w| w > 0)
        .or_else(|| {
            std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.trim().parse().ok())
        });
    crate::present::Layout {
        width,
        snippet: !full,
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_are_one_line_naming_the_command() {
        for (args, want) in [
            (
                &["normsearch", "search", "--limit", "abc", "x"][..],
                "invalid value 'abc' for '--limit <N>': invalid digit found in string; see `normsearch search --help`",
            ),
            (
                &["normsearch", "search"],
                "the following required arguments were not provided: <QUERY>...; see `normsearch search --help`",
            ),
            (
                &["normsearch", "serch", "x"],
                "unrecognized subcommand 'serch' tip: some similar subcommands exist: 'serve', 'search'; see `normsearch --help`",
            ),
        ] {
            let e = Cli::try_parse_from(args).unwrap_err();
            let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            assert_eq!(usage_line(&e.render().to_string(), &args), want);
        }
    }

    #[test]
    fn clap_definitions_are_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
