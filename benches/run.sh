#!/usr/bin/env bash
# The benchmark suite, end to end: generates corpora, builds our index and
# the bare-tantivy baseline from them, measures build time, MB/s, index size,
# peak memory, warm query percentiles and whole-process search next to
# ripgrep, and appends a dated section to BENCHMARKS.md.
#
#   benches/run.sh                 10 MB and 100 MB
#   benches/run.sh --full          10 MB, 100 MB and 1 GB
#   benches/run.sh --sizes "10"    the sizes given, in MB
#   benches/run.sh --extra DIR     also a folder of real texts with an
#                                  index.tsv (e.g. ../shared/corpus-extra)
#   benches/run.sh --criterion     also `cargo bench` (criterion, 10 MB)
#   benches/run.sh --no-write      print the section, leave BENCHMARKS.md
#
# Options: --reps N (builds per configuration, default 3; the median is
# reported), --runs N (timed warm queries per class, default 300),
# --wp-runs N (whole-process searches per query, default 10).
#
# Generated corpora, indexes and logs go to $NORMSEARCH_BENCH_WORK (default
# ${TMPDIR:-/tmp}/normsearch-bench), never into the repository; a corpus of
# the same size and seed is reused. Needs GNU time (/usr/bin/time -v; Debian
# package `time`) for peak RSS and ripgrep for the comparison
# (`cargo install ripgrep`); without them those columns say so.
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$(pwd)

sizes="10 100"
extra=""
criterion=0
write=1
reps=3
runs=300
wp_runs=10
while [ $# -gt 0 ]; do
    case "$1" in
        --full) sizes="10 100 1000" ;;
        --sizes) sizes=${2:?--sizes needs a list of MB}; shift ;;
        --extra) extra=${2:?--extra needs a folder}; shift ;;
        --criterion) criterion=1 ;;
        --no-write) write=0 ;;
        --reps) reps=${2:?--reps needs a number}; shift ;;
        --runs) runs=${2:?--runs needs a number}; shift ;;
        --wp-runs) wp_runs=${2:?--wp-runs needs a number}; shift ;;
        -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

. benches/lib.sh
bench_work run.sh
target=${CARGO_TARGET_DIR:-$repo/target}
seed=42


# --- Tools -------------------------------------------------------------------

log "building (release)"
cargo build --quiet --release --bin normsearch --example gencorpus --example benchtool
ns="$target/release/normsearch"
gencorpus="$target/release/examples/gencorpus"
benchtool="$target/release/examples/benchtool"

gnu_time=0
if /usr/bin/time -v true >/dev/null 2>&1; then
    gnu_time=1
else
    log "GNU time not found: peak RSS comes from the tool itself. Install it with: apt-get install time"
fi
have_rg=0
rg_version="not installed"
if command -v rg >/dev/null 2>&1; then
    have_rg=1
    rg_version=$(rg --version | sed -n 1p)
else
    log "ripgrep (rg) not found: no comparison with it. Install it with: cargo install ripgrep"
fi
# Whole-process search: the real command when the CLI has it, else the
# tool's equivalent (open the index, search, print ten hits).
cli_search=0
if "$ns" search --help >/dev/null 2>&1; then
    cli_search=1
fi

