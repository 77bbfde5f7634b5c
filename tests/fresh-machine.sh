#!/bin/sh
# Checks that the README's two opening commands work on a fresh Debian 12 machine: builds a
# minimal Debian 12 root (debootstrap, variant minbase), puts a clean clone of this repository's
# HEAD in it, and runs there, as root,
#   1. the launch command, with the app started under xvfb-run with --measure-startup (it prints
#      its start-up figures and quits), and
#   2. the test command,
# each taken from the README as it stands. Prints what failed and exits non-zero if anything did.
#
# Too slow for CI (two full builds on a bare system); run it whenever the dependencies change.
# Needs root (debootstrap, chroot, mounts) and the network to a Debian mirror.
#   FRESH_ROOT=DIR     where to build the root (default: a new folder under /var/tmp); kept
#                      afterwards with its logs, so a failure can be looked at
#   DEBIAN_MIRROR=URL  default http://deb.debian.org/debian
set -eu

if [ "$(id -u)" -ne 0 ]; then
    echo "fresh-machine: needs root (debootstrap, chroot and mounts)" >&2
    exit 2
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${FRESH_ROOT:-$(mktemp -d /var/tmp/adminchat-fresh.XXXXXX)}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
root="$work/root"
mkdir -p "$work"

# The README's first two ```sh blocks: the launch command, then the test command.
readme_command() {
    awk -v want="$1" '/^```sh$/ { n++; inside = 1; next } /^```$/ { inside = 0 }
                      inside && n == want && NF { print }' "$repo/README.md"
}
launch=$(readme_command 1)
tests=$(readme_command 2)
case "$launch" in
*"./build/adminchat") launch="${launch%./build/adminchat}xvfb-run -a ./build/adminchat --measure-startup" ;;
*) echo "fresh-machine: the README's first command does not end with ./build/adminchat: $launch" >&2
   exit 2 ;;
esac

step() { printf '\n== %s\n' "$*"; }

if ! command -v debootstrap >/dev/null 2>&1; then
    step "installing debootstrap on this machine"
    apt-get install -y -q --no-install-recommends debootstrap
fi
if [ ! -x "$root/bin/sh" ]; then
    step "debootstrap --variant=minbase bookworm $root"
    debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
        tail -n 20 "$work/debootstrap.log"
        echo "fresh-machine: FAILED: debootstrap (log: $work/debootstrap.log)"
        exit 1
    }
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"

mounted=""
cleanup() {
    for m in $mounted; do umount -l "$m" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM
for m in proc sys dev dev/pts dev/shm; do
    mkdir -p "$root/$m"
    case "$m" in
    proc) mount -t proc proc "$root/proc" ;;
    sys) mount -t sysfs sys "$root/sys" ;;
    dev) mount --bind /dev "$root/dev" ;;
    dev/pts) mount -t devpts devpts "$root/dev/pts" ;;
    dev/shm) mount -t tmpfs shm "$root/dev/shm" ;;
    esac
    mounted="$root/$m $mounted"
done

step "a clean clone of HEAD ($(git -C "$repo" rev-parse --short HEAD))"
rm -rf "$root/src/adminchat"
mkdir -p "$root/src"
git clone -q --no-local "$repo" "$root/src/adminchat"

failed=""
run_in_root() { # name, command
    step "$1: $2"
    if chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
        /bin/sh -c "cd /src/adminchat && $2" >"$work/$1.log" 2>&1; then
        tail -n 5 "$work/$1.log"
        echo "-- $1: passed"
    else
        tail -n 40 "$work/$1.log"
        echo "-- $1: FAILED (log: $work/$1.log)"
        failed="$failed $1"
    fi
}
run_in_root launch "$launch"
run_in_root tests "$tests"

if [ -n "$failed" ]; then
    echo "fresh-machine: FAILED:$failed (root and logs kept in $work)"
    exit 1
fi
echo "fresh-machine: both README commands passed on a fresh Debian 12 root (kept in $work)"
