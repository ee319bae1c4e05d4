#!/usr/bin/env bash
# moat's secret + malware scanning against `trivy image --scanners secret` on the same
# docker-archive: wall-clock (median of N runs) and peak resident memory for an image neither tool
# has seen (no layer cache; moat keeps its compiled rules between runs, as it does on any machine
# after its first scan); then what each finds in the planted fixture, whose secrets are known.
#   bench/secret.sh [IMAGE.tar] [RUNS]   default: the ~270 MB "big" fixture, 3 runs
#   BUILD_DIR=build-x bench/secret.sh     measures build-x/moat instead of build/moat
# CPU is user+sys, which other load on the machine disturbs less than the wall clock.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
image=${1:-}
runs=${2:-3}
if [[ -z $image ]]; then
  scripts/fixtures/build.sh build/fixtures big planted >/dev/null
  image=build/fixtures/big/docker.tar
fi
build=${BUILD_DIR:-build}
[[ -x $build/moat ]] || scripts/build.sh "$build"
trivy=$(bench/trivy.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure NAME CMD...: runs CMD $runs times with no layer cache, prints the median wall and CPU
# seconds and the max RSS.
measure() {
  local name=$1
  shift
  local times=() cpus=() rss=0
  for ((i = 0; i < runs; i++)); do
    rm -rf "$work/moat/layers" "$work/trivy"
    /usr/bin/time -f '%e %U %S %M' -o "$work/t" "$@" >"$work/out" 2>"$work/err" || {
      # moat and trivy exit 0 here: no --exit-code is given
      cat "$work/err"
      exit 1
    }
    read -r t user sys m <"$work/t"
    times+=("$t")
    cpus+=("$(echo "$user + $sys" | bc -l)")
    ((m > rss)) && rss=$m
  done
  local median cpu
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
  printf '%-44s %8.3f s %8.3f s %8.1f MB\n' "$name" "$median" "$cpu" "$(echo "$rss / 1024" | bc -l)"
  echo "$median" >"$work/$name.median"
}

size=$(du -m "$image" | cut -f1)
echo "image: $image (${size} MB), runs: $runs, $(nproc) cores, cold (no cache) every run, $build/moat"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %10s %10s %11s\n' tool "wall (med)" "CPU (med)" "peak RSS"
"$build"/moat image "$image" --scanners secret --cache-dir "$work/moat" -f json >/dev/null  # compiles the rules once
measure "moat image --scanners secret" "$build"/moat image "$image" --scanners secret --cache-dir "$work/moat" -f json
measure "moat image --scanners secret,malware" \
  "$build"/moat image "$image" --scanners secret,malware --cache-dir "$work/moat" -f json
measure "trivy image --scanners secret" \
  "$trivy" image --input "$image" --scanners secret --cache-dir "$work/trivy" --skip-db-update --offline-scan -q -f json
moat=$(cat "$work/moat image --scanners secret,malware.median")
trivy_s=$(cat "$work/trivy image --scanners secret.median")
printf 'speed-up, secret+malware vs trivy secret: %.1fx\n' "$(echo "$trivy_s / $moat" | bc -l)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

planted=build/fixtures/planted/docker.tar
if [[ -f $planted ]]; then
  echo
  echo "planted fixture ($planted): secrets found"
  "$build"/moat image "$planted" --scanners secret --no-cache -f json \
    | jq -r '.detections.findings[] | "  moat   \(.rule_id)  \(.file)\(if (.message | test("deleted")) then "  (deleted later)" else "" end)"' | sort
  "$trivy" image --input "$planted" --scanners secret --cache-dir "$work/tcache" --skip-db-update --offline-scan -q -f json \
    | jq -r '.Results[]? | .Target as $t | .Secrets[]? | "  trivy  \(.RuleID)  \($t)"' | sort
fi
