#!/usr/bin/env bash
# Builds the local base image (Debian bookworm, minbase) from a debootstrap root file system, for
# machines that reach a Debian mirror but no image registry. Elsewhere use debian:bookworm-slim.
#   packaging/container/build-base.sh [IMAGE]     default localhost/starling-base:bookworm
# Needs root, debootstrap and podman. Does nothing when the image exists (--force rebuilds it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=podman-env.sh
. "$here/podman-env.sh"

force=0
image=localhost/starling-base:bookworm
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    *) image=$arg ;;
  esac
done
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if [ "$force" = 0 ] && podman image exists "$image"; then
  echo "base image $image exists"
  exit 0
fi
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null
# What an image does not need: package caches and lists, documentation, locales.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
  "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*
tar -C "$rootfs" --numeric-owner -c . |
  podman import --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' - "$image" >/dev/null
echo "base image $image built from debootstrap ($mirror)"
