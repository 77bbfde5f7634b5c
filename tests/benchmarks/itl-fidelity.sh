#!/bin/sh
# Measurement fidelity of `adminchat bench`: against the demo endpoint with a fixed 100 ms TTFT and
# a fixed 20 ms between tokens, the measured ITL should be 20 ms however many streams run at
# once. Prints ITL P50/P99/max and TTFT P50/P99 for each concurrency, measured in one run.
#   tests/benchmarks/itl-fidelity.sh [BINARY] [CONCURRENCY...]   (default: build/adminchat 64 256)
set -eu

BIN="${1:-build/adminchat}"
[ $# -gt 0 ] && shift
LEVELS="${*:-64 256}"
WORK="$(mktemp -d)"
trap 'kill "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT INT TERM
# Records go to a throwaway database, not the user's.
export XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config"

"$BIN" serve-demo --port 0 --ttft 100 --itl 20 >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 50); do
    URL="$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$WORK/server.log")"
    [ -n "$URL" ] && break
    sleep 0.1
done
[ -n "$URL" ] || { echo "serve-demo did not start" >&2; exit 1; }

printf '%-8s %9s %9s %9s %9s %9s %9s\n' streams requests "ITL P50" "ITL P99" "ITL max" \
    "TTFT P50" "TTFT P99"
for C in $LEVELS; do
    "$BIN" bench --base-url "$URL" --model demo-chat --concurrency "$C" --requests $((C * 4)) \
        --max-tokens 100 --warmup "$C" --tag "itl-fidelity-$C" 2>/dev/null >"$WORK/run.txt"
    # Table rows: label, mean, P50, P90, P95, P99, max, n.
    awk -v c="$C" '
        /^Requests/ { completed = $5 }
        /^TTFT \(ms\)/ { t50 = $4; t99 = $7 }
        /^ITL, all gaps/ { i50 = $6; i99 = $9; imax = $10 }
        END { printf "%-8s %9s %9s %9s %9s %9s %9s\n", c, completed, i50, i99, imax, t50, t99 }
    ' "$WORK/run.txt"
done
