#!/usr/bin/env bash
# How normsearch grows with its corpus: build time, CPU, peak memory, index
# size and query latency on generated corpora of growing size, each beside
# a minimal tantivy index of the same texts (examples/mintantivy.rs: one
# stored TEXT field), then a power-law fit of each figure and what it
# predicts for 10 GB and 100 GB. Prints a Markdown section; appends it to
# BENCHMARKS.md unless --no-write.
#
#   benches/scale.sh                     0.1 and 1 GB
#   benches/scale.sh --sizes "100 1000 3000"
#   benches/scale.sh --sizes "10 100" --no-write   (a quick look)
#
# Options: --threads N (build threads, default 2), --runs N (timed warm
# queries per class, default 100), --wp-runs N (whole-process searches per
# query and engine, default 3), --no-build (use the release binaries as
# they are, e.g. while another build runs). Each size is built once: on a shared
# machine a build of a gigabyte is not repeated for a median.
#
# Corpora and indexes go to $NORMSEARCH_BENCH_WORK (default
# ${TMPDIR:-/tmp}/normsearch-bench), shared with benches/run.sh; a corpus of
# the same size and seed is reused. Needs GNU time (/usr/bin/time -v).
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$(pwd)

sizes="100 1000"
threads=2
runs=100
wp_runs=3
write=1
build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes=${2:?--sizes needs a list of MB}; shift ;;
        --threads) threads=${2:?--threads needs a number}; shift ;;
        --runs) runs=${2:?--runs needs a number}; shift ;;
        --wp-runs) wp_runs=${2:?--wp-runs needs a number}; shift ;;
        --no-write) write=0 ;;
        --no-build) build=0 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "scale.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

. benches/lib.sh
bench_work scale.sh
/usr/bin/time -v true >/dev/null 2>&1 || { echo "scale.sh: needs GNU time (apt-get install time)" >&2; exit 2; }

[ "$build" = 1 ] && log "building (release)" && cargo build --quiet --release --bin normsearch --example gencorpus --example benchtool --example mintantivy
target=${CARGO_TARGET_DIR:-$repo/target}/release
ns="$target/normsearch"
gencorpus="$target/examples/gencorpus"
benchtool="$target/examples/benchtool"
mintantivy="$target/examples/mintantivy"
seed=42

# `/usr/bin/time -v` of a command: sets t_wall (s), t_cpu (s), t_rss_mb,
# and t_out (its standard output).
timed() {
    local tf
    tf=$(mktemp "$work/time.XXXXXX")
    t_out=$(/usr/bin/time -v -o "$tf" "$@")
    t_wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$tf")
    t_cpu=$(awk -F': *' '/User time|System time/ { s += $2 } END { print s }' "$tf")
    t_rss_mb=$(awk -F': *' '/Maximum resident set size/ { printf "%.0f", $2 / 1000 }' "$tf")
    rm -f "$tf"
}

rows="$work/scale-rows.tsv"
: > "$rows"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
for size in $sizes; do
    corpus="$work/gen-${size}mb"
    ensure_corpus "$corpus" "$size"
    ours="$work/scale-index-$size"
    mini="$work/scale-min-$size"
    base="$work/scale-base-$size"
    rm -rf "$ours" "$mini" "$base"

    log "${size} MB: our build ($threads threads)"
    timed "$benchtool" build --corpus "$corpus" --index "$ours" --threads "$threads"
    o_wall=$t_wall o_cpu=$t_cpu o_rss=$t_rss_mb
    # The build's own peak of anonymous memory (heap, stacks), apart from
    # the pages of index files it maps, which the kernel can drop.
    o_anon=$(echo "$t_out" | sed -n 's/.*anon_peak_kb=\([0-9]*\).*/\1/p' | awk '{ printf "%.0f", $1 / 1000 }')
    log "${size} MB: minimal tantivy build"
    timed "$mintantivy" build "$corpus" "$mini"
    m_wall=$t_wall m_cpu=$t_cpu m_rss=$t_rss_mb
    o_size=$(du -sb "$ours" | cut -f1)
    m_size=$(du -sb "$mini" | cut -f1)

    log "${size} MB: warm queries"
    mkdir -p "$base"
    "$benchtool" build --corpus "$corpus" --index "$base" --threads "$threads" --baseline >/dev/null
    warm=$("$benchtool" query --index "$ours" --baseline-index "$base" --runs "$runs")
    # p50 of the phrase and by-theme classes, and the worst p99 of all.
    phrase_p50=$(echo "$warm" | awk -F' *\\| *' '$2 == "phrase" { print $5 }')
    theme_p50=$(echo "$warm" | awk -F' *\\| *' '$2 == "by-theme" { print $5 }')
    worst_p99=$(echo "$warm" | awk -F' *\\| *' '$6 ~ /^[0-9.]+$/ && $6 > m { m = $6 } END { print m }')

    log "${size} MB: whole-process searches"
    wp=$("$benchtool" startup --normsearch "$ns" --corpus "$corpus" --index "$ours" \
        --mintantivy "$mintantivy" --min-index "$mini" --runs "$wp_runs")
    wp_all=$(echo "$wp" | awk -F' *\\| *' '$2 == "all" { print $4, $5, $6, $7 }')
    read -r wp_p50 wp_p95 wm_p50 wm_p95 <<< "$wp_all"

    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$size" "$o_wall" "$o_cpu" "$o_rss" "$o_size" "$m_wall" "$m_cpu" "$m_rss" "$m_size" \
        "$phrase_p50" "$theme_p50" "$worst_p99" "$wp_p50" "$wp_p95" "$wm_p50" "$wm_p95" "$o_anon" >> "$rows"
    rm -rf "$base"
    echo "$warm" > "$work/scale-warm-$size.md"
    echo "$wp" > "$work/scale-wp-$size.md"
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# Least-squares fit of log y = log a + b log x over the rows; prints "a b"
# for column $1 (x = MB).
fit() {
    awk -F'\t' -v c="$1" '$c > 0 { x = log($1); y = log($c); n++; sx += x; sy += y; sxx += x * x; sxy += x * y }
        END { if (n < 2) { print "nan nan"; exit } b = (n * sxy - sx * sy) / (n * sxx - sx * sx); a = exp((sy - b * sx) / n); print a, b }' "$rows"
}
expo() { awk -v b="$1" 'BEGIN { if (b == "nan") print "n/a"; else printf "%.2f\n", b }'; }
at() { awk -v a="$1" -v b="$2" -v x="$3" -v s="${4:-1}" -v d="${5:-1}" 'BEGIN { if (a == "nan") print "n/a"; else printf "%.*f\n", d, a * x ^ b / s }'; }

