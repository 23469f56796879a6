#!/usr/bin/env bash
# Load on `normsearch serve` (benches/load.rs), reproducibly: the founding
# corpus and the 100 MB generated corpus (seed 42), at 1, 8, 32 and 128
# concurrent clients asking single-word queries, then 32 clients for 30 s
# while the index is rebuilt beside the server. Prints Markdown tables to
# paste into BENCHMARKS.md. Every run is bounded in time and in requests,
# and only 127.0.0.1 is asked.
#
#   benches/load.sh                 both corpora
#   benches/load.sh --founding      the founding corpus only
#   SECS=5 benches/load.sh          shorter runs (default 10 s a run)
#
# Corpora and indexes go to $NORMSEARCH_BENCH_WORK (default
# ${TMPDIR:-/tmp}/normsearch-bench), never into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${SECS:-10}
only_founding=0
[ "${1:-}" = "--founding" ] && only_founding=1
. benches/lib.sh
bench_work load.sh

cargo build --release --quiet --bin normsearch --example gencorpus
cargo bench --no-run --quiet --bench load
load() { cargo bench --quiet --bench load -- "$@"; }

echo "## $(date -u +%Y-%m-%d) — serve under load ($(nproc) cores; client and server on one machine)"
echo
echo "### founding corpus"
echo
load --corpus corpus --index "$work/load-founding-index" --secs "$secs"
echo
echo "With facets (as the page asks):"
echo
load --corpus corpus --index "$work/load-founding-index" --secs "$secs" \
    --clients 32 --path '/api/search?q={word}&limit=20&facets=1'
echo
echo "Across a rebuild:"
echo
load --corpus corpus --index "$work/load-founding-index" --secs 30 --clients 32 --rebuild

if [ "$only_founding" = 0 ]; then
    gen="$work/gen-100mb"
    if [ ! -f "$gen/corpus.toml" ]; then
        target/release/examples/gencorpus --size 100MB --seed 42 --out "$gen" >&2
    fi
    echo
    echo "### generated 100 MB (seed 42)"
    echo
    load --corpus "$gen" --index "$work/load-100mb-index" --secs "$secs"
    echo
    echo "Across a rebuild:"
    echo
    load --corpus "$gen" --index "$work/load-100mb-index" --secs 30 --clients 32 --rebuild
fi
