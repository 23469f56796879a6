//! The search prompt on a terminal: the real binary in a pseudo-terminal,
//! typed at as a person would. The filters show in the prompt, Tab
//! completes, Ctrl-C drops the line and keeps the session, Ctrl-D and
//! `:quit` leave with code 0, and the history is kept across sessions under
//! `$XDG_DATA_HOME`. What a line does is tested through a pipe in
//! `tests/shell.rs`.

use normsearch::index::{self, BuildOptions, Silent};
use rexpect::process::WaitStatus;
use rexpect::session::{spawn_command, PtySession};
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use crate::util::repo;

/// An index of the founding corpus, built once for all the tests.
fn index_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        index::build(
            &repo().join("corpus"),
            dir.path(),
            &BuildOptions::default(),
            &Silent,
        )
        .unwrap();
        dir
    })
    .path()
}

/// `normsearch ARGS` on a terminal, keeping its history under `data`.
fn spawn(args: &[&str], data: &Path) -> PtySession {
    spawn_in(args, data, &repo())
}

/// [`spawn`] in the working folder `cwd`.
fn spawn_in(args: &[&str], data: &Path, cwd: &Path) -> PtySession {
    let mut cmd = Command::new(crate::util::binary());
    cmd.args(args)
        .current_dir(cwd)
        .env("NORMSEARCH_CORPUS", repo().join("corpus"))
        .env("NORMSEARCH_INDEX", index_dir())
        .env("XDG_DATA_HOME", data)
        .env("TERM", "xterm")
        // Plain text is easier to expect; colour is tested in present/.
        .env("NO_COLOR", "1");
    spawn_command(cmd, Some(20_000)).expect("the prompt starts in a pty")
}

/// Ends the session with Ctrl-D and returns the exit code.
fn ctrl_d(mut p: PtySession) -> i32 {
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    exit_code(&p)
}

fn exit_code(p: &PtySession) -> i32 {
    match p.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => code,
        other => panic!("the prompt did not exit: {other:?}"),
    }
}

#[test]
fn the_prompt_shows_the_filters_in_force() {
    let data = tempfile::tempdir().unwrap();
    let mut p = spawn(&["shell"], data.path());
    p.exp_string("normsearch> ").unwrap();
    p.send_line(":source usa-2011").unwrap();
    p.exp_string("normsearch [source:usa-2011]> ").unwrap();
    p.send_line(":year 2011..").unwrap();
    p.exp_string("normsearch [source:usa-2011 year:2011..]> ")
        .unwrap();
    p.send_line(":exact on").unwrap();
    p.exp_string("normsearch [source:usa-2011 year:2011.. exact]> ")
        .unwrap();
    p.send_line("norms").unwrap();
    p.exp_string("passages match").unwrap();
    p.exp_string("normsearch [source:usa-2011 year:2011.. exact]> ")
        .unwrap();
    p.send_line(":source all").unwrap();
    p.exp_string("normsearch [year:2011.. exact]> ").unwrap();
    assert_eq!(ctrl_d(p), 0);
}

#[test]
fn tab_completes_commands_and_ids() {
    let data = tempfile::tempdir().unwrap();
    let mut p = spawn(&["shell"], data.path());
    p.exp_string("normsearch> ").unwrap();
    // One candidate: the command is completed (what the terminal shows is
    // redrawn piecemeal, so the tests check what the completed line does).
    p.send(":he\t").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Commands:").unwrap();
    p.exp_string("normsearch> ").unwrap();
    // A document id after :source, a theme id after :theme.
    p.send(":source swe\t").unwrap();
    p.send_line("").unwrap();
    p.exp_string("normsearch [source:sweden-2014]> ").unwrap();
    p.send(":theme international-law/sov\t").unwrap();
    p.send_line("").unwrap();
    p.exp_string("normsearch [source:sweden-2014 theme:international-law/sovereignty]> ")
        .unwrap();
    // Inside a query, after source:.
    p.send_line(":theme all").unwrap();
    p.exp_string("normsearch [source:sweden-2014]> ").unwrap();
    p.send_line(":source all").unwrap();
    p.exp_string("normsearch> ").unwrap();
    p.send("security source:norw\t").unwrap();
    p.send_line("").unwrap();
    p.exp_string("passages match").unwrap();
    // The completed document's passages: the id was whole (a partial id
    // would have been refused with the list of valid ones).
    p.exp_string("1. norway-2017:").unwrap();
    assert_eq!(ctrl_d(p), 0);
}

#[test]
fn tab_completes_the_file_name_of_an_export() {
    let data = tempfile::tempdir().unwrap();
    let cwd = tempfile::tempdir().unwrap();
    std::fs::create_dir(cwd.path().join("saved-hits")).unwrap();
    let mut p = spawn_in(&["shell"], data.path(), cwd.path());
    p.exp_string("normsearch> ").unwrap();
    p.send_line("anonymity").unwrap();
    p.exp_string("passages match").unwrap();
    p.exp_string("normsearch> ").unwrap();
    // `sav` completes to the folder; the name typed after it lands there.
    p.send(":export sav\t").unwrap();
    p.send_line("hits.csv").unwrap();
    p.exp_string("normsearch> ").unwrap();
    assert_eq!(ctrl_d(p), 0);
    let written = std::fs::read_to_string(cwd.path().join("saved-hits/hits.csv")).unwrap();
    assert!(written.lines().count() > 1, "{written}");
}

#[test]
fn ctrl_c_drops_the_line_and_the_session_goes_on() {
    let data = tempfile::tempdir().unwrap();
    let mut p = spawn(&[], data.path());
    p.exp_string("normsearch> ").unwrap();
    p.send(":source narnia-never-sent").unwrap();
    p.send_control('c').unwrap();
    p.exp_string("normsearch> ").unwrap();
    p.send_line(":sources").unwrap();
    p.exp_string("4 documents").unwrap();
    p.exp_string("normsearch> ").unwrap();
    // A refused line, too, leaves the session running.
    p.send_line("\"unclosed").unwrap();
    p.exp_string("query error at column 1").unwrap();
    p.exp_string("normsearch> ").unwrap();
    assert_eq!(ctrl_d(p), 0);
    let history = std::fs::read_to_string(data.path().join("normsearch/history")).unwrap();
    assert!(!history.contains("narnia"), "{history}");
}

#[test]
fn quit_leaves_with_code_zero() {
    let data = tempfile::tempdir().unwrap();
    let mut p = spawn(&["shell"], data.path());
    p.exp_string("normsearch> ").unwrap();
    p.send_line(":quit").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
}

#[test]
fn history_is_kept_across_sessions() {
    let data = tempfile::tempdir().unwrap();
    let mut p = spawn(&["shell"], data.path());
    p.exp_string("normsearch> ").unwrap();
    p.send_line(":limit 5").unwrap();
    p.exp_string("normsearch [limit:5]> ").unwrap();
    p.send_line("sovereignty").unwrap();
    p.exp_string("passages match").unwrap();
    p.exp_string("normsearch [limit:5]> ").unwrap();
    assert_eq!(ctrl_d(p), 0);

    let file = data.path().join("normsearch").join("history");
    let history = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = history.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(lines, [":limit 5", "sovereignty"], "{history}");

    // A new session recalls the old lines with the up arrow.
    let mut p = spawn(&["shell"], data.path());
    p.exp_string("normsearch> ").unwrap();
    p.send("\x1b[A\x1b[A").unwrap();
    p.send_line("").unwrap();
    p.exp_string("normsearch [limit:5]> ").unwrap();
    assert_eq!(ctrl_d(p), 0);
}
