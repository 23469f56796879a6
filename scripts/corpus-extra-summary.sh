#!/usr/bin/env bash
# Writes tests/gold/corpus-extra-summary.tsv: for each document of
# ../shared/corpus-extra, what the segmenter made of it (kind of text,
# passages by kind, labelled passages, headings, pages, longest passage,
# dropped lines by reason, warnings). The file is committed, so a change in
# how any document is cut shows in review; tests/integration/gold.rs checks it is
# current.
#
#   scripts/corpus-extra-summary.sh
set -euo pipefail
cd "$(dirname "$0")/.."
NORMSEARCH_WRITE_SUMMARY=1 cargo test --quiet --test integration gold::corpus_extra_summary_is_current
git --no-pager diff --stat -- tests/gold/corpus-extra-summary.tsv
