#!/usr/bin/env bash
# The runtime agent's cost and throughput, side by side in one run:
#  1. exec-, open- (bare opens, and a tree of files read whole) and connect-heavy workloads without
#     any agent, with `moat agent` (moat's default rules plus the upstream falco_rules.yaml, alerts to
#     a file), and with sysdig capturing the same events (when sysdig can run on this kernel;
#     otherwise it says why);
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
# The workloads run at real-time priority (the agent does not): whatever else the machine runs
# cannot preempt them, so their times measure the sensor rather than the other load.
workload=(chrt -f 10 "$build/bench_runtime_workload")

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

# The median of the numbers given.
median_of() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }

# median of $runs runs of the workload: "WALL CPU", each the median of its own column
median() {
  local walls=() cpus=() w c
  for ((i = 0; i < runs; i++)); do
    read -r w c < <("${workload[@]}" "$@")
    walls+=("$w")
    cpus+=("$c")
  done
  echo "$(median_of "${walls[@]}") $(median_of "${cpus[@]}")"
}

# Nanoseconds the kernel has spent so far in the eBPF programs loaded after program id $1 (the
# agent's; kernel.bpf_stats_enabled must be on): the sensor's own cost, free of whatever else runs
# on the machine.
last_prog_id() { bpftool prog show -j | jq 'map(.id) | max // 0'; }
bpf_ns() { bpftool prog show -j | jq --argjson after "$1" '[.[] | select(.id > $after) | .run_time_ns // 0] | add // 0'; }
pct() { echo "($2 - $1) * 100 / $1" | bc -l; }

# sysdig 0.29 (Debian) captures through its kernel module or a BPF probe built for the running
# kernel; say plainly when neither is possible here.
sysdig_reason=
if ! command -v sysdig >/dev/null; then
  sysdig_reason="sysdig is not installed (apt-get install sysdig)"
elif ! timeout 5 sysdig -n 1 >/dev/null 2>"$work/sysdig.err"; then
  sysdig_reason="sysdig cannot capture on this kernel: $(head -1 "$work/sysdig.err")"
fi

echo "$(nproc) cores, kernel $(uname -r), ${runs} runs each (median), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wall = elapsed time; cpu = the workload's user+system time (with its children), which holds the"
echo "sensor's in-kernel cost; bpf/op = time in the agent's eBPF programs per operation (bpf_stats, on"
echo "only for one extra run, as its clock reads would add to the overhead measured)"
printf '%-16s %9s %9s %8s %9s %9s %8s %8s %10s\n' workload "wall" "+agent" overhead "cpu" "+agent" overhead "bpf/op" sysdig
stats_was=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -qw kernel.bpf_stats_enabled=0
# Each run without the agent is followed at once by one with it, so that a change in the machine's
# other load over the minutes the benchmark takes falls on both sides alike.
# tree: a build's kind of open-heavy work, reading every header under /usr/include 20 times.
tree_dir=/usr/include
tree_files=$(find "$tree_dir" -type f | wc -l)
for w in "exec 2000" "open 1000000" "openr 1000000" "tree 20 $tree_dir" "connect 20000"; do
  read -r _ n _ <<<"$w"
  ops=$n
  [[ $w == tree* ]] && ops=$((n * tree_files))  # an open, reads and a close per file
  base_walls=() base_cpus=() walls=() cpus=()
  for ((r = 0; r < runs; r++)); do
    # shellcheck disable=SC2086
    read -r base_w base_c < <("${workload[@]}" $w)
    start_agent
    # shellcheck disable=SC2086
    read -r agent_w agent_c < <("${workload[@]}" $w)
    stop_agent
    base_walls+=("$base_w") base_cpus+=("$base_c") walls+=("$agent_w") cpus+=("$agent_c")
  done
  base_wall=$(median_of "${base_walls[@]}") base_cpu=$(median_of "${base_cpus[@]}")
  wall=$(median_of "${walls[@]}") cpu=$(median_of "${cpus[@]}")
  ids_before=$(last_prog_id)
  start_agent
  sysctl -qw kernel.bpf_stats_enabled=1
  before=$(bpf_ns "$ids_before")
  # shellcheck disable=SC2086
  "${workload[@]}" $w >/dev/null
  per_op=$((($(bpf_ns "$ids_before") - before) / ops))
  sysctl -qw kernel.bpf_stats_enabled=0
  stop_agent
  sys="n/a"
  if [[ -z $sysdig_reason ]]; then
    sysdig -w /dev/null &
    sd=$!
    sleep 2
    # shellcheck disable=SC2086
    sys=$(median $w | cut -d' ' -f1)
    kill "$sd"
    wait "$sd" || true
  fi
  printf '%-16s %8.3fs %8.3fs %7.1f%% %8.3fs %8.3fs %7.1f%% %6sns %10s\n' "${w%% /*}" "$base_wall" "$wall" \
    "$(pct "$base_wall" "$wall")" "$base_cpu" "$cpu" "$(pct "$base_cpu" "$cpu")" "$per_op" "$sys"
done
sysctl -qw kernel.bpf_stats_enabled="$stats_was"
[[ -n $sysdig_reason ]] && echo "sysdig: $sysdig_reason"

echo
echo "rule engine, upstream rules (bench_rules, one core):"
"$build/bench_rules" | sed 's/^/  /'

echo
echo "flood: 200,000 reported opens per second for 5 s with the agent running"
start_agent
"${workload[@]}" rate 200000 5 >/dev/null
stop_agent
grep "stopped:" "$work/agent.log" | sed 's/^/  /'
grep "dropped (ring buffer full)" "$work/agent.log" | sed 's/^/  /' || true
