#!/usr/bin/env bash
# Second command of the README, and all that CI runs: builds, makes the real fixtures (cached under
# build/), runs every test suite, then the unit tests again under ASan+UBSan, then each fuzz target
# briefly. Ends with one "N passed, N failed" line.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install-deps.sh
scripts/build.sh build
scripts/fixtures/build.sh build/fixtures
export MOAT_FIXTURES=$root/build/fixtures
# Real web applications from Debian, the webshell detector's false-positive floor (cached).
scripts/fixtures/benign-web.sh build/benign-web

passed=0 failed=0
count() {  # reads ctest's summary line from a log
  local log=$1 total fails
  total=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\2/p' "$log" | tail -1)
  fails=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\1/p' "$log" | tail -1)
  passed=$((passed + ${total:-0} - ${fails:-0}))
  failed=$((failed + ${fails:-0}))
}

status=0
# The benign web applications only here: under the sanitizers their 160 MB take minutes and the
# detector's code paths are the same as on the webshell corpus.
MOAT_BENIGN_WEB=$root/build/benign-web ctest --test-dir build -j2 --output-on-failure 2>&1 | tee build/ctest.log || status=1
count build/ctest.log

# Sanitizers: unit and integration suites on a Debug build with ASan and UBSan.
scripts/build.sh build-asan -DMOAT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan -j2 --output-on-failure 2>&1 | tee build/ctest-asan.log || status=1
count build/ctest-asan.log

# Fuzz targets: a short libFuzzer run each, seeded from fuzz/seeds/<target> where present; a crash
# fails the run.
CC=clang CXX=clang++ scripts/build.sh build-fuzz -DMOAT_FUZZ=ON -DBUILD_TESTING=OFF
for target in build-fuzz/fuzz_*; do
  [[ -x $target ]] || continue
  name=$(basename "$target")
  corpus=build-fuzz/corpus/$name
  mkdir -p "$corpus"
  seeds=()
  [[ -d fuzz/seeds/$name ]] && seeds+=("fuzz/seeds/$name")
  if "$target" -max_total_time="${MOAT_FUZZ_SECONDS:-15}" -rss_limit_mb=2048 -timeout=10 \
      "$corpus" "${seeds[@]}" >"build-fuzz/$name.log" 2>&1; then
    passed=$((passed + 1))
    echo "fuzz $name: ok ($(grep -o 'Done [0-9]* runs' "build-fuzz/$name.log" | tail -1))"
  else
    failed=$((failed + 1)) status=1
    echo "fuzz $name: FAILED"; tail -40 "build-fuzz/$name.log"
  fi
done

echo "tests: $passed passed, $failed failed"
exit $status
