#!/usr/bin/env bash
# Regenerates the Trivy-written fixtures in this folder. Usage: make-trivy-fixtures.sh ROOTFS
# ROOTFS is the bookworm fixture's root file system (scripts/fixtures, /work/build-fixtures/...).
# Trivy skips language packages whose files belong to a deb, and in that image every one does, so
# the script assembles a small root file system from real files of ROOTFS: os-release, a dpkg
# status trimmed to a dozen packages (some built from a differently named or versioned source),
# three Python distributions and three gem specifications in places no deb owns, and a go.mod (this
# Trivy build, made for cdxgen, has no Go-binary analyzer; rootfs scans read go.mod files instead).
set -euo pipefail
src=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
trivy=$(bash "$here/../../../bench/trivy.sh")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root/etc" "$root/var/lib/dpkg" "$root/usr/local/lib/python3.11/dist-packages" \
  "$root/usr/local/share/gems/specifications" "$root/opt/app"
cp "$src/usr/lib/os-release" "$root/etc/os-release"
cp "$src/etc/debian_version" "$root/etc/debian_version"
keep='^(base-files|bash|bsdutils|libc6|libssl3|openssl|e2fsprogs|dmsetup|gcc-12-base|libgcc-s1|zlib1g|tzdata|python3-yaml|ruby3.1)$'
awk -v RS= -v ORS='\n\n' -v keep="$keep" '{ if (match($0, /(^|\n)Package: [^\n]+/)) { n = substr($0, RSTART, RLENGTH); sub(/.*Package: /, "", n); if (n ~ keep) print } }' \
  "$src/var/lib/dpkg/status" >"$root/var/lib/dpkg/status"
for d in PyYAML-6.0.dist-info charset_normalizer-3.0.1.dist-info requests-2.28.1.egg-info; do
  cp -r "$src/usr/lib/python3/dist-packages/$d" "$root/usr/local/lib/python3.11/dist-packages/"
done
for g in rake-13.0.6 webrick-1.8.1 net-telnet-0.2.0; do
  cp "$src/usr/share/rubygems-integration/all/specifications/$g.gemspec" "$root/usr/local/share/gems/specifications/"
done
cat >"$root/opt/app/go.mod" <<'GOMOD'
module example.com/app

go 1.19

require (
	github.com/BurntSushi/toml v1.2.1
	github.com/containers/image/v5 v5.23.1
	golang.org/x/sys v0.5.0
)
GOMOD
cache=$work/cache
common=(--cache-dir "$cache" --skip-db-update --offline-scan --quiet)
"$trivy" rootfs "${common[@]}" -f cyclonedx -o "$here/trivy-rootfs.cdx.json" "$root"
"$trivy" rootfs "${common[@]}" -f spdx-json -o "$here/trivy-rootfs.spdx.json" "$root"
"$trivy" --version | head -1 >"$here/trivy-version.txt"

# The image scan, trimmed to the same dozen debs (the full document lists 171): IMAGE is the
# fixture's docker-archive, e.g. .../bookworm/docker.tar. Trimming keeps every field Trivy wrote.
image=${2:-$(dirname "$src")/docker.tar}
"$trivy" image "${common[@]}" --input "$image" -f cyclonedx -o "$work/image.cdx.json"
"$trivy" image "${common[@]}" --input "$image" -f spdx-json -o "$work/image.spdx.json"
python3 - "$work" "$here" "$keep" <<'PY'
import json, re, sys
work, here, keep = sys.argv[1], sys.argv[2], re.compile(sys.argv[3])
cdx = json.load(open(f"{work}/image.cdx.json"))
cdx["components"] = [c for c in cdx["components"] if c["type"] != "library" or keep.match(c["name"])]
refs = {c["bom-ref"] for c in cdx["components"]} | {cdx["metadata"]["component"]["bom-ref"]}
cdx["dependencies"] = [dict(d, dependsOn=[r for r in d.get("dependsOn", []) if r in refs])
                       for d in cdx["dependencies"] if d["ref"] in refs]
json.dump(cdx, open(f"{here}/trivy-image.cdx.json", "w"), indent=2)
spdx = json.load(open(f"{work}/image.spdx.json"))
spdx["packages"] = [p for p in spdx["packages"]
                    if p.get("primaryPackagePurpose") != "LIBRARY" or keep.match(p["name"])]
ids = {p["SPDXID"] for p in spdx["packages"]} | {"SPDXRef-DOCUMENT"}
spdx["relationships"] = [r for r in spdx["relationships"]
                         if r["spdxElementId"] in ids and r["relatedSpdxElement"] in ids]
spdx.pop("files", None)
json.dump(spdx, open(f"{here}/trivy-image.spdx.json", "w"), indent=2)
PY
