//! Search hits for people: a count line, each hit with its citation and
//! highlighted text, then counts per source and theme. `search`, `show` and
//! the prompt all render hits here, so they look the same everywhere.

use crate::cite::Format;
use crate::engine::PassageContext;
use crate::search::{Hit, SearchResults};
use termcolor::{Color, ColorSpec, WriteColor};

/// How hits are laid out for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Layout {
    /// Wrap lines at word boundaries to this many columns, with a hanging
    /// indent; `None` writes each line whole (for a pipe).
    pub width: Option<usize>,
    /// Show a long passage as a snippet around its matches, `…` where text
    /// is left out (a terminal without `--full`).
    pub snippet: bool,
}

impl Layout {
    /// Whole lines and whole passages: what a pipe or a file gets.
    pub const FULL: Layout = Layout {
        width: None,
        snippet: false,
    };
}

/// Passages longer than this (in characters) become snippets on a
/// terminal.
pub const SNIPPET_CHARS: usize = 320;
/// Words kept on each side of a match in a snippet.
const SNIPPET_CONTEXT_WORDS: usize = 14;
/// Most windows of a snippet.
const SNIPPET_WINDOWS: usize = 3;

/// The indent of every line of a hit below its first.
const INDENT: &str = "   ";

/// Writes the results for a person: a count line, then each hit with its
/// citation and highlighted text, then counts per source and theme.
pub fn render(out: &mut impl WriteColor, r: &SearchResults, offset: usize) -> std::io::Result<()> {
    render_laid_out(out, r, offset, &Layout::FULL)
}

/// [`render`], laid out as `layout` says.
pub fn render_laid_out(
    out: &mut impl WriteColor,
    r: &SearchResults,
    offset: usize,
    layout: &Layout,
) -> std::io::Result<()> {
    let ms = r.took.as_secs_f64() * 1e3;
    if r.total == 0 {
        writeln!(out, "no passages match ({ms:.1} ms)")?;
        return Ok(());
    }
    let shown = if r.hits.is_empty() {
        "none shown".to_string()
    } else {
        format!("showing {}–{}", offset + 1, offset + r.hits.len())
    };
    writeln!(
        out,
        "{}{} passage{} match ({ms:.1} ms); {shown}",
        if r.total_exact { "" } else { "at least " },
        r.total,
        if r.total == 1 { "" } else { "s" }
    )?;
    for hit in &r.hits {
        writeln!(out)?;
        render_hit_laid_out(out, hit, layout)?;
    }
    if !r.facets.source.is_empty() {
        writeln!(out)?;
        let mut sources: Vec<(&String, &u64)> = r.facets.source.iter().collect();
        sources.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let list: Vec<String> = sources.iter().map(|(k, v)| format!("{k} {v}")).collect();
        facet_line(
            out,
            &format!("by source: {}", list.join(", ")),
            layout.width,
        )?;
        let mut themes: Vec<(&String, &u64)> = r
            .facets
            .theme
            .iter()
            .filter(|(k, _)| !k.contains('/'))
            .collect();
        themes.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        if !themes.is_empty() {
            let list: Vec<String> = themes.iter().map(|(k, v)| format!("{k} {v}")).collect();
            facet_line(out, &format!("by theme: {}", list.join(", ")), layout.width)?;
        }
    }
    Ok(())
}

/// Writes one hit: rank, id, kind and score, the citation, themes, then the
/// text with its matches highlighted.
pub fn render_hit(out: &mut impl WriteColor, h: &Hit) -> std::io::Result<()> {
    render_hit_laid_out(out, h, &Layout::FULL)
}

