#!/bin/sh
# The watcher under load: N profiles probed every INTERVAL seconds against one
# `adminchat serve-demo`, for DURATION seconds, in a scratch home. Prints the probes made, the
# watcher's CPU time and its resident memory sampled every 5 s (flat memory: the last samples
# no higher than the first ones after start-up).
#   tests/benchmarks/watch-load.sh build/adminchat [N] [INTERVAL] [DURATION]
set -eu
bin=$(realpath "$1")
n=${2:-50}
interval=${3:-10}
duration=${4:-600}
home=$(mktemp -d)
trap 'kill "$demo" 2>/dev/null || true; rm -rf "$home"' EXIT
export HOME="$home" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data"
unset OPENAI_BASE_URL OPENAI_API_KEY

"$bin" serve-demo --port 0 --profile fixed >"$home/demo.log" 2>&1 &
demo=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
    grep -q listening "$home/demo.log" && break
    sleep 0.5
done
url=$(grep -o 'http://[^ ]*' "$home/demo.log")
i=0
while [ "$i" -lt "$n" ]; do
    "$bin" profile add "load$i" --base-url "$url" --model demo-chat >/dev/null
    "$bin" profile probe "load$i" --enable --interval "$interval" >/dev/null
    i=$((i + 1))
done

"$bin" watch --json --duration "$duration" >"$home/watch.jsonl" &
watch=$!
ticks=$(getconf CLK_TCK)
echo "seconds rss_kib cpu_s"
elapsed=0
while kill -0 "$watch" 2>/dev/null; do
    if [ -r "/proc/$watch/stat" ]; then
        rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$watch/status" 2>/dev/null || echo 0)
        cpu=$(awk -v t="$ticks" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$watch/stat" 2>/dev/null || echo 0)
        [ -n "$rss" ] && echo "$elapsed $rss $cpu"
    fi
    sleep 5
    elapsed=$((elapsed + 5))
done
wait "$watch" || true
echo "probes: $(grep -c '"type":"probe"' "$home/watch.jsonl")" \
     "failed: $(grep '"type":"probe"' "$home/watch.jsonl" | grep -c '"ok":false' || true)" \
     "profiles: $n interval: ${interval}s duration: ${duration}s"
