#include <cstdint>
#include <span>

#include "base/error.h"
#include "runtime/sensor_decode.h"

// Any bytes as one ring-buffer record: decode_event must either give an Event or throw moat::Error.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    moat::runtime::Event e = moat::runtime::decode_event(std::span<const uint8_t>(data, size));
    // every string comes from a bounded slot of the record
    if (e.path.size() > size || e.exe.size() > size || e.argv.size() > size) __builtin_trap();
  } catch (const moat::Error&) {
  }
  return 0;
}
