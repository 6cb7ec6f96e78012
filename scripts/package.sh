#!/usr/bin/env bash
# npm run package: builds dist/starling-<version>-linux-<arch>.tar.gz, a self-contained install
# that needs neither the registry nor a Node.js of its own:
#
#   starling-<version>-linux-<arch>/
#     bin/starling          launcher (sh): the bundled node on the compiled CLI
#     lib/node              a copy of the Node.js binary that built it
#     packages/*/           compiled protocol, sdk, server and cli (dist/), the built web client
#     node_modules/         production dependencies from the lockfile, native modules built here
#
# The tree keeps the workspace layout (node_modules/@starling/* link to ../../packages/*), so the
# server finds the web client where it does in a checkout. Options: --no-build (use the dist/
# folders as they are).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    *) echo "package.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

version=$(node -p 'require("./package.json").version')
arch=$(node -p 'process.arch')
name="starling-${version}-linux-${arch}"
out="$repo/dist/$name.tar.gz"
libs=(protocol sdk server cli)

if [ "$build" = 1 ]; then
  echo "package: npm run build"
  npm run build
fi
for p in "${libs[@]}"; do
  [ -d "packages/$p/dist" ] || { echo "package: packages/$p/dist is missing (npm run build)" >&2; exit 1; }
done
[ -f packages/web/dist/index.html ] || { echo "package: the web client is not built (npm run build)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage="$work/$name"
mkdir -p "$stage/bin" "$stage/lib"

# The manifests and the lockfile, then the compiled code of each package.
cp package.json package-lock.json "$stage/"
for p in "${libs[@]}" web; do
  mkdir -p "$stage/packages/$p"
  cp "packages/$p/package.json" "$stage/packages/$p/"
done
for p in "${libs[@]}"; do
  cp -a "packages/$p/dist" "$stage/packages/$p/"
  [ -f "packages/$p/README.md" ] && cp "packages/$p/README.md" "$stage/packages/$p/"
done
cp -a packages/web/dist "$stage/packages/web/"
cli_bin=$(node -p 'const b = require("./packages/cli/package.json").bin; typeof b === "string" ? b : b.starling')
cli_bin=${cli_bin#./}
case "$cli_bin" in
  dist/*) ;;
  *)
    mkdir -p "$stage/packages/cli/$(dirname "$cli_bin")"
    cp -a "packages/cli/$(dirname "$cli_bin")/." "$stage/packages/cli/$(dirname "$cli_bin")/"
    ;;
esac

# Production dependencies exactly as the lockfile has them. Install scripts are off (the root's
# would build the web client with dev tools); the native modules are built just below.
echo "package: production dependencies (npm ci --omit=dev)"
(cd "$stage" && npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error)

# Native modules: a package compiled by node-gyp takes the build the checkout's own install made
# for this machine when it is the same version, and is rebuilt otherwise. Their sources and
# object files are not needed at run time.
while IFS= read -r gyp; do
  dir=$(dirname "$gyp")
  [ -f "$dir/package.json" ] || continue # a binding.gyp inside a package, not at its root
  rel=${dir#"$stage/"}
  pkg=${rel##*node_modules/}
  have="$repo/$rel"
  want_v=$(node -p "require('$dir/package.json').version")
  have_v=$([ -f "$have/package.json" ] && node -p "require('$have/package.json').version" || true)
  if [ "$want_v" = "$have_v" ] && compgen -G "$have/build/Release/*.node" >/dev/null; then
    mkdir -p "$dir/build/Release"
    cp "$have"/build/Release/*.node "$dir/build/Release/"
    echo "package: $pkg $want_v: the build of this checkout"
  else
    echo "package: $pkg $want_v: npm rebuild"
    (cd "$stage" && npm rebuild "$pkg" --foreground-scripts --loglevel=error)
  fi
  rm -rf "$dir"/build/Release/obj "$dir"/build/Release/obj.target "$dir"/build/Release/.deps \
    "$dir"/build/Release/*.a "$dir"/build/Release/test_extension.node "$dir/deps"
  if [ -d "$dir/src" ] && ! find "$dir/src" -name '*.js' | grep -q .; then rm -rf "$dir/src"; fi
done < <(find "$stage/node_modules" -name binding.gyp -not -path '*/test/*')
rm -f "$stage/package-lock.json" "$stage/node_modules/.package-lock.json"

# The runtime and the launcher.
cp "$(node -p 'process.execPath')" "$stage/lib/node"
cat >"$stage/bin/starling" <<EOF
#!/bin/sh
# Starling $version: runs the bundled Node.js on the compiled command line.
self=\$(readlink -f "\$0")
root=\$(dirname "\$(dirname "\$self")")
exec "\$root/lib/node" "\$root/packages/cli/$cli_bin" "\$@"
EOF
chmod 0755 "$stage/bin/starling"

"$stage/bin/starling" --version >/dev/null
mkdir -p dist
tar -C "$work" --owner=0 --group=0 --numeric-owner -czf "$out.tmp" "$name"
mv "$out.tmp" "$out"
echo "package: $out ($(du -h "$out" | cut -f1))"
