#!/bin/sh
# GUI smoke test in a real X server: starts adminchat under Xvfb with the xcb platform and a
# fresh HOME (so it runs on the built-in demo endpoint), types a message into the composer,
# waits for the answer in the history database, opens the dashboard, takes screenshots, checks
# they are not blank, and quits with Ctrl+Q, expecting exit status 0.
#
# Usage: gui-smoke.sh ADMINCHAT_BINARY ARTIFACT_DIR
# Exit status: 0 passed, 1 failed, 77 skipped (a tool is missing).
set -eu

if [ $# -ne 2 ]; then
    echo "usage: $0 ADMINCHAT_BINARY ARTIFACT_DIR" >&2
    exit 2
fi
app_bin=$1
artifacts=$2

for tool in Xvfb xdotool import identify; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "gui-smoke: SKIP: $tool is not installed (packaging/install-deps.sh installs it)"
        exit 77
    fi
done

# A private session bus without a Secret Service: the app must not depend on the caller's
# desktop session, and must cope without a keychain.
if [ -z "${GUI_SMOKE_PRIVATE_BUS:-}" ] && command -v dbus-run-session >/dev/null 2>&1; then
    GUI_SMOKE_PRIVATE_BUS=1 exec dbus-run-session -- sh "$0" "$@"
fi

# Seconds each step may take.
window_timeout=30
answer_timeout=60
exit_timeout=20

work=$(mktemp -d "${TMPDIR:-/tmp}/adminchat-gui-smoke.XXXXXX")
xvfb_pid=""
app_pid=""
cleanup() {
    if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
        kill "$app_pid" 2>/dev/null || true
    fi
    if [ -n "$xvfb_pid" ]; then
        kill "$xvfb_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
    echo "gui-smoke: FAIL: $*" >&2
    if [ -s "$work/app.log" ]; then
        echo "gui-smoke: the app's output:" >&2
        sed 's/^/    /' "$work/app.log" >&2
    fi
    exit 1
}

# A fresh user: no settings, no profiles, no database, no endpoint from the environment.
export HOME="$work/home"
export XDG_CONFIG_HOME="$HOME/.config"
export XDG_DATA_HOME="$HOME/.local/share"
export XDG_CACHE_HOME="$HOME/.cache"
export XDG_RUNTIME_DIR="$work/runtime"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
unset OPENAI_BASE_URL OPENAI_API_KEY WAYLAND_DISPLAY || true
mkdir -p "$artifacts"

# Xvfb picks a free display itself and writes its number to the descriptor (no race with
# other X servers started in parallel).
Xvfb -displayfd 3 -screen 0 1400x900x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
xvfb_pid=$!
waited=0
while [ ! -s "$work/display" ]; do
    kill -0 "$xvfb_pid" 2>/dev/null || fail "Xvfb did not start: $(cat "$work/xvfb.log")"
    [ "$waited" -lt 100 ] || fail "Xvfb did not report a display within 10 s"
    sleep 0.1
    waited=$((waited + 1))
done
DISPLAY=":$(cat "$work/display")"
export DISPLAY
echo "gui-smoke: Xvfb on display $DISPLAY"

QT_QPA_PLATFORM=xcb "$app_bin" >"$work/app.log" 2>&1 &
app_pid=$!

# The main window: the visible top-level window of our process named AdminChat.
window=""
waited=0
while [ -z "$window" ]; do
    kill -0 "$app_pid" 2>/dev/null || fail "the app exited before showing its window"
    [ "$waited" -lt $((window_timeout * 5)) ] ||
        fail "no AdminChat window appeared within $window_timeout s"
    sleep 0.2
    waited=$((waited + 1))
    window=$(xdotool search --all --onlyvisible --pid "$app_pid" --name '^AdminChat' \
        2>/dev/null | head -n 1) || true
done
echo "gui-smoke: window $window: $(xdotool getwindowgeometry "$window" | tr -s ' \n' ' ')"

# No window manager: give the window the keyboard focus directly. The composer has the
# focus inside the window; Enter sends.
xdotool windowfocus --sync "$window" || fail "cannot focus the window"
xdotool mousemove --window "$window" 600 400
message="Hello from the GUI smoke test"
xdotool type --delay 15 "$message" || fail "cannot type into the composer"
xdotool key Return || fail "cannot press Enter"
echo "gui-smoke: sent \"$message\""

# The answer is in the history once the demo endpoint has streamed it to the end.
history_json() {
    "$app_bin" history list --json 2>/dev/null || true
}
conversation=""
answered=""
waited=0
while [ "$waited" -lt "$answer_timeout" ]; do
    kill -0 "$app_pid" 2>/dev/null || fail "the app exited while waiting for the answer"
    if [ -z "$conversation" ]; then
        conversation=$(history_json | sed -n 's/.*"id": *"\([0-9a-f]*\)".*/\1/p' | head -n 1)
        # Enter before the endpoint is ready (its models are read asynchronously) leaves the
        # text in the composer; press it again. Once sent, Enter on the empty composer and
        # while the answer streams does nothing.
        if [ -z "$conversation" ] && [ "$waited" -gt 0 ] && [ $((waited % 3)) -eq 0 ]; then
            xdotool key Return || fail "cannot press Enter"
        fi
    fi
    if [ -n "$conversation" ] &&
        "$app_bin" history export "$conversation" --format json 2>/dev/null | tr -d ' \n' |
        grep -q '"role":"assistant","seq":[0-9]*,"status":"done"'; then
        answered=yes
        break
    fi
    sleep 1
    waited=$((waited + 1))
done
[ -n "$conversation" ] || fail "no conversation was saved within $answer_timeout s"
[ -n "$answered" ] || fail "no finished answer in conversation $conversation within $answer_timeout s"
"$app_bin" history show "$conversation" >"$work/transcript.txt" ||
    fail "adminchat history show $conversation failed"
grep -q "$message" "$work/transcript.txt" || fail "the transcript lacks the message typed"
echo "gui-smoke: answer saved in conversation $conversation after about $waited s"

# Checks a screenshot is not blank: the spread of its pixels and the number of colours.
check_picture() {
    picture=$1
    figures=$(identify -format '%[fx:standard_deviation] %k %w %h' "$picture") ||
        fail "cannot read $picture"
    # shellcheck disable=SC2086 # four numbers, split on purpose
    set -- $figures
    echo "gui-smoke: $picture: standard deviation $1, $2 colours, $3x$4"
    awk -v sd="$1" -v colours="$2" 'BEGIN { exit !(sd > 0.05 && colours > 64) }' ||
        fail "$picture looks blank (standard deviation $1 <= 0.05 or $2 <= 64 colours)"
}

sleep 1 # the last repaint of the answer
import -window "$window" "$artifacts/gui-smoke-chat.png" || fail "cannot take a screenshot"
check_picture "$artifacts/gui-smoke-chat.png"

# Ctrl+Tab moves the tab widget to the next page: the dashboard.
xdotool key ctrl+Tab || fail "cannot press Ctrl+Tab"
sleep 2 # the dashboard redraws at most four times a second; charts animate in
import -window "$window" "$artifacts/gui-smoke-dashboard.png" || fail "cannot take a screenshot"
check_picture "$artifacts/gui-smoke-dashboard.png"
cmp -s "$artifacts/gui-smoke-chat.png" "$artifacts/gui-smoke-dashboard.png" &&
    fail "the window did not change after Ctrl+Tab (no dashboard)"

# Quit as a user would and expect a clean exit.
xdotool key ctrl+q || fail "cannot press Ctrl+Q"
waited=0
while kill -0 "$app_pid" 2>/dev/null; do
    [ "$waited" -lt $((exit_timeout * 10)) ] || fail "the app did not quit within $exit_timeout s"
    sleep 0.1
    waited=$((waited + 1))
done
status=0
wait "$app_pid" || status=$?
app_pid=""
[ "$status" -eq 0 ] || fail "the app exited with status $status"
if grep -Ei 'critical|fatal|segmentation' "$work/app.log" >/dev/null; then
    fail "the app logged errors"
fi
echo "gui-smoke: the app quit with status 0; screenshots in $artifacts"
echo "gui-smoke: PASS"