/// [`render_hit`], laid out as `layout` says.
pub fn render_hit_laid_out(
    out: &mut impl WriteColor,
    h: &Hit,
    layout: &Layout,
) -> std::io::Result<()> {
    // A passage looked up by id (`show`) has no rank and no score.
    if h.rank > 0 {
        write!(out, "{}. ", h.rank)?;
    } else {
        write!(out, "{INDENT}")?;
    }
    out.set_color(ColorSpec::new().set_bold(true))?;
    write!(out, "{}", h.id)?;
    out.reset()?;
    if h.rank > 0 {
        write!(out, "  {}  (score {:.2})", h.kind.as_str(), h.score)?;
        // Whether the quoted phrase stands as typed or only near.
        if let Some(phrase) = h.phrase {
            write!(out, "  {}", phrase.as_str())?;
        }
        writeln!(out)?;
    } else {
        writeln!(out, "  {}", h.kind.as_str())?;
    }
    let plain = ColorSpec::new();
    let mut dim = ColorSpec::new();
    dim.set_dimmed(true);
    wrapped(
        out,
        &format!("{} — {}, {}", h.title, h.issuer, h.date),
        &[],
        layout.width,
        &plain,
    )?;
    let mut place = Vec::new();
    if !h.section.is_empty() {
        place.push(format!("§ {}", h.section.join(" › ")));
    }
    if let Some(label) = &h.label {
        place.push(format!("¶ {label}"));
    }
    if let Some(page) = h.page {
        place.push(format!("p. {page}"));
    }
    place.push(format!("lines {}–{}", h.lines[0], h.lines[1]));
    place.push(format!("anchor {}", h.anchor));
    wrapped(out, &place.join(" · "), &[], layout.width, &dim)?;
    if !h.themes.is_empty() {
        wrapped(
            out,
            &format!("themes: {}", h.themes.join(", ")),
            &[],
            layout.width,
            &dim,
        )?;
    }
    let chars: Vec<char> = h.text.chars().collect();
    let (text, highlights) = if layout.snippet && chars.len() > SNIPPET_CHARS {
        snippet(&chars, &h.highlights)
    } else {
        (h.text.clone(), h.highlights.clone())
    };
    wrapped(out, &text, &highlights, layout.width, &plain)
}

/// A counts line, wrapped at word boundaries to `width` with its
/// continuation indented.
fn facet_line(out: &mut impl WriteColor, text: &str, width: Option<usize>) -> std::io::Result<()> {
    match width {
        None => writeln!(out, "{text}"),
        Some(w) => {
            let options = textwrap::Options::new(w.max(INDENT.len() + 10))
                .subsequent_indent(INDENT)
                .break_words(false)
                .word_splitter(textwrap::WordSplitter::NoHyphenation);
            for line in textwrap::wrap(text, &options) {
                writeln!(out, "{line}")?;
            }
            Ok(())
        }
    }
}

/// Writes `text` indented, wrapped at word boundaries to `width` (whole
/// when `None`), the character ranges `highlights` marked.
fn wrapped(
    out: &mut impl WriteColor,
    text: &str,
    highlights: &[[usize; 2]],
    width: Option<usize>,
    spec: &ColorSpec,
) -> std::io::Result<()> {
    let mut mark = ColorSpec::new();
    mark.set_fg(Some(Color::Red)).set_bold(true);
    let chars: Vec<char> = text.chars().collect();
    // Lines as character ranges of `text`.
    let lines: Vec<(usize, usize)> = match width {
        None => vec![(0, chars.len())],
        Some(w) => {
            let options = textwrap::Options::new(w.max(INDENT.len() + 10))
                .initial_indent(INDENT)
                .subsequent_indent(INDENT)
                .break_words(false)
                .word_splitter(textwrap::WordSplitter::NoHyphenation);
            let mut ranges = Vec::new();
            // Byte offset → char offset, through the wrapped lines, which
            // are slices of `text` behind their indent.
            let mut cursor = 0usize;
            for line in textwrap::wrap(text, &options) {
                let body = line.strip_prefix(INDENT).unwrap_or(&line);
                let Some(at) = text[cursor..].find(body) else {
                    continue;
                };
                let start = cursor + at;
                let end = start + body.len();
                ranges.push((text[..start].chars().count(), text[..end].chars().count()));
                cursor = end;
            }
            if ranges.is_empty() {
                ranges.push((0, chars.len()));
            }
            ranges
        }
    };
    for (from, to) in lines {
        write!(out, "{INDENT}")?;
        out.set_color(spec)?;
        let mut at = from;
        for &[a, b] in highlights {
            let (a, b) = (a.clamp(from, to), b.clamp(from, to));
            if a >= b || a < at {
                continue;
            }
            write!(out, "{}", chars[at..a].iter().collect::<String>())?;
            out.set_color(&mark)?;
            write!(out, "{}", chars[a..b].iter().collect::<String>())?;
            out.set_color(spec)?;
            at = b;
        }
        write!(out, "{}", chars[at..to].iter().collect::<String>())?;
        out.reset()?;
        writeln!(out)?;
    }
    Ok(())
}

