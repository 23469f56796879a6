//! Pass 1: the source's lines and what the layout tells about them.
//!
//! Each [`Line`] carries the cheap per-line facts later passes decide on
//! (blank, indented page start, bare number, list marker…), and [`Layout`]
//! the document-wide facts: whether the text was hard-wrapped (most long
//! lines end inside a sentence) and at what usual width, and whether a
//! single leading space marks page starts. [`local_widths`] follows the
//! width where a part of the document is wrapped wider or narrower.

/// One source line with its layout features.
#[derive(Debug, Clone)]
pub struct Line<'a> {
    /// 1-based line number in the source file.
    pub no: u32,
    /// The line without its line terminator.
    pub raw: &'a str,
    /// The line without surrounding whitespace.
    pub text: &'a str,
    /// Length of the trimmed line in characters.
    pub chars: usize,
    /// Whether the line holds nothing but whitespace.
    pub blank: bool,
    /// Whether the line starts with whitespace before its text.
    pub indented: bool,
    /// Whether a form feed precedes the text (a hard page break).
    pub form_feed: bool,
}

/// Document-wide layout facts.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The wrap width of hard-wrapped text, in characters; `None` when lines
    /// are whole paragraphs (Markdown, one paragraph per line).
    pub width: Option<usize>,
    /// Whether an indented line marks a page start (PDF extractions that
    /// begin each page with one space), rather than ordinary indentation.
    pub indent_marks_page: bool,
    /// Whether blank lines part the paragraphs (rather than layout alone).
    pub blank_separated: bool,
}

/// Whether a line of `chars` characters is clearly shorter than the wrap
/// width: the last line of a paragraph, or a heading. Without a wrap width
/// every line ends where its writer ended it.
pub fn is_short(chars: usize, width: Option<usize>) -> bool {
    match width {
        Some(w) => chars * 10 < w * 8,
        None => true,
    }
}

/// Whether a line of `chars` characters ended early: clearly short, or
/// short enough that the first word of `next` would have fitted on it.
/// Justified text in proportional fonts varies by a few characters, hence
/// the margin.
pub fn ended_early(chars: usize, width: Option<usize>, next: &str) -> bool {
    match width {
        Some(w) => {
            let word = next
                .split_whitespace()
                .next()
                .map_or(0, |w| w.chars().count());
            is_short(chars, width) || chars + 1 + word + 3 <= w
        }
        None => true,
    }
}

/// The wrap width around each of `lengths` (the lengths of consecutive text
/// lines, in characters), given the document's usual `width`. Documents
/// change width from part to part (a wide foreword, two-column pages);
/// measured against one width for the whole text, a narrow part has no
/// short lines and a wide one nothing else. Among the lines within eight of
/// each that are 30 characters or more, the length three fifths of the way
/// up is taken when it differs from the usual width by more than 15% (the
/// ragged edge of justified text) and half of those lines are within 15%
/// of it: most lines of a wrapped paragraph are full, while a part where
/// extraction merged pairs of lines mixes two lengths.
pub fn local_widths(lengths: &[usize], width: usize) -> Vec<usize> {
    const REACH: usize = 8;
    // The window's lengths of 30 or more, kept sorted as it slides.
    let mut window: Vec<usize> = Vec::with_capacity(2 * REACH + 1);
    let insert = |window: &mut Vec<usize>, n: usize| {
        if n >= 30 {
            let at = window.partition_point(|&m| m < n);
            window.insert(at, n);
        }
    };
    for &n in &lengths[..REACH.min(lengths.len())] {
        insert(&mut window, n);
    }
    (0..lengths.len())
        .map(|k| {
            if let Some(&n) = lengths.get(k + REACH) {
                insert(&mut window, n);
            }
            if let Some(&n) = k.checked_sub(REACH + 1).map(|j| &lengths[j]) {
                if n >= 30 {
                    let at = window.partition_point(|&m| m < n);
                    window.remove(at);
                }
            }
            if window.len() < 3 {
                return width;
            }
            let local = window[window.len() * 3 / 5];
            let near = window.partition_point(|&n| n * 100 <= local * 115)
                - window.partition_point(|&n| n * 100 < local * 85);
            let differs = local * 100 > width * 115 || local * 100 < width * 85;
            if differs && near * 2 >= window.len() {
                local
            } else {
                width
            }
        })
        .collect()
}

