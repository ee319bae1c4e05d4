#!/usr/bin/env bash
# First command of the README: installs what moat needs, builds it, builds a real Debian bookworm
# image with debootstrap, writes its SBOM, imports the advisories and scans the image.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install-deps.sh
scripts/build.sh build
scripts/fixtures/build.sh build/fixtures bookworm
./build/moat inventory build/fixtures/bookworm/docker.tar
./build/moat sbom build/fixtures/bookworm/docker.tar -o build/bookworm.cdx.json
echo "moat: CycloneDX SBOM of the bookworm image written to build/bookworm.cdx.json"
# The offline OSV mirror beside the checkout when there is one, else the public OSV bucket.
if [[ -d ../shared/vulndata ]]; then
  ./build/moat db update --source "file://$(cd ../shared/vulndata && pwd)"
else
  ./build/moat db update
fi
./build/moat image build/fixtures/bookworm/docker.tar -o build/bookworm.vulns.txt
head -12 build/bookworm.vulns.txt
echo "moat: vulnerability report of the bookworm image written to build/bookworm.vulns.txt"
