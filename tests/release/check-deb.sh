#!/bin/sh
# Builds the Debian package in a temporary directory and checks it: name, version, computed
# dependencies, the file list, that the packaged binary runs, and (when apt allows a
# simulation here) that its dependencies resolve on this system.
#
# Usage: check-deb.sh CPACK BUILD_DIR VERSION
set -eu

if [ $# -ne 3 ]; then
    echo "usage: $0 CPACK BUILD_DIR VERSION" >&2
    exit 2
fi
cpack=$1
build=$2
version=$3
app_id=io.github.adminchat.AdminChat

for tool in dpkg-deb dpkg-shlibdeps dpkg; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "check-deb: SKIP: $tool is not installed (dpkg-dev)"
        exit 77
    fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/adminchat-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP

failures=0
fail() {
    echo "check-deb: FAIL: $*" >&2
    failures=$((failures + 1))
}

if ! "$cpack" --config "$build/CPackConfig.cmake" -G DEB -B "$work/out" >"$work/cpack.log" 2>&1; then
    cat "$work/cpack.log" >&2
    echo "check-deb: FAIL: cpack -G DEB failed" >&2
    exit 1
fi
arch=$(dpkg --print-architecture)
deb="$work/out/adminchat_${version}_${arch}.deb"
if [ ! -s "$deb" ]; then
    echo "check-deb: FAIL: no $(basename "$deb"); cpack made: $(ls "$work/out")" >&2
    exit 1
fi
echo "check-deb: built $(basename "$deb") ($(wc -c <"$deb") bytes)"
dpkg-deb -I "$deb" | sed 's/^/    /'

field() {
    dpkg-deb -f "$deb" "$1"
}
[ "$(field Package)" = adminchat ] || fail "Package is \"$(field Package)\", not adminchat"
[ "$(field Version)" = "$version" ] || fail "Version is \"$(field Version)\", not $version"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture is \"$(field Architecture)\""
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
[ -n "$(field Section)" ] || fail "no Section"
depends=$(field Depends)
[ -n "$depends" ] || fail "Depends is empty"
# From dpkg-shlibdeps (linked libraries) and by hand (plugins Qt loads at run time).
for package in libc6 libstdc++6 libqt6core6 libqt6gui6 libqt6widgets6 libqt6network6 \
    libqt6sql6 libqt6charts6 libqt6svg6 libqt6keychain1 libqt6sql6-sqlite qt6-qpa-plugins; do
    printf '%s\n' "$depends" | tr ',' '\n' | sed 's/^ *//' | grep -q "^$package\\( \\|$\\)" ||
        fail "Depends lacks $package: $depends"
done
printf '%s\n' "$(field Recommends)" | grep -q gnome-keyring ||
    fail "Recommends lacks a Secret Service (gnome-keyring)"
printf '%s\n' "$(field Recommends)" | grep -q fonts-noto-color-emoji ||
    fail "Recommends lacks an emoji font (fonts-noto-color-emoji) for emoji in messages"

# The file list.
dpkg-deb -c "$deb" >"$work/contents"
expected="./usr/bin/adminchat ./usr/share/applications/$app_id.desktop
    ./usr/share/metainfo/$app_id.metainfo.xml ./usr/share/man/man1/adminchat.1.gz
    ./usr/share/icons/hicolor/scalable/apps/$app_id.svg ./usr/share/doc/adminchat/copyright
    ./usr/lib/systemd/user/adminchat-watch.service ./usr/share/adminchat/adminchat-grafana.json"
for size in 16 32 48 64 128 256; do
    expected="$expected ./usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png"
done
for file in $expected; do
    grep -q " $file\$" "$work/contents" || fail "the package lacks $file"
done
echo "check-deb: $(grep -c -v '/$' "$work/contents") files in the package"

# The packaged binary runs, stripped and with the system's libraries.
dpkg-deb -x "$deb" "$work/root"
if out=$("$work/root/usr/bin/adminchat" --version 2>&1) && [ "$out" = "adminchat $version" ]; then
    echo "check-deb: ok packaged adminchat --version: $out"
else
    fail "packaged adminchat --version printed \"$out\""
fi
if command -v file >/dev/null 2>&1; then
    file "$work/root/usr/bin/adminchat" | grep -q 'not stripped' &&
        fail "the packaged binary is not stripped"
fi

# The dependencies resolve against this system's package lists (a simulation: no root, no
# download). apt may refuse to run here (no lists, no permission): then this part is skipped.
if command -v apt-get >/dev/null 2>&1; then
    if apt-get install --simulate --no-download -q "$deb" >"$work/apt.log" 2>&1; then
        if grep -q '^Inst adminchat' "$work/apt.log"; then
            echo "check-deb: ok apt-get install --simulate resolves the dependencies:"
            grep '^Inst' "$work/apt.log" | sed 's/^/    /'
        else
            fail "apt-get install --simulate did not plan to install adminchat"
            cat "$work/apt.log" >&2
        fi
    elif grep -q -e 'Unmet dependencies' -e 'but it is not installable' \
        -e 'Unable to locate package' "$work/apt.log"; then
        fail "the dependencies do not resolve:"
        cat "$work/apt.log" >&2
    else
        echo "check-deb: SKIP apt-get install --simulate: apt could not run here:"
        sed 's/^/    /' "$work/apt.log"
    fi
else
    echo "check-deb: SKIP apt-get install --simulate: no apt-get"
fi

if [ "$failures" -ne 0 ]; then
    echo "check-deb: $failures check(s) failed" >&2
    exit 1
fi
echo "check-deb: PASS"
