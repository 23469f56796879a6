//! Pass 1b: the markup of text kept as a web page or a static site's
//! Markdown, before anything is decided on the words.
//!
//! Input: the lines. Output: lines that hold nothing of the document —
//! front matter, `<head>`, scripts and styles, comments, iframes, lines of
//! tags alone, kramdown attribute lines, site navigation (menus,
//! breadcrumbs, skip and share links, page footers) and tables of contents
//! made of links — marked [`Role::Dropped`] with their reason; the text of
//! lines wrapped in block tags (`<p>…</p>`) narrowed to what is inside;
//! and per line a [`Hint`] of the structure the markup states (an HTML
//! heading, paragraph or list item, a table row), which the block pass
//! follows instead of guessing from the layout. [`Markup`] also says
//! whether the text is Markdown or HTML at all.
//!
//! It refuses nothing: text without markup passes through untouched, and
//! every pass over it is linear (a block searched for its closing tag is
//! skipped once found).

use super::lines::Line;
use super::{Cut, CutWhat, DropReason, Role};

/// The structure the markup gives a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Hint {
    /// Nothing said: the layout decides.
    #[default]
    None,
    /// A block starts here (`<p>`, `<blockquote>`, `<div>`).
    Block,
    /// A list item starts here (`<li>`).
    Item,
    /// A heading of this level (`<h2>`, `####Heading`).
    Heading(u8),
    /// A table row starts here.
    Row,
    /// The row goes on: another cell.
    Cell,
    /// The open block goes on (inside `<p>…</p>`).
    Join,
}

/// What the pass found.
#[derive(Debug, Default)]
pub(crate) struct Markup {
    /// Per line: the structure the markup states.
    pub hints: Vec<Hint>,
    /// Whether the text is written in Markdown.
    pub markdown: bool,
    /// Whether the text is written in HTML.
    pub html: bool,
    /// Whether the text has front matter.
    pub front_matter: bool,
    /// Explicit headings (`#`, `<hN>`) seen.
    pub headings: usize,
}

/// HTML elements, for telling a tag from text between angle brackets
/// ("a < b and c > d").
const ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "address",
    "article",
    "aside",
    "b",
    "big",
    "blockquote",
    "body",
    "br",
    "button",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "li",
    "link",
    "main",
    "mark",
    "meta",
    "nav",
    "noscript",
    "ol",
    "p",
    "path",
    "picture",
    "pre",
    "q",
    "s",
    "script",
    "section",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "tt",
    "u",
    "ul",
    "video",
    "wbr",
];

/// Whether `name` (lower case) is an HTML element.
pub(crate) fn is_element(name: &[u8]) -> bool {
    ELEMENTS
        .binary_search_by(|e| e.as_bytes().cmp(name))
        .is_ok()
}

/// A tag at the start of `text`: its length in bytes, its name in lower
/// case (empty for a comment or `<!DOCTYPE>`) and whether it closes.
/// Recognised: `<name>`, `</name>`, `<name/>` for any short name, and
/// `<name attr="…">` for the names of HTML elements; `<!-- … -->` and
/// `<!…>` on one line.
pub(crate) fn tag_at(text: &str) -> Option<(usize, [u8; 10], bool)> {
    let b = text.as_bytes();
    if b.first() != Some(&b'<') || b.len() < 3 {
        return None;
    }
    let empty = [0u8; 10];
    if b[1] == b'!' {
        if let Some(rest) = text.strip_prefix("<!--") {
            let end = rest.find("-->")?;
            return Some((4 + end + 3, empty, false));
        }
        let end = text.find('>')?;
        return (end < 200 && b[2].is_ascii_alphabetic()).then_some((end + 1, empty, false));
    }
    let closing = b[1] == b'/';
    let start = 1 + usize::from(closing);
    let name_len = b[start..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    if name_len == 0 || name_len > 10 || !b[start].is_ascii_alphabetic() {
        return None;
    }
    let mut name = [0u8; 10];
    for (k, c) in b[start..start + name_len].iter().enumerate() {
        name[k] = c.to_ascii_lowercase();
    }
    let after = start + name_len;
    match b.get(after) {
        Some(b'>') => return Some((after + 1, name, closing)),
        Some(b'/') if b.get(after + 1) == Some(&b'>') => return Some((after + 2, name, closing)),
        Some(c) if c.is_ascii_whitespace() => {}
        _ => return None,
    }
    if !is_element(&name[..name_len]) {
        return None;
    }
    // Attributes: up to the `>` outside quotes, on this line.
    let mut quote = None;
    for (k, &c) in b.iter().enumerate().skip(after).take(1200) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(c),
            (None, b'>') => return Some((k + 1, name, closing)),
            (None, b'<') => return None,
            _ => {}
        }
    }
    None
}

