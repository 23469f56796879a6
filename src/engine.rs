//! The [`Engine`]: one open index that a long-lived process holds and asks.
//!
//! Input: a corpus folder and an index folder. Output: answers as
//! serialisable records — [`SearchResults`], a [`Hit`] looked up by id or
//! anchor, a [`PassageContext`], a [`Citation`], the [`DocumentMeta`]
//! list, [`ThemeCount`]s, a [`Grid`] or a [`Comparison`] — which `present` renders for people and
//! programs. The command line, the prompt and a server share it.
//!
//! The policy that used to live in the command line lives here: open the
//! index, or build it first when there is none (progress through
//! [`Progress`]); say whether it is stale ([`Engine::freshness`]), without
//! refusing to answer from it. A process that stays up follows rebuilds:
//! every question first checks which generation `CURRENT` names and, when
//! a build has switched it, opens the new one; questions already running
//! finish on the old one, which no build removes while it is held (see
//! [`crate::index`]). So an engine answers from the old index or the new,
//! never with an error, however many rebuilds happen under it.
//!
//! `Engine` is `Send + Sync`: share it in an `Arc` across threads.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use serde::{Deserialize, Serialize};
use tantivy::query::{AllQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

use crate::cite::Citation;
use crate::error::{IdKind, UserError};
use crate::index::{self, BuildOptions, BuildSummary, DocumentMeta, Freshness, Index, Progress};
use crate::lineage::{self, Lineage, Similar};
use crate::reuse::{Cluster, ReuseOptions};
use crate::search::{
    self, CompareRequest, Comparison, Grid, GridRequest, Hit, SearchRequest, SearchResults,
};

/// A passage with what surrounds it: the passages before and after it in
/// reading order, the footnotes its text references, and its citation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PassageContext {
    /// The passage.
    pub passage: Hit,
    /// The passages just before it, in reading order.
    pub before: Vec<Hit>,
    /// The passages just after it, in reading order.
    pub after: Vec<Hit>,
    /// The footnotes its text references.
    pub footnotes: Vec<Hit>,
    /// Its citation.
    pub citation: Citation,
}

/// How many passages of the whole index carry a theme, in all and per
/// document: the record `themes --json` prints (one per line) and a
/// server's theme listing answers with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemeCount {
    /// The theme's id (`norms/c`).
    pub id: String,
    /// Its label.
    pub label: String,
    /// Its pillar, for a sub-theme.
    pub parent: Option<String>,
    /// Passages carrying it; a pillar counts those of its sub-themes.
    pub passages: u64,
    /// Passages carrying it per document id (every document listed, with
    /// 0 where none does).
    #[serde(default)]
    pub documents: BTreeMap<String, u64>,
}

/// How an engine was opened.
#[derive(Debug, Clone, PartialEq)]
pub enum Opened {
    /// The index was there.
    Existing,
    /// There was none: it was built first.
    Built(BuildSummary),
}

/// One open index, following rebuilds (see the module documentation).
pub struct Engine {
    corpus_dir: PathBuf,
    index_dir: PathBuf,
    current: RwLock<Arc<Index>>,
    /// Theme counts of the generation they were counted on.
    theme_counts: Mutex<Option<(PathBuf, Vec<ThemeCount>)>>,
    /// Held while a new generation is opened.
    reloading: Mutex<()>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("index", &*self.index())
            .finish()
    }
}

impl Engine {
    /// Opens the index in `index_dir` (built from `corpus_dir`); an index
    /// that is not there is a [`UserError::Index`].
    pub fn open(corpus_dir: &Path, index_dir: &Path) -> crate::Result<Engine> {
        let index = Index::open(index_dir)?;
        Ok(Engine {
            corpus_dir: corpus_dir.to_path_buf(),
            index_dir: index_dir.to_path_buf(),
            current: RwLock::new(Arc::new(index)),
            theme_counts: Mutex::new(None),
            reloading: Mutex::new(()),
        })
    }

    /// Opens the index, building it first when there is none.
    pub fn open_or_build(
        corpus_dir: &Path,
        index_dir: &Path,
        options: &BuildOptions,
        progress: &dyn Progress,
    ) -> crate::Result<(Engine, Opened)> {
        let opened = if index::exists(index_dir) {
            Opened::Existing
        } else {
            Opened::Built(index::build(corpus_dir, index_dir, options, progress)?)
        };
        Ok((Engine::open(corpus_dir, index_dir)?, opened))
    }

    /// Rebuilds the index from the corpus, then answers from the new one.
    pub fn rebuild(
        &self,
        options: &BuildOptions,
        progress: &dyn Progress,
    ) -> crate::Result<BuildSummary> {
        let summary = index::build(&self.corpus_dir, &self.index_dir, options, progress)?;
        self.reload()?;
        Ok(summary)
    }

