//! The labels at the start of a line: list markers, paragraph numbers,
//! lettered and roman sub-paragraphs, dotted section numbers.
//!
//! Input: a line's text. Output: the kind of marker, its label as written
//! and the bytes it takes; for two labels, whether they are of one list and
//! whether one follows the other. Refused: figures and years that look
//! like numbers (`2015 Russia`, `3.5million`, `A/68/98`), and words that
//! only start like a letter label.

use super::lines::{ends_sentence, starts_lowercase, Line};
use super::{DropReason, FastMap, Role};

/// Bullets that stand alone on their lines: a PDF's bullet glyph extracted
/// as a letter (`x`, `q`, `§`) or a symbol, on a line of its own above
/// each item. A one-character line is such a bullet when the same
/// character stands alone on three lines or more and, nearly every time,
/// a sentence ends before it or starts after it (a word justified onto a
/// line of its own, `и`, `a`, stands inside a sentence). Their lines are dropped as markup; the result
/// says, per line, whether a bullet stood right above it: that line starts
/// a list item.
pub(crate) fn lone_bullets(lines: &[Line], roles: &mut [Role]) -> Vec<bool> {
    let mut after = vec![false; lines.len()];
    let glyph = |l: &Line| {
        let mut cs = l.text.chars();
        match (cs.next(), cs.next()) {
            (Some(c), None) if !c.is_numeric() => Some(c),
            _ => None,
        }
    };
    // Per character: its lines, and how many are followed by a new
    // sentence.
    let mut seen: FastMap<char, (Vec<usize>, usize)> = FastMap::default();
    for (i, l) in lines.iter().enumerate() {
        if roles[i] != Role::Content {
            continue;
        }
        let Some(c) = glyph(l) else { continue };
        let next = (i + 1..lines.len().min(i + 3)).find(|&j| roles[j] == Role::Content);
        let prev = (i.saturating_sub(2)..i)
            .rev()
            .find(|&j| roles[j] == Role::Content);
        let opens = next.is_some_and(|j| glyph(&lines[j]).is_none())
            && (next.is_some_and(|j| !starts_lowercase(lines[j].text))
                || prev.is_some_and(|j| ends_sentence(lines[j].text)));
        let e = seen.entry(c).or_default();
        e.0.push(i);
        e.1 += usize::from(opens);
    }
    for (_, (at, opening)) in seen {
        if at.len() < 3 || opening * 5 < at.len() * 4 {
            continue;
        }
        for i in at {
            roles[i] = Role::Dropped(DropReason::Markup);
            if let Some(j) = (i + 1..lines.len()).find(|&j| roles[j] == Role::Content) {
                after[j] = true;
            }
        }
    }
    after
}

/// A list marker or number at the start of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    /// •, -, *, ▪ …
    Bullet,
    /// 1. 2) (3)
    Number,
    /// 2.1, 3.2.1
    Dotted(u8),
    /// (a) b) c.
    Letter,
    /// (iv) IV.
    Roman,
    /// A. B.
    UpperAlpha,
    /// A part of the document named by a word and its number: `Article 3:`,
    /// `Artículo 3.`, `Статья 3.`, `Άρθρο 3`, `第三条`, `3. pants`.
    Part,
}

/// Words that name a part of a document before its number, lower case,
/// with their rank (1 = outermost): a chapter holds articles, so an
/// article heading nests under a chapter heading and beside other articles.
const PART_WORDS: &[(&str, u8)] = &[
    ("part", 1),
    ("partie", 1),
    ("parte", 1),
    ("title", 1),
    ("titre", 1),
    ("título", 1),
    ("titulo", 1),
    ("раздел", 1),
    ("часть", 1),
    ("μέρος", 1),
    ("daļa", 1),
    ("chapter", 2),
    ("chapitre", 2),
    ("capítulo", 2),
    ("capitulo", 2),
    ("глава", 2),
    ("κεφάλαιο", 2),
    ("nodaļa", 2),
    ("kapitel", 2),
    ("section", 3),
    ("sección", 3),
    ("seccion", 3),
    ("τμήμα", 3),
    ("sadaļa", 3),
    ("abschnitt", 3),
    ("article", 4),
    ("art", 4),
    ("artículo", 4),
    ("articulo", 4),
    ("artigo", 4),
    ("artikel", 4),
    ("статья", 4),
    ("άρθρο", 4),
    ("pants", 4),
    ("المادة", 4),
    ("مادة", 4),
    ("الفصل", 2),
    ("الباب", 1),
    ("paragraph", 5),
    ("paragraphe", 5),
    ("párrafo", 5),
    ("punkt", 5),
    ("punkts", 5),
    ("пункт", 5),
    ("παράγραφος", 5),
];

