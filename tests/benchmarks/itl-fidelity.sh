#!/bin/sh
# Measurement fidelity of `adminchat bench`: against the demo endpoint with a fixed 200 ms TTFT
# and a fixed 20 ms between tokens, the measured ITL should be 20 ms however many streams run at
# once. For each concurrency C: C warm-up requests, then 2*C requests of 50 tokens, C at a time.
# The server runs on one core and bench on the other when taskset is there and the machine has
# two cores or more. Prints, per run, ITL P50/P99/max, TTFT P50/P99, the CPU that bench spent
# per event it received (user + sys over every content event, warm-up included), the share of
# the server's token writes that went out more than 5 ms after their due time and the latest
# one (the server's own error, from GET /v1/demo/stats), and the load average at the start.
#   tests/benchmarks/itl-fidelity.sh [BINARY] [CONCURRENCY...]   (default: build/adminchat
#   256 512 1024); RUNS=3 repeats each concurrency and adds a row of medians. REALTIME=1 runs
#   both under SCHED_FIFO (chrt, needs root) so that other work on a shared machine cannot
#   hold them off the CPU: the figures are then the software's, not the machine's load.
# Needs /usr/bin/time (Debian package time) for the CPU figures and curl for the server's.
set -eu

BIN="${1:-build/adminchat}"
[ $# -gt 0 ] && shift
LEVELS="${*:-256 512 1024}"
RUNS="${RUNS:-1}"
TOKENS=50
WORK="$(mktemp -d)"
SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT INT TERM
# Records go to a throwaway database, not the user's.
export XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config"

SERVER_CPU=
BENCH_CPU=
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
    SERVER_CPU="taskset -c 1"
    BENCH_CPU="taskset -c 0"
fi
if [ "${REALTIME:-0}" = 1 ]; then
    SERVER_CPU="chrt -f 50 $SERVER_CPU"
    BENCH_CPU="chrt -f 50 $BENCH_CPU"
fi
TIME=
[ -x /usr/bin/time ] && TIME="/usr/bin/time -f %U:%S -o $WORK/cpu.txt"

$SERVER_CPU "$BIN" serve-demo --port 0 --profile fixed --ttft 200 --itl 20 \
    >"$WORK/server.log" 2>&1 &
SERVER=$!
URL=
for _ in $(seq 50); do
    URL="$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$WORK/server.log")"
    [ -n "$URL" ] && break
    sleep 0.1
done
[ -n "$URL" ] || { echo "serve-demo did not start" >&2; exit 1; }
echo "server: ${SERVER_CPU:-unpinned} $URL; bench: ${BENCH_CPU:-unpinned}; runs: $RUNS"

HEADER='%-7s %-6s %8s %8s %8s %8s %9s %9s %8s %9s %9s %6s\n'
printf "$HEADER" streams run requests "ITL P50" "ITL P99" "ITL max" "TTFT P50" "TTFT P99" \
    "us/event" "srv >5ms" "srv late" load
: >"$WORK/rows.txt"
for C in $LEVELS; do
    for RUN in $(seq "$RUNS"); do
        LOAD="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo -)"
        command -v curl >/dev/null 2>&1 &&
            curl -s -X POST "$URL/demo/stats/reset" >/dev/null 2>&1 || true
        rm -f "$WORK/cpu.txt"
        $TIME $BENCH_CPU "$BIN" bench --base-url "$URL" --model demo-chat --concurrency "$C" \
            --requests $((C * 2)) --max-tokens "$TOKENS" --warmup "$C" \
            --tag "itl-fidelity-$C" 2>/dev/null >"$WORK/run.txt"
        CPU="$(cat "$WORK/cpu.txt" 2>/dev/null | tail -n 1)"
        STATS=
        command -v curl >/dev/null 2>&1 && STATS="$(curl -s "$URL/demo/stats" || true)"
        # Table rows: label, mean, P50, P90, P95, P99, max, n. Events received: the measured
        # requests' (ITL gaps plus one per request) scaled to the warm-up's requests too.
        awk -v c="$C" -v run="$RUN" -v cpu="$CPU" -v warmup="$C" -v stats="$STATS" \
            -v load="$LOAD" '
            /^Requests/ { completed = $5 }
            /^TTFT \(ms\)/ { t50 = $4; t99 = $7 }
            /^ITL, all gaps/ { i50 = $6; i99 = $9; imax = $10; gaps = $11 }
            END {
                perEvent = "-"
                split(cpu, t, ":")
                events = (gaps + completed) * (completed + warmup) / (completed > 0 ? completed : 1)
                if (cpu != "" && events > 0)
                    perEvent = sprintf("%.2f", (t[1] + t[2]) * 1e6 / events)
                late = "-"; maxLate = "-"
                if (match(stats, /"paced_writes":[0-9]+/)) {
                    writes = substr(stats, RSTART + 15, RLENGTH - 15)
                    match(stats, /"late_over_5ms":[0-9]+/)
                    over = substr(stats, RSTART + 16, RLENGTH - 16)
                    match(stats, /"max_lateness_ms":[0-9.]+/)
                    maxLate = sprintf("%.1f", substr(stats, RSTART + 18, RLENGTH - 18))
                    late = writes > 0 ? sprintf("%.2f%%", 100 * over / writes) : "-"
                }
                printf "%s %s %s %s %s %s %s %s %s %s %s %s\n", c, run, completed, i50, i99,
                    imax, t50, t99, perEvent, late, maxLate, load
            }
        ' "$WORK/run.txt" >"$WORK/row.txt"
        cat "$WORK/row.txt" >>"$WORK/rows.txt"
        # shellcheck disable=SC2046
        printf "$HEADER" $(cat "$WORK/row.txt")
    done
    if [ "$RUNS" -gt 1 ]; then
        # The median of each column over this concurrency's runs (the middle one for odd RUNS).
        MEDIANS="$C median"
        for COLUMN in 3 4 5 6 7 8 9 10 11 12; do
            VALUE="$(awk -v c="$C" -v k="$COLUMN" '$1 == c { v = $k; sub(/%$/, "", v); print v }' \
                "$WORK/rows.txt" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
            [ "$COLUMN" -eq 10 ] && [ "$VALUE" != - ] && VALUE="$VALUE%"
            MEDIANS="$MEDIANS $VALUE"
        done
        # shellcheck disable=SC2086
        printf "$HEADER" $MEDIANS
    fi
done
