#!/usr/bin/env bash
# Builds a temporary corpus folder from a folder of extra texts described by
# an index.tsv (file, country, date, language, source_name) and runs
# `normsearch passages` on it, printing the per-document summary.
#
#   scripts/corpus-extra.sh ../shared/corpus-extra [OUT_DIR]
#
# The texts are copied, not linked: normsearch refuses files outside its
# corpus folder. Nothing is written inside the repository.
set -euo pipefail
src=${1:?usage: corpus-extra.sh SOURCE_DIR [OUT_DIR]}
out=${2:-$(mktemp -d -t normsearch-extra.XXXXXX)}
mkdir -p "$out"
manifest="$out/corpus.toml"
: > "$manifest"
tail -n +2 "$src/index.tsv" | while IFS=$'\t' read -r file country date language source; do
    [ -f "$src/$file" ] || continue
    cp "$src/$file" "$out/$file"
    id=${file%.txt}
    id=${id%-cybersecurity-strategy-*}
    # The source's YYYY-01-01 means "sometime that year".
    case "$date" in *-01-01) date=${date%-01-01} ;; esac
    cat >> "$manifest" <<TOML
[[document]]
id = "$id"
file = "$file"
title = "National Cybersecurity Strategy of $country"
issuer = "Government of $country"
date = "$date"
kind = "national-strategy"
language = "$language"

TOML
done
echo "corpus: $out" >&2
cargo run --quiet --release -- passages --corpus "$out" --json > "$out/passages.jsonl"
echo "passages: $out/passages.jsonl" >&2