/// The rank of a part word (see [`PART_WORDS`]), compared without case.
fn part_rank(word: &str) -> Option<u8> {
    // The longest part word has ten characters of two bytes.
    if word.is_empty() || word.len() > 20 {
        return None;
    }
    // Lower-cased once, not once per entry: asked of most lines.
    super::with_lowercase(word, |lower| {
        PART_WORDS
            .iter()
            .find(|(w, _)| *w == lower)
            .map(|&(_, r)| r)
    })
}

/// The length in bytes of a number at the start of `text` as parts are
/// numbered: digits (`3`, `3.1`), a roman numeral (`IV`, `iv`) or a single
/// capital letter (`Annex B`); 0 if none.
fn part_number_len(text: &str) -> usize {
    let b = text.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 {
        if digits > 4 {
            return 0;
        }
        // "3.1", not "3." before the text.
        let mut at = digits;
        while b.get(at) == Some(&b'.') && b.get(at + 1).is_some_and(u8::is_ascii_digit) {
            at += 1;
            at += b[at..].iter().take_while(|c| c.is_ascii_digit()).count();
        }
        return at;
    }
    let roman = b
        .iter()
        .take_while(|c| b"IVXLC".contains(c))
        .count()
        .max(b.iter().take_while(|c| b"ivxlc".contains(c)).count());
    let end_ok = |at: usize| !b.get(at).is_some_and(|c| c.is_ascii_alphanumeric());
    if (1..=7).contains(&roman) && end_ok(roman) {
        return roman;
    }
    if b.first().is_some_and(u8::is_ascii_uppercase) && end_ok(1) {
        return 1;
    }
    0
}

/// The rank of the part a label names (`Chapter 2` → 2, `Article 3` → 4).
pub(crate) fn part_rank_of(label: &str) -> Option<u8> {
    part_label(label).map(|(_, _, r)| r)
}

/// Numerals of Chinese and Japanese texts.
fn is_cjk_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
            | '零'
            | '〇'
            | '两'
    ) || c.is_ascii_digit()
        || ('０'..='９').contains(&c)
}

/// A part label at the start of `text`: `Article 3`, `Art. 3`, `Статья 3`,
/// `Άρθρο 3`, `CHAPITRE II`, `第三条`, `3. pants`. Returns the label's
/// length in bytes, the bytes taken with the separator and spaces after it
/// (`Article 1 : Objet` takes `Article 1 : `), and the part word's rank.
/// The label must stand alone on its line or be set off by a colon, a
/// stop or a dash: `Article 51 of the Charter` starts a sentence, not a
/// part.
pub(crate) fn part_label(text: &str) -> Option<(usize, usize, u8)> {
    let c0 = text.chars().next()?;
    let label_end;
    let rank;
    if c0 == '第' {
        // 第三条, 第2章: the numeral between 第 and the part's character.
        let rest = &text[c0.len_utf8()..];
        let n = rest
            .chars()
            .take_while(|&c| is_cjk_numeral(c))
            .map(char::len_utf8)
            .sum::<usize>();
        let part = rest[n..].chars().next()?;
        rank = match part {
            '编' | '編' | '部' => 1,
            '章' => 2,
            '节' | '節' => 3,
            '条' | '條' => 4,
            '款' | '项' | '項' => 5,
            _ => return None,
        };
        if n == 0 {
            return None;
        }
        label_end = c0.len_utf8() + n + part.len_utf8();
        // CJK text sets no space between a label and its text.
        let after = text[label_end..].trim_start_matches([' ', '\u{3000}', '：', ':']);
        return Some((label_end, text.len() - after.len(), rank));
    } else if c0.is_ascii_digit() {
        // "3. pants", "1. nodaļa": the number before the word.
        let n = part_number_len(text);
        let rest = text[n..].strip_prefix(". ")?;
        let word_len = rest
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len());
        rank = part_rank(&rest[..word_len])?;
        label_end = text.len() - rest.len() + word_len;
    } else if c0.is_alphabetic() {
        let word_len = text
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(text.len());
        let mut at = word_len;
        // "Art. 3": an abbreviated word keeps its stop.
        if text[at..].starts_with(". ") {
            at += 1;
        }
        let spaces = text[at..].len() - text[at..].trim_start_matches(' ').len();
        if spaces == 0 {
            return None;
        }
        let n = part_number_len(&text[at + spaces..]);
        if n == 0 {
            return None;
        }
        rank = part_rank(&text[..word_len])?;
        label_end = at + spaces + n;
    } else {
        return None;
    }
    let rest = &text[label_end..];
    // A stop after the number, or a colon or dash set apart, ends the
    // label; nothing at all leaves it alone on its line.
    let trimmed = rest.trim_start();
    if trimmed.is_empty() {
        return Some((label_end, text.len(), rank));
    }
    let sep = trimmed.chars().next()?;
    let spaced = trimmed.len() < rest.len();
    let sep_ok = match sep {
        ':' | '：' => true,
        '.' | ')' => !spaced,
        '–' | '—' | '-' => spaced,
        _ => false,
    };
    if !sep_ok {
        return None;
    }
    let after = trimmed[sep.len_utf8()..].trim_start();
    Some((label_end, text.len() - after.len(), rank))
}

