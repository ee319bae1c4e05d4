#!/bin/sh
# Regenerates the Cargo.lock samples with the real cargo, offline: a workspace-less crate "app"
# with two path dependencies (helper, util) and three crates.io dependencies served from a local
# vendored directory source (itoa in two versions, smallvec), so the lock file has registry
# sources and checksums as it would for crates.io. Cargo writes format v4 for a new lock file and
# keeps v3 when the existing file says "version = 3"; it can no longer write v1 or v2.
# Usage: make.sh [OUTPUT_DIR]   (default: this directory)
set -eu
out=$(cd "${1:-$(dirname "$0")}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

crate() {  # crate DIR NAME VERSION [DEPENDENCY LINES]
  mkdir -p "$1/src"
  printf '[package]\nname = "%s"\nversion = "%s"\nedition = "2018"\n\n[dependencies]\n%s\n' "$2" "$3" "${4:-}" > "$1/Cargo.toml"
  echo 'pub fn f() {}' > "$1/src/lib.rs"
}
vendored() {  # vendored NAME VERSION: a crate in the directory source, with the checksum file cargo requires
  crate "vendor/$1-$2" "$1" "$2"
  printf '{"files":{},"package":"%s"}' "$(printf '%s' "$1$2" | sha256sum | cut -d' ' -f1)" \
    > "vendor/$1-$2/.cargo-checksum.json"
}

vendored itoa 1.0.9
vendored itoa 0.4.8
vendored smallvec 1.11.0
crate helper helper 0.1.0 'itoa = "0.4"'
crate util util 0.1.0
crate app app 0.1.0 'helper = { path = "../helper", version = "0.1.0" }
util = { path = "../util" }
itoa = "1"
smallvec = "1.11"'
rm app/src/lib.rs
echo 'fn main() { helper::f(); util::f(); itoa::f(); smallvec::f(); }' > app/src/main.rs
mkdir -p app/.cargo
printf '[source.crates-io]\nreplace-with = "vendored"\n\n[source.vendored]\ndirectory = "../vendor"\n' \
  > app/.cargo/config.toml

cd app
CARGO_HOME="$work/cargo-home" cargo generate-lockfile --offline --quiet
cp Cargo.lock "$out/Cargo.lock.v4"
sed -i 's/^version = 4$/version = 3/' Cargo.lock
CARGO_HOME="$work/cargo-home" cargo update --offline --quiet -p util
grep -qx 'version = 3' Cargo.lock
cp Cargo.lock "$out/Cargo.lock.v3"