    /// The corpus folder.
    pub fn corpus_dir(&self) -> &Path {
        &self.corpus_dir
    }

    /// The index folder.
    pub fn index_dir(&self) -> &Path {
        &self.index_dir
    }

    /// The generation now answering, after following a rebuild if one
    /// switched `CURRENT`. Hold it to ask several questions of one
    /// generation (pages of one query).
    pub fn index(&self) -> Arc<Index> {
        // A failed reload (a damaged new generation) leaves the old one
        // answering: old-or-new, never an error.
        let _ = self.reload();
        self.held()
    }

    fn held(&self) -> Arc<Index> {
        let current = self
            .current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(&current)
    }

    /// Opens the generation `CURRENT` names if it is not the one held;
    /// whether it did.
    pub fn reload(&self) -> crate::Result<bool> {
        let held = self.held();
        if index::current_generation(&self.index_dir)?.as_deref() == Some(held.generation()) {
            return Ok(false);
        }
        // One thread opens the new generation; the others asking at the
        // moment of the switch wait for it rather than each opening it
        // (a server would otherwise open it once per request in flight).
        let _one = self
            .reloading
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let held = self.held();
        if index::current_generation(&self.index_dir)?.as_deref() == Some(held.generation()) {
            return Ok(false);
        }
        let fresh = Arc::new(Index::open(&self.index_dir)?);
        let mut current = self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *current = fresh;
        Ok(true)
    }

    /// Whether the index answering still matches the corpus, every input
    /// of it (see [`Index::freshness`]): a stat of every input, and a hash
    /// of them all when one differs.
    pub fn freshness(&self) -> Freshness {
        self.index().freshness(&self.corpus_dir)
    }

    /// Whether the index answering still matches the corpus as far as an
    /// answer quoting the documents `quoted` needs (see
    /// [`Index::freshness_of`]): a few stats, whatever the corpus's size.
    pub fn freshness_of(&self, quoted: &[&str]) -> Freshness {
        self.index().freshness_of(&self.corpus_dir, quoted)
    }

    /// Runs a request (see [`search::search`]), validated first
    /// ([`SearchRequest::validate`]): a page larger than
    /// [`search::MAX_LIMIT`] is refused.
    pub fn search(&self, request: &SearchRequest) -> crate::Result<SearchResults> {
        let request = request.clone().validate()?;
        search::search(&self.index(), &request)
    }

    /// Every hit of a request, whatever its page: for an export, which
    /// writes them all from one ranking. A request from outside should be
    /// paged instead.
    pub fn search_all(&self, request: &SearchRequest) -> crate::Result<SearchResults> {
        let index = self.index();
        let mut all = request.clone();
        all.offset = 0;
        all.limit = 0;
        all.count = true;
        let total = search::search(&index, &all)?.total;
        all.limit = total.max(1);
        search::search(&index, &all)
    }

    /// The document × theme grid a request asks for (see
    /// [`search::grid`](crate::search::grid)).
    pub fn grid(&self, request: &GridRequest) -> crate::Result<Grid> {
        search::grid(&self.index(), request)
    }

    /// The side-by-side comparison a request asks for: each document's
    /// best passage, oldest document first (see
    /// [`search::compare`](crate::search::compare)).
    pub fn compare(&self, request: &CompareRequest) -> crate::Result<Comparison> {
        search::compare(&self.index(), request)
    }

    /// The query as expanded (stems, spellings, acronyms): what
    /// `--explain` shows.
    pub fn explain(&self, request: &SearchRequest) -> crate::Result<String> {
        Ok(search::expand(&self.index(), request)?.explain())
    }

    /// The passages a reference names (see [`search::find`]).
    pub fn find(&self, reference: &str) -> crate::Result<Vec<Hit>> {
        search::find(&self.index(), reference)
    }

    /// The one passage a reference names (see [`search::passage`]).
    pub fn passage(&self, reference: &str) -> crate::Result<Hit> {
        search::passage(&self.index(), reference)
    }

    /// The passage a reference names, with `around` passages before and
    /// after it, its footnotes and its citation.
    pub fn context(&self, reference: &str, around: u32) -> crate::Result<PassageContext> {
        let index = self.index();
        let hit = search::passage(&index, reference)?;
        context_of(&index, hit, around)
    }

    /// A hit (of a search just made) in context, as [`Engine::context`].
    pub fn context_of(&self, hit: &Hit, around: u32) -> crate::Result<PassageContext> {
        context_of(&self.index(), hit.clone(), around)
    }

    /// The citation of the passage a reference names.
    pub fn citation(&self, reference: &str) -> crate::Result<Citation> {
        let index = self.index();
        let hit = search::passage(&index, reference)?;
        citation_of(&index, &hit)
    }

