//! Reading a document's text: bytes → UTF-8 text, refusing what is not
//! text (empty, binary, a PDF, UTF-16, a line of megabytes) and, unless
//! asked for a lossy read, bytes that are not UTF-8.

use std::path::Path;

use super::Text;
use crate::error::{Result, UserError};

/// How much of a text is searched for NUL bytes to tell binary files apart
/// (the same heuristic as git and ripgrep: text never holds NUL).
pub(super) const BINARY_SNIFF_LEN: usize = 8 * 1024;

/// The longest line a text may have. A paragraph runs to a few kilobytes; a
/// line of megabytes is data (minified, a dump) or a text that lost its line
/// breaks, and would become one passage too large to show or cite.
pub const MAX_LINE_BYTES: usize = 1_000_000;

/// Signatures of document formats that are not plain text but may hold no
/// NUL byte early on: what to call each in a message.
pub(super) const FORMAT_SIGNATURES: &[(&[u8], &str)] = &[
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (a .docx or .odt file?)"),
    (b"{\\rtf", "an RTF file"),
    (b"\xD0\xCF\x11\xE0", "an old Word or Excel file"),
];

/// Decodes the bytes of the text at `path`.
pub(super) fn decode(path: &Path, bytes: Vec<u8>, lossy: bool) -> Result<Text> {
    let size = bytes.len() as u64;
    if bytes.is_empty() {
        return Err(UserError::data(
            path,
            None,
            "the text is empty; put the document's text in it, or remove its entry from corpus.toml",
        )
        .into());
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(UserError::data(
            path,
            Some(1),
            "the text is UTF-16; convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)",
        )
        .into());
    }
    if let Some((_, what)) = FORMAT_SIGNATURES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
    {
        return Err(UserError::data(
            path,
            Some(1),
            format!("this is {what}, not plain text; give a plain-text UTF-8 extraction of the document (e.g. pdftotext -layout)"),
        )
        .into());
    }
    let sniff = &bytes[..bytes.len().min(BINARY_SNIFF_LEN)];
    if let Some(at) = sniff.iter().position(|&b| b == 0) {
        let (line, column) = line_column(&bytes, at);
        return Err(UserError::data(
            path,
            Some(line),
            format!("column {column}: a NUL byte: this is a binary file (a PDF or word-processor file?), not text; give a plain-text UTF-8 extraction of the document"),
        )
        .into());
    }
    let mut warnings = Vec::new();
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let (line, column) = line_column(&bytes, at);
            if !lossy {
                return Err(UserError::NotUtf8 {
                    path: path.to_path_buf(),
                    line,
                    column,
                    byte: bytes[at],
                }
                .into());
            }
            let bad = bytes
                .utf8_chunks()
                .filter(|c| !c.invalid().is_empty())
                .count();
            warnings.push(format!(
                "{}:{line}: column {column}: {bad} invalid UTF-8 sequence{} replaced with U+FFFD; convert the file to UTF-8 to keep those characters",
                path.display(),
                if bad == 1 { "" } else { "s" }
            ));
            String::from_utf8_lossy(&bytes).into_owned()
        }
    };
    let text = match text.strip_prefix('\u{FEFF}') {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    if text.trim().is_empty() {
        return Err(UserError::data(
            path,
            None,
            "the text holds only whitespace; put the document's text in it, or remove its entry from corpus.toml",
        )
        .into());
    }
    // `split` finds line ends with memchr: a pass over a 50 MB file costs
    // milliseconds even unoptimised.
    if let Some((n, long)) = text
        .split('\n')
        .enumerate()
        .find(|(_, l)| l.len() > MAX_LINE_BYTES)
    {
        return Err(UserError::Oversize {
            path: path.to_path_buf(),
            line: Some(n + 1),
            what: "line",
            size: long.len() as u64,
            limit: MAX_LINE_BYTES as u64,
            limit_of: "a line may have",
            advice: ": this is not a text cut into lines (data, or an extraction that lost its line breaks); extract the text again keeping its line breaks",
        }
        .into());
    }
    Ok(Text {
        text,
        bytes: size,
        warnings,
    })
}

/// 1-based line and 1-based byte column of byte offset `at` in `bytes`.
pub(super) fn line_column(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    (line, before.len() - line_start + 1)
}
