#!/usr/bin/env bash
# The runtime agent's cost and throughput, side by side in one run:
#  1. exec-, open- and connect-heavy workloads without any agent, with `moat agent` (moat's default
#     rules plus the upstream falco_rules.yaml, alerts to a file), and with sysdig capturing the same
#     events (when sysdig can run on this kernel; otherwise it says why);
#  2. events per second through the rule engine with the full upstream rule set (bench_rules);
#  3. a flood of 200,000 reported events per second for 5 s with the agent running: delivered and
#     dropped events as the agent counts them.
# Needs root and kernel BTF.   bench/runtime.sh [BUILD_DIR] [RUNS]   defaults: build, 3
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${1:-build}
runs=${2:-3}
[[ $(id -u) == 0 ]] || { echo "bench/runtime.sh: needs root to load eBPF programs" >&2; exit 1; }
cmake --build "$build" --target moat bench_rules bench_runtime_workload >/dev/null
work=$(mktemp -d)
agent_pid=
cleanup() {
  [[ -n $agent_pid ]] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
rules=()
[[ -f ../shared/rules/falco_rules.yaml ]] && rules=(--rules ../shared/rules/falco_rules.yaml)
workload=$build/bench_runtime_workload

start_agent() {
  "$build/moat" agent "${rules[@]}" --output "file:$work/alerts.json" --engine-socket "$work/none.sock" \
    2>"$work/agent.log" &
  agent_pid=$!
  for _ in $(seq 1 300); do
    grep -q "watching with" "$work/agent.log" && return
    sleep 0.1
  done
  cat "$work/agent.log" >&2
  exit 1
}
stop_agent() {
  kill -TERM "$agent_pid"
  wait "$agent_pid" || true
  agent_pid=
}

# median of $runs runs of the workload
median() {
  local times=()
  for ((i = 0; i < runs; i++)); do times+=("$("$workload" "$@")"); done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}

# sysdig 0.29 (Debian) captures through its kernel module or a BPF probe built for the running
# kernel; say plainly when neither is possible here.
sysdig_reason=
if ! command -v sysdig >/dev/null; then
  sysdig_reason="sysdig is not installed (apt-get install sysdig)"
elif ! timeout 5 sysdig -n 1 >/dev/null 2>"$work/sysdig.err"; then
  sysdig_reason="sysdig cannot capture on this kernel: $(head -1 "$work/sysdig.err")"
fi

echo "$(nproc) cores, kernel $(uname -r), ${runs} runs each (median), load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %10s %12s %9s %12s\n' workload "no agent" "moat agent" overhead sysdig
for w in "exec 2000" "open 1000000" "openr 1000000" "connect 20000"; do
  # shellcheck disable=SC2086
  base=$(median $w)
  start_agent
  # shellcheck disable=SC2086
  with=$(median $w)
  stop_agent
  sys="n/a"
  if [[ -z $sysdig_reason ]]; then
    sysdig -w /dev/null &
    sd=$!
    sleep 2
    # shellcheck disable=SC2086
    sys=$(median $w)
    kill "$sd"
    wait "$sd" || true
  fi
  printf '%-34s %9.3fs %11.3fs %8.1f%% %12s\n' "$w" "$base" "$with" "$(echo "($with - $base) * 100 / $base" | bc -l)" "$sys"
done
[[ -n $sysdig_reason ]] && echo "sysdig: $sysdig_reason"

echo
echo "rule engine, upstream rules (bench_rules, one core):"
"$build/bench_rules" | sed 's/^/  /'

echo
echo "flood: 200,000 reported opens per second for 5 s with the agent running"
start_agent
"$workload" rate 200000 5 >/dev/null
stop_agent
grep "stopped:" "$work/agent.log" | sed 's/^/  /'
grep "dropped (ring buffer full)" "$work/agent.log" | sed 's/^/  /' || true
