#!/usr/bin/env bash
# What the eBPF sensor costs the workloads it watches: an exec-heavy loop (2,000 fork+exec of
# /bin/true) and open-heavy loops (1,000,000 open+close, read-only = filtered in the kernel, and
# write = reported), each timed without and with the sensor attached and drained by a thread, side
# by side; then the delivery rate of a write-open flood. Needs root and kernel BTF.
#   bench/runtime_overhead.sh [BUILD_DIR]   default: build
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${1:-build}
[[ $(id -u) == 0 ]] || { echo "runtime_overhead: needs root to load eBPF programs" >&2; exit 1; }
[[ -x $build/test_runtime ]] || cmake --build "$build" --target test_runtime
echo "$(nproc) cores, kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
MOAT_SENSOR_BENCH=1 "$build/test_runtime" --gtest_filter='LiveSensor.BenchOverhead' 2>&1 |
  grep -vE '^(\[|Running main|Note: Google Test|$)'
