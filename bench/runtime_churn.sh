#!/usr/bin/env bash
# N short-lived podman containers (default 1,000) under the agent: each reads /etc/shadow once, so
# each must give one "Sensitive file read" alert attributed to its own container, with its name.
# Prints how many were attributed, the agent's resident memory at start, at its peak and at the end
# (bounded caches: it must not grow with the number of containers seen), and its dropped events.
# Needs root, kernel BTF, podman and the bookworm fixture.
#   bench/runtime_churn.sh [BUILD_DIR] [N]   defaults: build, 1000
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${1:-build}
n=${2:-1000}
[[ $(id -u) == 0 ]] || { echo "bench/runtime_churn.sh: needs root" >&2; exit 1; }
cmake --build "$build" --target moat >/dev/null
work=$(mktemp -d)
agent_pid=
cleanup() {
  [[ -n $agent_pid ]] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null
  scripts/podman-service.sh stop "$work" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
socket=$(scripts/podman-service.sh start "$work")
export CONTAINERS_CONF=$work/containers.conf
image=localhost/moat-test:bookworm
if ! podman image exists "$image"; then
  scripts/fixtures/build.sh build/fixtures bookworm >/dev/null
  podman load -q -i build/fixtures/bookworm/docker.tar >/dev/null
  podman tag docker.io/moat-fixtures/bookworm:latest "$image"
fi

rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
"$build/moat" agent --output "file:$work/alerts.json" --engine-socket "$socket" 2>"$work/agent.log" &
agent_pid=$!
until grep -q "watching with" "$work/agent.log"; do sleep 0.1; done
rss_start=$(rss "$agent_pid")
rss_peak=$rss_start
start=$SECONDS
for ((i = 0; i < n; i++)); do
  podman run --rm --name "moat-churn-$i" "$image" cat /etc/shadow >/dev/null
  r=$(rss "$agent_pid")
  ((r > rss_peak)) && rss_peak=$r
done
elapsed=$((SECONDS - start))
sleep 2
rss_end=$(rss "$agent_pid")
kill -TERM "$agent_pid"
wait "$agent_pid" || true
agent_pid=

reads=$(jq -c 'select(.rule == "moat: Sensitive file read") | .output_fields' "$work/alerts.json")
alerts=$(grep -c . <<<"$reads" || true)
named=$(jq -r 'select(.["container.name"] | startswith("moat-churn-")) | .["container.name"]' <<<"$reads" | sort -u | wc -l)
echo "$n containers in ${elapsed} s; sensitive-read alerts: $alerts; attributed to distinct named containers: $named"
echo "agent RSS: start $((rss_start / 1024)) MB, peak $((rss_peak / 1024)) MB, end $((rss_end / 1024)) MB"
grep "stopped:" "$work/agent.log"
