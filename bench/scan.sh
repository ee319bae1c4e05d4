#!/usr/bin/env bash
# Vulnerability scanning figures, each beside its target:
#  1. `moat db update` from ../shared/vulndata (target < 15 s)      -> bench/db_update.sh
#  2. a full scan (inventory + matching) of the bookworm fixture, warm, beside Trivy's SBOM-only
#     run on the same image (target: moat >= 5x faster while doing more)
#  3. matching 10,000 packages against the real database (target < 200 ms)  -> build/bench_match
#   bench/scan.sh [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
runs=${1:-5}
[[ -x build/moat && -x build/bench_match ]] || scripts/build.sh build
scripts/fixtures/build.sh build/fixtures bookworm >/dev/null
image=build/fixtures/bookworm/docker.tar
trivy=$(bench/trivy.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bench/db_update.sh "$root/../shared/vulndata" 3 | grep "^moat db update"
mirror=$(cd "$root/../shared/vulndata" && pwd)
build/moat db update --source "file://$mirror" --db "$work/adv.db" >/dev/null

median_of() {  # runs a command $runs times; prints "median_seconds max_rss_kb"
  local times=() rss=0 t m
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f '%e %M' -o "$work/t" "$@" >/dev/null 2>&1 || true
    read -r t m <"$work/t"
    times+=("$t")
    ((m > rss)) && rss=$m
  done
  echo "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p") $rss"
}

build/moat image "$image" --db "$work/adv.db" --cache-dir "$work/cache" -f json -o /dev/null 2>/dev/null || true
"$trivy" image --input "$image" -f cyclonedx --cache-dir "$work/tcache" --skip-db-update --offline-scan -q >/dev/null 2>&1
read -r moat_t moat_m <<<"$(median_of build/moat image "$image" --db "$work/adv.db" --cache-dir "$work/cache" -f json -o /dev/null)"
read -r trivy_t trivy_m <<<"$(median_of "$trivy" image --input "$image" -f cyclonedx --cache-dir "$work/tcache" --skip-db-update --offline-scan -q)"
printf '%-52s %8.3f s %8.1f MB\n' "moat image (inventory + matching, warm)" "$moat_t" "$(echo "$moat_m / 1024" | bc -l)"
printf '%-52s %8.3f s %8.1f MB\n' "trivy image -f cyclonedx (SBOM only, warm)" "$trivy_t" "$(echo "$trivy_m / 1024" | bc -l)"
printf 'speed-up: %.1fx\n' "$(echo "$trivy_t / $moat_t" | bc -l)"
build/bench_match "$work/adv.db"