/// A long passage cut to windows of words around its first matches,
/// joined by `…` (and `…` at either end where text is left out), with the
/// matches' ranges moved into the snippet. Without matches, its opening.
fn snippet(chars: &[char], highlights: &[[usize; 2]]) -> (String, Vec<[usize; 2]>) {
    // Word boundaries: the start of each run of non-space characters.
    let mut starts = Vec::new();
    let mut ends = Vec::new();
    let mut in_word = false;
    for (i, c) in chars.iter().enumerate() {
        if !c.is_whitespace() && !in_word {
            starts.push(i);
            in_word = true;
        } else if c.is_whitespace() && in_word {
            ends.push(i);
            in_word = false;
        }
    }
    if in_word {
        ends.push(chars.len());
    }
    let word_of = |pos: usize| starts.partition_point(|&s| s <= pos).saturating_sub(1);
    let mut windows: Vec<(usize, usize)> = Vec::new();
    for &[a, b] in highlights.iter() {
        if windows.len() >= SNIPPET_WINDOWS && windows.last().is_some_and(|w| word_of(a) > w.1) {
            break;
        }
        let first = word_of(a).saturating_sub(SNIPPET_CONTEXT_WORDS);
        let last = (word_of(b.saturating_sub(1)) + SNIPPET_CONTEXT_WORDS)
            .min(starts.len().saturating_sub(1));
        match windows.last_mut() {
            Some(w) if first <= w.1 + 1 => w.1 = w.1.max(last),
            _ => windows.push((first, last)),
        }
    }
    if windows.is_empty() {
        windows.push((
            0,
            (2 * SNIPPET_CONTEXT_WORDS).min(starts.len().saturating_sub(1)),
        ));
    }
    let mut text = String::new();
    let mut moved = Vec::new();
    let mut len = 0usize;
    let push = |s: &str, text: &mut String, len: &mut usize| {
        text.push_str(s);
        *len += s.chars().count();
    };
    for (k, &(first, last)) in windows.iter().enumerate() {
        let (from, to) = (starts[first], ends[last]);
        if k == 0 && from > 0 {
            push("… ", &mut text, &mut len);
        } else if k > 0 {
            push(" … ", &mut text, &mut len);
        }
        let base = len;
        push(
            &chars[from..to].iter().collect::<String>(),
            &mut text,
            &mut len,
        );
        for &[a, b] in highlights {
            if a >= from && b <= to {
                moved.push([a - from + base, b - from + base]);
            }
        }
    }
    if windows
        .last()
        .is_some_and(|&(_, last)| ends[last] < chars.len())
    {
        text.push_str(" …");
    }
    (text, moved)
}

/// Writes one passage in context, as `show` and the prompt's `:show` print
/// it: its neighbours dimmed, the passage itself in full, the footnotes its
/// text references, and its plain citation.
pub fn render_context(out: &mut impl WriteColor, c: &PassageContext) -> std::io::Result<()> {
    render_context_laid_out(out, c, &Layout::FULL)
}