/// The name of a tag as a string slice.
fn name_of(name: &[u8; 10]) -> &str {
    let len = name.iter().position(|&c| c == 0).unwrap_or(10);
    std::str::from_utf8(&name[..len]).unwrap_or("")
}

/// Tags that frame text without being part of it: stripped from the start
/// and end of a line so that the rest is read as the text it is.
fn frames(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "span"
            | "li"
            | "ul"
            | "ol"
            | "blockquote"
            | "section"
            | "article"
            | "main"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "em"
            | "strong"
            | "b"
            | "i"
            | "u"
            | "small"
            | "br"
            | "hr"
            | "font"
            | "center"
            | "dd"
            | "dt"
            | "dl"
            | "figure"
            | "figcaption"
            | "caption"
            | "a"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "details"
            | "summary"
            | "header"
            | "aside"
            | ""
    )
}

/// Blocks whose content is not the document's text, with the reason their
/// lines are dropped.
fn hidden_block(name: &str) -> Option<DropReason> {
    match name {
        "head" | "script" | "style" | "noscript" | "svg" | "template" | "iframe" | "video" => {
            Some(DropReason::Markup)
        }
        "nav" | "footer" => Some(DropReason::Navigation),
        _ => None,
    }
}

/// Whether a line holds tags and nothing else.
fn tags_only(text: &str) -> bool {
    let mut rest = text.trim();
    let mut any = false;
    while !rest.is_empty() {
        match tag_at(rest) {
            Some((len, _, _)) => {
                any = true;
                rest = rest[len..].trim_start();
            }
            None => return false,
        }
    }
    any
}

/// Marks the markup of a document; narrows lines' text to what their
/// framing tags enclose.
pub(crate) fn mark(lines: &mut [Line], roles: &mut [Role]) -> Markup {
    let mut out = Markup {
        hints: vec![Hint::None; lines.len()],
        ..Markup::default()
    };
    // Most documents hold no markup at all: one look at each line's first
    // byte and a few marks says so.
    let mut tag_lines = 0usize;
    let mut md = 0usize;
    for l in lines.iter() {
        let t = l.text.as_bytes();
        match t.first() {
            // Inline tags (`<b>`) at a line start say little: a PDF
            // converter may keep a few; block tags make a web page.
            Some(b'<') if tag_at(l.text).is_some_and(|(_, name, _)| !inline(name_of(&name))) => {
                tag_lines += 1;
            }
            Some(b'#') => md += 1,
            Some(b'|') | Some(b'{') => md += 1,
            _ => {}
        }
        if l.text.contains("](") {
            md += 1;
        }
    }
    out.front_matter = front_matter(lines, roles);
    if tag_lines == 0 && md == 0 {
        return out;
    }
    if tag_lines > 0 {
        html_blocks(lines, roles, &mut out);
    }
    markdown(lines, roles, &mut out);
    let explicit = out
        .hints
        .iter()
        .filter(|h| matches!(h, Hint::Heading(_)))
        .count();
    out.headings = explicit;
    out.html = tag_lines >= 3;
    out.markdown = out.front_matter || md >= 3 || explicit >= 2;
    out
}