/// Splits `text` into lines (LF or CRLF), numbering from 1.
pub fn split(text: &str) -> Vec<Line<'_>> {
    text.split('\n')
        .enumerate()
        .map(|(i, raw)| {
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            let form_feed = raw.contains('\u{c}');
            let text = raw.trim_matches(|c: char| c.is_whitespace() || c.is_control());
            let indented = !text.is_empty()
                && raw
                    .trim_start_matches('\u{c}')
                    .starts_with(|c: char| c.is_whitespace());
            Line {
                no: i as u32 + 1,
                raw,
                text,
                chars: text.chars().count(),
                blank: text.is_empty(),
                indented,
                form_feed,
            }
        })
        .collect()
}

/// Measures the layout of a document from its lines; lines already left
/// out (front matter, a web page's markup) do not count.
pub fn measure(all: &[Line], roles: &[super::Role]) -> Layout {
    let kept: Vec<&Line> = all
        .iter()
        .zip(roles)
        .filter(|(_, r)| !matches!(r, super::Role::Dropped(_)))
        .map(|(l, _)| l)
        .collect();
    let lines = &kept[..];
    // Hard-wrapped text piles most of its lines up just under the wrap
    // width; find the densest 12-character window of line lengths.
    let mut hist = [0u32; 301];
    let mut counted = 0u32;
    for l in lines.iter().filter(|l| !l.blank) {
        if l.chars >= 30 {
            hist[l.chars.min(300)] += 1;
            counted += 1;
        }
    }
    let mut best = (0u32, 0usize);
    for end in 40..=240 {
        let n: u32 = hist[end - 11..=end].iter().sum();
        if n > best.0 {
            best = (n, end);
        }
    }
    let nonblank = lines.iter().filter(|l| !l.blank).count().max(1) as u32;
    // Hard-wrapped text breaks most of its long lines inside sentences;
    // text with one paragraph per line ends nearly every long line with
    // one. The densest band's top is then the usual width.
    let long: Vec<&&Line> = lines.iter().filter(|l| l.chars >= 40).collect();
    let ending = long.iter().filter(|l| ends_sentence(l.text)).count();
    let wrapped = long.len() >= 8 && ending * 2 < long.len();
    let width = (wrapped && best.0 >= 8 && counted > 0).then_some(best.1);

    let indented = lines.iter().filter(|l| l.indented).count() as u32;
    // Only rare indentation is a signal; a document that indents freely
    // (centred titles, nested lists) says nothing about pages with it.
    let indent_marks_page = width.is_some() && indented >= 1 && indented * 12 <= nonblank;
    // Blank lines between text lines, against the text lines themselves:
    // hard-wrapped text parted by blank lines has one per few lines.
    let blanks_between = lines
        .windows(3)
        .filter(|w| !w[0].blank && w[1].blank && !w[2].blank)
        .count() as u32;
    let blank_separated = blanks_between * 12 >= nonblank;
    Layout {
        width,
        indent_marks_page,
        blank_separated,
    }
}

/// Closing quotation marks and brackets, seen through at a sentence's end:
/// English, French (`»`, `›`), German and Polish (`“`, `‘`, closing what
/// `„` and `‚` open) and Chinese and Japanese (`」`, `』`) quotes.
const CLOSERS: [char; 12] = [
    '’', '”', '\'', '"', ')', ']', '»', '›', '“', '‘', '」', '』',
];

/// Whether the line ends a sentence: terminal punctuation (the Latin
/// marks, Greek `;` and `;` as the question mark, the Chinese and Japanese
/// `。！？`, the Arabic `؟`), possibly followed by closing quotes or
/// brackets, or a footnote number glued after them.
pub fn ends_sentence(text: &str) -> bool {
    let t = text.trim_end_matches(|c: char| c.is_ascii_digit());
    let t = if t.len() < text.len() && (t.ends_with(['.', ',', ';', ':']) || t.ends_with(CLOSERS)) {
        t
    } else {
        text
    };
    let t = t
        .trim_end_matches(CLOSERS)
        .trim_end_matches(['*', '_', ' ']);
    t.ends_with([
        '.', '!', '?', ':', ';', '…', '\u{37e}', '。', '！', '？', '؟', '：', '；',
    ])
}

