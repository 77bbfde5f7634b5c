#!/bin/sh
# Builds AdminChat and runs the whole test suite: unit, integration (loopback HTTP against the
# built-in demo endpoint) and offscreen GUI tests. Keychain tests get a real Secret Service:
# gnome-keyring in a private D-Bus session with a throwaway HOME.
# Then the same suite again in a second tree built with clang under AddressSanitizer and
# UndefinedBehaviorSanitizer, with short libFuzzer runs on the parsers (docs/fuzzing.md).
set -eu

cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
JOBS="$(nproc 2>/dev/null || echo 2)"

# ctest of one build tree inside a private D-Bus session with an unlocked gnome-keyring.
run_ctest() {
    dbus-run-session -- sh -c '
        export HOME="$(mktemp -d)"
        eval "$(printf pw | gnome-keyring-daemon --unlock --daemonize --components=secrets)"
        export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
        ctest --test-dir "$1" --output-on-failure --timeout 300 -j "$2"
    ' sh "$1" "$JOBS"
}

# -g1 (functions and line tables, no variables): backtraces still name file and line, and the
# files compile about a quarter faster than with the full -g of RelWithDebInfo.
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG"
cmake --build "$BUILD_DIR" --parallel "$JOBS"

export QT_QPA_PLATFORM=offscreen
run_ctest "$BUILD_DIR"

# Sanitizers. -O1 with line tables only: about half the build time of -O2 -g, and the stacks still
# name file and line.
SANITIZE_DIR="${BUILD_DIR}-sanitize"
cmake -S . -B "$SANITIZE_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
    -DADMINCHAT_SANITIZE=ON -DADMINCHAT_FUZZ=ON -DADMINCHAT_BUILD_BENCHMARKS=OFF
cmake --build "$SANITIZE_DIR" --parallel "$JOBS"

# Any finding ends the process with an error, so the test fails. Leaks are checked; the
# suppressions cover third-party libraries only (fontconfig, GLib, D-Bus, X11, GL).
SUPPRESSIONS="$(pwd)/tests/sanitizers"
# Freed blocks are held back (quarantined) to catch use after free; the default 256 MiB would
# count as growth in the tests that bound peak memory, so a smaller window is kept.
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:check_initialization_order=1:quarantine_size_mb=16"
export LSAN_OPTIONS="suppressions=$SUPPRESSIONS/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$SUPPRESSIONS/ubsan.supp"
run_ctest "$SANITIZE_DIR"
