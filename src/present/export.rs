//! Exported passages for a distributed engine: NDJSON (one record per
//! line), OpenSearch `_bulk` (an action line, then the record, per
//! passage), and configuration files (YAML for Quickwit, JSON for
//! OpenSearch).

use std::io::{self, Write};

use serde::Serialize;

use crate::export::{ExportRecord, INDEX_NAME};

/// One record per line.
pub fn ndjson(out: &mut impl Write, records: &[ExportRecord]) -> io::Result<()> {
    for r in records {
        serde_json::to_writer(&mut *out, r)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// OpenSearch `_bulk` body: for each passage an `index` action naming the
/// index and the passage id, then the record; the body ends with a newline
/// as the API requires.
pub fn opensearch_bulk(out: &mut impl Write, records: &[ExportRecord]) -> io::Result<()> {
    for r in records {
        let action = serde_json::json!({"index": {"_index": INDEX_NAME, "_id": r.id}});
        serde_json::to_writer(&mut *out, &action)?;
        out.write_all(b"\n")?;
        serde_json::to_writer(&mut *out, r)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// A value as YAML.
pub fn yaml(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    let text = serde_norway::to_string(value).map_err(io::Error::other)?;
    out.write_all(text.as_bytes())
}

/// A value as pretty JSON with a final newline.
pub fn json_pretty(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.write_all(b"\n")
}
