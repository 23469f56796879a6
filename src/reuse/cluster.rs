//! The corpus-wide view of reuse: clusters of passages that share a span,
//! as passim gives them.
//!
//! Input: a [`Library`]. Output: [`Cluster`]s, widest-travelled first.
//!
//! How: pairs of passages of different documents that hold two of the
//! same signature hashes are candidates (hashes held by more than
//! [`ReuseOptions::max_postings`] passages are stop-shingles, skipped: they
//! are the field's boilerplate, and would make the pairs quadratic), each
//! passage keeping its best partners; each candidate pair is aligned (in
//! parallel), and a pair sharing enough wording links the two spans. Spans of one passage that overlap by half or more are one
//! span; clusters are the connected groups of linked spans, so a passage
//! holding two different borrowed sentences sits in two clusters instead
//! of gluing them together. Pairs inside one document (a text quoting
//! itself) are never candidates.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::library::{Library, ReuseError};
use super::words::{char_offsets, Words};
use super::ReuseOptions;
use crate::corpus::PartialDate;
use crate::lexicon::Analysis;

/// Passages sharing one span of wording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    /// Distinct documents holding the span: how widely it travelled.
    pub documents: usize,
    /// Passages holding it.
    pub passages: usize,
    /// The earliest member's passage id: the earliest source.
    pub earliest: String,
    /// The earliest member's date.
    pub first_date: PartialDate,
    /// The latest member's date.
    pub last_date: PartialDate,
    /// The span as the earliest source writes it.
    pub text: String,
    /// The members, earliest first (date, document id, passage order).
    pub members: Vec<ClusterMember>,
}

/// One passage of a [`Cluster`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterMember {
    /// The passage id.
    pub id: String,
    /// Its document.
    pub doc: String,
    /// The document's date.
    pub date: PartialDate,
    /// The shared span, `[start, end)` in characters of the passage text.
    pub span: [usize; 2],
    /// The span as written.
    pub text: String,
}

/// Hashes a candidate pair must share (see `Library::candidate_pairs`).
const MIN_SHARED: u32 = 2;
/// Partners each passage keeps, those sharing the most hashes first.
const MAX_PARTNERS: usize = 20;

/// Union–find over span ids, with path halving.
struct Sets(Vec<u32>);

impl Sets {
    fn find(&mut self, mut x: u32) -> u32 {
        while self.0[x as usize] != x {
            let up = self.0[self.0[x as usize] as usize];
            self.0[x as usize] = up;
            x = up;
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[ra.max(rb) as usize] = ra.min(rb);
        }
    }
}

/// A linked span: passage and word range.
#[derive(Debug, Clone, Copy)]
struct End {
    passage: u32,
    from: u32,
    to: u32,
}

impl Library {
    /// Every cluster of passages sharing a span, most documents first (then
    /// most passages, then earliest).
    pub fn clusters(&self, options: &ReuseOptions) -> Result<Vec<Cluster>, ReuseError> {
        let pairs = self.candidate_pairs(options.max_postings);
        // Words of every passage in a pair, made once.
        let mut needed: Vec<u32> = pairs
            .iter()
            .flat_map(|&p| [(p >> 32) as u32, p as u32])
            .collect();
        needed.par_sort_unstable();
        needed.dedup();
        let words: HashMap<u32, (String, Words)> = needed
            .par_iter()
            .map_init(Analysis::default, |analysis, &p| {
                Ok((p, self.words_with(p, analysis)?))
            })
            .collect::<Result<_, ReuseError>>()?;
        let links: Vec<(End, End)> = pairs
            .par_iter()
            .filter_map(|&pair| {
                let (p, q) = ((pair >> 32) as u32, pair as u32);
                let al = self.align_pair(&words[&p].1, &words[&q].1)?;
                options.accepts(&al).then_some((
                    End {
                        passage: p,
                        from: al.a.0 as u32,
                        to: al.a.1 as u32,
                    },
                    End {
                        passage: q,
                        from: al.b.0 as u32,
                        to: al.b.1 as u32,
                    },
                ))
            })
            .collect();
        Ok(self.group(&links, &words))
    }