/// YAML (`---`) or TOML (`+++`) front matter at the top: the fences and
/// what they hold, when it reads as `key: value` lines.
fn front_matter(lines: &[Line], roles: &mut [Role]) -> bool {
    let Some(first) = lines.iter().position(|l| !l.blank) else {
        return false;
    };
    let fence = lines[first].text;
    if fence != "---" && fence != "+++" {
        return false;
    }
    let close = lines
        .iter()
        .enumerate()
        .skip(first + 1)
        .take(200)
        .find(|(_, l)| l.text == fence || (fence == "---" && l.text == "..."))
        .map(|(i, _)| i);
    let Some(close) = close else { return false };
    let keyed = lines[first + 1..close]
        .iter()
        .filter(|l| {
            let t = l.text;
            let key_end = t.find([':', '=']).unwrap_or(0);
            key_end > 0
                && t[..key_end]
                    .trim()
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        })
        .count();
    if keyed == 0 {
        return false;
    }
    for r in &mut roles[first..=close] {
        if *r != Role::Blank {
            *r = Role::Dropped(DropReason::FrontMatter);
        }
    }
    true
}

/// HTML: hidden blocks, tag-only lines, block and row hints, and each
/// line's text narrowed to what its framing tags enclose.
fn html_blocks(lines: &mut [Line], roles: &mut [Role], out: &mut Markup) {
    let mut i = 0;
    // Inside `<table>`: whether a row opened since the last cell text.
    let mut table = 0usize;
    let mut row_open = false;
    // Inside `<p>` (or another block) not yet closed.
    let mut open_block = false;
    while i < lines.len() {
        if roles[i] != Role::Content {
            i += 1;
            continue;
        }
        let text = lines[i].text;
        // A hidden block runs to its closing tag.
        if let Some((_, name, false)) = tag_at(text) {
            let name = name_of(&name).to_string();
            if let Some(reason) = hidden_block(&name) {
                let close = format!("</{name}");
                let end = (i..lines.len().min(i + 2000))
                    .find(|&j| contains_ci(lines[j].text, &close))
                    .unwrap_or(i);
                for r in &mut roles[i..=end] {
                    if *r == Role::Content {
                        *r = Role::Dropped(reason);
                    }
                }
                i = end + 1;
                continue;
            }
        }
        if text.starts_with("<!--") && !text.contains("-->") {
            let end = (i..lines.len().min(i + 2000))
                .find(|&j| lines[j].text.contains("-->"))
                .unwrap_or(i);
            for r in &mut roles[i..=end] {
                if *r == Role::Content {
                    *r = Role::Dropped(DropReason::Markup);
                }
            }
            i = end + 1;
            continue;
        }
        // The structure the line's tags state, read from all its tags.
        let was_open = open_block;
        let mut hint = Hint::None;
        let mut rest = text;
        while let Some(k) = rest.find('<') {
            let Some((len, name, closing)) = tag_at(&rest[k..]) else {
                rest = &rest[k + 1..];
                continue;
            };
            let name = name_of(&name);
            match (name, closing) {
                ("table", false) => table += 1,
                ("table", true) => table = table.saturating_sub(1),
                ("tr", false) => row_open = true,
                ("p" | "blockquote" | "div" | "dd" | "dt" | "figcaption" | "caption", false)
                    if hint == Hint::None =>
                {
                    hint = Hint::Block;
                    open_block = true;
                }
                ("li", false) if hint == Hint::None => {
                    hint = Hint::Item;
                    open_block = true;
                }
                (h, false) if h.len() == 2 && h.starts_with('h') && hint == Hint::None => {
                    if let Some(level) = h[1..].parse::<u8>().ok().filter(|l| (1..=6).contains(l)) {
                        hint = Hint::Heading(level);
                    }
                }
                ("p" | "blockquote" | "div" | "li" | "dd" | "dt", true) => open_block = false,
                _ => {}
            }
            rest = &rest[k + len..];
        }
        if tags_only(text) {
            roles[i] = Role::Dropped(DropReason::Markup);
            i += 1;
            continue;
        }
        if table > 0 || row_open {
            hint = if row_open { Hint::Row } else { Hint::Cell };
            row_open = false;
        } else if hint == Hint::None && was_open {
            hint = Hint::Join;
        }
        out.hints[i] = hint;
        narrow(&mut lines[i]);
        i += 1;
    }
}

