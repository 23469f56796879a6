//! The taxonomy for people and programs: how many passages carry each
//! theme, in all and per document (`normsearch themes`).

use crate::engine::ThemeCount;
use std::io::{self, Write};

use crate::pipeline::{ThemeRow, ThemeTable};

/// The table's rows as the records a server's theme listing answers
/// with ([`ThemeCount`]), in taxonomy order.
pub fn records(counts: &ThemeTable) -> Vec<ThemeCount> {
    counts
        .themes
        .iter()
        .map(|t| ThemeCount {
            id: t.id.clone(),
            label: t.label.clone(),
            parent: t.parent.clone(),
            passages: t.total() as u64,
            documents: counts
                .docs
                .iter()
                .cloned()
                .zip(t.per_doc.iter().map(|&n| n as u64))
                .collect(),
        })
        .collect()
}

/// The counts as JSON Lines, one [`ThemeCount`] per theme in taxonomy order.
pub fn json_lines(out: &mut impl Write, counts: &ThemeTable) -> io::Result<()> {
    for record in records(counts) {
        serde_json::to_writer(&mut *out, &record)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The counts as a table for people, fitted to `width` columns.
///
/// One row per theme (sub-themes indented under their pillar), one column
/// per document when they fit; otherwise the per-document figures follow
/// as a second table, each document with its leading pillars. A zero is
/// shown as `-` so the eye finds the numbers.
pub fn table(out: &mut impl Write, counts: &ThemeTable, width: usize) -> io::Result<()> {
    let name = |t: &ThemeRow| {
        if t.parent.is_some() {
            format!("  {}", t.id)
        } else {
            t.id.clone()
        }
    };
    let name_w = counts
        .themes
        .iter()
        .map(|t| name(t).chars().count())
        .chain(["theme".len(), "passages".len()])
        .max()
        .unwrap_or(0);
    let doc_w: Vec<usize> = counts
        .docs
        .iter()
        .map(|d| d.chars().count().max(5))
        .collect();
    let wide = name_w + 7 + doc_w.iter().map(|w| w + 2).sum::<usize>() <= width;
    let num = |n: usize| {
        if n == 0 {
            "-".to_string()
        } else {
            n.to_string()
        }
    };

    // Header.
    let mut line = format!("{:<name_w$}  {:>5}", "theme", "all");
    if wide {
        for (d, w) in counts.docs.iter().zip(&doc_w) {
            line.push_str(&format!("  {d:>w$}"));
        }
    } else {
        line.push_str(&format!("  {:>5}", "docs"));
    }
    line.push_str("  label");
    writeln!(out, "{line}")?;

    // Pillar groups: a pillar and its sub-themes. A blank line sets apart
    // the groups that have sub-themes (the norms, the law).
    let starts: Vec<usize> = (0..counts.themes.len())
        .filter(|&i| counts.themes[i].parent.is_none())
        .chain([counts.themes.len()])
        .collect();
    let groups: Vec<&[ThemeRow]> = starts
        .windows(2)
        .map(|w| &counts.themes[w[0]..w[1]])
        .collect();
    for (g, group) in groups.iter().enumerate() {
        if g > 0 && (group.len() > 1 || groups[g - 1].len() > 1) {
            writeln!(out)?;
        }
        for t in *group {
            let mut line = format!("{:<name_w$}  {:>5}", name(t), num(t.total()));
            if wide {
                for (n, w) in t.per_doc.iter().zip(&doc_w) {
                    line.push_str(&format!("  {:>w$}", num(*n)));
                }
            } else {
                let docs = t.per_doc.iter().filter(|&&n| n > 0).count();
                line.push_str(&format!("  {:>5}", num(docs)));
            }
            line.push_str(&format!("  {}", t.label));
            writeln!(out, "{}", line.trim_end())?;
        }
    }
    writeln!(out)?;

    // Totals.
    let total: usize = counts.passages.iter().sum();
    let untagged: usize = counts.untagged.iter().sum();
    if wide {
        for (label, all, per) in [
            ("passages", total, &counts.passages),
            ("no theme", untagged, &counts.untagged),
        ] {
            let mut line = format!("{label:<name_w$}  {:>5}", num(all));
            for (n, w) in per.iter().zip(&doc_w) {
                line.push_str(&format!("  {:>w$}", num(*n)));
            }
            writeln!(out, "{line}")?;
        }
        return Ok(());
    }
    writeln!(out, "{:<name_w$}  {:>5}", "passages", num(total))?;
    writeln!(out, "{:<name_w$}  {:>5}", "no theme", num(untagged))?;

    // Narrow: one row per document, with its leading pillars.
    writeln!(out)?;
    let id_w = counts
        .docs
        .iter()
        .map(|d| d.chars().count())
        .chain(["document".len()])
        .max()
        .unwrap_or(0);
    writeln!(
        out,
        "{:<id_w$}  {:>8}  {:>8}  leading themes",
        "document", "passages", "no theme"
    )?;
    for (d, id) in counts.docs.iter().enumerate() {
        let mut pillars: Vec<(&str, usize)> = counts
            .themes
            .iter()
            .filter(|t| t.parent.is_none() && t.per_doc[d] > 0)
            .map(|t| (t.id.as_str(), t.per_doc[d]))
            .collect();
        // Most passages first; the taxonomy's order breaks ties.
        pillars.sort_by_key(|p| std::cmp::Reverse(p.1));
        let leading: Vec<String> = pillars
            .iter()
            .take(3)
            .map(|(id, n)| format!("{id} {n}"))
            .collect();
        writeln!(
            out,
            "{id:<id_w$}  {:>8}  {:>8}  {}",
            num(counts.passages[d]),
            num(counts.untagged[d]),
            leading.join(", ")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::themes::Taxonomy;
    use std::path::Path;

    const TAXONOMY: &str = r#"
[[theme]]
id = "cbm"
label = "Confidence-building measures"
description = "CBMs."
[theme.terms]
"confidence-building measure" = 4

[[theme]]
id = "norms"
label = "Norms"
description = "Norms."
[theme.terms]
"norm" = 4

[[theme]]
id = "norms/c"
parent = "norms"
label = "13(c) Territory"
description = "Norm c."
[theme.terms]
"knowingly allow their territory" = 4
"#;

    fn counts() -> ThemeTable {
        let taxonomy = Taxonomy::parse(TAXONOMY, Path::new("themes.toml")).unwrap();
        let p = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        ThemeTable::new(
            &taxonomy,
            &[
                (
                    "alpha-2017".into(),
                    vec![p(&["cbm"]), p(&["norms", "norms/c"]), p(&[])],
                ),
                ("beta".into(), vec![p(&["cbm", "norms"]), p(&["cbm"])]),
            ],
        )
    }

    fn render(f: impl Fn(&mut Vec<u8>) -> io::Result<()>) -> String {
        let mut buf = Vec::new();
        f(&mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn counts_per_theme_and_document() {
        let c = counts();
        assert_eq!(c.docs, ["alpha-2017", "beta"]);
        assert_eq!(c.passages, [3, 2]);
        assert_eq!(c.untagged, [1, 0]);
        let per: Vec<(&str, Vec<usize>)> = c
            .themes
            .iter()
            .map(|t| (t.id.as_str(), t.per_doc.clone()))
            .collect();
        assert_eq!(
            per,
            [
                ("cbm", vec![1, 2]),
                ("norms", vec![1, 1]),
                ("norms/c", vec![1, 0])
            ]
        );
        assert_eq!(c.themes[0].total(), 3);
    }

    #[test]
    fn wide_table_has_a_column_per_document() {
        let text = render(|out| table(out, &counts(), 100));
        let expected = "\
theme        all  alpha-2017   beta  label
cbm            3           1      2  Confidence-building measures

norms          2           1      1  Norms
  norms/c      1           1      -  13(c) Territory

passages       5           3      2
no theme       1           1      -
";
        assert_eq!(text, expected);
    }

    #[test]
    fn narrow_table_lists_documents_apart() {
        let text = render(|out| table(out, &counts(), 30));
        let expected = "\
theme        all   docs  label
cbm            3      2  Confidence-building measures

norms          2      2  Norms
  norms/c      1      1  13(c) Territory

passages       5
no theme       1

document    passages  no theme  leading themes
alpha-2017         3         1  cbm 1, norms 1
beta               2         -  cbm 2, norms 1
";
        assert_eq!(text, expected);
    }

    #[test]
    fn json_has_one_object_per_theme() {
        let text = render(|out| json_lines(out, &counts()));
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[2],
            serde_json::json!({
                "id": "norms/c",
                "label": "13(c) Territory",
                "parent": "norms",
                "passages": 1,
                "documents": {"alpha-2017": 1, "beta": 0}
            })
        );
        assert_eq!(lines[0]["parent"], serde_json::Value::Null);
    }
}
