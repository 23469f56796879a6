//! Passages for a distributed engine: one self-contained record per
//! passage, and the engine's own configuration made from the same
//! analysis choices (case and accents folded, a stemmer per language).
//!
//! Input: the corpus as analysed ([`crate::pipeline`]). Output:
//! [`ExportRecord`]s (stable id, anchor, the document's metadata, section,
//! label, page, lines, themes as keyword arrays, language, text and the
//! plain citation), a Quickwit index configuration and an OpenSearch index
//! mapping, as serde values that `present::export` writes out. Nothing is
//! refused here.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::cite::{Citation, Format, Location};
use crate::corpus::{Document, Venue};
use crate::index::DocumentMeta;
use crate::pipeline::Analyzed;

/// The index name the configurations and the bulk actions use.
pub const INDEX_NAME: &str = "normsearch";

/// One passage with everything needed to search, filter and cite it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportRecord {
    /// The passage id, `doc:n` (stable while the text is unchanged).
    pub id: String,
    /// The content anchor (stable across re-segmentation).
    pub anchor: String,
    /// The document id.
    pub doc: String,
    /// The passage's ordinal in its document.
    pub n: u32,
    /// `body`, `list-item` or `footnote`.
    pub kind: String,
    /// The document's title.
    pub title: String,
    /// Who issued it, as cited.
    pub issuer: String,
    /// Every issuer of a joint text.
    pub issuers: Vec<String>,
    /// Personal authors.
    pub authors: Vec<String>,
    /// The date as precise as known.
    pub date: String,
    /// The first day the date can mean, RFC 3339 (`2011-05` →
    /// `2011-05-01T00:00:00Z`): what an engine's timestamp field reads.
    pub timestamp: String,
    /// The year.
    pub year: i32,
    /// The kind of document.
    pub document_kind: String,
    /// The document's own number or symbol.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub number: Option<String>,
    /// The issuing state.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub country: Option<String>,
    /// The issuing organisation.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub organization: Option<String>,
    /// The text's language (ISO 639-1).
    pub language: String,
    /// `official`, `unofficial` or `machine` for a translation.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub translation: Option<String>,
    /// Where the original is.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub url: Option<String>,
    /// The book or collection.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub container: Option<String>,
    /// Where a speech or article was published.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub venue: Option<Venue>,
    /// Section headings, outermost first.
    pub section: Vec<String>,
    /// The document's own number for the passage.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub label: Option<String>,
    /// The page the passage starts on.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub page: Option<u32>,
    /// First and last line of the source file.
    pub lines: [u32; 2],
    /// Theme ids.
    pub themes: Vec<String>,
    /// The passage's text.
    pub text: String,
    /// The plain citation.
    pub citation: String,
}

/// Every passage of the analysed documents, in manifest and reading order.
pub fn records(documents: &[Document], analysed: &[Analyzed]) -> Vec<ExportRecord> {
    let mut out = Vec::new();
    for a in analysed {
        let doc = &documents[a.index];
        let meta = DocumentMeta::of(doc, a.segmentation.passages.len());
        for (p, anchor) in a.segmentation.passages.iter().zip(&a.anchors) {
            let citation = Citation::new(
                &meta,
                Location {
                    n: p.n,
                    section: p.section.clone(),
                    label: p.label.clone(),
                    page: p.page,
                    lines: p.lines,
                    kind: p.kind,
                    anchor: Some(anchor.clone()),
                },
            );
            out.push(ExportRecord {
                id: format!("{}:{}", doc.id, p.n),
                anchor: anchor.clone(),
                doc: doc.id.clone(),
                n: p.n,
                kind: p.kind.as_str().to_string(),
                title: doc.title.clone(),
                issuer: doc.issuer.clone(),
                issuers: doc.issuers.clone(),
                authors: doc.authors.clone(),
                date: doc.date.to_string(),
                timestamp: format!(
                    "{:04}-{:02}-{:02}T00:00:00Z",
                    doc.date.year,
                    doc.date.month.unwrap_or(1),
                    doc.date.day.unwrap_or(1)
                ),
                year: doc.date.year,
                document_kind: doc.kind.clone(),
                number: doc.number.clone(),
                country: doc.country.clone(),
                organization: doc.organization.clone(),
                language: doc.language.clone(),
                translation: doc.translation.clone(),
                url: doc.url.clone(),
                container: doc.container.clone(),
                venue: doc.venue.clone(),
                section: p.section.clone(),
                label: p.label.clone(),
                page: p.page,
                lines: p.lines,
                themes: p.themes.clone(),
                text: p.text.clone(),
                citation: citation.render(Format::Plain),
            });
        }
    }
    out
}

/// The keyword fields (exact values: filters, facets, tags).
const KEYWORDS: &[&str] = &[
    "id",
    "anchor",
    "doc",
    "kind",
    "date",
    "document_kind",
    "number",
    "country",
    "language",
    "translation",
    "label",
    "themes",
];

/// The full-text fields (folded, stemmed per language for `text`).
const TEXTS: &[&str] = &[
    "title",
    "issuer",
    "issuers",
    "authors",
    "organization",
    "container",
    "section",
];

