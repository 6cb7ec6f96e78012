#!/usr/bin/env bash
# Checks the container image and compose.yaml with podman, on a machine without an image
# registry: builds the base image from debootstrap (packaging/container/build-base.sh), the
# Starling image from the archive of npm run package, and PostgreSQL and NATS images from Debian's
# packages; runs the Starling image alone (/readyz, its HEALTHCHECK, a message round trip), then
# the compose setup with podman-compose (PostgreSQL, NATS, two nodes), where a message sent on
# node 1 must be pushed to a user connected to node 2.
# Usage: scripts/test-container.sh [ARCHIVE]. Needs root, podman, podman-compose, debootstrap.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
. scripts/package-lib.sh
. packaging/container/podman-env.sh

archive=${1:-dist/starling-$(node -p 'require("./package.json").version')-linux-$(node -p 'process.arch').tar.gz}
[ -f "$archive" ] || fail "$archive is missing (npm run package)"
archive=$(readlink -f "$archive")
base=localhost/starling-base:bookworm
image=localhost/starling:test
project=starlingtest

tmp=$(mktemp -d)
compose=(podman-compose -p "$project" -f "$repo/compose.yaml")
cleanup() {
  podman rm -f -t 5 starling-test >/dev/null 2>&1 || true
  (cd "$repo" && "${compose[@]}" down -v >/dev/null 2>&1) || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# free_ports N: N free TCP ports on this machine.
free_ports() {
  node -e 'const net = require("node:net");
    const n = Number(process.argv[1]), servers = [];
    for (let i = 0; i < n; i++) { const s = net.createServer(); servers.push(s); s.listen(0, "127.0.0.1"); }
    Promise.all(servers.map((s) => new Promise((r) => s.on("listening", r)))).then(() => {
      console.log(servers.map((s) => s.address().port).join(" ")); servers.forEach((s) => s.close()); });' "$1"
}

step "podman can run a container"
bash packaging/container/build-base.sh "$base"
if ! out=$(podman run --rm "$base" true 2>&1); then
  fail "blocked: podman cannot start a container here: $out"
fi

step "build the images"
mkdir -p "$tmp/context"
cp "$archive" "$tmp/context/"
podman build -q --format docker --build-arg BASE="$base" -f packaging/container/Dockerfile -t "$image" \
  "$tmp/context" >/dev/null
for target in postgres nats; do
  podman build -q --format docker --build-arg BASE="$base" -f packaging/container/services.Dockerfile \
    --target "$target" -t "localhost/starling-$target:test" packaging/container >/dev/null
done
[ "$(podman image inspect -f '{{.Config.User}}' "$image")" = starling ] || fail "the image does not run as starling"
podman image inspect -f '{{json .Config.Volumes}}' "$image" | grep -q /var/lib/starling || fail "no data volume"
podman image inspect -f '{{json .Config.Healthcheck}}' "$image" | grep -q readyz || fail "no HEALTHCHECK"

tar -C "$tmp" -xzf "$archive"
root=$(echo "$tmp"/starling-*)
cp scripts/package-crossnode.mjs "$root/"
starling=("$root/bin/starling")

step "run the image"
read -r http tcp < <(free_ports 2)
# Without systemd podman cannot schedule the periodic health checks and says so on stderr;
# `podman healthcheck run` below runs the image's check directly.
podman run -d --name starling-test -p "127.0.0.1:$http:8080" -p "127.0.0.1:$tcp:5202" "$image" \
  >/dev/null 2>>"$tmp/podman.log" || { cat "$tmp/podman.log" >&2; fail "podman run"; }
wait_ready "http://127.0.0.1:$http/readyz" 90
[ "$(podman exec starling-test id -un)" = starling ] || fail "the server does not run as starling"
podman healthcheck run starling-test >/dev/null || fail "the image's HEALTHCHECK fails on a ready server"
add_users podman exec starling-test starling user add
roundtrip "$tmp/clients1" "hello from the container" -s "ws://127.0.0.1:$http/ws"
podman stop -t 20 starling-test >/dev/null 2>>"$tmp/podman.log"
[ "$(podman inspect -f '{{.State.ExitCode}}' starling-test)" = 0 ] || fail "the container did not stop cleanly"
podman rm starling-test >/dev/null 2>>"$tmp/podman.log"

step "compose: PostgreSQL and NATS"
read -r h1 t1 h2 t2 < <(free_ports 4)
export STARLING_IMAGE="$image" STARLING_POSTGRES_IMAGE=localhost/starling-postgres:test \
  STARLING_NATS_IMAGE=localhost/starling-nats:test STARLING1_HTTP=$h1 STARLING1_TCP=$t1 \
  STARLING2_HTTP=$h2 STARLING2_TCP=$t2
"${compose[@]}" up -d --no-build postgres nats >"$tmp/compose.log" 2>&1 || { cat "$tmp/compose.log" >&2; fail "compose up"; }
end=$((SECONDS + 90))
until podman exec "${project}_postgres_1" pg_isready -h 127.0.0.1 -q 2>/dev/null; do
  [ "$SECONDS" -lt "$end" ] || fail "PostgreSQL not ready after 90 s"
  sleep 0.5
done
step "compose: two Starling nodes"
"${compose[@]}" up -d --no-build starling1 starling2 >>"$tmp/compose.log" 2>&1 ||
  { cat "$tmp/compose.log" >&2; fail "compose up"; }
wait_ready "http://127.0.0.1:$h1/readyz" 120
wait_ready "http://127.0.0.1:$h2/readyz" 120
add_users podman exec "${project}_starling1_1" starling user add
"$root/lib/node" "$root/package-crossnode.mjs" "ws://127.0.0.1:$h1/ws" "ws://127.0.0.1:$h2/ws" ||
  fail "the message did not cross the nodes"
"${compose[@]}" down -v >/dev/null 2>&1
step "container OK"
