//! Raw text → ordered, citable passages.
//!
//! Input: the text of one document as it was extracted (PDF hard wraps,
//! interleaved footnotes, Markdown, page banners). Output: a [`Segmentation`]:
//! the [`Passage`]s in reading order, each with its section chain, its source
//! line range, the document's own label and page where the layout shows them;
//! and a [`Dropped`] report of every line left out (banners, running headers,
//! page numbers, tables of contents) and why.
//!
//! The passes, one module each: `profile` (what kind of text it is),
//! `markup` (web markup, tables), `lines` (the layout), `boilerplate`
//! (page furniture; `keys` and `contents` serve it), `numbers` (bare
//! number chains: pages or paragraph labels), `footnotes`, `blocks`
//! (headings, paragraphs, list items; `markers` reads their labels),
//! `pages`, `sections` (section chains, composed labels), `text` and
//! `clean` (a unit's lines to clean text) and `warnings`. Text extracted a
//! page or a block per line has no paragraphs to go by; its passages over
//! 400 words are cut at sentence ends.
//!
//! Invariant (tested on every document): every word of the source lands in
//! exactly one passage, in a section heading, or in the dropped report.
//!
//! Every pass is linear in the length of the text: a 50 MB document, on one
//! line or many, segments in seconds.

mod blocks;
mod boilerplate;
mod clean;
mod contents;
mod footnotes;
mod keys;
mod lines;
mod markers;
mod markup;
mod numbers;
mod pages;
mod profile;
mod sections;
mod text;
mod warnings;

pub use profile::{NoteForm, PageSource, Profile, TextKind};

use crate::corpus::Document;
use blocks::UnitKind;
use pages::pages;
use sections::{is_title, letters_key, Labels, SectionStack};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use text::Texts;

/// What kind of passage this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PassageKind {
    /// An ordinary paragraph.
    Body,
    /// One item of a bulleted or numbered list.
    ListItem,
    /// A footnote's text.
    Footnote,
}

impl PassageKind {
    /// The name used in JSON, in the index and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            PassageKind::Body => "body",
            PassageKind::ListItem => "list-item",
            PassageKind::Footnote => "footnote",
        }
    }

    /// Parses `body`, `list-item` or `footnote`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "body" => Some(PassageKind::Body),
            "list-item" => Some(PassageKind::ListItem),
            "footnote" => Some(PassageKind::Footnote),
            _ => None,
        }
    }
}

/// One passage: a paragraph, list item or footnote, cleaned and located.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// The document id (from the manifest).
    pub doc: String,
    /// 1-based ordinal in reading order.
    pub n: u32,
    /// Body, list item or footnote.
    pub kind: PassageKind,
    /// The chain of headings above the passage, outermost first, clean text.
    pub section: Vec<String>,
    /// 1-based `[first, last]` line range in the source file.
    pub lines: [u32; 2],
    /// The document's own numbering of this passage (`1.`, `(c)`, `2.1`,
    /// `13(f)`, a footnote's number), when it has one.
    pub label: Option<String>,
    /// The page the passage starts on, when the layout shows page breaks.
    pub page: Option<u32>,
    /// Clean text: unwrapped, de-hyphenated, without Markdown syntax or glued
    /// footnote reference numbers.
    pub text: String,
    /// Footnote numbers referenced from this passage's text.
    #[serde(default)]
    pub footnotes: Vec<u32>,
    /// Theme ids the tagger gave this passage (empty until tagged).
    #[serde(default)]
    pub themes: Vec<String>,
}

/// Why a source line was left out of every passage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DropReason {
    /// A banner or running header/footer repeated across pages.
    RunningHeader,
    /// A bare page number.
    PageNumber,
    /// A table-of-contents line.
    TableOfContents,
    /// Bare footnote numbers standing apart from their texts.
    FootnoteMarker,
    /// Markup: rules, images, stray symbols, tags and attributes, link
    /// targets, scripts and styles.
    Markup,
    /// The authors' byline repeated from the manifest.
    Byline,
    /// Front matter of a static site's page (YAML or TOML between fences).
    FrontMatter,
    /// Site navigation and page chrome: menus, breadcrumbs, skip and share
    /// links, page footers.
    Navigation,
}

