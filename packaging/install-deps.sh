#!/bin/sh
# Installs the Debian 12 packages AdminChat needs to build, test and run.
# Idempotent: installs only what is missing, and does nothing when all is there.
set -eu

PACKAGES="
build-essential
cmake
ninja-build
lld
pkg-config
qt6-base-dev
qt6-charts-dev
qt6-svg-dev
libqt6opengl6-dev
qtkeychain-qt6-dev
libcurl4-openssl-dev
libssl-dev
libqt6sql6-sqlite
qt6-qpa-plugins
libgl-dev
gnome-keyring
dbus
xvfb
trayer
xauth
fonts-dejavu-core
libbenchmark-dev
openssl
clang
libclang-rt-14-dev
llvm
desktop-file-utils
appstream
xdotool
imagemagick
dpkg-dev
file
man-db
at-spi2-core
python3-pyatspi
prometheus
prometheus-pushgateway
victoria-metrics
dunst
"

missing=""
for package in $PACKAGES; do
    if ! dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null | grep -qx installed; then
        missing="$missing $package"
    fi
done

if [ -z "$missing" ]; then
    echo "install-deps: all packages are installed"
    exit 0
fi

echo "install-deps: installing$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086 # the package list is meant to split
$SUDO apt-get install -y -q --no-install-recommends $missing