/// Parses a list marker or label at the start of `text`: the marker, its
/// label as written (none for bullets), and the bytes it takes with the
/// space after it.
pub(crate) fn marker(text: &str) -> Option<(Marker, Option<&str>, usize)> {
    let c0 = text.chars().next()?;
    // A part's label set off from its text ("Article 1 : Objet…"); alone
    // on its line it is a heading, which `blocks` finds by its words.
    if c0.is_alphabetic() || c0.is_ascii_digit() {
        if let Some((label, taken, _)) = part_label(text) {
            if taken < text.len() {
                return Some((Marker::Part, Some(&text[..label]), taken));
            }
        }
    }
    if c0.is_ascii_alphabetic() {
        // Most lines start with a word. A letter starts a label only in a
        // token of at most five bytes ("iv.", "B.", "a)"), so a line whose
        // first space comes later has none.
        if !text.chars().take(6).any(char::is_whitespace) {
            return glued_label(text);
        }
    }
    const BULLETS: &[char] = &[
        '•', '●', '▪', '◦', '‣', '∙', '○', '■', '□', '➢', '►', '▶', '✓', '✔', '\u{f0b7}',
        '\u{f0a7}', '\u{f0d8}', '·', '–', '-', '*', '+', '=',
    ];
    if BULLETS.contains(&c0) {
        let rest = &text[c0.len_utf8()..];
        let trimmed = rest.trim_start();
        if trimmed.is_empty() {
            return None;
        }
        let spaced = rest.len() != trimmed.len();
        // "-The" (a lost space) is a bullet; "-based" or "**bold" is not.
        let ok = match c0 {
            '*' | '+' | '=' => spaced,
            '-' | '–' => spaced || trimmed.starts_with(|c: char| c.is_uppercase()),
            _ => true,
        };
        return ok.then_some((Marker::Bullet, None, text.len() - trimmed.len()));
    }
    // (a) (iv) (1)
    if c0 == '(' {
        let close = text.find(')')?;
        let inner = &text[1..close];
        let kind = classify_label(inner)?;
        let after = &text[close + 1..];
        // "(a)to": a label glued to its text by the extraction.
        if after.starts_with(char::is_alphabetic) && kind != Marker::Number {
            return Some((kind, Some(&text[..=close]), close + 1));
        }
        if !after.starts_with(char::is_whitespace) {
            return None;
        }
        return Some((
            kind,
            Some(&text[..=close]),
            text.len() - after.trim_start().len(),
        ));
    }
    if let Some(glued) = glued_label(text) {
        return Some(glued);
    }
    // 1. 1) 2.1 a) IV. B.
    let end = text.find(|c: char| c.is_whitespace())?;
    let token = &text[..end];
    let after = text[end..].trim_start();
    if after.is_empty() {
        return None;
    }
    let consumed = text.len() - after.len();
    if let Some(inner) = token.strip_suffix(')') {
        let kind = classify_label(inner)?;
        return Some((kind, Some(token), consumed));
    }
    let inner = token.strip_suffix('.').unwrap_or(token);
    if inner.is_empty() {
        return None;
    }
    if inner
        .split('.')
        .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
    {
        let depth = inner.split('.').count() as u8;
        if depth == 1 && !token.ends_with('.') {
            // A bare number starting a line is a quantity, not a label.
            return None;
        }
        let kind = if depth == 1 {
            Marker::Number
        } else {
            Marker::Dotted(depth)
        };
        return Some((kind, Some(token), consumed));
    }
    if token.ends_with('.') {
        match classify_label(inner)? {
            Marker::Roman if inner.chars().all(|c| c.is_ascii_uppercase()) => {
                return Some((Marker::Roman, Some(token), consumed))
            }
            Marker::Letter if inner.chars().all(|c| c.is_ascii_uppercase()) => {
                return Some((Marker::UpperAlpha, Some(token), consumed))
            }
            Marker::Letter if after.starts_with(char::is_uppercase) => {
                return Some((Marker::Letter, Some(token), consumed))
            }
            // "a. the production…", "ii. the designation…": sub-paragraphs
            // in lower case, as treaties and declarations write them.
            m @ (Marker::Letter | Marker::Roman)
                if inner.chars().all(|c| c.is_ascii_lowercase())
                    && after.starts_with(|c: char| {
                        c.is_lowercase() || matches!(c, '"' | '“' | '‘' | '\'')
                    }) =>
            {
                return Some((m, Some(token), consumed))
            }
            _ => return None,
        }
    }
    None
}

