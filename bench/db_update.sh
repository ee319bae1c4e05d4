#!/usr/bin/env bash
# Time `moat db update` importing the offline OSV mirror (../shared/vulndata) through a file:// URL
# into a fresh database: wall-clock (median of N runs) and peak resident memory. Target: < 15 s.
#   bench/db_update.sh [MIRROR_DIR] [RUNS]   default: ../shared/vulndata, 3 runs
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mirror=$(cd "${1:-$root/../shared/vulndata}" && pwd)
runs=${2:-3}
[[ -x build/moat ]] || scripts/build.sh build
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The mirror has no Maven or crates.io archive, and a missing archive fails an update: name the
# ecosystems it holds.
ecosystems=$(cd "$mirror" && ls -d */ | tr -d / | paste -sd, -)
echo "mirror: $mirror ($ecosystems), runs: $runs, $(nproc) cores"
times=()
rss=0
for ((i = 0; i < runs; i++)); do
  rm -f "$work/advisories.db"
  /usr/bin/time -f '%e %M' -o "$work/t" \
    build/moat db update --source "file://$mirror" --db "$work/advisories.db" --ecosystems "$ecosystems" \
    >"$work/out" 2>"$work/err" || { cat "$work/err"; exit 1; }
  read -r t m <"$work/t"
  times+=("$t")
  ((m > rss)) && rss=$m
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
printf 'moat db update (file://, %s)  %8.3f s  %8.1f MB peak RSS  db %s MB\n' "$ecosystems" "$median" \
  "$(echo "$rss / 1024" | bc -l)" "$(du -m "$work/advisories.db" | cut -f1)"
cat "$work/out"
build/moat db status --db "$work/advisories.db" || true
