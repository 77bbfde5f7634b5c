#!/bin/sh
# CPU cost of consuming one OpenAI event stream, for three clients of the same replayed bytes:
# AdminChat (adminchat bench / adminchat ask), curl -N (the transport floor) and a Node client
# on the official openai package. The replay server answers at once with no delays, so every
# figure is the client's own work (user + system CPU seconds, from the kernel's rusage of the
# client and the processes it waited for; the server's CPU is not counted).
#
# Usage: tests/benchmarks/compare-clients.sh ADMINCHAT_BINARY OPENAI_NODE_DIR
#   OPENAI_NODE_DIR: a scratch folder where `npm install openai` was run.
# Environment: TOKENS (tokens per stream, default 4000), STREAMS (streams in the long runs,
# default 200; 0 leaves the long runs out), PROCESSES (one-stream processes per client, default
# 20), RUNS (each figure measured that many times, the median reported; default 1).
#
# Three figures per client:
#   per stream   the marginal cost of one more stream in a running process:
#                (CPU of STREAMS streams - CPU of 10 streams) / (STREAMS - 10), so start-up,
#                module loading and exit cancel out;
#   per process  a process started for one stream (start-up, connection, stream, exit), the
#                mean of PROCESSES runs, as a command line user pays it;
#   peak RSS     the largest resident set of those processes (the kernel's maxrss).
set -eu

here=$(dirname "$(realpath "$0")")
body='{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Write a long answer."}]}'

# Internal: one measured run, "--run CLIENT MODE N" (MODE streams: N streams in one process;
# MODE processes: N processes of one stream each), with BASE, ADMINCHAT and OPENAI_NODE_DIR set.
if [ "${1:-}" = --run ]; then
    client=$2 mode=$3 n=$4
    one() {
        case $client in
        curl) curl -sS -N -H 'content-type: application/json' -d "$body" \
            "$BASE/chat/completions?i=[1-$1]" ;;
        node) node "$here/node-client.mjs" "$BASE" "$1" ;;
        adminchat)
            if [ "$mode" = streams ]; then
                "$ADMINCHAT" bench --base-url "$BASE" --model m --requests "$1" --concurrency 1 --json
            else
                "$ADMINCHAT" ask --base-url "$BASE" --model m --no-save "Write a long answer."
            fi ;;
        esac
    }
    if [ "$mode" = streams ]; then
        one "$n"
    else
        i=0
        while [ $i -lt "$n" ]; do
            one 1
            i=$((i + 1))
        done
    fi
    exit 0
fi

ADMINCHAT=$(realpath "${1:?usage: $0 ADMINCHAT_BINARY OPENAI_NODE_DIR}")
OPENAI_NODE_DIR=$(realpath "${2:?usage: $0 ADMINCHAT_BINARY OPENAI_NODE_DIR}")
export ADMINCHAT OPENAI_NODE_DIR
tokens=${TOKENS:-4000}
streams=${STREAMS:-200}
processes=${PROCESSES:-20}
runs=${RUNS:-1}
small=10

work=$(mktemp -d)
server=
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# AdminChat stores a metrics record per request: keep them out of the user's database.
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"
unset OPENAI_API_KEY OPENAI_BASE_URL 2>/dev/null || true

node "$here/make-stream.mjs" "$tokens" > "$work/stream.sse"
node "$here/replay-server.mjs" "$work/stream.sse" > "$work/server.out" &
server=$!
for _ in $(seq 50); do
    grep -q listening "$work/server.out" 2>/dev/null && break
    sleep 0.1
done
BASE="http://127.0.0.1:$(awk '/listening/ {print $2}' "$work/server.out")/v1"
export BASE

# "CPU MAXRSS" of one measured run: user + system seconds, and the largest resident set in KB.
measure() {
    if ! /usr/bin/time -f '%U %S %M' -o "$work/time" "$0" --run "$@" > /dev/null 2> "$work/stderr"; then
        echo "failed: $*" >&2
        cat "$work/stderr" >&2
        exit 1
    fi
    awk '{printf "%.4f %d", $1 + $2, $3}' "$work/time"
}

# The median of RUNS measured runs, per column: "CPU MAXRSS".
median() {
    i=0
    : > "$work/runs"
    while [ $i -lt "$runs" ]; do
        measure "$@" >> "$work/runs"
        echo >> "$work/runs"
        i=$((i + 1))
    done
    for column in 1 2; do
        cut -d' ' -f$column "$work/runs" | sort -n |
            awk '{v[NR] = $1} END {printf "%s ", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
    done
}

bytes=$(wc -c < "$work/stream.sse")
if [ "$streams" -gt 0 ]; then long="long runs of $small and $streams streams"; else long="no long runs"; fi
echo "stream: $tokens tokens, $bytes bytes; $long; $processes one-stream processes;" \
    "medians of $runs runs"
printf '| %-26s | %15s | %11s | %16s | %13s |\n' client "per stream (ms)" "per MB (ms)" \
    "per process (ms)" "peak RSS (MB)"
printf '|%s|%s|%s|%s|%s|\n' ---------------------------- ----------------- ------------- \
    ------------------ ---------------
for client in adminchat curl node; do
    case $client in
    adminchat) label='adminchat bench / ask' ;;
    curl) label='curl -N' ;;
    node) label='node + openai package' ;;
    esac
    a=- b=-
    if [ "$streams" -gt 0 ]; then
        a=$(median "$client" streams "$small" | cut -d' ' -f1)
        b=$(median "$client" streams "$streams" | cut -d' ' -f1)
    fi
    set -- $(median "$client" processes "$processes")
    p=$1 rss=$2
    awk -v a="$a" -v b="$b" -v p="$p" -v rss="$rss" -v n="$streams" -v m="$small" \
        -v k="$processes" -v mb="$bytes" -v label="$label" 'BEGIN {
            if (a == "-") {
                s = "-"; perMb = "-"
            } else {
                s = sprintf("%.2f", (b - a) / (n - m) * 1000)
                perMb = sprintf("%.2f", s / (mb / 1e6))
            }
            printf "| %-26s | %15s | %11s | %16.1f | %13.1f |\n", label, s, perMb, p / k * 1000,
                rss * 1024 / 1e6
        }'
done
