#!/usr/bin/env bash
# Packs @starling/protocol and @starling/sdk as they would be published (npm pack) and uses the
# tarballs as an app developer would: installed into a fresh Node project that logs in and sends
# over TCP+TLS, and into a fresh Vite project (Vite from the registry) whose built page logs in
# and sends over WebSocket in Debian's chromium. Both talk to a server started from this checkout.
# Slow and needs the registry: .ci/run runs it after `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
HERE=$ROOT/scripts/sdk-pack
WORK=$(mktemp -d "${TMPDIR:-/tmp}/starling-sdk-pack-XXXXXX")
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
step() { echo "test-sdk-pack: $*"; }

step "building"
node scripts/build.mjs --no-web
step "packing into $WORK"
npm pack --silent -w @starling/protocol -w @starling/sdk --pack-destination "$WORK" >/dev/null
PROTOCOL_TGZ=$(ls "$WORK"/starling-protocol-*.tgz)
SDK_TGZ=$(ls "$WORK"/starling-sdk-*.tgz)

step "the Vite project"
mkdir -p "$WORK/web-app"
cp "$HERE/web-index.html" "$WORK/web-app/index.html"
cp "$HERE/web-main.js" "$WORK/web-app/main.js"
(
  cd "$WORK/web-app"
  npm init -y >/dev/null
  npm pkg set type=module
  npm install --silent --no-audit --no-fund vite "$PROTOCOL_TGZ" "$SDK_TGZ"
  npx --no vite build --logLevel warn
)
# The browser entry must not reach node: modules or ws.
if grep -qE '"(node:[a-z]+|ws)"' "$WORK"/web-app/dist/assets/*.js; then
  echo "test-sdk-pack: the browser bundle imports node: modules or ws" >&2
  exit 1
fi

step "a server from this checkout (the compiled starling), serving the Vite page"
DATA=$WORK/data
STARLING=(env -u NODE_OPTIONS node "$ROOT/packages/cli/bin/starling.mjs")
"${STARLING[@]}" user add alice --password alice-password-1 --data-dir "$DATA" >/dev/null
"${STARLING[@]}" user add bob --password bob-password-1 --data-dir "$DATA" >/dev/null
"${STARLING[@]}" serve --data-dir "$DATA" --tcp-host 127.0.0.1 --tcp-port 0 --http-host 127.0.0.1 --http-port 0 \
  --xmpp-port 0 --http-web-root "$WORK/web-app/dist" --log-level warn >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 600); do
  [ -f "$DATA/server.json" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.1
done
[ -f "$DATA/server.json" ] || { echo "test-sdk-pack: the server did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }
TCP_PORT=$(node -p "JSON.parse(require('fs').readFileSync('$DATA/server.json','utf8')).tcpPort")
HTTP_PORT=$(node -p "JSON.parse(require('fs').readFileSync('$DATA/server.json','utf8')).httpPort")

step "the Node project"
mkdir -p "$WORK/node-app"
cp "$HERE/node-app.mjs" "$WORK/node-app/app.mjs"
(
  cd "$WORK/node-app"
  npm init -y >/dev/null
  npm pkg set type=module
  npm install --silent --no-audit --no-fund "$PROTOCOL_TGZ" "$SDK_TGZ"
  node app.mjs "$TCP_PORT"
)

step "the Vite page in chromium"
node "$HERE/browser.mjs" "http://127.0.0.1:$HTTP_PORT/"
step "ok"
