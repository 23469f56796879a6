//! The chains above a passage: the headings it stands under and the
//! label it carries.
//!
//! Input: the headings and labelled units in reading order, as `segment`
//! meets them. Output: each passage's section chain (outermost first) and
//! its label composed with its paragraph's (`13` and `(f)` make `13(f)`).
//! Refused: the document's own title as a section (it would head every
//! passage), and a numbering that repeats an outer one as a sub-heading.

use super::blocks::Style;
use super::lines::Line;
use super::markers::{self, Marker};

/// A comparison key of letters and digits only, lower-cased: titles are
/// written in capitals, with or without their subtitle's punctuation.
pub(crate) fn letters_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for w in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Whether a heading (its [`letters_key`]) is the document's title: the
/// title itself, or a part of it of three words or more (a title set over
/// two lines, its subtitle apart).
pub(crate) fn is_title(key: &str, titles: &[String]) -> bool {
    !key.is_empty()
        && titles.iter().any(|t| {
            t == key
                || (key.split(' ').nth(2).is_some()
                    && (format!(" {t} ").contains(&format!(" {key} "))
                        || format!(" {key} ").contains(&format!(" {t} "))))
        })
}

/// The labels above the current passage, to compose a sub-paragraph's
/// label with its paragraph's (`13` and `(f)` make `13(f)`, `3`, `(a)` and
/// `ii.` make `3(a)(ii)`).
#[derive(Default)]
pub(crate) struct Labels {
    /// The numbered paragraph's label.
    number: Option<String>,
    /// The lettered sub-paragraph's letter, under the number.
    letter: Option<String>,
}

impl Labels {
    /// The label of a passage with the `label` and `marker` of its unit.
    pub(crate) fn compose(
        &mut self,
        label: Option<&str>,
        marker: Option<Marker>,
    ) -> Option<String> {
        let label = label?;
        let bare = |l: &str| {
            l.trim_matches(|c| c == '(' || c == ')' || c == '.')
                .to_string()
        };
        match marker {
            Some(Marker::Number | Marker::Dotted(_) | Marker::Part) => {
                self.number = Some(label.to_string());
                self.letter = None;
                Some(label.to_string())
            }
            Some(Marker::Letter) if self.number.is_some() => {
                // "i." after "h." is a letter; after none, a numeral.
                let l = bare(label);
                let numeral = l == "i" && self.letter.as_deref() != Some("h");
                self.roman_or_letter(&l, numeral)
            }
            Some(Marker::Roman)
                if self.number.is_some() && label.chars().any(char::is_lowercase) =>
            {
                self.roman_or_letter(&bare(label), true)
            }
            _ => Some(label.to_string()),
        }
    }

    fn roman_or_letter(&mut self, l: &str, numeral: bool) -> Option<String> {
        let number = self.number.as_deref()?.trim_end_matches(['.', ')']);
        if numeral {
            return Some(match &self.letter {
                Some(letter) => format!("{number}({letter})({l})"),
                None => format!("{number}({l})"),
            });
        }
        self.letter = Some(l.to_string());
        Some(format!("{number}({l})"))
    }
}

/// The headings above the current point, outermost first.
#[derive(Default)]
pub(crate) struct SectionStack {
    entries: Vec<(Style, String)>,
    /// Emphasis of each Markdown heading level seen, so that a bold line
    /// styled like a `###` heading ranks as one.
    md_emphasis: Vec<(u8, Style)>,
}

impl SectionStack {
    /// Places a heading; returns its level (1 = outermost).
    pub(crate) fn push(&mut self, style: Style, line: &Line, text: String) -> u8 {
        // The document's own numbering outranks its markup: "## IV." is a
        // sibling of "# I." whatever the extraction made of their levels.
        let numbering = markers::numbering(&text);
        if let Some(n) = numbering {
            if let Some(pos) = self
                .entries
                .iter()
                .position(|(_, t)| markers::numbering(t) == Some(n))
            {
                self.entries.truncate(pos);
                self.entries.push((style, text));
                return self.entries.len() as u8;
            }
        }
        let mut style = style;
        if let Style::Markdown(level) = style {
            let inner = line.text.trim_start_matches('#').trim();
            let emph = if inner.starts_with("**") {
                Style::Bold
            } else if inner.starts_with('*') {
                Style::Italic
            } else {
                Style::Plain
            };
            self.md_emphasis.retain(|(l, _)| *l != level);
            self.md_emphasis.push((level, emph));
        } else if matches!(style, Style::Bold | Style::Italic) {
            if let Some((level, _)) = self.md_emphasis.iter().rev().find(|(_, e)| *e == style) {
                style = Style::Markdown(*level);
            }
        }
        match style {
            Style::Markdown(level) => {
                while let Some((top, _)) = self.entries.last() {
                    match top {
                        Style::Markdown(l) if *l < level => break,
                        _ => {
                            self.entries.pop();
                        }
                    }
                }
            }
            Style::Chapter(rank) => {
                // A part closes the parts of its rank and below: a chapter
                // ends the articles of the chapter before it.
                if let Some(pos) = self
                    .entries
                    .iter()
                    .position(|(st, _)| matches!(st, Style::Chapter(r) if *r >= rank))
                {
                    self.entries.truncate(pos);
                }
            }
            ref s => {
                // The nearest heading styled alike is the sibling: the
                // first one would leave every later one nested in the last.
                if let Some(pos) = self.entries.iter().rposition(|(st, _)| st == s) {
                    // An unnumbered heading inside a numbered section is its
                    // sub-heading, not a sibling of an earlier unnumbered one.
                    let numbered_below = self.entries[pos + 1..]
                        .iter()
                        .any(|(st, _)| st.is_numbered());
                    if s.is_numbered() || !numbered_below {
                        self.entries.truncate(pos);
                    }
                }
            }
        }
        self.entries.push((style, text));
        self.entries.len() as u8
    }

    pub(crate) fn chain(&self) -> Vec<String> {
        self.entries.iter().map(|(_, t)| t.clone()).collect()
    }
}
