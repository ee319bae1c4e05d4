#!/usr/bin/env bash
# Validates an SBOM document against its official JSON schema:
#   scripts/validate-sbom.sh cyclonedx FILE   CycloneDX 1.5 (bom-1.5 + spdx + jsf schemas shipped
#                                             in the npm package @cyclonedx/cyclonedx-library)
#   scripts/validate-sbom.sh spdx FILE        SPDX 2.3 (tests/report/schemas/spdx-2.3.schema.json)
#   scripts/validate-sbom.sh sarif FILE       SARIF 2.1.0 (sarif-2.1.0-rtm.5.json, the OASIS schema as
#                                             shipped in the npm package @microsoft/jest-sarif)
# The validator (ajv and its format plugins, pinned) is installed with npm on first use into
# $MOAT_VALIDATOR_DIR (the tests use one under the build directory; default ~/.cache/moat/
# sbom-validator) and reused after.
# Exit status: 0 valid, 1 invalid, 2 usage or setup failure, 77 node or npm not installed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_dir="$(dirname "$here")"
if [ $# -ne 2 ] || { [ "$1" != cyclonedx ] && [ "$1" != spdx ] && [ "$1" != sarif ]; }; then
  echo "usage: $0 cyclonedx|spdx|sarif FILE" >&2
  exit 2
fi
for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "validate-sbom: $tool is not installed (apt-get install nodejs npm)" >&2
    exit 77
  fi
done

packages=(ajv@8.17.1 ajv-formats@3.0.1 ajv-formats-draft2019@1.6.1 @cyclonedx/cyclonedx-library@10.3.0
  @microsoft/jest-sarif@1.0.0-beta.0 ajv-draft-04@1.0.0)
dir="${MOAT_VALIDATOR_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/moat/sbom-validator}"
stamp="$dir/.installed-$(echo "${packages[*]}" | sed 's/[^A-Za-z0-9.]/_/g')"
mkdir -p "$dir"
# Tests may run in parallel: one installs, the others wait for it.
exec 9>"$dir/.lock"
flock 9
if [ ! -f "$stamp" ]; then
  echo "validate-sbom: installing ${packages[*]} into $dir" >&2
  npm install --prefix "$dir" --no-save --no-audit --no-fund --ignore-scripts --omit=optional \
    --loglevel=error "${packages[@]}" >&2 || { echo "validate-sbom: npm install failed" >&2; exit 2; }
  touch "$stamp"
fi
flock -u 9

exec node "$here/validate-sbom.mjs" "$1" "$2" "$dir/node_modules" "$source_dir/tests/report/schemas"