/// Inline elements: they dress words inside a line.
fn inline(name: &str) -> bool {
    matches!(
        name,
        "a" | "b"
            | "i"
            | "u"
            | "em"
            | "strong"
            | "span"
            | "sup"
            | "sub"
            | "small"
            | "big"
            | "font"
            | "code"
            | "tt"
            | "s"
            | "strike"
            | "mark"
            | "q"
            | "cite"
            | "abbr"
    )
}

/// Narrows a line's text to what its framing tags at either end enclose.
fn narrow(line: &mut Line) {
    let mut t = line.text;
    loop {
        match tag_at(t) {
            Some((len, name, _)) if frames(name_of(&name)) => t = t[len..].trim_start(),
            _ => break,
        }
    }
    while let Some(open) = t.rfind('<') {
        match tag_at(&t[open..]) {
            Some((len, name, _)) if open + len == t.len() && frames(name_of(&name)) => {
                t = t[..open].trim_end();
            }
            _ => break,
        }
    }
    if t.len() != line.text.len() {
        line.text = t;
        line.chars = t.chars().count();
    }
}

/// ASCII case-insensitive `haystack.contains(needle)`.
fn contains_ci(haystack: &str, needle: &str) -> bool {
    let n = needle.as_bytes();
    haystack
        .as_bytes()
        .windows(n.len())
        .any(|w| w.eq_ignore_ascii_case(n))
}

/// A Markdown heading's level: `#`…`######` before its text, with a space
/// or (as some sites write it) without one before a capital or a digit.
pub(crate) fn md_heading_level(text: &str) -> Option<u8> {
    let hashes = text.len() - text.trim_start_matches('#').len();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = &text[hashes..];
    let spaced = rest.starts_with(' ') || rest.starts_with('\t');
    let glued = rest.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit());
    ((spaced || glued) && rest.trim().chars().any(char::is_alphanumeric)).then_some(hashes as u8)
}

/// Markdown: kramdown attribute lines, pipe-table rows, link lists
/// (tables of contents and navigation) and headings.
fn markdown(lines: &mut [Line], roles: &mut [Role], out: &mut Markup) {
    // Link-only lines: (line, to anchors only).
    let mut link_lines: Vec<(usize, bool)> = Vec::new();
    for i in 0..lines.len() {
        if roles[i] != Role::Content {
            continue;
        }
        let t = lines[i].text;
        if t.starts_with("{:") && t.ends_with('}') {
            // `{:toc}` replaces the line before it with the contents.
            if t.contains("toc") {
                if let Some(j) = (0..i).rev().find(|&j| !lines[j].blank) {
                    if roles[j] == Role::Content && lines[j].text.ends_with("TOC") {
                        roles[j] = Role::Dropped(DropReason::TableOfContents);
                    }
                }
            }
            roles[i] = Role::Dropped(DropReason::Markup);
            continue;
        }
        if out.hints[i] == Hint::None {
            if let Some(level) = md_heading_level(t) {
                out.hints[i] = Hint::Heading(level);
                continue;
            }
        }
        // A quotation's `>` marks.
        if t.starts_with("> ") || t == ">" {
            let inner = t.trim_start_matches(['>', ' ']);
            lines[i].text = inner;
            lines[i].chars = inner.chars().count();
            if inner.is_empty() {
                roles[i] = Role::Dropped(DropReason::Markup);
            }
            continue;
        }
        if t.starts_with('|') && t.ends_with('|') && t.len() > 2 {
            out.hints[i] = Hint::Row;
            let inner = t[1..t.len() - 1].trim();
            lines[i].text = inner;
            lines[i].chars = inner.chars().count();
            continue;
        }
        if let Some(anchors) = link_only(t) {
            link_lines.push((i, anchors));
        }
    }
    // Runs of link-only lines (a blank line between them at most): a
    // contents list when they point into the page, navigation otherwise;
    // a lone link into the page ("Skip to content", "Back to top") is
    // navigation too.
    let mut k = 0;
    while k < link_lines.len() {
        let mut end = k + 1;
        while end < link_lines.len() && {
            let (a, b) = (link_lines[end - 1].0, link_lines[end].0);
            (a + 1..b).all(|j| lines[j].blank || roles[j] != Role::Content) && b - a <= 3
        } {
            end += 1;
        }
        let run = &link_lines[k..end];
        let anchors = run.iter().filter(|(_, a)| *a).count();
        let reason = if run.len() >= 3 && anchors * 2 > run.len() {
            Some(DropReason::TableOfContents)
        } else if run.len() >= 2 || anchors == run.len() || links_in(lines[run[0].0].text) >= 2 {
            Some(DropReason::Navigation)
        } else {
            None
        };
        if let Some(reason) = reason {
            for &(i, _) in run {
                roles[i] = Role::Dropped(reason);
            }
            // The contents' title, above the list past markup and blanks.
            if reason == DropReason::TableOfContents {
                let mut j = run[0].0;
                while j > 0 {
                    j -= 1;
                    if lines[j].blank || matches!(roles[j], Role::Dropped(_)) {
                        continue;
                    }
                    let key: String = lines[j].text.trim_start_matches('#').trim().to_lowercase();
                    if matches!(
                        key.as_str(),
                        "table of contents" | "contents" | "on this page"
                    ) {
                        roles[j] = Role::Dropped(DropReason::TableOfContents);
                    }
                    break;
                }
            }
        }
        k = end;
    }
}

