#!/bin/sh
# Builds AdminChat and runs the whole test suite: unit, integration (loopback HTTP against the
# built-in demo endpoint) and offscreen GUI tests. Keychain tests get a real Secret Service:
# gnome-keyring in a private D-Bus session with a throwaway HOME.
set -eu

cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
JOBS="$(nproc 2>/dev/null || echo 2)"

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$BUILD_DIR" --parallel "$JOBS"

export QT_QPA_PLATFORM=offscreen
exec dbus-run-session -- sh -c '
    export HOME="$(mktemp -d)"
    eval "$(printf pw | gnome-keyring-daemon --unlock --daemonize --components=secrets)"
    export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
    ctest --test-dir "$1" --output-on-failure --timeout 300 -j "$2"
' sh "$BUILD_DIR" "$JOBS"