# --- Helpers -----------------------------------------------------------------

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print "nan" }'; }
maximum() { sort -g | tail -n 1; }
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p"; }
now_ns() { date +%s%N; }
fmt() { awk -v x="$1" -v d="${2:-2}" 'BEGIN { if (x == "" || x == "nan") print "n/a"; else printf "%.*f\n", d, x }'; }
div() { awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.*f\n", d, a / b }'; }

# Builds `reps` times; leaves the last index in place and sets
# b_seconds (median), b_cpu (median user+sys), b_rss_kb (max), b_anon_kb
# (max), b_passages, b_bytes.
measure_build() {
    local engine=$1 threads=$2 corpus=$3 index=$4
    local flag="" secs=() cpus=() rsss=() anons=() line tf
    [ "$engine" = baseline ] && flag="--baseline"
    local ok=0 attempts=0 err
    tf=$(mktemp "$work/time.XXXXXX")
    err=$(mktemp "$work/err.XXXXXX")
    # A failed build is retried, up to twice the runs asked for, and
    # reported in the section: an intermittent failure is a finding, not a
    # reason to lose the rest of the run.
    while [ "$ok" -lt "$reps" ] && [ "$attempts" -lt $((2 * reps)) ]; do
        attempts=$((attempts + 1))
        rm -rf "$index"
        if [ "$gnu_time" = 1 ]; then
            if ! line=$(/usr/bin/time -v -o "$tf" "$benchtool" build --corpus "$corpus" --index "$index" --threads "$threads" $flag 2> "$err"); then
                b_failures+=("$engine, $threads thread(s): $(grep -v '^Command exited' "$err" | head -n 1)")
                log "build failed: $(head -n 1 "$err")"
                continue
            fi
            rsss+=("$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$tf")")
            cpus+=("$(awk -F': *' '/User time|System time/ { s += $2 } END { print s }' "$tf")")
        else
            if ! line=$("$benchtool" build --corpus "$corpus" --index "$index" --threads "$threads" $flag 2> "$err"); then
                b_failures+=("$engine, $threads thread(s): $(head -n 1 "$err")")
                log "build failed: $(head -n 1 "$err")"
                continue
            fi
            rsss+=("$(echo "$line" | field peak_rss_kb)")
            cpus+=("")
        fi
        ok=$((ok + 1))
        secs+=("$(echo "$line" | field seconds)")
        anons+=("$(echo "$line" | field anon_peak_kb)")
    done
    rm -f "$tf" "$err"
    if [ "$ok" = 0 ]; then
        log "every build of $engine at $threads thread(s) failed; giving up"
        exit 1
    fi
    b_seconds=$(printf '%s\n' "${secs[@]}" | median)
    b_cpu=$(printf '%s\n' "${cpus[@]}" | grep . | median || true)
    b_rss_kb=$(printf '%s\n' "${rsss[@]}" | maximum)
    b_anon_kb=$(printf '%s\n' "${anons[@]}" | maximum)
    b_passages=$(echo "$line" | field passages)
    b_bytes=$(echo "$line" | field bytes)
}

# Median wall time in ms of a command over wp_runs runs, after one untimed.
wall_ms() {
    local t0 t1 samples=()
    "$@" >/dev/null 2>&1 || true
    for _ in $(seq "$wp_runs"); do
        t0=$(now_ns)
        "$@" >/dev/null 2>&1 || true
        t1=$(now_ns)
        samples+=("$(( (t1 - t0) / 1000 ))")
    done
    printf '%s\n' "${samples[@]}" | median | awk '{ printf "%.1f\n", $1 / 1000 }'
}

ns_search() {
    local corpus=$1 index=$2 query=$3
    if [ "$cli_search" = 1 ]; then
        "$ns" search --corpus "$corpus" --index "$index" "$query"
    else
        "$benchtool" search --index "$index" "$query"
    fi
}

# --- One corpus ----------------------------------------------------------------

# Measures the corpus in $2, named $1; appends its tables to $section.
# $3 is "require" when every query class must match (generated corpora).
measure_corpus() {
    local name=$1 corpus=$2 require=${3:-}
    local ours="$work/index-$name" base="$work/baseline-$name"
    local docs mb
    docs=$(grep -c '^\[\[document\]\]' "$corpus/corpus.toml")

    declare -A sec cpu rss anon mbs
    b_failures=()
    local passages blocks bytes
    for threads in 1 2; do
        log "$name: our build, $threads thread(s), $reps run(s)"
        measure_build normsearch "$threads" "$corpus" "$ours"
        sec[o$threads]=$b_seconds; cpu[o$threads]=$b_cpu; rss[o$threads]=$b_rss_kb; anon[o$threads]=$b_anon_kb
        passages=$b_passages; bytes=$b_bytes
        log "$name: baseline build, $threads thread(s), $reps run(s)"
        measure_build baseline "$threads" "$corpus" "$base"
        sec[b$threads]=$b_seconds; cpu[b$threads]=$b_cpu; rss[b$threads]=$b_rss_kb; anon[b$threads]=$b_anon_kb
        blocks=$b_passages
    done
    mb=$(div "$bytes" 1000000 1)
    local ours_size base_size
    ours_size=$(du -sb "$ours" | cut -f1)
    base_size=$(du -sb "$base" | cut -f1)

    {
        echo "### $name: $mb MB, $docs documents"
        echo
        echo "Build (median of $reps; CPU = user + system seconds; RSS = peak resident set, anon = peak anonymous memory sampled every 20 ms; 1 MB = 10⁶ bytes):"
        echo
        echo "| engine | threads | units indexed | seconds | MB/s | CPU s | peak RSS MB | anon RSS MB | MB/s vs baseline |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
        for threads in 1 2; do
            local om bm
            om=$(div "$bytes" "$(awk -v s="${sec[o$threads]}" 'BEGIN { print s * 1e6 }')" 2)
            bm=$(div "$bytes" "$(awk -v s="${sec[b$threads]}" 'BEGIN { print s * 1e6 }')" 2)
            mbs[o$threads]=$om; mbs[b$threads]=$bm
            echo "| normsearch | $threads | $passages passages | $(fmt "${sec[o$threads]}") | $om | $(fmt "${cpu[o$threads]}") | $(div "${rss[o$threads]}" 1000 0) | $(div "${anon[o$threads]}" 1000 0) | $(div "$om" "$bm" 2)× |"
            echo "| tantivy baseline | $threads | $blocks blocks | $(fmt "${sec[b$threads]}") | $bm | $(fmt "${cpu[b$threads]}") | $(div "${rss[b$threads]}" 1000 0) | $(div "${anon[b$threads]}" 1000 0) | 1× |"
        done
        echo
        if [ "${#b_failures[@]}" -gt 0 ]; then
            echo "**${#b_failures[@]} build(s) failed and were run again:**"
            echo
            printf -- '- %s\n' "${b_failures[@]}"
            echo
        fi
        echo "Speed-up from 1 to 2 threads: normsearch $(div "${sec[o1]}" "${sec[o2]}" 2)×, baseline $(div "${sec[b1]}" "${sec[b2]}" 2)×."
        echo "Index on disk: normsearch $(div "$ours_size" 1000000 1) MB ($(div "$ours_size" "$bytes" 2)× the corpus), baseline $(div "$base_size" 1000000 1) MB ($(div "$base_size" "$bytes" 2)×)."
        echo
        echo "Warm queries ($runs timed runs per class after $runs untimed, one process, index opened once; ours returns ten cited, highlighted hits and the total where it is cheap to count, as \`normsearch search\` does without \`--count\` or \`--facets\` (≥ marks a lower bound), the baseline its top ten addresses):"
        echo
    } >> "$section"
    log "$name: warm queries"
    local qflag=""
    [ "$require" = require ] && qflag="--require-hits"
    "$benchtool" query --index "$ours" --baseline-index "$base" --runs "$runs" $qflag >> "$section"

    log "$name: whole-process search"
    local how="\`benchtool search\` (the CLI has no \`search\` yet: open the index, search, print ten hits)"
    [ "$cli_search" = 1 ] && how="\`normsearch search\`"
    {
        echo
        echo "Whole process, index warm in the page cache (median of $wp_runs runs; $how vs \`rg -i -F\` over the texts):"
        echo
        echo "| query | normsearch ms | rg ms | rg / normsearch |"
        echo "|---|---:|---:|---:|"
    } >> "$section"
    local q pattern nsms rgms
    for q in '"international law"' 'anonymity' 'confidence-building measures'; do
        pattern=${q//\"/}
        nsms=$(wall_ms ns_search "$corpus" "$ours" "$q")
        if [ "$have_rg" = 1 ]; then
            rgms=$(wall_ms rg -i -F --glob '*.txt' -- "$pattern" "$corpus")
            echo "| \`$q\` | $nsms | $rgms | $(div "$rgms" "$nsms" 1)× |" >> "$section"
        else
            echo "| \`$q\` | $nsms | not installed | – |" >> "$section"
        fi
    done
    echo >> "$section"
}

# --- The run ---------------------------------------------------------------------

section=$(mktemp "$work/section.XXXXXX")
load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)
commit=$(git rev-parse --short HEAD)
git diff --quiet HEAD -- src benches examples Cargo.toml 2>/dev/null || commit="$commit+changes"
cpu_model=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
mem_gb=$(awk '/MemTotal/ { printf "%.0f", $2 / 1e6 }' /proc/meminfo 2>/dev/null || echo "?")
{
    echo "## $(date -u +%Y-%m-%d) — sizes ${sizes// / MB, } MB${extra:+, corpus-extra}"
    echo
    echo "Commit $commit; ${cpu_model:-unknown CPU}, $(nproc) cores, ${mem_gb} GB; $(rustc --version); ripgrep: $rg_version. Load average (1, 5, 15 min) at the start: $load_start."
    echo
} > "$section"

for size in $sizes; do
    corpus="$work/gen-${size}mb"
    ensure_corpus "$corpus" "$size"
    measure_corpus "generated-${size}mb" "$corpus" require
done

if [ -n "$extra" ]; then
    log "preparing $extra"
    rm -rf "$work/extra"
    scripts/corpus-extra.sh "$extra" "$work/extra" >/dev/null 2>&1
    rm -f "$work/extra/passages.jsonl"
    measure_corpus corpus-extra "$work/extra"
fi

if [ "$criterion" = 1 ]; then
    log "criterion benches (10 MB)"
    NORMSEARCH_BENCH_MB=10 cargo bench --quiet --bench index --bench query >/dev/null 2>&1
    {
        echo "### criterion, generated 10 MB (\`cargo bench --bench index --bench query\`; median of the sample means)"
        echo
        echo "| bench | median |"
        echo "|---|---:|"
        find "$target/criterion/build" "$target/criterion/query" -path '*/new/estimates.json' | sort | while read -r f; do
            id=${f#"$target/criterion/"}
            id=${id%/new/estimates.json}
            ns_median=$(tr -d ' \n' < "$f" | sed -n 's/.*"median":{"confidence_interval":{[^}]*},"point_estimate":\([0-9.eE+-]*\).*/\1/p')
            echo "| $id | $(awk -v n="$ns_median" 'BEGIN { if (n >= 1e9) printf "%.2f s", n / 1e9; else if (n >= 1e6) printf "%.2f ms", n / 1e6; else printf "%.1f µs", n / 1e3 }') |"
        done
        echo
    } >> "$section"
fi

echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)." >> "$section"
echo >> "$section"

cat "$section"
if [ "$write" = 1 ]; then
    [ -f BENCHMARKS.md ] || printf '# Benchmarks\n\n' > BENCHMARKS.md
    cat "$section" >> BENCHMARKS.md
    log "appended to BENCHMARKS.md"
fi
rm -f "$section"
