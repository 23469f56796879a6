//! Completion and hints for the line editor, and where the history is kept.

use std::path::PathBuf;

use super::line::COMMANDS;

/// Completion candidates for `line` with the cursor at byte `pos`: where the
/// completed word starts, and the words that may replace it. Commands at
/// the start of a line; document ids after `:source` and `source:`, theme
/// ids after `:theme` and `theme:`; formats after `:cite N`; `on`/`off`
/// after `:exact`; filter names inside a query.
pub fn complete(
    line: &str,
    pos: usize,
    docs: &[String],
    themes: &[String],
) -> (usize, Vec<String>) {
    let Some(before) = line.get(..pos) else {
        return (pos, Vec::new());
    };
    let start = before
        .rfind(|c: char| c.is_whitespace())
        .map(|i| i + before[i..].chars().next().map_or(1, char::len_utf8))
        .unwrap_or(0);
    let word = &before[start..];
    let matching = |prefix: &str, options: &mut dyn Iterator<Item = &str>| -> Vec<String> {
        options
            .filter(|o| o.starts_with(prefix))
            .map(str::to_string)
            .collect()
    };
    let all = ["all"];
    if before.trim_start().starts_with(':') {
        let command = before.split_whitespace().next().unwrap_or("");
        if start <= before.len() - before.trim_start().len() {
            return (
                start,
                matching(word, &mut COMMANDS.iter().map(|(c, _, _)| *c)),
            );
        }
        // Arguments already complete before the word being completed.
        let argument = before[..start].split_whitespace().count() - 1;
        // Ids may be joined with commas: complete the last one.
        let comma = word.rfind(',').map_or(0, |i| i + 1);
        let (id_start, id_word) = (start + comma, &word[comma..]);
        let ids = |list: &[String]| -> Vec<String> {
            matching(
                id_word,
                &mut list.iter().map(String::as_str).chain(all.iter().copied()),
            )
        };
        return match command {
            ":source" => (id_start, ids(docs)),
            ":theme" => (id_start, ids(themes)),
            ":exact" => (start, matching(word, &mut ["on", "off"].into_iter())),
            ":lang" => (
                start,
                matching(
                    word,
                    &mut ["any", "en", "fr", "es", "ru", "zh", "ar"].into_iter(),
                ),
            ),
            ":year" => (start, matching(word, &mut all.into_iter())),
            ":cite" if argument == 1 => (
                start,
                matching(
                    word,
                    &mut ["plain", "chicago", "bibtex", "json"].into_iter(),
                ),
            ),
            _ => (start, Vec::new()),
        };
    }
    // Inside a query: `source:`, `theme:` and their ids, after any of the
    // operators that may stand before a filter.
    let lead = word.len() - word.trim_start_matches(['+', '-', '(']).len();
    let (start, word) = (start + lead, &word[lead..]);
    for (filter, list) in [("source:", docs), ("theme:", themes)] {
        if let Some(id) = word.strip_prefix(filter) {
            return (
                start,
                list.iter()
                    .filter(|t| t.starts_with(id))
                    .map(|t| format!("{filter}{t}"))
                    .collect(),
            );
        }
    }
    if word.is_empty() {
        return (start, Vec::new());
    }
    (
        start,
        matching(
            word,
            &mut ["source:", "theme:", "year:", "kind:"].into_iter(),
        ),
    )
}

/// The usage of the command typed so far, to show greyed after the cursor
/// (`:cite` → ` N [plain|chicago|bibtex|json]`).
pub fn hint(line: &str) -> Option<String> {
    let (_, args, _) = COMMANDS.iter().find(|(c, _, _)| *c == line)?;
    (!args.is_empty()).then(|| format!(" {args}"))
}

/// Where the prompt keeps its history: `$XDG_DATA_HOME/normsearch/history`,
/// else `~/.local/share/normsearch/history`; `None` when neither is set.
pub fn history_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local/share"))
        })?;
    Some(base.join("normsearch").join("history"))
}