/// A label glued to its text by the extraction: `3.The`, `1.3Cyberspace`,
/// `a)to`. A number needs a capital after it (`3.5million` is a figure);
/// a letter or roman numeral with its bracket takes any letter.
fn glued_label(text: &str) -> Option<(Marker, Option<&str>, usize)> {
    let b = text.as_bytes();
    let first = *b.first()?;
    if first.is_ascii_digit() {
        // Digit groups of up to three, joined by dots.
        let mut at = 0;
        let mut groups = 0u8;
        loop {
            let d = b[at..].iter().take_while(|c| c.is_ascii_digit()).count();
            if d == 0 || d > 3 {
                return None;
            }
            at += d;
            groups += 1;
            if b.get(at) == Some(&b'.') && b.get(at + 1).is_some_and(u8::is_ascii_digit) {
                at += 1;
                continue;
            }
            break;
        }
        let dotted = b.get(at) == Some(&b'.');
        let label_end = at + usize::from(dotted);
        if groups == 1 && !dotted || groups > 4 {
            return None;
        }
        let rest = &text[label_end..];
        let capital = rest
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() && c.is_alphabetic());
        if !capital {
            return None;
        }
        let kind = if groups == 1 {
            Marker::Number
        } else {
            Marker::Dotted(groups)
        };
        return Some((kind, Some(&text[..label_end]), label_end));
    }
    if first.is_ascii_alphabetic() {
        let close = b.iter().take(5).position(|&c| c == b')')?;
        let kind = classify_label(&text[..close])?;
        if kind == Marker::Number || !text[close + 1..].starts_with(char::is_alphabetic) {
            return None;
        }
        return Some((kind, Some(&text[..=close]), close + 1));
    }
    None
}

/// The numbering family of a heading's text ("IV. Moving Forward" → roman),
/// if it starts with one.
pub(crate) fn numbering(text: &str) -> Option<Marker> {
    match marker(text) {
        Some((Marker::Bullet | Marker::Part, _, _)) | None => None,
        // "I." and "V." open roman sequences as often as lettered ones.
        Some((Marker::UpperAlpha, Some("I." | "V." | "X."), _)) => Some(Marker::Roman),
        Some((m, _, _)) => Some(m),
    }
}

fn classify_label(inner: &str) -> Option<Marker> {
    if inner.is_empty() || inner.len() > 4 {
        return None;
    }
    if inner.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Marker::Number);
    }
    if inner.len() > 1 && inner.chars().all(|c| "ivxlcIVXLC".contains(c)) {
        return Some(Marker::Roman);
    }
    if inner.chars().count() == 1 && inner.chars().all(|c| c.is_ascii_alphabetic()) {
        return Some(Marker::Letter);
    }
    None
}

/// The number of a numeric label ("12.", "(3)", "4").
pub(crate) fn number_of(label: &str) -> Option<u32> {
    label
        .trim_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .ok()
}

/// How a label is written, its digits aside: "12." and "3." alike, "(3)"
/// apart.
pub(crate) fn label_shape(label: &str) -> String {
    label.chars().filter(|c| !c.is_ascii_digit()).collect()
}

/// Whether two markers number items of one list: letters and roman
/// numerals mix ("i." is both).
pub(crate) fn same_family(a: Marker, b: Marker) -> bool {
    a == b
        || matches!(
            (a, b),
            (Marker::Letter, Marker::Roman) | (Marker::Roman, Marker::Letter)
        )
}

