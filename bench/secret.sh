#!/usr/bin/env bash
# moat's secret + malware scanning against `trivy image --scanners secret` on the same
# docker-archive: wall-clock (median of N runs) and peak resident memory for an image neither tool
# has seen (no layer cache; moat keeps its compiled rules between runs, as it does on any machine
# after its first scan); then what each finds in the planted fixture, whose secrets are known.
#   bench/secret.sh [IMAGE.tar] [RUNS]   default: the ~270 MB "big" fixture, 3 runs
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
image=${1:-}
runs=${2:-3}
if [[ -z $image ]]; then
  scripts/fixtures/build.sh build/fixtures big planted >/dev/null
  image=build/fixtures/big/docker.tar
fi
[[ -x build/moat ]] || scripts/build.sh build
trivy=$(bench/trivy.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure NAME CMD...: runs CMD $runs times with no layer cache, prints median seconds and max RSS.
measure() {
  local name=$1
  shift
  local times=() rss=0
  for ((i = 0; i < runs; i++)); do
    rm -rf "$work/moat/layers" "$work/trivy"
    /usr/bin/time -f '%e %M' -o "$work/t" "$@" >"$work/out" 2>"$work/err" || {
      # moat and trivy exit 0 here: no --exit-code is given
      cat "$work/err"
      exit 1
    }
    read -r t m <"$work/t"
    times+=("$t")
    ((m > rss)) && rss=$m
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
  printf '%-44s %8.3f s %8.1f MB\n' "$name" "$median" "$(echo "$rss / 1024" | bc -l)"
  echo "$median" >"$work/$name.median"
}

size=$(du -m "$image" | cut -f1)
echo "image: $image (${size} MB), runs: $runs, $(nproc) cores, cold (no cache) every run"
printf '%-44s %10s %11s\n' tool "wall (med)" "peak RSS"
build/moat image "$image" --scanners secret --cache-dir "$work/moat" -f json >/dev/null  # compiles the rules once
measure "moat image --scanners secret" build/moat image "$image" --scanners secret --cache-dir "$work/moat" -f json
measure "moat image --scanners secret,malware" \
  build/moat image "$image" --scanners secret,malware --cache-dir "$work/moat" -f json
measure "trivy image --scanners secret" \
  "$trivy" image --input "$image" --scanners secret --cache-dir "$work/trivy" --skip-db-update --offline-scan -q -f json
moat=$(cat "$work/moat image --scanners secret,malware.median")
trivy_s=$(cat "$work/trivy image --scanners secret.median")
printf 'speed-up, secret+malware vs trivy secret: %.1fx\n' "$(echo "$trivy_s / $moat" | bc -l)"

planted=build/fixtures/planted/docker.tar
if [[ -f $planted ]]; then
  echo
  echo "planted fixture ($planted): secrets found"
  build/moat image "$planted" --scanners secret --no-cache -f json \
    | jq -r '.detections.findings[] | "  moat   \(.rule_id)  \(.file)\(if (.message | test("deleted")) then "  (deleted later)" else "" end)"' | sort
  "$trivy" image --input "$planted" --scanners secret --cache-dir "$work/tcache" --skip-db-update --offline-scan -q -f json \
    | jq -r '.Results[]? | .Target as $t | .Secrets[]? | "  trivy  \(.RuleID)  \($t)"' | sort
fi
