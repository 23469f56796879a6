//! Scoring: the counts of the cues found in a passage (and in its section
//! heading) become themes by the taxonomy's [`Scoring`] rules — sums of
//! weights, an anchor a theme needs, gated sub-themes, a threshold lower
//! for short passages, passing mentions left out.
//!
//! Input: the counts a [`Table`] gave. Output: the themes given, highest
//! score first. Nothing is refused.

use super::table::Table;
use super::{Scoring, ThemeScore};

/// A theme as scoring sees it: its place in the hierarchy.
#[derive(Debug, Clone)]
pub(super) struct TagTheme {
    pub(super) id: String,
    /// The pillar's position, for a sub-theme.
    pub(super) parent: Option<usize>,
    pub(super) requires_parent: bool,
    /// The sub-themes' positions, for a pillar.
    pub(super) children: Vec<usize>,
}

/// Term counts ([`Table::count`]) → the themes given, sorted.
/// `heading` holds the counts of the passage's section heading (empty
/// when there is none).
pub(super) fn score(
    themes: &[TagTheme],
    rules: &Scoring,
    table: &Table,
    counts: &[(u32, u32)],
    heading: &[(u32, u32)],
    words: usize,
    heading_share: f32,
) -> Vec<ThemeScore> {
    let n_themes = themes.len();
    let mut own = vec![0f32; n_themes];
    let mut anchored = vec![false; n_themes];
    let mut decisive = vec![false; n_themes];
    // In term order, as the sums were always made: the same floats.
    for &(term, n) in counts {
        let term = &table.terms[term as usize];
        let theme = term.theme as usize;
        own[theme] += term.weight * n.min(rules.repeat_cap) as f32;
        anchored[theme] |= term.weight >= rules.anchor_weight;
        decisive[theme] |= term.weight >= rules.threshold;
    }
    // The heading's terms add their share and anchor like the
    // passage's own (a heading on the norms opens the norms' gated
    // sub-themes), but are never decisive.
    for &(term, n) in heading {
        let term = &table.terms[term as usize];
        let weight = term.weight * heading_share;
        let theme = term.theme as usize;
        own[theme] += weight * n.min(rules.repeat_cap) as f32;
        anchored[theme] |= weight >= rules.anchor_weight;
    }
    // Unanchored themes score nothing; a gated sub-theme contributes
    // nothing either, to itself or to the pillar, unless an anchor of
    // its parent's own terms or one of its own decisive terms (the
    // norm's own wording, which needs no "norm" beside it) opens it.
    let gated: Vec<f32> = (0..n_themes)
        .map(|i| {
            let theme = &themes[i];
            let gate_open = match theme.parent {
                Some(p) if theme.requires_parent => anchored[p] || decisive[i],
                _ => true,
            };
            if anchored[i] && gate_open {
                own[i]
            } else {
                0.0
            }
        })
        .collect();

    let threshold = match rules.full_length {
        0 => rules.threshold,
        full => (rules.threshold * words as f32 / full as f32)
            .clamp(rules.anchor_weight.min(rules.threshold), rules.threshold),
    };
    let pillars: Vec<(usize, f32)> = (0..n_themes)
        .filter(|&i| themes[i].parent.is_none())
        .filter_map(|i| {
            let children = &themes[i].children;
            let total = gated[i] + children.iter().map(|&c| gated[c]).sum::<f32>();
            let implied = children.iter().any(|&c| gated[c] >= threshold);
            (total >= threshold || implied).then_some((i, total))
        })
        .collect();
    let leading = pillars.iter().map(|&(_, s)| s).fold(0f32, f32::max);

    let mut out = Vec::new();
    for (i, total) in pillars {
        if total < rules.relative * leading {
            continue;
        }
        out.push(ThemeScore {
            id: themes[i].id.clone(),
            score: total,
        });
        for &c in &themes[i].children {
            if gated[c] >= threshold {
                out.push(ThemeScore {
                    id: themes[c].id.clone(),
                    score: gated[c],
                });
            }
        }
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    out
}
