# Shared by the benchmark scripts (sourced, not run): where their corpora
# and indexes go, and how they speak.
#
# bench_work NAME: sets $work to $NORMSEARCH_BENCH_WORK (default
# ${TMPDIR:-/tmp}/normsearch-bench), creates it, and refuses a folder inside
# the repository (the current directory), whose files would end up in a
# commit. NAME prefixes the script's messages (`log`).
bench_work() {
    bench_name=$1
    work=${NORMSEARCH_BENCH_WORK:-${TMPDIR:-/tmp}/normsearch-bench}
    mkdir -p "$work"
    case "$(cd "$work" && pwd)/" in
        "$(pwd)"/*) echo "$bench_name: $work is inside the repository; set NORMSEARCH_BENCH_WORK elsewhere" >&2; exit 2 ;;
    esac
}

log() { echo "${bench_name:-bench}: $*" >&2; }

# ensure_corpus DIR SIZE_MB: a generated corpus of SIZE_MB in DIR, made by
# $gencorpus with $seed unless DIR already holds the one those make (its
# manifest's first line records the size and seed).
ensure_corpus() {
    local corpus=$1 size=$2
    if head -n 1 "$corpus/corpus.toml" 2>/dev/null | grep -q -- "--size $((size * 1000000)) --seed $seed\$"; then
        log "reusing $corpus"
    else
        log "generating $corpus"
        mkdir -p "$corpus"
        "$gencorpus" --size "${size}MB" --seed "$seed" --out "$corpus" --force
    fi
}