/// [`render_context`], wrapped to `layout.width` (the passage itself is
/// always whole: it is what `show` is asked for).
pub fn render_context_laid_out(
    out: &mut impl WriteColor,
    c: &PassageContext,
    layout: &Layout,
) -> std::io::Result<()> {
    let layout = &Layout {
        width: layout.width,
        snippet: false,
    };
    let mut dim = ColorSpec::new();
    dim.set_dimmed(true);
    let neighbour = |out: &mut dyn WriteColor, h: &Hit| -> std::io::Result<()> {
        out.set_color(&dim)?;
        writeln!(out, "   {}  {}", h.id, h.kind.as_str())?;
        out.reset()?;
        wrapped(
            &mut WriteColorRef(out),
            &h.text,
            &[],
            layout.width,
            &ColorSpec::new(),
        )
    };
    for h in &c.before {
        neighbour(out, h)?;
    }
    writeln!(out)?;
    render_hit_laid_out(out, &c.passage, layout)?;
    writeln!(out)?;
    for h in &c.after {
        neighbour(out, h)?;
    }
    if !c.footnotes.is_empty() {
        writeln!(out, "\nFootnotes:")?;
        for n in &c.footnotes {
            let note = format!("[{}] {}", n.label.as_deref().unwrap_or("?"), n.text);
            wrapped(out, &note, &[], layout.width, &ColorSpec::new())?;
        }
    }
    writeln!(out)?;
    wrapped(
        out,
        &format!("Cite: {}", c.citation.render(Format::Plain)),
        &[],
        layout.width,
        &ColorSpec::new(),
    )
}

/// A `&mut dyn WriteColor` as a sized writer, for the generic helpers.
struct WriteColorRef<'a>(&'a mut dyn WriteColor);

impl std::io::Write for WriteColorRef<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

