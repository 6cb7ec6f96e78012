#!/usr/bin/env bash
# Checks the archive of npm run package as an operator without registry access would use it:
# unpacks it in a temporary folder, starts it on free ports with a fresh data folder, waits for
# /readyz, sends a message through the unpacked command line and reads it back, stops it.
# Usage: scripts/test-package.sh [ARCHIVE]   (default: dist/starling-<version>-linux-<arch>.tar.gz)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/package-lib.sh

archive=${1:-dist/starling-$(node -p 'require("./package.json").version')-linux-$(node -p 'process.arch').tar.gz}
[ -f "$archive" ] || fail "$archive is missing (npm run package)"
archive=$(readlink -f "$archive")

tmp=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then kill "$server" 2>/dev/null || true; wait "$server" || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# No registry, no Node.js on PATH, no home of the user who built it: nothing may fetch or find
# anything outside the unpacked tree.
export npm_config_registry=http://127.0.0.1:9/ npm_config_offline=true HOME="$tmp/home"
unset NODE_PATH NODE_OPTIONS
mkdir -p "$tmp/home" "$tmp/path"
for tool in sh cat grep; do ln -s "$(command -v "$tool")" "$tmp/path/$tool"; done
for tool in readlink dirname; do ln -s "$(command -v "$tool")" "$tmp/path/$tool"; done

step "unpack $(basename "$archive")"
tar -C "$tmp" -xzf "$archive"
root=$(echo "$tmp"/starling-*)
[ -x "$root/bin/starling" ] && [ -x "$root/lib/node" ] || fail "the archive has no bin/starling or lib/node"
for dev in tsx typescript vite @biomejs; do
  [ ! -e "$root/node_modules/$dev" ] || fail "a development dependency was packed: $dev"
done
while IFS= read -r link; do
  target=$(readlink -f "$link")
  case "$target" in "$root"/*) ;; *) fail "$link points outside the archive: $target" ;; esac
done < <(find "$root" -type l)
starling=(env PATH="$tmp/path" "$root/bin/starling")
"${starling[@]}" --version | grep -qx "$(node -p 'require("./package.json").version')" ||
  fail "starling --version does not print the version"

step "serve from the archive"
data="$tmp/data"
"${starling[@]}" serve --data-dir "$data" --http-host 127.0.0.1 --tcp-host 127.0.0.1 \
  --http-port 0 --tcp-port 0 --xmpp-port 0 --log-level warn >"$tmp/server.log" 2>&1 &
server=$!
wait_runtime "$data" "$server" "$tmp/server.log"
http=$(node -p "require('$data/server.json').httpPort")
wait_ready "http://127.0.0.1:$http/readyz" 30 "$server"
curl -fsS "http://127.0.0.1:$http/" | grep -qi '<html' || fail "the web client is not served at /"

step "message round trip through the unpacked CLI"
add_users "${starling[@]}" user add --data-dir "$data"
roundtrip "$tmp/clients" "hello from the archive" --data-dir "$data"

step "stop"
kill -TERM "$server"
wait "$server" || fail "the server did not exit 0 on SIGTERM"
server=
[ ! -f "$data/server.json" ] || fail "server.json left behind"
step "archive OK"