/// Whether the text starts like a new sentence or block: an upper-case
/// letter, a digit, an opening quote or bracket, or a list marker.
pub fn starts_sentence(text: &str) -> bool {
    let t = text.trim_start_matches(['*', '_', '#', ' ']);
    match t.chars().next() {
        Some(c) => {
            c.is_uppercase()
                || c.is_ascii_digit()
                || matches!(
                    c,
                    '‘' | '“' | '"' | '\'' | '(' | '[' | '•' | '-' | '–' | '—' | '¿' | '¡'
                )
                // Scripts without case (Chinese, Arabic) may start one
                // anywhere: the layout decides.
                || (c.is_alphabetic() && !c.is_lowercase())
        }
        None => false,
    }
}

/// Whether the text starts with a lower-case letter (a continued sentence).
pub fn starts_lowercase(text: &str) -> bool {
    text.trim_start_matches(['*', '_'])
        .chars()
        .next()
        .is_some_and(|c| c.is_lowercase())
}

/// The position of the first ASCII digit in `bytes` from `from` on. Most
/// text has few digits: eight bytes are tested at a time.
pub fn next_digit(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while i + 8 <= bytes.len() {
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes[i..i + 8]);
        // Digits become bytes under 10 and nothing else does; a byte under
        // 10 borrows into its high bit when 10 is taken from each byte.
        let x = u64::from_le_bytes(word) ^ (0x30 * ONES);
        if x.wrapping_sub(10 * ONES) & !x & HIGHS != 0 {
            break;
        }
        i += 8;
    }
    bytes
        .get(i..)?
        .iter()
        .position(u8::is_ascii_digit)
        .map(|k| i + k)
}

/// The value of a line whose only figure is one number of up to three
/// digits, dressed in punctuation at most ("12", "- 12 -", "[12]"): a page
/// number's forms.
pub fn lone_number(text: &str) -> Option<u32> {
    let mut runs = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|r| !r.is_empty());
    let run = runs.next()?;
    if runs.next().is_some() || run.len() > 3 || text.chars().any(char::is_alphabetic) {
        return None;
    }
    run.parse().ok()
}

