#!/usr/bin/env bash
# moat sbom against trivy on the same docker-archive image: wall-clock (median of N runs) and peak
# resident memory, cold (no layer cache) and warm (unchanged image, layer cache filled).
#   bench/sbom.sh [IMAGE.tar] [RUNS]   default: the ~200 MB "big" fixture, 5 runs
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
image=${1:-}
runs=${2:-5}
if [[ -z $image ]]; then
  scripts/fixtures/build.sh build/fixtures big >/dev/null
  image=build/fixtures/big/docker.tar
fi
[[ -x build/moat ]] || scripts/build.sh build
trivy=$(bench/trivy.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure NAME CMD...: runs CMD $runs times, prints median seconds and max RSS in MB.
measure() {
  local name=$1
  shift
  local times=() rss=0
  for ((i = 0; i < runs; i++)); do
    [[ -n ${BEFORE_EACH:-} ]] && eval "$BEFORE_EACH"
    /usr/bin/time -f '%e %M' -o "$work/t" "$@" >"$work/out" 2>"$work/err" || { cat "$work/err"; exit 1; }
    read -r t m <"$work/t"
    times+=("$t")
    ((m > rss)) && rss=$m
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
  printf '%-34s %8.3f s %8.1f MB\n' "$name" "$median" "$(echo "$rss / 1024" | bc -l)"
  echo "$median" >"$work/$name.median"
}

size=$(du -m "$image" | cut -f1)
echo "image: $image (${size} MB), runs: $runs, $(nproc) cores"
printf '%-34s %10s %11s\n' tool "wall (med)" "peak RSS"
BEFORE_EACH="rm -rf $work/cache" measure "moat sbom (cold, no cache)" build/moat sbom "$image" --cache-dir "$work/cache"
build/moat sbom "$image" --cache-dir "$work/warm" >/dev/null
BEFORE_EACH="" measure "moat sbom (warm, layer cache)" build/moat sbom "$image" --cache-dir "$work/warm"
BEFORE_EACH="rm -rf $work/tcache" measure "trivy image -f cyclonedx (cold)" \
  "$trivy" image --input "$image" -f cyclonedx --cache-dir "$work/tcache" --skip-db-update --offline-scan -q
"$trivy" image --input "$image" -f cyclonedx --cache-dir "$work/twarm" --skip-db-update --offline-scan -q >/dev/null 2>&1
BEFORE_EACH="" measure "trivy image -f cyclonedx (warm)" \
  "$trivy" image --input "$image" -f cyclonedx --cache-dir "$work/twarm" --skip-db-update --offline-scan -q
cold=$(cat "$work/moat sbom (cold, no cache).median")
tcold=$(cat "$work/trivy image -f cyclonedx (cold).median")
printf 'speed-up, cold: %.1fx\n' "$(echo "$tcold / $cold" | bc -l)"
moat_n=$(build/moat sbom "$image" --cache-dir "$work/warm" | jq '[.. | objects | select(.purl?) ] | length')
trivy_n=$("$trivy" image --input "$image" -f cyclonedx --cache-dir "$work/twarm" --skip-db-update --offline-scan -q | jq '[.. | objects | select(.purl?) ] | length')
echo "components with a purl: moat $moat_n, trivy $trivy_n"
