#!/usr/bin/env bash
# Starts or stops podman's Docker-compatible API socket for tests, configured the way podman
# runs real containers on the project's VMs (see shared DESIGN.md): runc, cgroupfs, no default
# ulimits, and file events so that the service sees containers the podman CLI starts.
#
#   scripts/podman-service.sh start DIR   writes DIR/containers.conf, serves unix://DIR/podman.sock,
#                                         prints the socket path once it accepts connections
#   scripts/podman-service.sh stop DIR    stops the service started for DIR
#
# Callers that run the podman CLI against the same containers export
# CONTAINERS_CONF=DIR/containers.conf as well.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
cmd=$1
dir=$2
[[ -n $dir ]] || usage

conf=$dir/containers.conf
sock=$dir/podman.sock
pidfile=$dir/podman-service.pid
log=$dir/podman-service.log

start() {
  command -v podman >/dev/null || { echo "$0: podman is not installed" >&2; exit 1; }
  mkdir -p "$dir"
  if [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "$sock"
    return
  fi
  # runc when present (what the VMs are set up with); otherwise podman's own default.
  local runtime_line=""
  if command -v runc >/dev/null; then runtime_line='runtime = "runc"'; fi
  cat >"$conf" <<CONF
[containers]
default_ulimits = []

[engine]
$runtime_line
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
  rm -f "$sock"
  # setsid: the service gets its own process group, so stop can end it and its children only.
  CONTAINERS_CONF=$conf setsid podman system service --time=0 "unix://$sock" >"$log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  for _ in $(seq 1 100); do  # up to 10 s
    if [[ -S $sock ]]; then
      echo "$sock"
      return
    fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "$0: podman system service exited; its log:" >&2
      cat "$log" >&2
      rm -f "$pidfile"
      exit 1
    fi
    sleep 0.1
  done
  echo "$0: $sock did not appear within 10 s" >&2
  stop
  exit 1
}

stop() {
  [[ -f $pidfile ]] || return 0
  local pid
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile" "$sock"
}

case $cmd in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