    /// The citation of a hit.
    pub fn citation_of(&self, hit: &Hit) -> crate::Result<Citation> {
        citation_of(&self.index(), hit)
    }

    /// The documents, in manifest order, with their passage counts.
    pub fn documents(&self) -> crate::Result<Vec<DocumentMeta>> {
        Ok(self.index().documents()?.to_vec())
    }

    /// The document ids, in manifest order.
    pub fn document_ids(&self) -> crate::Result<Vec<String>> {
        Ok(self
            .index()
            .document_ids()?
            .into_iter()
            .map(str::to_string)
            .collect())
    }

    /// The theme ids, pillars first.
    pub fn theme_ids(&self) -> Vec<String> {
        self.index().meta().themes.clone()
    }

    /// Every theme of the index's taxonomy with its passage count, in all
    /// and per document, pillars each followed by their sub-themes.
    /// Counted once per generation (a pass over each document's passages).
    pub fn theme_counts(&self) -> crate::Result<Vec<ThemeCount>> {
        let index = self.index();
        let mut cached = self
            .theme_counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((generation, counts)) = cached.as_ref() {
            if generation == index.generation() {
                return Ok(counts.clone());
            }
        }
        let meta = index.meta();
        let searcher = index.searcher();
        let (_, facets) = search::count_facets(&searcher, &AllQuery, &meta.themes)?;
        let mut per_doc = Vec::new();
        for doc in index.document_ids()? {
            let Some(facet) = index::source_facet(doc) else {
                continue;
            };
            let query = TermQuery::new(
                Term::from_facet(index.fields().source, &facet),
                IndexRecordOption::Basic,
            );
            let (_, counts) = search::count_facets(&searcher, &query, &meta.themes)?;
            per_doc.push((doc.to_string(), counts.theme));
        }
        let counts: Vec<ThemeCount> = meta
            .theme_labels
            .iter()
            .map(|t| ThemeCount {
                id: t.id.clone(),
                label: t.label.clone(),
                parent: t.parent.clone(),
                passages: facets.theme.get(&t.id).copied().unwrap_or(0),
                documents: per_doc
                    .iter()
                    .map(|(doc, themes)| (doc.clone(), themes.get(&t.id).copied().unwrap_or(0)))
                    .collect(),
            })
            .collect();
        *cached = Some((index.generation().to_path_buf(), counts.clone()));
        Ok(counts)
    }
}

/// `hit` in context, from `index`.
/// Lineage of agreed wording (see [`crate::lineage`]); the reuse files
/// are read on the first of these questions, never by a search.
impl Engine {
    /// The lineage of a passage (id or anchor): every version of its
    /// wording, earliest first, with word diffs and citations.
    pub fn trace(&self, reference: &str, options: &ReuseOptions) -> crate::Result<Lineage> {
        lineage::trace_passage(&self.index(), reference, options)
    }

    /// The lineage of a text.
    pub fn trace_text(&self, text: &str, options: &ReuseOptions) -> crate::Result<Lineage> {
        lineage::trace_text(&self.index(), text, options)
    }

    /// The corpus's clusters of shared wording with at least
    /// `min_documents` documents, widest-travelled first.
    pub fn reuse(
        &self,
        options: &ReuseOptions,
        min_documents: usize,
    ) -> crate::Result<Vec<Cluster>> {
        lineage::clusters(&self.index(), options, min_documents)
    }

    /// The passages most like one: shared wording, then shared rare terms.
    pub fn similar(
        &self,
        reference: &str,
        limit: usize,
        options: &ReuseOptions,
    ) -> crate::Result<Similar> {
        lineage::similar(&self.index(), reference, limit, options)
    }
}

fn context_of(index: &Index, hit: Hit, around: u32) -> crate::Result<PassageContext> {
    let (neighbours, footnotes) = search::context(index, &hit, around, around)?;
    let citation = citation_of(index, &hit)?;
    // The passage as the index holds it (no rank, score or highlights of
    // the search it came from), so that it shows alike however it was
    // reached.
    let (mut this, others): (Vec<Hit>, Vec<Hit>) =
        neighbours.into_iter().partition(|h| h.n == hit.n);
    let passage = this.pop().unwrap_or(Hit {
        rank: 0,
        score: 0.0,
        highlights: Vec::new(),
        ..hit
    });
    let (before, after): (Vec<Hit>, Vec<Hit>) = others.into_iter().partition(|h| h.n < passage.n);
    Ok(PassageContext {
        passage,
        before,
        after,
        footnotes,
        citation,
    })
}