/// How many Markdown links a line holds.
fn links_in(text: &str) -> usize {
    text.matches("](").count()
}

/// If the line is made of Markdown links and nothing else (but a list
/// marker, separators and up to three other words): whether they all
/// point into the page (`#anchor`).
fn link_only(text: &str) -> Option<bool> {
    if !text.contains("](") {
        return None;
    }
    let t = text.trim_start_matches(['-', '*', '+', ' ']);
    let t = t
        .split_once(". ")
        .filter(|(n, _)| n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty())
        .map_or(t, |(_, rest)| rest);
    let mut rest = t;
    let mut links = 0;
    let mut anchors = 0;
    let mut words = 0;
    while !rest.is_empty() {
        if rest.starts_with('[') {
            let close = rest.find("](")?;
            let end = rest[close..].find(')')? + close;
            let target = &rest[close + 2..end];
            links += 1;
            if target.starts_with('#') {
                anchors += 1;
            }
            rest = &rest[end + 1..];
            // A kramdown attribute after the link.
            if rest.starts_with("{:") {
                rest = rest.find('}').map_or("", |e| &rest[e + 1..]);
            }
            continue;
        }
        let c = rest.chars().next()?;
        if c.is_alphanumeric() {
            let w = rest
                .find(|c: char| c.is_whitespace() || c == '[')
                .unwrap_or(rest.len());
            words += 1;
            rest = &rest[w..];
        } else {
            rest = &rest[c.len_utf8()..];
        }
    }
    (links >= 1 && words <= 3 && (words == 0 || links >= 2)).then_some(anchors == links)
}

/// The markup inside a line of Markdown: each link's brackets and target
/// (the label stays), each image whole, each kramdown or Pandoc attribute
/// list (`{: .no_toc}`, `{#top}`). In a note (`note`), a link to another
/// site keeps its address, which is the reference: the clean-up writes it
/// after the label.
pub(crate) fn inline_cuts(text: &str, note: bool, out: &mut Vec<Cut>) {
    let b = text.as_bytes();
    let markup = |start: usize, end: usize| Cut {
        start,
        end,
        what: CutWhat::Markup,
    };
    let mut search = 0;
    while let Some(k) = text[search..].find("](") {
        let mid = search + k;
        search = mid + 2;
        let Some(open) = label_open(b, mid) else {
            continue;
        };
        let Some(close) = target_close(b, mid + 2) else {
            continue;
        };
        let target = text[mid + 2..close].trim();
        if open > 0 && b[open - 1] == b'!' {
            out.push(markup(open - 1, close + 1));
        } else if !(note && absolute(target)) {
            out.push(markup(open, open + 1));
            out.push(markup(mid, close + 1));
        }
        search = close + 1;
    }
    let mut search = 0;
    while let Some(k) = text[search..].find('{') {
        let at = search + k;
        search = at + 1;
        if !matches!(b.get(at + 1), Some(b':' | b'#' | b'.')) {
            continue;
        }
        let Some(len) = text[at..].bytes().take(120).position(|c| c == b'}') else {
            continue;
        };
        out.push(markup(at, at + len + 1));
        search = at + len + 1;
    }
}