/// Whether label `b` comes right after label `a` in their sequence
/// ("2." then "3.", "(c)" then "(d)", "2.1" then "2.2"); for labels that
/// cannot be read as a sequence, whether they are of one kind at all.
pub(crate) fn follows(a: &str, b: &str) -> bool {
    let core = |l: &str| {
        l.trim_matches(|c| c == '(' || c == ')' || c == '.')
            .to_string()
    };
    let (a, b) = (core(a), core(b));
    let last = |l: &str| l.rsplit('.').next().unwrap_or("").to_string();
    let (pa, pb) = (
        a.rsplit_once('.').map(|x| x.0),
        b.rsplit_once('.').map(|x| x.0),
    );
    if pa != pb {
        return false;
    }
    match (last(&a).parse::<u32>(), last(&b).parse::<u32>()) {
        (Ok(x), Ok(y)) => y == x + 1,
        _ => {
            let (x, y) = (last(&a), last(&b));
            match (x.chars().next(), y.chars().next()) {
                (Some(c), Some(d)) if x.len() == 1 && y.len() == 1 => d as u32 == c as u32 + 1,
                _ => true,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        assert_eq!(
            marker("• Promote").map(|m| (m.0, m.2)),
            Some((Marker::Bullet, 4))
        );
        assert_eq!(marker("-The Defence").map(|m| m.0), Some(Marker::Bullet));
        assert_eq!(marker("- **propose**").map(|m| m.2), Some(2));
        assert!(marker("**Privacy.** Our").is_none());
        assert!(marker("-based approach").is_none());
        assert_eq!(
            marker("(a) General").map(|m| (m.0, m.1)),
            Some((Marker::Letter, Some("(a)")))
        );
        assert_eq!(
            marker("13. States should").map(|m| (m.0, m.1)),
            Some((Marker::Number, Some("13.")))
        );
        assert_eq!(
            marker("2.1 United Nations").map(|m| (m.0, m.1)),
            Some((Marker::Dotted(2), Some("2.1")))
        );
        assert_eq!(marker("IV. Moving").map(|m| m.0), Some(Marker::Roman));
        assert!(marker("2015 Russia and China").is_none());
        assert!(marker("A/68/98 report").is_none());
    }

    #[test]
    fn parts_in_every_language() {
        fn label(t: &str) -> Option<(&str, u8)> {
            part_label(t).map(|(end, _, rank)| (&t[..end], rank))
        }
        assert_eq!(label("Article 3"), Some(("Article 3", 4)));
        assert_eq!(label("Artículo 3."), Some(("Artículo 3", 4)));
        assert_eq!(label("Art. 3 – Objet"), Some(("Art. 3", 4)));
        assert_eq!(label("Статья 3. Цели"), Some(("Статья 3", 4)));
        assert_eq!(label("Άρθρο 3"), Some(("Άρθρο 3", 4)));
        assert_eq!(label("第三条 国家"), Some(("第三条", 4)));
        assert_eq!(label("第十二章"), Some(("第十二章", 2)));
        assert_eq!(label("3. pants"), Some(("3. pants", 4)));
        assert_eq!(label("Pants 3"), Some(("Pants 3", 4)));
        assert_eq!(label("Punkt 2:"), Some(("Punkt 2", 5)));
        assert_eq!(label("Paragraphe 4"), Some(("Paragraphe 4", 5)));
        assert_eq!(label("CHAPITRE II"), Some(("CHAPITRE II", 2)));
        assert_eq!(label("Capítulo IV"), Some(("Capítulo IV", 2)));
        assert_eq!(label("Глава 2"), Some(("Глава 2", 2)));
        assert_eq!(label("Раздел II"), Some(("Раздел II", 1)));
        // A sentence that names a part is no label.
        assert_eq!(label("Article 51 of the Charter applies"), None);
        assert_eq!(label("Part of the plan"), None);
        assert_eq!(label("Articles 3 and 4"), None);
        // Set off from its text, a part's label is a paragraph's marker.
        assert_eq!(
            marker("Article 1 : Objet de la Loi").map(|m| (m.0, m.1, m.2)),
            Some((Marker::Part, Some("Article 1"), 12))
        );
        assert_eq!(
            marker("Artículo 5. Las entidades").map(|m| (m.0, m.1)),
            Some((Marker::Part, Some("Artículo 5")))
        );
        assert!(marker("Article 3").is_none());
    }
}
