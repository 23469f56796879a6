//! `normsearch shell` (and `normsearch` alone): the search prompt.
//!
//! This file does only the input and output: it opens the index once for
//! the whole session, then reads lines either from a line editor (stdin a
//! terminal: editing, history kept in the user's data folder, Tab
//! completion, the filters in the prompt) or plainly, one per line (stdin
//! piped: no prompt, no colour). Either way each line goes to
//! [`Shell::run_line`], so both modes behave alike.
//!
//! Exit code 0 at the end of input, on Ctrl-D or `:quit`, even when some
//! lines were refused (each refusal is one line on stderr); 2 when the
//! session cannot start (no corpus, an unreadable index).

use super::color_choice;
use super::search::{open_or_build, warn_if_stale, Quoted};
use super::Global;
use crate::shell::{complete, hint, history_path, Flow, Shell};
use anyhow::{Context as _, Result};
use rustyline::completion::{Completer, FilenameCompleter};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::FileHistory;
use rustyline::validate::Validator;
use rustyline::{CompletionType, Config, Context, Editor, Helper};
use std::borrow::Cow;
use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;
use termcolor::{ColorChoice, NoColor, StandardStream};

/// Runs the prompt: interactive when stdin is a terminal, else one line at
/// a time from stdin.
pub fn run(global: &Global) -> Result<ExitCode> {
    let engine = open_or_build(global)?;
    warn_if_stale(&engine, Quoted::All);
    let mut shell = Shell::new(engine);
    shell.set_width(super::themes::terminal_width());
    if io::stdin().is_terminal() {
        shell.set_layout(super::layout(false));
        interactive(&mut shell)
    } else {
        piped(&mut shell)
    }
}

/// One line at a time from stdin, no prompt and no colour, so that scripts
/// and tests can drive the session.
fn piped(shell: &mut Shell) -> Result<ExitCode> {
    let mut input = io::stdin().lock();
    let mut out = NoColor::new(io::BufWriter::new(io::stdout().lock()));
    let mut err = io::stderr().lock();
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        if input.read_until(b'\n', &mut bytes)? == 0 {
            break;
        }
        // A stray byte that is not UTF-8 spoils one word, not the session.
        let line = String::from_utf8_lossy(&bytes);
        let line = line.trim_end_matches(['\n', '\r']);
        if shell.run_line(line, &mut out, &mut err)? == Flow::Quit {
            break;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The line editor: history, completion, the filters in the prompt.
fn interactive(shell: &mut Shell) -> Result<ExitCode> {
    let config = Config::builder()
        .auto_add_history(false)
        .history_ignore_space(true)
        .history_ignore_dups(true)?
        .max_history_size(1000)?
        .completion_type(CompletionType::List)
        .build();
    let mut editor: Editor<PromptHelper, FileHistory> =
        Editor::with_config(config).context("cannot start the line editor")?;
    let colour = color_choice() != ColorChoice::Never;
    editor.set_helper(Some(PromptHelper {
        docs: shell.document_ids()?,
        themes: shell.theme_ids(),
        colour,
        files: FilenameCompleter::new(),
    }));

    let history = history_path();
    if let Some(path) = &history {
        // A missing file is a first session; an unreadable one is not worth
        // refusing the prompt over.
        let _ = editor.load_history(path);
        if let Some(dir) = path.parent() {
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!(
                    "normsearch: warning: history will not be kept: cannot create {}: {e}",
                    dir.display()
                );
            }
        }
    }
    let mut history_failed = false;

    let mut out = StandardStream::stdout(color_choice());
    let mut err = io::stderr();
    loop {
        match editor.readline(&shell.prompt()) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                    // Written line by line, so a killed terminal loses nothing.
                    if let Some(path) = history.as_ref().filter(|_| !history_failed) {
                        if let Err(e) = editor.append_history(path) {
                            history_failed = true;
                            eprintln!(
                                "normsearch: warning: cannot write the history to {}: {e}",
                                path.display()
                            );
                        }
                    }
                }
                if shell.run_line(&line, &mut out, &mut err)? == Flow::Quit {
                    break;
                }
            }
            // Ctrl-C abandons the line being typed, not the session.
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e).context("cannot read from the terminal"),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Completion of commands, ids and file names, usage hints after a
/// command name.
struct PromptHelper {
    docs: Vec<String>,
    themes: Vec<String>,
    colour: bool,
    files: FilenameCompleter,
}

impl Completer for PromptHelper {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        // `:export FILE`: the file name, as a shell completes it.
        if line.trim_start().starts_with(":export ") {
            let (start, found) = self.files.complete_path(line, pos)?;
            return Ok((start, found.into_iter().map(|p| p.replacement).collect()));
        }
        Ok(complete(line, pos, &self.docs, &self.themes))
    }
}

impl Hinter for PromptHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<String> {
        (pos == line.len()).then(|| hint(line)).flatten()
    }
}

impl Highlighter for PromptHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.colour {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }
}

impl Validator for PromptHelper {}

impl Helper for PromptHelper {}
