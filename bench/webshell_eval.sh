#!/usr/bin/env bash
# Recall and false-positive rate of the webshell detector per language, TUNE and HELD-OUT halves.
#
#   bench/webshell_eval.sh BUILD_DIR [CORPUS_DIR] [BENIGN_DIR]
#
# Builds nothing: runs BUILD_DIR/bench_webshell (CMake target built from bench/webshell_eval.cpp).
# CORPUS_DIR defaults to ../shared/corpus/webshell; BENIGN_DIR to BUILD_DIR/benign-web, filled by
# scripts/fixtures/benign-web.sh (cached, skipped when already done).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [CORPUS_DIR] [BENIGN_DIR]" >&2; exit 2; }
BUILD=$(realpath "$1")
CORPUS=${2:-$HERE/../../shared/corpus/webshell}
BENIGN=${3:-$BUILD/benign-web}
EVAL=$BUILD/bench_webshell
[ -x "$EVAL" ] || { echo "$0: $EVAL not built (cmake --build $BUILD --target bench_webshell)" >&2; exit 1; }
[ -d "$CORPUS" ] || { echo "$0: corpus $CORPUS not found" >&2; exit 1; }
"$HERE/../scripts/fixtures/benign-web.sh" "$BENIGN"
exec "$EVAL" "$CORPUS" "$BENIGN"