section=$(mktemp "$work/section.XXXXXX")
commit=$(git rev-parse --short HEAD 2>/dev/null || echo "?")
git diff --quiet HEAD -- src benches examples Cargo.toml 2>/dev/null || commit="$commit+changes"
{
    echo "## $(date -u +%Y-%m-%d) — scale: ${sizes// / MB, } MB"
    echo
    echo "Commit $commit; $(nproc) cores; build threads $threads; one build per size. Load average (1, 5, 15 min): $load_start at the start, $load_end at the end."
    echo
    echo "| corpus MB | build s | build CPU s | MB/s | peak RSS MB (anonymous) | index MB | index / corpus | minimal tantivy build s | its RSS MB | its index MB | build / minimal | warm phrase p50 ms | warm by-theme p50 ms | worst warm p99 ms | whole-process p50 / p95 ms | minimal p50 / p95 ms |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' '{ printf "| %s | %.1f | %.1f | %.2f | %s (%s) | %.1f | %.2f× | %.1f | %s | %.1f | %.2f× | %s | %s | %s | %s / %s | %s / %s |\n",
        $1, $2, $3, $1 / $2, $4, $17, $5 / 1e6, $5 / ($1 * 1e6), $6, $8, $9 / 1e6, $2 / $6, $10, $11, $12, $13, $14, $15, $16 }' "$rows"
    echo
    echo "Fitted growth (y = a·MB^b over the sizes above) and what it predicts on one machine like this one:"
    echo
    echo "| figure | exponent b | 10 GB | 100 GB |"
    echo "|---|---:|---:|---:|"
    read -r a b <<< "$(fit 2)"; echo "| build wall time | $(expo "$b") | $(at "$a" "$b" 10000 3600 1) h | $(at "$a" "$b" 100000 3600 1) h |"
    read -r a b <<< "$(fit 3)"; echo "| build CPU time | $(expo "$b") | $(at "$a" "$b" 10000 3600 1) h | $(at "$a" "$b" 100000 3600 1) h |"
    read -r a b <<< "$(fit 4)"; echo "| peak RSS building | $(expo "$b") | $(at "$a" "$b" 10000 1000 2) GB | $(at "$a" "$b" 100000 1000 2) GB |"
    read -r a b <<< "$(fit 5)"; echo "| index size | $(expo "$b") | $(at "$a" "$b" 10000 1e9 1) GB | $(at "$a" "$b" 100000 1e9 1) GB |"
    read -r a b <<< "$(fit 10)"; echo "| warm phrase p50 | $(expo "$b") | $(at "$a" "$b" 10000 1 1) ms | $(at "$a" "$b" 100000 1 1) ms |"
    read -r a b <<< "$(fit 11)"; echo "| warm by-theme p50 | $(expo "$b") | $(at "$a" "$b" 10000 1 1) ms | $(at "$a" "$b" 100000 1 1) ms |"
    read -r a b <<< "$(fit 13)"; echo "| whole-process p50 | $(expo "$b") | $(at "$a" "$b" 10000 1 1) ms | $(at "$a" "$b" 100000 1 1) ms |"
    read -r a b <<< "$(fit 14)"; echo "| whole-process p95 | $(expo "$b") | $(at "$a" "$b" 10000 1 1) ms | $(at "$a" "$b" 100000 1 1) ms |"
    echo
    for size in $sizes; do
        echo "Whole process at $size MB (\`benchtool startup\`, $wp_runs runs of each query and engine, interleaved):"
        echo
        cat "$work/scale-wp-$size.md"
        echo
    done
} > "$section"
cat "$section"
if [ "$write" = 1 ]; then
    cat "$section" >> BENCHMARKS.md
    log "appended to BENCHMARKS.md"
fi
rm -f "$section"
