#!/usr/bin/env bash
# npm run package:deb: builds dist/starling_<version>_<debian arch>.deb with dpkg-deb from the
# archive of npm run package (made first when it is missing):
#
#   /usr/lib/starling                     the archive's tree (bundled node, compiled code, deps)
#   /usr/bin/starling                     -> /usr/lib/starling/bin/starling
#   /etc/starling/starling.json           the configuration (a conffile: upgrades keep your edits)
#   /lib/systemd/system/starling.service  the hardened unit; data in /var/lib/starling
#   /usr/share/doc/starling               operations.md and config.md
#
# postinst creates the starling system user; dpkg --purge removes it and /var/lib/starling.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

version=$(node -p 'require("./package.json").version')
arch=$(node -p 'process.arch')
deb_arch=$(dpkg --print-architecture)
archive="$repo/dist/starling-${version}-linux-${arch}.tar.gz"
out="$repo/dist/starling_${version}_${deb_arch}.deb"
[ -f "$archive" ] || bash scripts/package.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root/DEBIAN" "$root/usr/lib/starling" "$root/usr/bin" "$root/etc/starling" \
  "$root/lib/systemd/system" "$root/usr/share/doc/starling"

tar -C "$root/usr/lib/starling" --strip-components=1 -xzf "$archive"
ln -s ../lib/starling/bin/starling "$root/usr/bin/starling"
install -m 0640 packaging/deb/starling.json "$root/etc/starling/starling.json"
install -m 0644 packaging/deb/starling.service "$root/lib/systemd/system/starling.service"
install -m 0644 docs/operations.md docs/config.md "$root/usr/share/doc/starling/"
for s in postinst prerm postrm; do install -m 0755 "packaging/deb/$s" "$root/DEBIAN/$s"; done
echo /etc/starling/starling.json >"$root/DEBIAN/conffiles"

size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<EOF
Package: starling
Version: $version
Architecture: $deb_arch
Maintainer: Starling developers <starling@localhost>
Installed-Size: $size
Depends: adduser, libc6 (>= 2.28), libgcc-s1, libstdc++6
Section: net
Priority: optional
Description: private-deployment enterprise instant messaging server
 Starling serves native clients (TCP+TLS and WebSocket), XMPP clients and
 the web client from one process, with SQLite in /var/lib/starling or
 PostgreSQL and NATS for a cluster. It bundles its own Node.js runtime.
EOF

mkdir -p dist
dpkg-deb --root-owner-group -Zgzip -z6 --build "$root" "$out.tmp" >/dev/null
mv "$out.tmp" "$out"
echo "package:deb: $out ($(du -h "$out" | cut -f1))"
