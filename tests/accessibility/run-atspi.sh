#!/bin/sh
# Runs AdminChat in a real X server (Xvfb) inside a private D-Bus session with the AT-SPI bus,
# Qt's accessibility bridge on, and a throwaway home; then a pyatspi script walks its window.
# Usage: run-atspi.sh <adminchat binary> <check script>. Fails loudly when a tool is missing
# (packaging/install-deps.sh installs them: xvfb, dbus, at-spi2-core, python3-pyatspi).
set -eu

BIN="$1"
SCRIPT="$2"
LAUNCHER=/usr/libexec/at-spi-bus-launcher
for tool in xvfb-run dbus-run-session /usr/bin/python3 "$LAUNCHER"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "run-atspi: $tool is missing (run packaging/install-deps.sh)" >&2
        exit 1
    fi
done
if ! /usr/bin/python3 -c 'import pyatspi' 2>/dev/null; then
    echo "run-atspi: python3-pyatspi is missing (run packaging/install-deps.sh)" >&2
    exit 1
fi

export ADMINCHAT_BIN="$BIN" ADMINCHAT_CHECK="$SCRIPT" ATSPI_LAUNCHER="$LAUNCHER"
exec xvfb-run -a -s "-screen 0 1400x900x24" dbus-run-session -- sh -c '
    home="$(mktemp -d)"
    export HOME="$home" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data"
    export XDG_RUNTIME_DIR="$home/run"
    mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
    unset OPENAI_BASE_URL OPENAI_API_KEY
    "$ATSPI_LAUNCHER" --launch-immediately &
    launcher=$!
    export QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1 QT_QPA_PLATFORM=xcb
    "$ADMINCHAT_BIN" --demo-profile instant &
    app=$!
    status=0
    PYTHONPATH="$(dirname "$ADMINCHAT_CHECK")" /usr/bin/python3 "$ADMINCHAT_CHECK" || status=$?
    kill "$app" "$launcher" 2>/dev/null || true
    wait "$app" 2>/dev/null || true
    rm -rf "$home"
    exit "$status"
'