/// The citation of `hit`, from the document as `index` recorded it.
fn citation_of(index: &Index, hit: &Hit) -> crate::Result<Citation> {
    let documents = index.documents()?;
    let doc = documents
        .iter()
        .find(|d| d.id == hit.doc)
        .ok_or_else(|| UserError::UnknownId {
            kind: IdKind::Document,
            id: hit.doc.clone(),
            valid: documents.iter().map(|d| d.id.clone()).collect(),
        })?;
    Ok(Citation::of_hit(doc, hit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Silent;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn an_engine_is_shared_across_threads() {
        assert_send_sync::<Engine>();
    }

    /// A copy of the founding corpus in a temporary folder.
    fn corpus_copy() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        for entry in std::fs::read_dir(src).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
        dir
    }

    #[test]
    fn a_reader_open_across_three_rebuilds_answers_after_each() {
        let corpus = corpus_copy();
        let index_dir = corpus.path().join("index");
        let options = BuildOptions {
            threads: 2,
            wait_for_lock: true,
            lossy: false,
        };
        let (engine, opened) =
            Engine::open_or_build(corpus.path(), &index_dir, &options, &Silent).unwrap();
        assert!(matches!(opened, Opened::Built(_)));
        let engine = Arc::new(engine);
        let request = SearchRequest::new("confidence-building measures");
        let first = engine.search(&request).unwrap();
        assert!(first.total > 0);
        // A page held from before the rebuilds: its generation must stay.
        let old = engine.index();
        let documents = engine.documents().unwrap();
        let norway = corpus
            .path()
            .join("norway-2017-international-cyber-strategy.txt");
        let added = [
            (
                "zanzibarian",
                "The zanzibarian delegation proposed new measures.",
            ),
            (
                "quokkaesque",
                "A quokkaesque approach to deterrence was discussed at length.",
            ),
            (
                "vexillological",
                "Vexillological symbols appear in the annex of this strategy.",
            ),
        ];
        for (round, (word, sentence)) in (1..=3).zip(added) {
            // Each rebuild adds a word, so only the new generation finds it.
            let word = word.to_string();
            let mut text = std::fs::read_to_string(&norway).unwrap();
            text.push_str(&format!("\n\n{sentence}\n"));
            std::fs::write(&norway, text).unwrap();
            // Built by another handle, as another process would.
            index::build(corpus.path(), &index_dir, &options, &Silent).unwrap();
            let shared = Arc::clone(&engine);
            let asked = SearchRequest::new(word.clone());
            let answer = std::thread::spawn(move || shared.search(&asked))
                .join()
                .unwrap()
                .unwrap();
            assert_eq!(answer.total, 1, "round {round}");
            assert!(engine
                .index()
                .generation()
                .ends_with(format!("gen-{}", round + 1)));
            assert_eq!(engine.freshness(), Freshness::Fresh, "round {round}");
            assert_eq!(engine.documents().unwrap().len(), documents.len());
            let hit = &answer.hits[0];
            let context = engine.context(&hit.id, 1).unwrap();
            assert_eq!(context.passage.text, hit.text);
            assert_eq!(context.citation.id, hit.id);
            assert!(engine.search(&request).unwrap().total >= first.total);
            // The generation held since the start still answers, from
            // before the rebuilds.
            assert_eq!(search::search(&old, &request).unwrap().total, first.total);
            let unseen = search::search(&old, &SearchRequest::new(word)).unwrap();
            assert_eq!(unseen.total, 0);
            assert_eq!(old.documents().unwrap().len(), documents.len());
        }
        // Once let go, a later build removes it.
        let old_generation = old.generation().to_path_buf();
        drop(old);
        index::build(corpus.path(), &index_dir, &options, &Silent).unwrap();
        assert!(!old_generation.exists());
        assert_eq!(engine.search(&request).unwrap().total, {
            let fresh = Engine::open(corpus.path(), &index_dir).unwrap();
            fresh.search(&request).unwrap().total
        });
    }

    #[test]
    fn theme_counts_name_and_count_every_theme() {
        let corpus = corpus_copy();
        let index_dir = corpus.path().join("index");
        let (engine, _) =
            Engine::open_or_build(corpus.path(), &index_dir, &BuildOptions::default(), &Silent)
                .unwrap();
        let counts = engine.theme_counts().unwrap();
        assert_eq!(
            counts
                .iter()
                .map(|t| t.id.clone())
                .collect::<Vec<_>>()
                .len(),
            engine.theme_ids().len()
        );
        let cbm = counts.iter().find(|t| t.id == "cbm").unwrap();
        assert!(cbm.passages > 0 && !cbm.label.is_empty());
        assert_eq!(cbm.documents.len(), engine.documents().unwrap().len());
        assert_eq!(cbm.documents.values().sum::<u64>(), cbm.passages);
        let mut request = SearchRequest::new("x");
        request.query = "theme:cbm".into();
        assert_eq!(engine.search(&request).unwrap().total as u64, cbm.passages);
    }
}
