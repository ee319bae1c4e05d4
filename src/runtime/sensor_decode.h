#pragma once
// Turns one ring-buffer record written by the kernel sensor (bpf/sensor_wire.h) into an Event.
// Pure and free of libbpf, so it can be fuzzed and tested without a kernel.
#include <cstdint>
#include <span>

#include "runtime/event.h"

namespace moat::runtime {

// Throws moat::Error naming "sensor record" when the record is truncated, of another wire
// version, of an unknown kind or its string slots run past its end. A record that is well formed
// but carries odd user data (an unparseable sockaddr, a path without NUL) decodes with what it has.
// `boot_to_realtime_ns` is added to the kernel's CLOCK_BOOTTIME stamp to give Event::ts_ns.
Event decode_event(std::span<const uint8_t> record, int64_t boot_to_realtime_ns = 0);

// CLOCK_REALTIME minus CLOCK_BOOTTIME now: what turns the kernel's boot-time stamps (the sensor's,
// a process's start time in /proc) into wall-clock time.
int64_t boot_to_realtime_ns();

}  // namespace moat::runtime
