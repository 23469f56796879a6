//! A minimal tantivy command line: the yardstick for `normsearch search`'s
//! whole-process time (`benchtool startup`, `benches/startup.sh`).
//!
//! ```text
//! mintantivy build CORPUS_DIR INDEX_DIR   every .txt/.md file, one document per block
//! mintantivy search INDEX_DIR QUERY       top ten with snippets, then exit
//! ```
//!
//! What a user of tantivy alone would write: one default `TEXT | STORED`
//! field, tantivy's query parser, `TopDocs` top ten and a
//! `SnippetGenerator` snippet per hit. It links tantivy only, so its start-up
//! is a process's, tantivy's opening and the query's, and nothing else.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Schema, STORED, TEXT};
use tantivy::snippet::SnippetGenerator;
use tantivy::{IndexWriter, TantivyDocument};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["build", corpus, index] => build(Path::new(corpus), Path::new(index)).map(|()| true),
        ["search", index, ref query @ ..] if !query.is_empty() => {
            search(Path::new(index), &query.join(" "))
        }
        _ => Err("usage: mintantivy build CORPUS_DIR INDEX_DIR | search INDEX_DIR QUERY".into()),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("mintantivy: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn build(corpus: &Path, index_dir: &Path) -> Result<(), String> {
    let mut builder = Schema::builder();
    let text = builder.add_text_field("text", TEXT | STORED);
    std::fs::create_dir_all(index_dir).map_err(|e| e.to_string())?;
    let index =
        tantivy::Index::create_in_dir(index_dir, builder.build()).map_err(|e| e.to_string())?;
    let mut writer: IndexWriter<TantivyDocument> =
        index.writer(64 << 20).map_err(|e| e.to_string())?;
    let mut files: Vec<_> = std::fs::read_dir(corpus)
        .map_err(|e| format!("{}: {e}", corpus.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt" || x == "md"))
        .collect();
    files.sort();
    for path in files {
        let body = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let body = String::from_utf8_lossy(&body);
        for block in body.split("\n\n").map(str::trim).filter(|b| !b.is_empty()) {
            let mut doc = TantivyDocument::default();
            doc.add_text(text, block);
            writer.add_document(doc).map_err(|e| e.to_string())?;
        }
    }
    writer.commit().map_err(|e| e.to_string())?;
    writer.wait_merging_threads().map_err(|e| e.to_string())
}

/// Whether anything matched.
fn search(index_dir: &Path, query: &str) -> Result<bool, String> {
    let index = tantivy::Index::open_in_dir(index_dir).map_err(|e| e.to_string())?;
    let text = index
        .schema()
        .get_field("text")
        .map_err(|e| e.to_string())?;
    let reader = index.reader().map_err(|e| e.to_string())?;
    let searcher = reader.searcher();
    let query = QueryParser::for_index(&index, vec![text])
        .parse_query(query)
        .map_err(|e| e.to_string())?;
    let top = searcher
        .search(&query, &TopDocs::with_limit(10).order_by_score())
        .map_err(|e| e.to_string())?;
    let snippets = SnippetGenerator::create(&searcher, &*query, text).map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    for (score, address) in &top {
        let doc: TantivyDocument = searcher.doc(*address).map_err(|e| e.to_string())?;
        let snippet = snippets.snippet_from_doc(&doc);
        if writeln!(out, "{score:.3}\t{}", snippet.to_html()).is_err() {
            break;
        }
    }
    Ok(!top.is_empty())
}
