//! The labels at the start of a line: list markers, paragraph numbers,
//! lettered and roman sub-paragraphs, dotted section numbers.
//!
//! Input: a line's text. Output: the kind of marker, its label as written
//! and the bytes it takes; for two labels, whether they are of one list and
//! whether one follows the other. Refused: figures and years that look
//! like numbers (`2015 Russia`, `3.5million`, `A/68/98`), and words that
//! only start like a letter label.

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
}

/// Parses a list marker or label at the start of `text`: the marker, its
/// label as written (none for bullets), and the bytes it takes with the
/// space after it.
pub(crate) fn marker(text: &str) -> Option<(Marker, Option<&str>, usize)> {
    let c0 = text.chars().next()?;
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
        Some((Marker::Bullet, _, _)) | None => None,
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
}
