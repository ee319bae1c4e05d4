#!/usr/bin/env bash
# moat config against trivy config (its embedded checks, offline) on the same corpus: wall clock
# (median of N runs), peak memory, files and findings each reports. Target: moat >= 10x faster.
#   bench/config.sh [DIR] [RUNS]   default: tests/data/misconfig, 5 runs
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dir=${1:-tests/data/misconfig}
runs=${2:-5}
[[ -x build/moat ]] || scripts/build.sh build
trivy=$(bench/trivy.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median_of() {  # prints "median_seconds max_rss_kb"
  local times=() rss=0 t m
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f '%e %M' -o "$work/t" "$@" >/dev/null 2>&1 || true
    read -r t m <"$work/t"
    times+=("$t")
    ((m > rss)) && rss=$m
  done
  echo "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p") $rss"
}

echo "corpus: $dir ($(find "$dir" -type f | wc -l) files), runs: $runs, $(nproc) cores"
"$trivy" config --skip-policy-update --cache-dir "$work/tcache" -q "$dir" >/dev/null 2>&1 || true  # warm its cache
read -r moat_t moat_m <<<"$(median_of build/moat config "$dir" -f json -o "$work/moat.json")"
read -r trivy_t trivy_m <<<"$(median_of "$trivy" config --skip-policy-update --cache-dir "$work/tcache" -q -f json -o "$work/trivy.json" "$dir")"
printf '%-28s %8.3f s %8.1f MB   %s files, %s findings\n' "moat config" "$moat_t" "$(echo "$moat_m / 1024" | bc -l)" \
  "$(jq '.files | length' "$work/moat.json")" "$(jq '.findings | length' "$work/moat.json")"
printf '%-28s %8.3f s %8.1f MB   %s files, %s findings\n' "trivy config" "$trivy_t" "$(echo "$trivy_m / 1024" | bc -l)" \
  "$(jq '[.Results[]?] | length' "$work/trivy.json")" "$(jq '[.Results[]?.Misconfigurations[]?] | length' "$work/trivy.json")"
printf 'speed-up: %.1fx\n' "$(echo "$trivy_t / $moat_t" | bc -l)"
