//! Corpus figures for a librarian: one row per document and a total row,
//! then the dropped lines by reason, the languages and the warnings.

use std::io::{self, Write};

use crate::stats::{CorpusStats, DocumentStats};

/// Writes the figures as an aligned table.
pub fn render(out: &mut impl Write, s: &CorpusStats) -> io::Result<()> {
    let head = [
        "document", "passages", "body", "items", "notes", "labels", "pages", "headings", "dropped",
        "themed", "words",
    ];
    let row = |d: &DocumentStats| -> Vec<String> {
        let k = |name: &str| d.by_kind.get(name).copied().unwrap_or(0).to_string();
        vec![
            d.id.clone(),
            d.passages.to_string(),
            k("body"),
            k("list-item"),
            d.footnotes.to_string(),
            d.labelled.to_string(),
            d.pages.map_or("–".into(), |p| p.to_string()),
            d.headings.to_string(),
            d.dropped_total().to_string(),
            format!("{:.0}%", d.theme_coverage() * 100.0),
            d.words.to_string(),
        ]
    };
    let mut rows: Vec<Vec<String>> = s.documents.iter().map(row).collect();
    rows.push(row(&s.total));
    let widths: Vec<usize> = (0..head.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([head[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |out: &mut dyn Write, cells: &[String]| -> io::Result<()> {
        let mut text = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = widths[i].saturating_sub(c.chars().count());
            if i == 0 {
                text.push_str(c);
                text.push_str(&" ".repeat(pad));
            } else {
                text.push_str("  ");
                text.push_str(&" ".repeat(pad));
                text.push_str(c);
            }
        }
        writeln!(out, "{}", text.trim_end())
    };
    line(out, &head.map(String::from))?;
    for r in &rows {
        line(out, r)?;
    }
    let dropped: Vec<String> = s
        .total
        .dropped
        .iter()
        .map(|(r, n)| format!("{r} {n}"))
        .collect();
    if !dropped.is_empty() {
        writeln!(out, "\ndropped lines: {}", dropped.join(", "))?;
    }
    let languages: Vec<String> = s
        .languages
        .iter()
        .map(|(l, n)| format!("{l} {n}"))
        .collect();
    writeln!(out, "languages: {}", languages.join(", "))?;
    let mut themes: Vec<(&String, &usize)> = s.total.themes.iter().collect();
    themes.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let themes: Vec<String> = themes.iter().map(|(t, n)| format!("{t} {n}")).collect();
    if !themes.is_empty() {
        writeln!(out, "passages per theme: {}", themes.join(", "))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_per_document_and_a_total() {
        let d = DocumentStats {
            id: "a".into(),
            language: "en".into(),
            passages: 3,
            by_kind: [("body".to_string(), 2), ("footnote".to_string(), 1)].into(),
            footnotes: 1,
            labelled: 2,
            pages: Some(4),
            themed: 3,
            words: 120,
            dropped: [("page-number".to_string(), 4)].into(),
            ..DocumentStats::default()
        };
        let s = CorpusStats {
            documents: vec![d.clone()],
            total: DocumentStats {
                id: "total".into(),
                ..d
            },
            languages: [("en".to_string(), 1)].into(),
        };
        let mut out = Vec::new();
        render(&mut out, &s).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "document  passages  body  items  notes  labels  pages  headings  dropped  themed  words\n\
             a                3     2      0      1       2      4         0        4    100%    120\n\
             total            3     2      0      1       2      4         0        4    100%    120\n\
             \n\
             dropped lines: page-number 4\n\
             languages: en 1\n"
        );
    }
}
