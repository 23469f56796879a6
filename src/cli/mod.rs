//! The command line: clap definitions, one file per command, and the one
//! place where errors become messages and exit codes.
//!
//! Exit codes follow grep and ripgrep: 0 when something was found, 1 when a
//! search found nothing, 2 on any error. Errors are printed once, as
//! `normsearch: error: …` on one line. A closed pipe (`| head`) ends the
//! program quietly. The prompt (`shell`) exits 0 when its input ends, even
//! after refusing some lines.

mod index;
mod passages;
mod search;
mod shell;
mod show;
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
}

/// Parses the arguments, runs the command and turns the outcome into an
/// exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match &cli.command {
        Some(Command::Passages(args)) => passages::run(args, &cli.global),
        Some(Command::Themes(args)) => themes::run(args, &cli.global),
        Some(Command::Index(args)) => index::run(args, &cli.global),
        Some(Command::Search(args)) => search::run(args, &cli.global),
        Some(Command::Show(args)) => show::run_show(args, &cli.global),
        Some(Command::Cite(args)) => show::run_cite(args, &cli.global),
        Some(Command::Shell) | None => shell::run(&cli.global),
    };
    match outcome {
        Ok(code) => code,
        Err(err) => report(&err),
    }
}

/// Prints an error as one line and picks the exit code.
fn report(err: &anyhow::Error) -> ExitCode {
    if is_broken_pipe(err) {
        return ExitCode::SUCCESS;
    }
    let mut line = err.to_string();
    // The library's user errors are complete; internal ones get their causes.
    if err
        .downcast_ref::<crate::Error>()
        .is_none_or(|e| !matches!(e, crate::Error::User(_)))
    {
        for cause in err.chain().skip(1) {
            line.push_str(": ");
            line.push_str(&cause.to_string());
        }
    }
    let _ = writeln!(std::io::stderr(), "normsearch: error: {line}");
    ExitCode::from(2)
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
    fn clap_definitions_are_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
