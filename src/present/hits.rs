//! Search hits for people: a count line, each hit with its citation and
//! highlighted text, then counts per source and theme. `search`, `show` and
//! the prompt all render hits here, so they look the same everywhere.

use crate::cite::Format;
use crate::engine::PassageContext;
use crate::search::{Hit, SearchResults};
use termcolor::{Color, ColorSpec, WriteColor};

/// Writes the results for a person: a count line, then each hit with its
/// citation and highlighted text, then counts per source and theme.
pub fn render(out: &mut impl WriteColor, r: &SearchResults, offset: usize) -> std::io::Result<()> {
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
        render_hit(out, hit)?;
    }
    if !r.facets.source.is_empty() {
        writeln!(out)?;
        let mut sources: Vec<(&String, &u64)> = r.facets.source.iter().collect();
        sources.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let list: Vec<String> = sources.iter().map(|(k, v)| format!("{k} {v}")).collect();
        writeln!(out, "by source: {}", list.join(", "))?;
        let mut themes: Vec<(&String, &u64)> = r
            .facets
            .theme
            .iter()
            .filter(|(k, _)| !k.contains('/'))
            .collect();
        themes.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        if !themes.is_empty() {
            let list: Vec<String> = themes.iter().map(|(k, v)| format!("{k} {v}")).collect();
            writeln!(out, "by theme: {}", list.join(", "))?;
        }
    }
    Ok(())
}

/// Writes one hit: rank, id, kind and score, the citation, themes, then the
/// text with its matches highlighted.
pub fn render_hit(out: &mut impl WriteColor, h: &Hit) -> std::io::Result<()> {
    // A passage looked up by id (`show`) has no rank and no score.
    if h.rank > 0 {
        write!(out, "{}. ", h.rank)?;
    } else {
        write!(out, "   ")?;
    }
    out.set_color(ColorSpec::new().set_bold(true))?;
    write!(out, "{}", h.id)?;
    out.reset()?;
    if h.rank > 0 {
        writeln!(out, "  {}  (score {:.2})", h.kind.as_str(), h.score)?;
    } else {
        writeln!(out, "  {}", h.kind.as_str())?;
    }
    writeln!(out, "   {} — {}, {}", h.title, h.issuer, h.date)?;
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
    out.set_color(ColorSpec::new().set_dimmed(true))?;
    write!(out, "   {}", place.join(" · "))?;
    if !h.themes.is_empty() {
        write!(out, "\n   themes: {}", h.themes.join(", "))?;
    }
    out.reset()?;
    writeln!(out)?;
    write!(out, "   ")?;
    let chars: Vec<char> = h.text.chars().collect();
    let mut at = 0;
    let mut mark = ColorSpec::new();
    mark.set_fg(Some(Color::Red)).set_bold(true);
    for &[a, b] in &h.highlights {
        let (a, b) = (a.min(chars.len()), b.min(chars.len()));
        if a < at {
            continue;
        }
        write!(out, "{}", chars[at..a].iter().collect::<String>())?;
        out.set_color(&mark)?;
        write!(out, "{}", chars[a..b].iter().collect::<String>())?;
        out.reset()?;
        at = b;
    }
    writeln!(out, "{}", chars[at..].iter().collect::<String>())
}

/// Writes one passage in context, as `show` and the prompt's `:show` print
/// it: its neighbours dimmed, the passage itself in full, the footnotes its
/// text references, and its plain citation.
pub fn render_context(out: &mut impl WriteColor, c: &PassageContext) -> std::io::Result<()> {
    let mut dim = ColorSpec::new();
    dim.set_dimmed(true);
    let neighbour = |out: &mut dyn WriteColor, h: &Hit| -> std::io::Result<()> {
        out.set_color(&dim)?;
        writeln!(out, "   {}  {}", h.id, h.kind.as_str())?;
        out.reset()?;
        writeln!(out, "   {}", h.text)
    };
    for h in &c.before {
        neighbour(out, h)?;
    }
    writeln!(out)?;
    render_hit(out, &c.passage)?;
    writeln!(out)?;
    for h in &c.after {
        neighbour(out, h)?;
    }
    if !c.footnotes.is_empty() {
        writeln!(out, "\nFootnotes:")?;
        for n in &c.footnotes {
            writeln!(out, "   [{}] {}", n.label.as_deref().unwrap_or("?"), n.text)?;
        }
    }
    writeln!(out, "\nCite: {}", c.citation.render(Format::Plain))
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
