#!/usr/bin/env bash
# Checks the .deb of npm run package:deb on this machine: dpkg -i, then runs the installed unit's
# ExecStart as the unit's User in its WorkingDirectory (systemd need not be PID 1), checks /readyz
# and a message round trip, stops it, and dpkg --purge must leave no files, data or user behind.
# Usage: scripts/test-deb.sh [DEB]   (default: dist/starling_<version>_<arch>.deb). Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/package-lib.sh

deb=${1:-dist/starling_$(node -p 'require("./package.json").version')_$(dpkg --print-architecture).deb}
[ -f "$deb" ] || fail "$deb is missing (npm run package:deb)"
[ "$(id -u)" = 0 ] || fail "run as root (dpkg -i)"
unit=/lib/systemd/system/starling.service

tmp=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then kill "$server" 2>/dev/null || true; wait "$server" || true; fi
  rm -rf "$tmp"
  if dpkg-query -W -f='${Status}' starling 2>/dev/null | grep -q installed; then dpkg --purge starling >/dev/null || true; fi
}
trap cleanup EXIT

if dpkg-query -W starling >/dev/null 2>&1; then dpkg --purge starling >/dev/null; fi
step "dpkg -i $(basename "$deb")"
dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log" >&2; fail "dpkg -i failed"; }
getent passwd starling >/dev/null || fail "no starling user"
[ "$(stat -c %U "/var/lib/starling")" = starling ] || fail "/var/lib/starling is not the starling user's"
[ "$(stat -c '%U:%G %a' /etc/starling/starling.json)" = "root:starling 640" ] || fail "starling.json mode"
dpkg-query --control-show starling conffiles | grep -qx /etc/starling/starling.json || fail "no conffile"
[ "$(command -v starling)" = /usr/bin/starling ] || fail "starling is not on PATH"
for k in "ProtectSystem=strict" "NoNewPrivileges=yes" "ReadWritePaths=/var/lib/starling" \
  "Restart=on-failure" "PrivateTmp=yes" "ProtectHome=yes"; do
  grep -qx "$k" "$unit" || fail "the unit lacks $k"
done
grep -q '^LimitNOFILE=' "$unit" || fail "the unit lacks LimitNOFILE"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify "$unit" || fail "systemd-analyze verify $unit"
fi

# The unit's own command line, user and folder; ports 0 (free ones) and loopback through the
# environment, which the configuration file gives way to.
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
user=$(sed -n 's/^User=//p' "$unit")
workdir=$(sed -n 's/^WorkingDirectory=//p' "$unit")
read -r -a cmd <<<"$exec_start"
step "run ExecStart as $user: $exec_start"
(cd "$workdir" && exec setpriv --reuid="$user" --regid="$user" --init-groups --no-new-privs \
  env -i PATH=/usr/bin:/bin HOME="$workdir" STARLING_HTTP_HOST=127.0.0.1 STARLING_TCP_HOST=127.0.0.1 \
  STARLING_HTTP_PORT=0 STARLING_TCP_PORT=0 STARLING_XMPP_PORT=0 STARLING_LOG_LEVEL=warn \
  "${cmd[@]}") >"$tmp/server.log" 2>&1 &
server=$!
wait_runtime /var/lib/starling "$server" "$tmp/server.log"
http=$(node -p "require('/var/lib/starling/server.json').httpPort")
wait_ready "http://127.0.0.1:$http/readyz" 30 "$server"
[ "$(ps -o user= -p "$server")" = "$user" ] || fail "the server does not run as $user"
[ "$(stat -c %U /var/lib/starling/starling.db)" = "$user" ] || fail "the database is not $user's"

step "message round trip"
add_users runuser -u "$user" -- /usr/bin/starling user add --config /etc/starling/starling.json
starling=(/usr/bin/starling)
roundtrip "$tmp/clients" "hello from the deb" --data-dir /var/lib/starling

step "stop"
kill -TERM "$server"
wait "$server" || fail "the server did not exit 0 on SIGTERM"
server=

step "dpkg --purge"
dpkg --purge starling >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log" >&2; fail "dpkg --purge failed"; }
for p in /usr/lib/starling /usr/bin/starling /etc/starling /var/lib/starling "$unit"; do
  [ ! -e "$p" ] || fail "$p is left after purge"
done
! getent passwd starling >/dev/null || fail "the starling user is left after purge"
! getent group starling >/dev/null || fail "the starling group is left after purge"
step "deb OK"