impl DropReason {
    /// Whether a dropped line of this kind marks a page break.
    pub fn breaks_page(self) -> bool {
        matches!(
            self,
            DropReason::RunningHeader | DropReason::PageNumber | DropReason::TableOfContents
        )
    }

    /// A short human name.
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::RunningHeader => "running-header",
            DropReason::PageNumber => "page-number",
            DropReason::TableOfContents => "table-of-contents",
            DropReason::FootnoteMarker => "footnote-marker",
            DropReason::Markup => "markup",
            DropReason::Byline => "byline",
            DropReason::FrontMatter => "front-matter",
            DropReason::Navigation => "navigation",
        }
    }
}

/// One dropped source line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dropped {
    /// 1-based line number.
    pub line: u32,
    /// Why it was dropped.
    pub reason: DropReason,
    /// The line as it stood.
    pub text: String,
}

/// A heading as found in the source: its clean text and line range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Heading {
    /// Nesting level, 1 = outermost.
    pub level: u8,
    /// Clean heading text.
    pub text: String,
    /// 1-based `[first, last]` line range.
    pub lines: [u32; 2],
}

/// The result of segmenting one document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Segmentation {
    /// What the text was found to be, and the conventions it was cut by.
    #[serde(default)]
    pub profile: Profile,
    /// Passages in reading order.
    pub passages: Vec<Passage>,
    /// Headings in reading order.
    pub headings: Vec<Heading>,
    /// Lines left out, in line order.
    pub dropped: Vec<Dropped>,
    /// What looks wrong in the result, one line each, for a librarian to
    /// check (`normsearch passages` prints them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// What a source line turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Whitespace only.
    Blank,
    /// Text that goes into a passage or heading.
    Content,
    /// Left out, for this reason.
    Dropped(DropReason),
    /// A bare footnote number above a footnote block.
    FootnoteMarker,
    /// Part of a footnote's text.
    FootnoteText,
}

/// A hash map keyed with rustc's FxHash: the passes look short string keys
/// up once per line or word, and SipHash, the standard default, guards
/// against hash flooding at a cost that took a tenth of the running time;
/// a hostile document only slows its own segmentation.
pub(crate) type FastMap<K, V> = rustc_hash::FxHashMap<K, V>;
/// A hash set keyed with rustc's FxHash (see [`FastMap`]).
pub(crate) type FastSet<K> = rustc_hash::FxHashSet<K>;

/// A span of a line's text left out of the passage text: a footnote
/// reference (kept as a link), a stray footnote marker, or markup (a link's
/// target, a kramdown attribute, an image).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Cut {
    /// Byte range within the line's text.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
    /// What is cut.
    pub what: CutWhat,
}

/// What a [`Cut`] takes out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum CutWhat {
    /// A reference to this footnote.
    Ref(u32),
    /// A footnote marker standing apart from its note.
    Marker,
    /// Markup.
    Markup,
}