impl WriteColor for WriteColorRef<'_> {
    fn supports_color(&self) -> bool {
        self.0.supports_color()
    }
    fn set_color(&mut self, spec: &ColorSpec) -> std::io::Result<()> {
        self.0.set_color(spec)
    }
    fn reset(&mut self) -> std::io::Result<()> {
        self.0.reset()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Facets;
    use crate::segment::PassageKind;
    use std::time::Duration;
    use termcolor::Buffer;

    fn results() -> SearchResults {
        SearchResults {
            query: "cbm".into(),
            total: 12,
            total_exact: true,
            took: Duration::from_micros(800),
            hits: vec![Hit {
                id: "sweden-2014:74".into(),
                rank: 1,
                score: 7.5,
                doc: "sweden-2014".into(),
                title: "Submission by Sweden".into(),
                issuer: "Government of Sweden".into(),
                date: "2014-09-12".into(),
                language: "en".into(),
                section: vec!["(d) Possible measures".into()],
                label: Some("3.".into()),
                page: Some(4),
                n: 74,
                lines: [157, 157],
                kind: PassageKind::ListItem,
                anchor: "0123456789".into(),
                themes: vec!["cbm".into()],
                text: "developing confidence-building measures to increase transparency".into(),
                highlights: vec![[11, 39]],
                phrase: None,
            }],
            facets: Facets {
                source: [("sweden-2014".to_string(), 12)].into(),
                theme: [("cbm".to_string(), 9), ("norms/a".to_string(), 1)].into(),
                ..Facets::default()
            },
        }
    }

    #[test]
    fn human_output_cites_and_counts() {
        let mut buf = Buffer::no_color();
        render(&mut buf, &results(), 0).unwrap();
        let text = String::from_utf8(buf.into_inner()).unwrap();
        assert_eq!(
            text,
            "12 passages match (0.8 ms); showing 1–1\n\
             \n\
             1. sweden-2014:74  list-item  (score 7.50)\n   \
             Submission by Sweden — Government of Sweden, 2014-09-12\n   \
             § (d) Possible measures · ¶ 3. · p. 4 · lines 157–157 · anchor 0123456789\n   \
             themes: cbm\n   \
             developing confidence-building measures to increase transparency\n\
             \n\
             by source: sweden-2014 12\n\
             by theme: cbm 9\n"
        );
    }

    #[test]
    fn highlights_are_coloured_on_a_terminal() {
        let mut buf = Buffer::ansi();
        render(&mut buf, &results(), 0).unwrap();
        let text = String::from_utf8(buf.into_inner()).unwrap();
        assert!(
            text.contains("\u{1b}[1m\u{1b}[31mconfidence-building measures\u{1b}[0m"),
            "{text:?}"
        );
    }

    #[test]
    fn an_uncounted_total_is_a_lower_bound() {
        let mut r = results();
        r.total = 100;
        r.total_exact = false;
        let mut buf = Buffer::no_color();
        render(&mut buf, &r, 0).unwrap();
        let text = String::from_utf8(buf.into_inner()).unwrap();
        assert!(
            text.starts_with("at least 100 passages match (0.8 ms); showing 1–1\n"),
            "{text}"
        );
    }

    #[test]
    fn a_terminal_gets_wrapped_lines_and_snippets_that_break_no_word() {
        let mut r = results();
        let words: Vec<String> = (0..120).map(|i| format!("word{i}")).collect();
        let mut text = words.join(" ");
        text.push_str(" confidence-building measures ");
        text.push_str(&words.join(" "));
        let at = text.find("confidence").unwrap();
        let at = text[..at].chars().count();
        r.hits[0].text = text.clone();
        r.hits[0].highlights = vec![[at, at + 28]];
        let layout = Layout {
            width: Some(80),
            snippet: true,
        };
        let mut buf = Buffer::no_color();
        render_laid_out(&mut buf, &r, 0, &layout).unwrap();
        let out = String::from_utf8(buf.into_inner()).unwrap();
        for line in out.lines() {
            assert!(line.chars().count() <= 80, "{line:?}");
            for w in line.split_whitespace() {
                if let Some(rest) = w.strip_prefix("word") {
                    assert!(rest.parse::<u32>().is_ok_and(|n| n < 120), "{w:?} broken");
                }
            }
        }
        // The snippet: the match with words on either side, `…` for the rest.
        assert!(out.contains("… word106"), "{out}");
        assert!(out.contains("confidence-building measures"), "{out}");
        assert!(out.contains("word13 …"), "{out}");
        assert!(!out.contains("word50 "), "{out}");
        // Lines below the first are indented.
        assert!(
            out.lines()
                .skip(3)
                .all(|l| l.is_empty() || l.starts_with("   ") || l.starts_with("by ")),
            "{out}"
        );
        // --full and pipes: the passage whole, on one line.
        let mut buf = Buffer::no_color();
        render_laid_out(&mut buf, &r, 0, &Layout::FULL).unwrap();
        let out = String::from_utf8(buf.into_inner()).unwrap();
        assert!(out.contains(&format!("   {text}\n")));
    }

    #[test]
    fn highlights_survive_wrapping() {
        let mut r = results();
        r.hits[0].text = "a ".repeat(60) + "confidence-building measures " + &"b ".repeat(60);
        r.hits[0].highlights = vec![[120, 148]];
        let mut buf = Buffer::ansi();
        let layout = Layout {
            width: Some(40),
            snippet: false,
        };
        render_laid_out(&mut buf, &r, 0, &layout).unwrap();
        let out = String::from_utf8(buf.into_inner()).unwrap();
        assert!(
            out.contains("\u{1b}[1m\u{1b}[31mconfidence-building"),
            "{out:?}"
        );
    }

    #[test]
    fn no_match_says_so() {
        let mut r = results();
        r.total = 0;
        r.hits.clear();
        let mut buf = Buffer::no_color();
        render(&mut buf, &r, 0).unwrap();
        assert_eq!(
            String::from_utf8(buf.into_inner()).unwrap(),
            "no passages match (0.8 ms)\n"
        );
    }
}
