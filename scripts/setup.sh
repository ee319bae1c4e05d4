#!/usr/bin/env bash
# First command of the README: installs what moat needs, builds it, builds a real Debian bookworm
# image with debootstrap and writes its SBOM.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install-deps.sh
scripts/build.sh build
scripts/fixtures/build.sh build/fixtures bookworm
./build/moat inventory build/fixtures/bookworm/docker.tar
./build/moat sbom build/fixtures/bookworm/docker.tar -o build/bookworm.cdx.json
echo "moat: CycloneDX SBOM of the bookworm image written to build/bookworm.cdx.json"
