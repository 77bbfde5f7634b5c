#!/bin/sh
# Runs chatview_answer.py against AdminChat under Xvfb, in a private D-Bus session with the
# AT-SPI bus (packages xvfb, dbus, at-spi2-core, python3-pyatspi). Usage: chatview_answer.sh
# <adminchat binary>. Settings and database go to a throwaway home.
set -eu
binary=$1
here=$(cd "$(dirname "$0")" && pwd)
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" \
    XDG_CACHE_HOME="$home/cache" XDG_RUNTIME_DIR="$home/runtime"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset OPENAI_BASE_URL
exec dbus-run-session -- xvfb-run -a sh -c '
    /usr/libexec/at-spi-bus-launcher --launch-immediately &
    bus=$!
    sleep 1
    QT_QPA_PLATFORM=xcb QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1 "$1" --demo-profile instant &
    app=$!
    status=0
    timeout 90 /usr/bin/python3 "$2" || status=$?
    kill "$app" "$bus" 2>/dev/null || true
    wait "$app" 2>/dev/null || true
    exit "$status"' sh "$binary" "$here/chatview_answer.py"