/// Cuts one document's text into passages.
///
/// `doc` supplies the id and the metadata used to recognise running headers,
/// titles and bylines (title, container, authors). Never panics, whatever
/// the text.
pub fn segment(doc: &Document, text: &str) -> Segmentation {
    let mut lines = lines::split(text);
    let mut roles: Vec<Role> = lines
        .iter()
        .map(|l| if l.blank { Role::Blank } else { Role::Content })
        .collect();
    let markup = markup::mark(&mut lines, &mut roles);
    let lines = lines;
    let layout = lines::measure(&lines, &roles);
    let found = boilerplate::mark(&lines, &layout, doc, &markup.hints, &mut roles);
    let notes = footnotes::detect(&lines, &layout, &mut roles);
    let labels = numbers::classify(&lines, &mut roles);
    let bullet_above = markers::lone_bullets(&lines, &mut roles);
    let profile = profile::decide(&markup, &layout, &found, &notes);

    // What is cut from each line's text: references (where a reference
    // ends a line, it cannot be a heading) and markup.
    let mut cuts: Vec<Vec<Cut>> = vec![Vec::new(); lines.len()];
    for m in &notes.marks {
        cuts[m.line].push(Cut {
            start: m.start,
            end: m.end,
            what: if m.marker {
                CutWhat::Marker
            } else {
                CutWhat::Ref(m.num)
            },
        });
    }
    if markup.markdown || profile.kind == TextKind::Web {
        for (i, l) in lines.iter().enumerate() {
            let note = roles[i] == Role::FootnoteText;
            if matches!(roles[i], Role::Content | Role::FootnoteText) {
                markup::inline_cuts(l.text, note, &mut cuts[i]);
            }
        }
    }
    for c in cuts.iter_mut().filter(|c| c.len() > 1) {
        c.sort_by_key(|c| c.start);
    }
    let ref_ends: Vec<Option<usize>> = cuts
        .iter()
        .zip(&lines)
        .map(|(c, l)| {
            c.iter()
                .find(|m| m.end == l.text.len() && matches!(m.what, CutWhat::Ref(_)))
                .map(|m| m.start)
        })
        .collect();
    let units = blocks::build(
        &lines,
        &layout,
        &roles,
        &blocks::Evidence {
            ref_ends: &ref_ends,
            hints: &markup.hints,
            labels: &labels,
            explicit_headings: profile.kind == TextKind::Web && markup.headings >= 2,
            recurs: &found.recurs,
            bullet_above: &bullet_above,
        },
    );
    let pages = match profile.kind {
        TextKind::Web => None,
        _ => pages(&lines, &layout, &roles, &found.printed),
    };

    let texts: Vec<&str> = lines
        .iter()
        .zip(&roles)
        .filter(|(_, r)| matches!(r, Role::Content | Role::FootnoteText))
        .map(|(l, _)| l.text)
        .collect();
    let vocab = clean::Vocabulary::build(&texts);
    let mut texts = Texts {
        lines: &lines,
        cuts: &cuts,
        hints: &markup.hints,
        vocab: &vocab,
        raw: String::new(),
        piece: String::new(),
        starts: Vec::new(),
    };

    // Units and footnotes in reading order.
    enum Item<'a> {
        Unit(&'a blocks::Unit),
        Note(&'a footnotes::Note),
    }
    let mut items: Vec<(usize, Item)> = units.iter().map(|u| (u.lines[0], Item::Unit(u))).collect();
    items.extend(
        notes
            .notes
            .iter()
            .filter(|n| !n.lines.is_empty())
            .map(|n| (n.lines[0], Item::Note(n))),
    );
    items.sort_by_key(|(first, _)| *first);

    let mut seg = Segmentation {
        profile: profile.clone(),
        ..Segmentation::default()
    };
    let title_keys: Vec<String> = [Some(&doc.title), doc.container.as_ref()]
        .into_iter()
        .flatten()
        .map(|t| letters_key(t))
        .filter(|k| !k.is_empty())
        .collect();
    let mut stack = SectionStack::default();
    let mut labels_in = Labels::default();
    for (_, item) in items {
        let (kind, idx, label, chunks) = match item {
            Item::Unit(u) => match &u.kind {
                UnitKind::Heading(style) => {
                    let first = lines[u.lines[0]].text;
                    let (skip, glued) = match markers::marker(first) {
                        Some((markers::Marker::Bullet, _, len)) => (len, None),
                        // "1.1Purpose": the label glued to the title gets
                        // its space back.
                        Some((_, Some(label), len))
                            if !first[..len].ends_with(char::is_whitespace)
                                && first[len..].starts_with(char::is_alphabetic) =>
                        {
                            (len, Some(label))
                        }
                        _ => (0, None),
                    };
                    let text = texts.text(&u.lines, skip, false);
                    let text = text.trim_start_matches('#').trim();
                    let text = match glued {
                        Some(label) => format!("{label} {text}"),
                        None => text.to_string(),
                    };
                    // A heading says something, or is a bare number
                    // ("IV.", "2.1"); OCR debris ("€? z 22") is neither.
                    let label_only = markers::marker(&format!("{text} x"))
                        .is_some_and(|(_, _, len)| len >= text.len());
                    if !(has_word(&text) || label_only && text.chars().any(char::is_alphanumeric)) {
                        for &i in &u.lines {
                            seg.dropped.push(Dropped {
                                line: lines[i].no,
                                reason: DropReason::Markup,
                                text: lines[i].raw.to_string(),
                            });
                        }
                        continue;
                    }
                    let heading_lines = [
                        lines[u.lines[0]].no,
                        lines[*u.lines.last().unwrap_or(&0)].no,
                    ];
                    // The document's title at its head, or its running
                    // title anywhere, is no section of the passages.
                    let key = letters_key(&text);
                    let title = (seg.passages.is_empty() && is_title(&key, &title_keys))
                        || found.running.contains(&keys::key(&text));
                    let level = if title {
                        1
                    } else {
                        stack.push(style.clone(), &lines[u.lines[0]], text.clone())
                    };
                    seg.headings.push(Heading {
                        level,
                        text,
                        lines: heading_lines,
                    });
                    labels_in = Labels::default();
                    continue;
                }
                UnitKind::Passage(kind) => {
                    let label = labels_in.compose(u.label.as_deref(), u.marker);
                    (*kind, &u.lines, label, texts.chunks(&u.lines, u.marker_len))
                }
            },
            Item::Note(n) => (
                PassageKind::Footnote,
                &n.lines,
                Some(n.num.to_string()),
                texts.chunks(&n.lines, n.marker_len),
            ),
        };
        // The document's title at its head, set apart as a paragraph: a
        // heading, and no section.
        if seg.passages.is_empty()
            && kind == PassageKind::Body
            && label.is_none()
            && chunks.len() == 1
            && is_title(&letters_key(&chunks[0].text), &title_keys)
        {
            seg.headings.push(Heading {
                level: 1,
                text: chunks[0].text.clone(),
                lines: [lines[idx[0]].no, lines[idx[idx.len() - 1]].no],
            });
            continue;
        }
        if !chunks.iter().any(|c| has_word(&c.text)) {
            // Nothing but punctuation, figures or debris left (a stray
            // bullet, a table's number, OCR noise from a cover): report it.
            for &i in idx {
                seg.dropped.push(Dropped {
                    line: lines[i].no,
                    reason: DropReason::Markup,
                    text: lines[i].raw.to_string(),
                });
            }
            continue;
        }
        let mut label = label;
        // A line two chunks share gives its references to the first.
        let mut refs_from = 0;
        for chunk in chunks {
            let mut footnotes: Vec<u32> = Vec::new();
            for &i in &idx[refs_from.max(chunk.first)..=chunk.last] {
                for c in &cuts[i] {
                    if let CutWhat::Ref(n) = c.what {
                        footnotes.push(n);
                    }
                }
            }
            refs_from = chunk.last + 1;
            let first = idx[chunk.first];
            seg.passages.push(Passage {
                doc: doc.id.clone(),
                n: seg.passages.len() as u32 + 1,
                kind,
                section: stack.chain(),
                lines: [lines[first].no, lines[idx[chunk.last]].no],
                label: label.take(),
                page: pages.as_ref().map(|p| p[first]).filter(|&p| p > 0),
                text: chunk.text,
                footnotes,
                themes: Vec::new(),
            });
        }
    }

    for (i, (l, r)) in lines.iter().zip(&roles).enumerate() {
        let reason = match r {
            Role::Dropped(reason) => *reason,
            Role::FootnoteMarker => DropReason::FootnoteMarker,
            _ => {
                for c in &cuts[i] {
                    let reason = match c.what {
                        CutWhat::Marker => DropReason::FootnoteMarker,
                        CutWhat::Markup => DropReason::Markup,
                        CutWhat::Ref(_) => continue,
                    };
                    let fragment = &l.text[c.start..c.end];
                    if c.what == CutWhat::Marker || fragment.chars().any(char::is_alphanumeric) {
                        seg.dropped.push(Dropped {
                            line: l.no,
                            reason,
                            text: fragment.to_string(),
                        });
                    }
                }
                continue;
            }
        };
        seg.dropped.push(Dropped {
            line: l.no,
            reason,
            text: l.raw.to_string(),
        });
    }
    seg.dropped.sort_by_key(|d| d.line);
    seg.warnings = warnings::check(&seg, &lines, &roles, &found.printed);
    seg
}

/// Calls `f` with `word` lower-cased (`char::to_lowercase`, character by
/// character): on the stack when the word is short ASCII, as nearly every
/// word the passes look up is, else in a new string.
pub(crate) fn with_lowercase<R>(word: &str, f: impl FnOnce(&str) -> R) -> R {
    const SHORT: usize = 32;
    if word.len() <= SHORT && word.is_ascii() {
        let mut buf = [0u8; SHORT];
        let lower = &mut buf[..word.len()];
        lower.copy_from_slice(word.as_bytes());
        lower.make_ascii_lowercase();
        // ASCII bytes, lower-cased, are still ASCII.
        return f(std::str::from_utf8(lower).unwrap_or_default());
    }
    let lower: String = word.chars().flat_map(char::to_lowercase).collect();
    f(&lower)
}

/// Whether `text` holds a word: three letters in a row, or a letter of a
/// script without case (Chinese, Arabic), whose words are often shorter.
/// A passage or heading without one is a figure, a stray mark or debris
/// ("€? z 22", "12%").
fn has_word(text: &str) -> bool {
    let mut run = 0;
    for c in text.chars() {
        if c.is_alphabetic() {
            if !c.is_lowercase() && !c.is_uppercase() {
                return true;
            }
            run += 1;
            if run >= 3 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

/// Checks that every letter and digit of `text` is accounted for by the
/// segmentation: in a passage (text, label, footnote numbers), a heading, or
/// the dropped report. Returns the characters that went missing, with how
/// many of each.
pub fn unaccounted(text: &str, seg: &Segmentation) -> Vec<(char, usize)> {
    let mut count: HashMap<char, i64> = HashMap::new();
    let source = strip_html_tags(text);
    // A superscript note mark (`²`) is kept as its number (`2`).
    let fold = |c: char| match c {
        '⁰' => '0',
        '¹' => '1',
        '²' => '2',
        '³' => '3',
        '⁴'..='⁹' => char::from_u32(c as u32 - '⁴' as u32 + '4' as u32).unwrap_or(c),
        c => c,
    };
    for c in source.chars().filter(|c| c.is_alphanumeric()) {
        *count.entry(fold(c)).or_default() += 1;
    }
    let mut take = |s: &str| {
        for c in s.chars().filter(|c| c.is_alphanumeric()) {
            *count.entry(fold(c)).or_default() -= 1;
        }
    };
    for p in &seg.passages {
        take(&p.text);
        if let Some(l) = &p.label {
            take(l);
        }
        for f in &p.footnotes {
            take(&f.to_string());
        }
    }
    for h in &seg.headings {
        take(&h.text);
    }
    for d in &seg.dropped {
        take(&strip_html_tags(&d.text));
    }
    let mut missing: Vec<(char, usize)> = count
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(c, n)| (c, n as usize))
        .collect();
    missing.sort();
    missing
}

fn strip_html_tags(text: &str) -> String {
    clean::tidy_tags(text)
}

#[cfg(test)]
mod tests {
    use super::text::{MAX_WORDS, PIECE_WORDS};
    use super::*;
    use crate::corpus::PartialDate;

    fn doc() -> Document {
        Document {
            id: "test".into(),
            file: "test.txt".into(),
            title: "A Test Document".into(),
            issuer: "Tests".into(),
            authors: Vec::new(),
            date: PartialDate {
                year: 2020,
                month: None,
                day: None,
            },
            kind: "national-strategy".into(),
            country: None,
            organization: None,
            language: "en".into(),
            url: None,
            container: None,
            issuers: Vec::new(),
            issuer_type: None,
            number: None,
            translation: None,
            original_language: None,
            venue: None,
        }
    }

    /// `text` hard-wrapped at `width` characters, as PDF extraction gives it.
    fn wrap(text: &str, width: usize) -> Vec<String> {
        let mut lines = vec![String::new()];
        for w in text.split_whitespace() {
            let line = lines.last_mut().expect("one line at least");
            if !line.is_empty() && line.len() + 1 + w.len() > width {
                lines.push(w.to_string());
            } else {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(w);
            }
        }
        lines
    }

    /// A paragraph of `n` sentences, different for each `seed`.
    fn paragraph(seed: usize, n: usize) -> String {
        const WORDS: &[&str] = &[
            "states",
            "should",
            "cooperate",
            "in",
            "developing",
            "and",
            "applying",
            "measures",
            "to",
            "increase",
            "stability",
            "security",
            "the",
            "use",
            "of",
            "information",
            "technologies",
            "national",
            "agencies",
            "will",
            "report",
            "on",
            "progress",
            "norms",
            "critical",
            "infrastructure",
            "protect",
            "incidents",
            "response",
        ];
        // A small linear congruential generator: the same text every run.
        let mut state = seed as u64 * 2_654_435_761 + 1;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            WORDS[(state >> 33) as usize % WORDS.len()]
        };
        (0..n)
            .map(|_| {
                let body: Vec<&str> = (0..14).map(|_| next()).collect();
                format!("The {}.", body.join(" "))
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn check(text: &str, seg: &Segmentation) {
        assert!(
            unaccounted(text, seg).is_empty(),
            "{:?}",
            unaccounted(text, seg)
        );
        let lines = text.split('\n').count() as u32;
        for p in &seg.passages {
            assert!(1 <= p.lines[0] && p.lines[0] <= p.lines[1] && p.lines[1] <= lines);
        }
    }

    #[test]
    fn one_long_line_completes_and_accounts_for_everything() {
        // Two megabytes on one line: sentences, numbers, references,
        // Markdown, brackets.
        let unit = "The [Agency](http://x.org) reported 12 incidents in 2019.3 States \
                    should *cooperate* (see A/68/98) – and <b>protect</b> critical ICT \
                    infrastructure; [a] [b [c]] ok. ";
        let text = unit.repeat(2_000_000 / unit.len());
        let seg = segment(&doc(), &text);
        check(&text, &seg);
        assert!(!seg.passages.is_empty());
        // Text extracted without line breaks has no paragraphs to keep.
        assert!(seg.passages.iter().all(|p| p.lines == [1, 1]));
    }

    #[test]
    fn overlong_lines_are_cut_at_sentence_ends() {
        let text = [paragraph(1, 60), paragraph(2, 60), paragraph(3, 60)].join("\n");
        let seg = segment(&doc(), &text);
        check(&text, &seg);
        assert!(seg.passages.len() >= 6, "{}", seg.passages.len());
        for p in &seg.passages {
            let words = p.text.split_whitespace().count();
            assert!(words <= PIECE_WORDS, "{words} words");
            assert!(p.text.ends_with('.'), "cut inside a sentence: {}", p.text);
        }
        // A paragraph over the limit wrapped into ordinary lines is cut at
        // its sentence ends too; one of fewer words is left whole.
        let text = wrap(&paragraph(4, 40), 80).join("\n");
        let seg = segment(&doc(), &text);
        check(&text, &seg);
        assert!(seg.passages.len() >= 2);
        for p in &seg.passages {
            assert!(p.text.split_whitespace().count() <= PIECE_WORDS);
            assert!(p.text.ends_with('.'), "cut inside a sentence: {}", p.text);
        }
        let text = wrap(&paragraph(5, 20), 80).join("\n");
        assert_eq!(segment(&doc(), &text).passages.len(), 1);
        // Without a sentence end, at line starts.
        let text = wrap(&paragraph(6, 60).replace('.', ""), 80).join("\n");
        let seg = segment(&doc(), &text);
        check(&text, &seg);
        assert!(seg
            .passages
            .iter()
            .all(|p| p.text.split_whitespace().count() <= MAX_WORDS));
    }

    #[test]
    fn running_footers_with_page_numbers_are_dropped_and_give_the_pages() {
        let mut text = Vec::new();
        for page in 5..12 {
            text.push(format!("Strategy for Testing and Trying   |  {page}"));
            text.push(String::new());
            text.extend(wrap(&paragraph(page, 5), 78));
            text.push(String::new());
        }
        let text = text.join("\n");
        let seg = segment(&doc(), &text);
        check(&text, &seg);
        assert!(seg
            .passages
            .iter()
            .all(|p| !p.text.contains("Testing and Trying")));
        let pages: Vec<Option<u32>> = seg.passages.iter().map(|p| p.page).collect();
        assert_eq!(pages, (5..12).map(Some).collect::<Vec<_>>());
        // Numbered headings are not footers.
        let mut text = Vec::new();
        for n in 1..5 {
            text.push(format!("LINE OF ACTION {n}"));
            text.extend(wrap(&paragraph(n, 4), 78));
        }
        let text = text.join("\n");
        let seg = segment(&doc(), &text);
        assert_eq!(seg.headings.len(), 4, "{:?}", seg.headings);
    }

    #[test]
    fn table_cells_are_not_headings() {
        let mut text = wrap(&paragraph(1, 4), 78);
        text.push("Activity".into());
        text.push("Responsible".into());
        text.push("Timeline".into());
        text.push("Budget".into());
        for row in 0..10 {
            text.push(format!("Develop Guideline {row}"));
            text.push("Ministry of ICT".into());
            text.push(format!("Quarter {}", row % 4 + 1));
            text.push("USD 30,000".into());
        }
        text.push("Implementation Arrangements".into());
        text.extend(wrap(&paragraph(2, 4), 78));
        let text = text.join("\n");
        let seg = segment(&doc(), &text);
        check(&text, &seg);
        let headings: Vec<&str> = seg.headings.iter().map(|h| h.text.as_str()).collect();
        assert_eq!(headings, vec!["Implementation Arrangements"]);
        // The cells stay apart: no passage runs the table together.
        assert!(seg
            .passages
            .iter()
            .all(|p| p.text.split_whitespace().count() < 150));
    }

    #[test]
    fn section_chains_do_not_grow_with_each_heading() {
        let mut text = vec!["Part One".to_string()];
        text.extend(wrap(&paragraph(0, 3), 78));
        text.push("1. Objectives".into());
        text.extend(wrap(&paragraph(1, 3), 78));
        for n in 0..30 {
            text.push(format!("Measure {n} of the Plan"));
            text.extend(wrap(&paragraph(n, 3), 78));
        }
        let text = text.join("\n");
        let seg = segment(&doc(), &text);
        check(&text, &seg);
        let deepest = seg.passages.iter().map(|p| p.section.len()).max();
        assert_eq!(
            deepest,
            Some(3),
            "{:?}",
            seg.passages.last().map(|p| &p.section)
        );
    }
}
