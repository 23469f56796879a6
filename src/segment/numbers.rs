//! Pass 4: numbers standing alone on their lines — page numbers, or the
//! document's own paragraph numbers.
//!
//! Input: the lines and their roles after the furniture and footnote
//! passes (footnote markers are claimed by then). Output: each bare number
//! marked [`Role::Dropped`] as a page number, or given back as the label of
//! the paragraph below it, or left as text.
//!
//! A number is read in its sequence, never alone: the numbers are chained
//! in line order (each continuing the chain whose last value is at most
//! three below it), and each chain is judged by where its numbers stand.
//! Page numbers stand at page breaks — beside a running header or another
//! page number, between the halves of a cut sentence, far apart — while
//! paragraph numbers stand right above the paragraph they number, often
//! with the tab the extraction left after them (`5<TAB>`), a few lines
//! apart. A number outside any chain of three is a page number only at a
//! page break; otherwise it stays text (a figure, a year).

use super::lines::{bare_number, ends_sentence, starts_lowercase, starts_sentence, Line};
use super::{DropReason, Role};

/// One bare number and what its neighbourhood says.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    line: usize,
    value: u32,
    /// The extraction left a tab after it.
    tab: bool,
    /// A line of text starts right below it.
    heads_text: bool,
    /// Page furniture stands within three lines.
    near_furniture: bool,
    /// It stands between the halves of a sentence.
    mid_sentence: bool,
}

/// The most chains kept open at once: numbers of a table or a list do not
/// make the search quadratic.
const OPEN_CHAINS: usize = 24;

/// Classifies the bare numbers of a document. Marks page numbers; returns,
/// per line, the paragraph number it carries for the paragraph below it.
pub(crate) fn classify(lines: &[Line], roles: &mut [Role]) -> Vec<Option<u32>> {
    let mut labels = vec![None; lines.len()];
    let candidates: Vec<Candidate> = (0..lines.len())
        .filter(|&i| roles[i] == Role::Content)
        // Four digits are a year or a figure, not a page.
        .filter_map(|i| {
            bare_number(lines[i].text)
                .filter(|&v| v < 1000)
                .map(|v| (i, v))
        })
        .map(|(i, value)| describe(lines, roles, i, value))
        .collect();
    if candidates.is_empty() {
        return labels;
    }
    // Chains of numbers that grow by one to three.
    let mut chains: Vec<Vec<usize>> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    for (k, c) in candidates.iter().enumerate() {
        let best = open
            .iter()
            .enumerate()
            .filter_map(|(o, &ch)| {
                let last = candidates[*chains[ch].last()?];
                let step = c.value.checked_sub(last.value)?;
                // A chain keeps to one form: tabbed numbers apart from
                // plain ones.
                ((1..=3).contains(&step) && last.tab == c.tab).then_some((step, o))
            })
            .min_by_key(|&(step, o)| (step, std::cmp::Reverse(o)));
        match best {
            Some((_, o)) => {
                let ch = open.remove(o);
                chains[ch].push(k);
                open.push(ch);
            }
            None => {
                chains.push(vec![k]);
                open.push(chains.len() - 1);
                if open.len() > OPEN_CHAINS {
                    open.remove(0);
                }
            }
        }
    }
    for chain in &chains {
        let members: Vec<&Candidate> = chain.iter().map(|&k| &candidates[k]).collect();
        let n = members.len();
        let share = |f: fn(&Candidate) -> bool| members.iter().filter(|c| f(c)).count() * 10 / n;
        let tabbed = share(|c| c.tab);
        let heads = share(|c| c.heads_text);
        let near = share(|c| c.near_furniture);
        let mid = members.iter().any(|c| c.mid_sentence);
        let mut gaps: Vec<usize> = members.windows(2).map(|w| w[1].line - w[0].line).collect();
        gaps.sort_unstable();
        let median_gap = gaps.get(gaps.len() / 2).copied().unwrap_or(0);
        // A page a time: most steps are one, and no two numbers stand a
        // few lines apart (a table's figures do).
        let ones = members
            .windows(2)
            .filter(|w| w[1].value == w[0].value + 1)
            .count();
        let paced = ones * 2 >= n - 1 && gaps.first().is_none_or(|&g| g >= 5);
        let label = n >= 2 && (tabbed >= 5 || (n >= 3 && heads >= 8 && near <= 2 && !mid));
        // Pages are long: their numbers stand far apart, or beside other
        // furniture, or inside cut sentences.
        let page =
            !label && paced && ((n >= 2 && near >= 5) || (n >= 3 && (median_gap >= 15 || mid)));
        for c in members {
            if label {
                labels[c.line] = Some(c.value);
            } else if page || c.mid_sentence {
                roles[c.line] = Role::Dropped(DropReason::PageNumber);
            }
        }
    }
    labels
}