/// The `[` that opens the label ending at `mid` (the `]` of `](`), past
/// brackets nested in the label, within 400 bytes.
fn label_open(b: &[u8], mid: usize) -> Option<usize> {
    let mut depth = 0;
    let from = mid.saturating_sub(400);
    for j in (from..mid).rev() {
        match b[j] {
            b']' => depth += 1,
            b'[' if depth == 0 => return Some(j),
            b'[' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The `)` that closes a link target starting at `from`: parentheses may
/// nest, spaces only inside `<…>` or after a title's quote.
fn target_close(b: &[u8], from: usize) -> Option<usize> {
    let mut depth = 0;
    let mut angle = false;
    for (j, &c) in b.iter().enumerate().skip(from).take(600) {
        match c {
            b'<' => angle = true,
            b'>' => angle = false,
            b'(' => depth += 1,
            b')' if depth == 0 => return Some(j),
            b')' => depth -= 1,
            b' ' if !angle && !b[from..j].contains(&b'"')
                // A title after the address: `(url "Title")`.
                && b.get(j + 1) != Some(&b'"') =>
            {
                return None;
            }
            _ => {}
        }
    }
    None
}

/// Whether a link target is an address on another site.
fn absolute(target: &str) -> bool {
    target.starts_with("http://") || target.starts_with("https://") || target.starts_with("www.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::lines::split;

    fn run(text: &str) -> (Vec<Role>, Markup, Vec<String>) {
        let mut lines = split(text);
        let mut roles: Vec<Role> = lines
            .iter()
            .map(|l| if l.blank { Role::Blank } else { Role::Content })
            .collect();
        let m = mark(&mut lines, &mut roles);
        let texts = lines.iter().map(|l| l.text.to_string()).collect();
        (roles, m, texts)
    }

    #[test]
    fn elements_sorted() {
        assert!(ELEMENTS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn tags() {
        assert_eq!(tag_at("<b>x").map(|t| t.0), Some(3));
        assert_eq!(tag_at("</td>").map(|t| (t.0, t.2)), Some((5, true)));
        assert_eq!(tag_at("<a href=\"x>y\">label</a>").map(|t| t.0), Some(14));
        assert_eq!(tag_at("<!-- note -->x").map(|t| t.0), Some(13));
        assert!(tag_at("< b").is_none());
        assert!(tag_at("<notanelement x=1>").is_none());
        assert!(tag_at("<p class=\"a").is_none());
    }

    #[test]
    fn front_matter_and_kramdown() {
        let (roles, m, _) = run("---\nlayout: page\ntitle: X\n---\n# X\n{: .no_toc}\n\nText.");
        assert!(m.front_matter);
        assert!(roles[..4]
            .iter()
            .all(|r| *r == Role::Dropped(DropReason::FrontMatter)));
        assert_eq!(m.hints[4], Hint::Heading(1));
        assert_eq!(roles[5], Role::Dropped(DropReason::Markup));
        assert_eq!(roles[7], Role::Content);
        // A rule at the top is not front matter.
        let (roles, _, _) = run("---\nSome text.\n---\nMore.");
        assert!(roles.iter().all(|r| *r == Role::Content));
    }

    #[test]
    fn html_blocks_hints_and_text() {
        let text = "<head>\n<title>T</title>\n</head>\n<h2 id=\"s\">Sovereignty</h2>\n\
                    <p>One line.</p>\n<p>Two\nlines.</p>\n<script>\nx = 1;\n</script>\n\
                    <table>\n<tr><td>a</td><td>b</td></tr>\n<tr>\n<td>c</td>\n<td>d</td>\n</tr>\n</table>";
        let (roles, m, texts) = run(text);
        assert!(roles[..3]
            .iter()
            .all(|r| *r == Role::Dropped(DropReason::Markup)));
        assert_eq!(m.hints[3], Hint::Heading(2));
        assert_eq!(texts[3], "Sovereignty");
        assert_eq!((m.hints[4], texts[4].as_str()), (Hint::Block, "One line."));
        assert_eq!(m.hints[5], Hint::Block);
        assert_eq!((m.hints[6], texts[6].as_str()), (Hint::Join, "lines."));
        assert!(roles[7..10]
            .iter()
            .all(|r| *r == Role::Dropped(DropReason::Markup)));
        assert_eq!(texts[11], "a</td><td>b");
        assert_eq!(m.hints[11], Hint::Row);
        assert_eq!(roles[12], Role::Dropped(DropReason::Markup));
        assert_eq!((m.hints[13], texts[13].as_str()), (Hint::Row, "c"));
        assert_eq!((m.hints[14], texts[14].as_str()), (Hint::Cell, "d"));
    }

    #[test]
    fn link_lists() {
        assert_eq!(link_only("- [Preamble](#preamble)"), Some(true));
        assert_eq!(link_only("* [Home](/)"), Some(false));
        assert_eq!(link_only("1. [Article 1](#a1){: .x}"), Some(true));
        assert_eq!(
            link_only("*Share this:* [Twitter](https://t) · [LinkedIn](https://l)"),
            Some(false)
        );
        assert_eq!(link_only("Posted on June 3, 2021 by [Board](/a/)"), None);
        assert_eq!(link_only("see [the report](x) for more"), None);
        let (roles, _, _) =
            run("## Contents\n\n- [A](#a)\n- [B](#b)\n- [C](#c)\n\n## A\n\nText [x](#a).");
        let toc = Role::Dropped(DropReason::TableOfContents);
        assert_eq!(roles[0], toc);
        assert!(roles[2..5].iter().all(|r| *r == toc));
        assert_eq!(roles[8], Role::Content);
    }

    #[test]
    fn links_images_and_attributes_cut() {
        let cut = |text: &str, note: bool| {
            let mut cuts = Vec::new();
            inline_cuts(text, note, &mut cuts);
            cuts.sort_by_key(|c| c.start);
            let mut kept = String::new();
            let mut at = 0;
            for c in cuts {
                if c.start >= at {
                    kept.push_str(&text[at..c.start]);
                    at = c.end;
                }
            }
            kept.push_str(&text[at..]);
            kept
        };
        assert_eq!(
            cut("the [Convention](../ets-005/README.md) of 1950", false),
            "the Convention of 1950"
        );
        assert_eq!(
            cut(
                "[Series No. 185](../../x/README.md){: .source-link} now",
                false
            ),
            "Series No. 185 now"
        );
        assert_eq!(cut("# Title\n{: .no_toc}", false), "# Title\n");
        assert_eq!(cut("see ![a figure](img.png) here", false), "see  here");
        assert_eq!(
            cut("the [site](https://example.org/a_(b)) says", true),
            "the [site](https://example.org/a_(b)) says"
        );
        assert_eq!(
            cut("the [site](https://example.org) says", false),
            "the site says"
        );
        assert_eq!(cut("a [b] c (d) e", false), "a [b] c (d) e");
    }

    #[test]
    fn headings_without_a_space() {
        assert_eq!(md_heading_level("####Section 1"), Some(4));
        assert_eq!(md_heading_level("## Title"), Some(2));
        assert_eq!(md_heading_level("#hashtag"), None);
        assert_eq!(md_heading_level("#######"), None);
    }
}
