#!/bin/sh
# Runs a command in a fresh Xvfb that has a system tray (trayer, an XEmbed tray), for the tests
# that check what the tray icon shows. Fails loudly when a tool is missing
# (packaging/install-deps.sh installs xvfb and trayer).
set -eu
for tool in xvfb-run trayer; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "run-with-tray: $tool is missing (run packaging/install-deps.sh)" >&2
        exit 1
    fi
done
exec xvfb-run -a -s "-screen 0 1400x900x24" sh -c '
    trayer --edge top --align right --widthtype pixel --width 120 --height 28 \
        --SetDockType false --transparent false >/dev/null 2>&1 &
    tray=$!
    status=0
    "$@" || status=$?
    kill "$tray" 2>/dev/null || true
    exit "$status"
' sh "$@"