/// The value of a line that is only a number (a page number or a footnote
/// marker), if it is one.
pub fn bare_number(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `char::is_alphanumeric`, answered from ranges for the scripts of the
/// corpus (Latin, Greek, Cyrillic) before the Unicode tables, whose binary
/// search costs more than the rest of a word scan.
#[inline]
pub(crate) fn is_alnum(c: char) -> bool {
    match c as u32 {
        0..=0x7f => c.is_ascii_alphanumeric(),
        0xc0..=0xd6
        | 0xd8..=0xf6
        | 0xf8..=0x24f
        | 0x391..=0x3a1
        | 0x3a3..=0x3ce
        | 0x400..=0x481
        | 0x48a..=0x52f => true,
        // General punctuation: dashes, quotes, bullets, spaces.
        0x2000..=0x206f => false,
        _ => c.is_alphanumeric(),
    }
}

/// Appends the lower case of `c` to `out`, with the same shortcuts as
/// [`is_alnum`] before `char::to_lowercase`'s table search.
#[inline]
pub(crate) fn push_lower(c: char, out: &mut String) {
    let u = c as u32;
    let shifted = match u {
        0..=0x7f => Some(u | (u32::from(c.is_ascii_uppercase()) << 5)),
        0xc0..=0xd6 | 0xd8..=0xde | 0x391..=0x3a1 | 0x3a3..=0x3a9 | 0x410..=0x42f => Some(u + 0x20),
        0x400..=0x40f => Some(u + 0x50),
        0xdf..=0xff | 0x3ac..=0x3ce | 0x430..=0x45f => Some(u),
        _ => None,
    };
    match shifted.and_then(char::from_u32) {
        Some(l) => out.push(l),
        None => out.extend(c.to_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(lines: &[Line]) -> Vec<crate::segment::Role> {
        vec![crate::segment::Role::Content; lines.len()]
    }

    #[test]
    fn character_shortcuts_agree_with_unicode() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            assert_eq!(is_alnum(c), c.is_alphanumeric(), "{c:?}");
            let mut fast = String::new();
            push_lower(c, &mut fast);
            assert_eq!(fast, c.to_lowercase().collect::<String>(), "{c:?}");
        }
    }

    #[test]
    fn sentence_ends_see_through_quotes_and_glued_references() {
        assert!(ends_sentence("the main source for regulating behaviour."));
        assert!(ends_sentence("during 20142015.1"));
        assert!(ends_sentence("sources of international law);3"));
        assert!(ends_sentence("environment’.11"));
        assert!(ends_sentence("the Government will:"));
        assert!(!ends_sentence("maintaining peace and stability"));
        assert!(!ends_sentence("Organization 52"));
        // Other languages' marks and quotes.
        assert!(ends_sentence("c'est la « sécurité numérique ».»"));
        assert!(ends_sentence("η κυβερνοασφάλεια;"));
        assert!(ends_sentence("网络安全。"));
        assert!(ends_sentence("「網路安全」。"));
        assert!(ends_sentence("هل هذا آمن؟"));
        assert!(!ends_sentence("الأمن السيبراني،"));
        assert!(starts_sentence("¿Qué"));
        assert!(starts_sentence("网络安全"));
        assert!(!starts_sentence("la sécurité"));
    }

    #[test]
    fn wrap_width_found_in_hard_wrapped_text() {
        let para = "word ".repeat(19) + "end";
        let text = (0..20)
            .map(|_| para.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let lines = split(&text);
        let layout = measure(&lines, &roles(&lines));
        assert_eq!(layout.width, Some(para.len()));
        let one_per_line = "A long paragraph on one line. ".repeat(20);
        let lines = split(&one_per_line);
        assert_eq!(measure(&lines, &roles(&lines)).width, None);
    }

    #[test]
    fn paragraphs_one_per_line_are_not_wrapped_text() {
        // As long as each other, but every one ends its sentence: no wrap.
        let text = (0..20)
            .map(|i| format!("Paragraph number {i:02} says what it has to say and stops."))
            .collect::<Vec<_>>()
            .join("\n");
        let lines = split(&text);
        assert_eq!(measure(&lines, &roles(&lines)).width, None);
    }

    #[test]
    fn local_width_follows_a_wider_part_but_not_merged_lines() {
        // A part wrapped at 60, then one wrapped at 95.
        let mut lengths = vec![58, 60, 59, 60, 41, 60, 57, 60, 60, 59, 33];
        lengths.extend([94, 95, 93, 95, 90, 95, 94, 95, 92, 95, 60]);
        let w = local_widths(&lengths, 60);
        assert_eq!(w[2], 60);
        assert!(w[16] >= 92, "{w:?}");
        // Pairs of lines merged by extraction (twice the width) among
        // normal ones leave the usual width alone.
        let merged = [85, 170, 84, 86, 168, 80, 86, 172, 83, 85, 166, 84];
        assert!(local_widths(&merged, 86).iter().all(|&w| w == 86));
        // Short lines alone (a table) say nothing.
        assert_eq!(local_widths(&[12, 8, 20, 15], 80), vec![80; 4]);
    }

    #[test]
    fn digits_found_eight_bytes_at_a_time() {
        let all: Vec<u8> = (0..=255).collect();
        for start in 0..all.len() {
            let expect = all[start..]
                .iter()
                .position(u8::is_ascii_digit)
                .map(|k| start + k);
            assert_eq!(next_digit(&all, start), expect, "from {start}");
        }
        let text = b"no figures in this line at all, none, nothing here";
        assert_eq!(next_digit(text, 0), None);
        let text = "été – “quoted” text ending in 2019".as_bytes();
        assert_eq!(next_digit(text, 0), Some(text.len() - 4));
        assert_eq!(next_digit(b"", 0), None);
        assert_eq!(next_digit(b"12", 5), None);
    }

    #[test]
    fn crlf_and_indentation() {
        let lines = split("a\r\n b\r\n\r\n");
        assert_eq!(lines[0].raw, "a");
        assert!(lines[1].indented);
        assert!(lines[2].blank);
        assert_eq!(lines.len(), 4);
    }
}