/// A Quickwit index configuration (version 0.8): text fields that record
/// positions (for phrase queries), a folding tokenizer like ours (case and
/// accents), raw tag fields for the source and theme, the date as the
/// timestamp field.
pub fn quickwit_config() -> Value {
    let mut fields = Vec::new();
    for name in KEYWORDS {
        let array = matches!(*name, "themes");
        fields.push(json!({
            "name": name,
            "type": if array { "array<text>" } else { "text" },
            "tokenizer": "raw",
            "fast": true,
        }));
    }
    for name in TEXTS {
        let array = matches!(*name, "issuers" | "authors" | "section");
        fields.push(json!({
            "name": name,
            "type": if array { "array<text>" } else { "text" },
            "tokenizer": "folded",
            "record": "position",
        }));
    }
    fields.push(json!({
        "name": "text",
        "type": "text",
        "tokenizer": "folded",
        "record": "position",
        "fieldnorms": true,
    }));
    fields.push(json!({
        "name": "timestamp",
        "type": "datetime",
        "input_formats": ["rfc3339"],
        "output_format": "rfc3339",
        "fast_precision": "seconds",
        "fast": true,
    }));
    fields.push(json!({"name": "year", "type": "i64", "fast": true}));
    fields.push(json!({"name": "n", "type": "u64", "fast": true}));
    fields.push(json!({"name": "page", "type": "u64", "fast": true}));
    fields.push(json!({"name": "lines", "type": "array<u64>", "indexed": false}));
    fields.push(json!({"name": "url", "type": "text", "tokenizer": "raw", "indexed": false}));
    fields.push(json!({"name": "citation", "type": "text", "indexed": false}));
    fields.push(json!({"name": "venue", "type": "json", "indexed": false}));
    json!({
        "version": "0.8",
        "index_id": INDEX_NAME,
        "doc_mapping": {
            "mode": "strict",
            "field_mappings": fields,
            "tag_fields": ["doc", "themes"],
            "timestamp_field": "timestamp",
            "tokenizers": [{
                "name": "folded",
                "type": "simple",
                "filters": ["remove_long", "lower_caser", "ascii_folding"],
            }],
        },
        "indexing_settings": {"commit_timeout_secs": 30},
        "search_settings": {"default_search_fields": ["text", "title", "section"]},
    })
}

/// OpenSearch's stemmer for a language, where it has one (the light
/// stemmers where OpenSearch recommends them).
fn opensearch_stemmer(language: &str) -> Option<&'static str> {
    Some(match language {
        "en" => "english",
        "fr" => "light_french",
        "es" => "light_spanish",
        "de" => "light_german",
        "pt" => "light_portuguese",
        "it" => "light_italian",
        "ru" => "russian",
        "nl" => "dutch",
        "sv" => "swedish",
        "no" | "nb" => "norwegian",
        "da" => "danish",
        "fi" => "finnish",
        "ar" => "arabic",
        _ => return None,
    })
}

/// An OpenSearch index body (settings and mappings): keyword fields for
/// filters and facets, text folded like ours, and for each of
/// `languages` a sub-field of `text` (`text.en`, `text.fr`…) analysed with
/// that language's stemmer.
pub fn opensearch_mapping(languages: &[String]) -> Value {
    let mut analyzers = serde_json::Map::new();
    let mut filters = serde_json::Map::new();
    analyzers.insert(
        "folded".into(),
        json!({"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]}),
    );
    let mut text_fields = serde_json::Map::new();
    for lang in languages {
        let mut chain = vec![json!("lowercase"), json!("asciifolding")];
        if let Some(stemmer) = opensearch_stemmer(lang) {
            let name = format!("normsearch_stem_{lang}");
            filters.insert(
                name.clone(),
                json!({"type": "stemmer", "language": stemmer}),
            );
            chain.push(json!(name));
        }
        let analyzer = format!("normsearch_{lang}");
        analyzers.insert(
            analyzer.clone(),
            json!({"type": "custom", "tokenizer": "standard", "filter": chain}),
        );
        text_fields.insert(lang.clone(), json!({"type": "text", "analyzer": analyzer}));
    }
    let mut properties = serde_json::Map::new();
    for name in KEYWORDS {
        properties.insert(name.to_string(), json!({"type": "keyword"}));
    }
    for name in TEXTS {
        properties.insert(
            name.to_string(),
            json!({"type": "text", "analyzer": "folded"}),
        );
    }
    properties.insert(
        "text".into(),
        json!({"type": "text", "analyzer": "folded", "fields": text_fields}),
    );
    properties.insert(
        "timestamp".into(),
        json!({"type": "date", "format": "strict_date_time_no_millis||strict_date_optional_time"}),
    );
    for name in ["year", "n", "page", "lines"] {
        properties.insert(name.into(), json!({"type": "integer"}));
    }
    properties.insert("url".into(), json!({"type": "keyword", "index": false}));
    properties.insert("citation".into(), json!({"type": "text", "index": false}));
    properties.insert("venue".into(), json!({"type": "object", "enabled": false}));
    json!({
        "settings": {
            "analysis": {"filter": filters, "analyzer": analyzers},
        },
        "mappings": {"dynamic": "strict", "properties": properties},
    })
}
