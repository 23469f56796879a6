//! The page each line stands on.
//!
//! Input: the lines, the roles the earlier passes gave them and the page
//! numbers printed in running headers and footers. Output: the page of
//! every line, or none when the layout shows no page breaks (web text,
//! plain text without form feeds). Refused: numbers that do not run as a
//! plausible page sequence (a chapter number, a table's figures), and a
//! table of contents as a page break.

use super::lines::{self, Line};
use super::{DropReason, Role};
/// The most characters of text a page holds: a dense page of small print
/// holds about 6,000 (900 words). A stretch of three pages' worth under one page
/// number means page breaks went unseen (pages without footers, a cover
/// read by OCR), and every page number given in it after the first would
/// be wrong.
const PAGE_CHARS: usize = 20_000;

/// The page of every line (0: not known) where the layout shows pages;
/// `None` when it shows no page breaks at all. See [`page_numbers`]; a
/// stretch under one number holding more than [`PAGE_CHARS`] characters gets
/// no page: a citation gives no page rather than a wrong one.
pub(crate) fn pages(
    lines: &[Line],
    layout: &lines::Layout,
    roles: &[Role],
    furniture: &[(usize, u32)],
) -> Option<Vec<u32>> {
    let mut out = page_numbers(lines, layout, roles, furniture)?;
    let mut from = 0;
    while from < out.len() {
        let page = out[from];
        let to = from + out[from..].iter().take_while(|&&p| p == page).count();
        let chars: usize = (from..to)
            .filter(|&i| matches!(roles[i], Role::Content | Role::FootnoteText))
            .map(|i| lines[i].chars)
            .sum();
        if chars > PAGE_CHARS {
            out[from..to].fill(0);
        }
        from = to;
    }
    Some(out)
}

/// The page of every line: the printed number where the source has page
/// numbers, otherwise the page count from page breaks; `None` when the
/// layout shows no page breaks at all.
fn page_numbers(
    lines: &[Line],
    layout: &lines::Layout,
    roles: &[Role],
    furniture: &[(usize, u32)],
) -> Option<Vec<u32>> {
    // The numbers that run in order; a chapter number or a stray figure
    // among them is left out.
    let in_order = |printed: &[(usize, u32)]| {
        let run = increasing_run(printed);
        // A page sequence steps a page or two at a time (a blank page, a
        // full-page figure), not by tens.
        let mut steps: Vec<u32> = run.windows(2).map(|w| w[1].1 - w[0].1).collect();
        steps.sort_unstable();
        let plausible = steps.get(steps.len() / 2).is_some_and(|&s| s <= 3);
        (run.len() >= 3 && run.len() * 5 >= printed.len() * 3 && plausible).then_some(run)
    };
    // Numbers in running headers and footers say what they are; bare
    // numbers may be a table's figures, so they serve only without those.
    let bare: Vec<(usize, u32)> = lines
        .iter()
        .zip(roles)
        .enumerate()
        .filter(|(_, (_, r))| **r == Role::Dropped(DropReason::PageNumber))
        .filter_map(|(i, (l, _))| lines::lone_number(l.text).map(|n| (i, n)))
        .collect();
    if let Some(printed) = in_order(furniture).or_else(|| in_order(&bare)) {
        let mut out = vec![0; lines.len()];
        if numbers_head_pages(roles, &printed) {
            // A line stands on the page whose number came before it.
            let mut last = printed.first().map_or(1, |p| p.1.saturating_sub(1).max(1));
            let mut next = printed.iter().peekable();
            for (i, slot) in out.iter_mut().enumerate() {
                while let Some(&&(j, n)) = next.peek() {
                    if j > i {
                        break;
                    }
                    last = n;
                    next.next();
                }
                *slot = last;
            }
        } else {
            // A line stands on the page whose number follows it.
            let mut next = printed.iter().peekable();
            for (i, slot) in out.iter_mut().enumerate() {
                while next.peek().is_some_and(|(j, _)| *j < i) {
                    next.next();
                }
                *slot = match next.peek() {
                    Some((_, n)) => *n,
                    None => printed.last().map_or(1, |(_, n)| n + 1),
                };
            }
        }
        return Some(out);
    }
    let mut out = Vec::with_capacity(lines.len());
    let mut page = 1;
    let mut breaks = 0;
    let mut pending = false;
    let mut seen_content = false;
    for (l, r) in lines.iter().zip(roles) {
        // A table of contents is no page break: it may fill less than a
        // page or several.
        let signal = match r {
            Role::Dropped(DropReason::TableOfContents) => false,
            Role::Dropped(reason) => reason.breaks_page(),
            Role::Content if !l.blank => l.form_feed || (layout.indent_marks_page && l.indented),
            _ => false,
        };
        if signal && seen_content {
            pending = true;
        }
        if matches!(r, Role::Content) && !l.blank {
            if pending {
                page += 1;
                breaks += 1;
                pending = false;
            }
            seen_content = true;
        }
        // Footnote text closes its page: the next content starts a new one.
        if matches!(r, Role::FootnoteText) {
            pending = true;
        }
        out.push(page);
    }
    // One break gives two pages: too little to say the text shows pages.
    (breaks > 1).then_some(out)
}

/// The longest subsequence of `(line, number)` pairs whose numbers grow.
pub(crate) fn increasing_run(pairs: &[(usize, u32)]) -> Vec<(usize, u32)> {
    // Patience sorting: `tails[k]` ends the best run of length k + 1 found
    // so far; `prev` links each pair to the one before it in its run.
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<Option<usize>> = vec![None; pairs.len()];
    for (i, &(_, n)) in pairs.iter().enumerate() {
        let k = tails.partition_point(|&t| pairs[t].1 < n);
        prev[i] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(i);
        } else {
            tails[k] = i;
        }
    }
    let mut run = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied();
    while let Some(i) = at {
        run.push(pairs[i]);
        at = prev[i];
    }
    run.reverse();
    run
}

/// Whether the printed page numbers head their pages rather than foot them:
/// most stand nearer the text after them than the text before them.
fn numbers_head_pages(roles: &[Role], printed: &[(usize, u32)]) -> bool {
    let text = |r: &Role| matches!(r, Role::Content);
    let mut heads = 0;
    let mut feet = 0;
    for &(i, _) in printed {
        // Near text only: a long stretch without any says nothing, and
        // scanning it for every number would be quadratic.
        let above = roles[..i].iter().rev().take(64).position(text);
        let below = roles[i + 1..].iter().take(64).position(text);
        match (above, below) {
            (Some(a), Some(b)) if b < a => heads += 1,
            (Some(a), Some(b)) if a < b => feet += 1,
            (None, Some(_)) => heads += 1,
            (Some(_), None) => feet += 1,
            _ => {}
        }
    }
    heads > feet
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_in_order_survive_strays() {
        let pairs = [(1, 3), (5, 4), (9, 1), (12, 5), (15, 6), (20, 2), (24, 7)];
        let run = increasing_run(&pairs);
        assert_eq!(run, vec![(1, 3), (5, 4), (12, 5), (15, 6), (24, 7)]);
    }
}
