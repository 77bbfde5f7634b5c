#!/bin/sh
# Installs the build into a temporary prefix and checks what a user gets: every file in its
# place, a valid desktop file and AppStream metainfo, a man page that renders without
# warnings, and an installed binary that runs.
#
# Usage: check-install.sh CMAKE BUILD_DIR VERSION
set -eu

if [ $# -ne 3 ]; then
    echo "usage: $0 CMAKE BUILD_DIR VERSION" >&2
    exit 2
fi
cmake=$1
build=$2
version=$3
app_id=io.github.adminchat.AdminChat

work=$(mktemp -d "${TMPDIR:-/tmp}/adminchat-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP

failures=0
fail() {
    echo "check-install: FAIL: $*" >&2
    failures=$((failures + 1))
}

prefix="$work/usr"
if ! "$cmake" --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1; then
    cat "$work/install.log" >&2
    echo "check-install: FAIL: cmake --install $build failed" >&2
    exit 1
fi
echo "check-install: installed into $prefix"

share="$prefix/share"
desktop="$share/applications/$app_id.desktop"
metainfo="$share/metainfo/$app_id.metainfo.xml"
man_page="$share/man/man1/adminchat.1.gz"
expected="$prefix/bin/adminchat $desktop $metainfo $man_page
    $share/icons/hicolor/scalable/apps/$app_id.svg $share/doc/adminchat/copyright
    $prefix/lib/systemd/user/adminchat-watch.service $share/adminchat/adminchat-grafana.json"
for size in 16 32 48 64 128 256; do
    expected="$expected $share/icons/hicolor/${size}x${size}/apps/$app_id.png"
done
for file in $expected; do
    if [ -s "$file" ]; then
        echo "check-install: ok ${file#"$prefix"/}"
    else
        fail "missing or empty: ${file#"$prefix"/}"
    fi
done
[ -x "$prefix/bin/adminchat" ] || fail "bin/adminchat is not executable"

# Each PNG has the size its directory says.
if command -v identify >/dev/null 2>&1; then
    for size in 16 32 48 64 128 256; do
        png="$share/icons/hicolor/${size}x${size}/apps/$app_id.png"
        [ -s "$png" ] || continue
        actual=$(identify -format '%wx%h' "$png")
        [ "$actual" = "${size}x${size}" ] || fail "$png is $actual, not ${size}x${size}"
    done
fi

# The desktop file, the metainfo and the man page.
if command -v desktop-file-validate >/dev/null 2>&1; then
    if output=$(desktop-file-validate "$desktop" 2>&1) && [ -z "$output" ]; then
        echo "check-install: ok desktop-file-validate"
    else
        fail "desktop-file-validate: $output"
    fi
else
    echo "check-install: SKIP desktop-file-validate: not installed (desktop-file-utils)"
fi
if command -v appstreamcli >/dev/null 2>&1; then
    if output=$(appstreamcli validate --no-net --pedantic "$metainfo" 2>&1); then
        echo "check-install: ok appstreamcli validate"
        printf '%s\n' "$output" | sed 's/^/    /'
    else
        fail "appstreamcli validate: $output"
    fi
    # Warnings fail too: only pedantic notes and infos are accepted.
    if printf '%s\n' "$output" | grep -q '^[EW]:'; then
        fail "appstreamcli validate reported errors or warnings"
    fi
else
    echo "check-install: SKIP appstreamcli validate: not installed (appstream)"
fi
if command -v man >/dev/null 2>&1; then
    render="man --warnings -l $man_page"
    warnings=$(MANWIDTH=80 man --warnings -l "$man_page" 2>&1 >"$work/man.txt") || true
elif command -v groff >/dev/null 2>&1; then
    render="groff -man -ww -z"
    warnings=$(gzip -dc "$man_page" | groff -man -ww -z 2>&1) || true
    gzip -dc "$man_page" | groff -man -Tutf8 >"$work/man.txt" 2>/dev/null || true
else
    render=""
    echo "check-install: SKIP man page rendering: neither man nor groff is installed"
fi
if [ -n "$render" ]; then
    if [ -n "$warnings" ]; then
        fail "the man page renders with warnings ($render):
$warnings"
    elif ! grep -q 'serve-demo' "$work/man.txt" 2>/dev/null && [ -s "$work/man.txt" ]; then
        fail "the rendered man page lacks the commands"
    else
        echo "check-install: ok man page renders without warnings"
    fi
fi

# The installed binary runs (headless commands need no display).
if out=$("$prefix/bin/adminchat" --version 2>&1) && [ "$out" = "adminchat $version" ]; then
    echo "check-install: ok adminchat --version: $out"
else
    fail "adminchat --version printed \"$out\", expected \"adminchat $version\""
fi
if out=$("$prefix/bin/adminchat" --help 2>&1); then
    for word in ask bench serve-demo profile history metrics --show OPENAI_BASE_URL; do
        printf '%s\n' "$out" | grep -q -e "$word" || fail "adminchat --help does not mention $word"
    done
    echo "check-install: ok adminchat --help ($(printf '%s\n' "$out" | wc -l) lines)"
else
    fail "adminchat --help failed: $out"
fi

if [ "$failures" -ne 0 ]; then
    echo "check-install: $failures check(s) failed" >&2
    exit 1
fi
echo "check-install: PASS"