    /// Candidate pairs, each once, packed `p << 32 | q`, p < q: passages
    /// of different documents sharing at least [`MIN_SHARED`] hashes held
    /// by at most `max_postings` passages (or one hash that only the two
    /// hold), each passage keeping its [`MAX_PARTNERS`] partners sharing
    /// the most.
    ///
    /// Why these bounds: on a corpus that repeats its runs of words
    /// hundreds of times (a generated one, or a collection of templated
    /// reports), every pair sharing one hash is a candidate, and their
    /// number grows with the square of the repetitions; two shared hashes
    /// mean a shared run of about 13 words or more (or two runs), the
    /// length agreed wording has, and a passage's partners beyond the best
    /// few are linked to it through them anyway (clusters are connected
    /// groups). Each passage's candidates are counted on its own, in
    /// parallel, so no list of all co-occurrences is ever held.
    fn candidate_pairs(&self, max_postings: usize) -> Vec<u64> {
        let table = self.index();
        // Each passage's hashes that are not stop-shingles, as positions
        // in the table (a forward copy of the inverted table).
        let n = table.passages();
        let mut counts = vec![0u32; n + 1];
        let kept: Vec<(usize, &[u32])> = table
            .iter()
            .map(|(_, ps)| ps)
            .enumerate()
            .filter(|(_, ps)| ps.len() >= 2 && ps.len() <= max_postings)
            .collect();
        for (_, ps) in &kept {
            for &p in *ps {
                counts[p as usize + 1] += 1;
            }
        }
        for i in 1..=n {
            counts[i] += counts[i - 1];
        }
        let mut fill = counts.clone();
        let mut forward = vec![0u32; counts[n] as usize];
        for (k, (_, ps)) in kept.iter().enumerate() {
            for &p in *ps {
                forward[fill[p as usize] as usize] = k as u32;
                fill[p as usize] += 1;
            }
        }
        let mut pairs: Vec<u64> = (0..n as u32)
            .into_par_iter()
            .fold(
                || (Vec::new(), HashMap::<u32, u32>::new()),
                |(mut out, mut shared), p| {
                    shared.clear();
                    let mine =
                        &forward[counts[p as usize] as usize..counts[p as usize + 1] as usize];
                    let doc = self.doc_number(p);
                    for &k in mine {
                        let ps = kept[k as usize].1;
                        // A hash only the two hold counts as two.
                        let weight = if ps.len() == 2 { MIN_SHARED } else { 1 };
                        for &q in ps {
                            if q > p && self.doc_number(q) != doc {
                                *shared.entry(q).or_default() += weight;
                            }
                        }
                    }
                    let mut best: Vec<(u32, u32)> = shared
                        .iter()
                        .filter(|(_, &c)| c >= MIN_SHARED)
                        .map(|(&q, &c)| (q, c))
                        .collect();
                    if best.len() > MAX_PARTNERS {
                        best.select_nth_unstable_by(MAX_PARTNERS - 1, |a, b| {
                            b.1.cmp(&a.1).then(a.0.cmp(&b.0))
                        });
                        best.truncate(MAX_PARTNERS);
                    }
                    out.extend(
                        best.into_iter()
                            .map(|(q, _)| (u64::from(p) << 32) | u64::from(q)),
                    );
                    (out, shared)
                },
            )
            .map(|(out, _)| out)
            .reduce(Vec::new, |mut a, mut b| {
                a.append(&mut b);
                a
            });
        pairs.par_sort_unstable();
        pairs.dedup();
        pairs
    }

    /// Clusters from linked spans.
    fn group(&self, links: &[(End, End)], words: &HashMap<u32, (String, Words)>) -> Vec<Cluster> {
        // Every link end is a span; spans of one passage overlapping by half
        // or more become one node.
        let mut ends: Vec<(End, u32)> = links
            .iter()
            .enumerate()
            .flat_map(|(i, (a, b))| [(*a, 2 * i as u32), (*b, 2 * i as u32 + 1)])
            .collect();
        ends.sort_unstable_by_key(|(e, _)| (e.passage, e.from, e.to));
        let mut node_of_end = vec![0u32; links.len() * 2];
        let mut nodes: Vec<End> = Vec::new();
        for (e, id) in &ends {
            let joins = nodes.last().is_some_and(|n| {
                let overlap = n.to.min(e.to).saturating_sub(n.from.max(e.from));
                n.passage == e.passage && 2 * overlap >= (n.to - n.from).min(e.to - e.from)
            });
            if joins {
                let n = nodes.last_mut().expect("checked above");
                n.to = n.to.max(e.to);
            } else {
                nodes.push(*e);
            }
            node_of_end[*id as usize] = nodes.len() as u32 - 1;
        }
        let mut sets = Sets((0..nodes.len() as u32).collect());
        for i in 0..links.len() {
            sets.union(node_of_end[2 * i], node_of_end[2 * i + 1]);
        }
        let mut groups: HashMap<u32, Vec<u32>> = HashMap::new();
        for n in 0..nodes.len() as u32 {
            groups.entry(sets.find(n)).or_default().push(n);
        }
        let mut clusters: Vec<Cluster> = groups
            .into_values()
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|members| self.cluster_of(&members, &nodes, words))
            .collect();
        clusters.sort_by(|a, b| {
            b.documents
                .cmp(&a.documents)
                .then(b.passages.cmp(&a.passages))
                .then(a.first_date.cmp(&b.first_date))
                .then_with(|| a.earliest.cmp(&b.earliest))
        });
        clusters
    }

    fn cluster_of(
        &self,
        members: &[u32],
        nodes: &[End],
        words: &HashMap<u32, (String, Words)>,
    ) -> Cluster {
        // One member per passage: two nodes of a passage in one cluster
        // (spans linked through other passages) become their hull.
        let mut spans: HashMap<u32, (u32, u32)> = HashMap::new();
        for &n in members {
            let e = nodes[n as usize];
            spans
                .entry(e.passage)
                .and_modify(|s| *s = (s.0.min(e.from), s.1.max(e.to)))
                .or_insert((e.from, e.to));
        }
        let mut order: Vec<u32> = spans.keys().copied().collect();
        order.sort_by(|&a, &b| self.chronological(a, b));
        let list: Vec<ClusterMember> = order
            .iter()
            .map(|&p| {
                let (from, to) = spans[&p];
                let passage = &self.passages()[p as usize];
                let (text, ws) = &words[&p];
                let bytes = ws.byte_range(from as usize, to as usize);
                let chars = char_offsets(text, &[bytes.start, bytes.end]);
                ClusterMember {
                    id: passage.id.clone(),
                    doc: passage.doc.clone(),
                    date: passage.date,
                    span: [chars[0], chars[1]],
                    text: text[bytes].to_string(),
                }
            })
            .collect();
        let mut docs: Vec<&str> = list.iter().map(|m| m.doc.as_str()).collect();
        docs.sort_unstable();
        docs.dedup();
        let first = &list[0];
        Cluster {
            documents: docs.len(),
            passages: list.len(),
            earliest: first.id.clone(),
            first_date: first.date,
            last_date: list.iter().map(|m| m.date).max().unwrap_or(first.date),
            text: first.text.clone(),
            members: list,
        }
    }
}
