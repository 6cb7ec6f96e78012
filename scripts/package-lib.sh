# Shared by scripts/test-package.sh, test-deb.sh and test-container.sh (sourced).

step() { printf '[%s +%ss] %s\n' "$(date +%T)" "$SECONDS" "$*"; }
fail() {
  printf 'FAIL: %s\n' "$*" >&2
  exit 1
}

# wait_ready URL SECONDS [PID]: until URL answers 200, failing when PID (the server) exits first.
wait_ready() {
  local url=$1 end=$((SECONDS + $2)) pid=${3:-}
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then fail "the server exited before $url was ready"; fi
    [ "$SECONDS" -lt "$end" ] || fail "$url was not ready after $2 s"
    sleep 0.2
  done
}

# wait_runtime DATA_DIR PID LOG: waits (60 s at most) for the server.json a starting server writes
# into its data folder, failing with the server's log if the process exits first.
wait_runtime() {
  local file="$1/server.json" pid=$2 log=$3 end=$((SECONDS + 60))
  until [ -f "$file" ]; do
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; fail "the server exited at start"; }
    [ "$SECONDS" -lt "$end" ] || fail "no server.json after 60 s"
    sleep 0.1
  done
}

# roundtrip HOME TEXT CLIENT_ARGS...: with the command line in the array `starling`, alice logs
# in (the session saved under HOME), sends TEXT to bob, and bob's history must hold it.
# CLIENT_ARGS say where the server is (--data-dir D, or -s URL --insecure).
roundtrip() {
  local home=$1 text=$2
  shift 2
  mkdir -p "$home/alice" "$home/bob"
  STARLING_HOME="$home/alice" "${starling[@]}" login -u alice -p alice-password-1 "$@" >/dev/null ||
    fail "alice could not log in"
  STARLING_HOME="$home/alice" "${starling[@]}" send --to bob "$text" "$@" >/dev/null || fail "send failed"
  local got
  got=$(STARLING_HOME="$home/bob" "${starling[@]}" history --with alice -u bob -p bob-password-1 --json "$@") ||
    fail "history failed"
  grep -qF "$text" <<<"$got" || fail "bob's history lacks the message: $got"
}

# add_users CMD...: creates alice and bob with the passwords roundtrip uses, through CMD (the
# command line up to `user add`'s arguments, e.g. starling user add --data-dir D).
add_users() {
  "$@" alice --password alice-password-1 >/dev/null || fail "user add alice failed"
  "$@" bob --password bob-password-1 >/dev/null || fail "user add bob failed"
}
