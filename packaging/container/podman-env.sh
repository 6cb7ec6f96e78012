# Sourced by the container scripts: podman settings for machines where its defaults cannot start
# a container. There, podman asks for more open files and processes than the sandbox allows
# ("setrlimit RLIMIT_NOFILE: Operation not permitted" from crun, "error setting rlimit type 7"
# from runc) and crun cannot use the hybrid cgroup layout; runc with limits within the current
# hard limits works. STARLING_PODMAN_CONF=system keeps podman's own configuration.
if [ "${STARLING_PODMAN_CONF:-}" != system ]; then
  _conf_dir="${XDG_RUNTIME_DIR:-/tmp}/starling-podman"
  mkdir -p "$_conf_dir"
  _nofile=$(ulimit -Hn)
  [ "$_nofile" = unlimited ] && _nofile=65536
  [ "$_nofile" -gt 65536 ] && _nofile=65536
  cat >"$_conf_dir/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=${_nofile}:${_nofile}", "nproc=8192:8192"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
  export CONTAINERS_CONF="$_conf_dir/containers.conf"
  unset _conf_dir _nofile
fi