/// What the lines around the bare number at `i` say about it.
fn describe(lines: &[Line], roles: &[Role], i: usize, value: u32) -> Candidate {
    let content = |j: usize| roles[j] == Role::Content && !lines[j].blank;
    let next = (i + 1..lines.len()).find(|&j| content(j));
    let prev = (0..i).rev().find(|&j| content(j));
    let heads_text = next.is_some_and(|j| {
        j == i + 1 && starts_sentence(lines[j].text) && bare_number(lines[j].text).is_none()
    });
    let furniture = |j: usize| {
        lines[j].form_feed
            || matches!(
                roles[j],
                Role::Dropped(DropReason::RunningHeader | DropReason::PageNumber)
            )
    };
    let near_furniture = lines[i].form_feed
        || (i.saturating_sub(3)..(i + 4).min(lines.len())).any(|j| j != i && furniture(j));
    let mid_sentence = match (prev, next) {
        (Some(p), Some(n)) => !ends_sentence(lines[p].text) && starts_lowercase(lines[n].text),
        _ => false,
    };
    Candidate {
        line: i,
        value,
        tab: lines[i].raw.contains('\t'),
        heads_text,
        near_furniture,
        mid_sentence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::lines::split;

    fn run(text: &str) -> (Vec<Role>, Vec<Option<u32>>) {
        let lines = split(text);
        let mut roles: Vec<Role> = lines
            .iter()
            .map(|l| if l.blank { Role::Blank } else { Role::Content })
            .collect();
        let labels = classify(&lines, &mut roles);
        (roles, labels)
    }

    #[test]
    fn tabbed_paragraph_numbers_are_labels_page_numbers_are_not() {
        let mut text = String::new();
        let mut page = 2;
        for n in 1..=9 {
            text.push_str(&format!(
                "{n}\t\nThe paragraph number {n} says what it says over\ntwo lines of text\n\
                 and three more lines of it, and\nfour, and\nfive.\n\n"
            ));
            if n % 3 == 0 {
                text.push_str(&format!("{page}\n\n"));
                page += 1;
            }
        }
        let (roles, labels) = run(&text);
        let lines = split(&text);
        for (i, l) in lines.iter().enumerate() {
            if l.raw.contains('\t') {
                assert_eq!(labels[i], bare_number(l.text), "line {i}");
            } else if bare_number(l.text).is_some() {
                assert_eq!(roles[i], Role::Dropped(DropReason::PageNumber), "line {i}");
                assert_eq!(labels[i], None);
            }
        }
    }

    #[test]
    fn a_lone_figure_stays_text() {
        let (roles, labels) = run("The budget is set in the annex.\n\n2022\n\nThe plan follows.");
        assert_eq!(roles[2], Role::Content);
        assert_eq!(labels[2], None);
        // Between the halves of a sentence it is a page number.
        let (roles, _) = run("the budget is set\n14\nin the annex.");
        assert_eq!(roles[1], Role::Dropped(DropReason::PageNumber));
    }
}
