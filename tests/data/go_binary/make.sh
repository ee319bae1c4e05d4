#!/bin/sh
# Regenerates the committed Go binaries: the example program in src/app built by Go 1.15, whose
# build info uses the pre-1.18 pointer layout, for one architecture of each pointer size and byte
# order (386: ELF32 LE, mips: ELF32 BE, amd64: ELF64 LE, s390x: ELF64 BE). Stripped (-s -w) and
# gzipped to keep them small. Go 1.15 comes from Debian bullseye's golang-1.15 packages, fetched
# into a temporary apt tree; nothing is installed on the machine. Binaries built by the current
# toolchain (inline layout) are not committed: the tests build them at run time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/debs"
echo 'deb http://deb.debian.org/debian bullseye main' > "$work/apt/sources.list"
apt_opts="-o Dir::Etc::SourceList=$work/apt/sources.list -o Dir::Etc::SourceParts=/dev/null
  -o Dir::State::Lists=$work/apt/lists -o Dir::Cache=$work/apt/cache -o APT::Architecture=amd64"
# shellcheck disable=SC2086
apt-get $apt_opts update >/dev/null
# shellcheck disable=SC2086
(cd "$work/debs" && apt-get $apt_opts download golang-1.15-go golang-1.15-src)
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/root"; done
goroot="$work/root/usr/lib/go-1.15"

for arch in 386 mips amd64 s390x; do
  (cd "$here/src/app" && GOROOT="$goroot" GOARCH="$arch" CGO_ENABLED=0 GOFLAGS=-mod=vendor GOPROXY=off \
    GOCACHE="$work/cache" GOPATH="$work/gopath" "$goroot/bin/go" build -trimpath -ldflags='-s -w' \
    -o "$work/app-go1.15-$arch" .)
  gzip -9 -n -c "$work/app-go1.15-$arch" > "$here/app-go1.15-$arch.gz"
done
