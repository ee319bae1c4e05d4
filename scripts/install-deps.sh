#!/usr/bin/env bash
# Installs everything moat needs to build and test, from Debian's packages. Idempotent; runs
# apt-get update only when something is missing.
set -euo pipefail
packages=(
  build-essential cmake pkg-config git ca-certificates
  libarchive-dev zlib1g-dev libzstd-dev libssl-dev libsqlite3-dev libcpp-httplib-dev
  nlohmann-json3-dev libcli11-dev libyaml-cpp-dev libgtest-dev libgmock-dev
  clang libclang-rt-14-dev llvm
  debootstrap skopeo jq zstd python3 golang-go rpm db5.3-util time bc
  default-jdk-headless unzip ruby ruby-rack ruby-rack-test bundler composer php-cli binutils libxml2-utils
  libhyperscan-dev libpcre2-dev libyara-dev libclamav-dev clamav-testfiles libbpf-dev bpftool podman runc
  putty-tools whois apache2-utils
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
# Node may come from elsewhere than Debian (with its own npm, which Debian's npm conflicts with):
# any working node and npm will do.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps: missing ${missing[*]}; run as root (sudo) to install them" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  log=$(mktemp)
  echo "install-deps: installing ${missing[*]}"
  if ! { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } </dev/null >"$log" 2>&1; then
    tail -30 "$log" >&2
    exit 1
  fi
  rm -f "$log"
fi
