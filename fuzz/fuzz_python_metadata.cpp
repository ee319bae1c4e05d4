// libFuzzer target: a Python dist-info METADATA or egg-info PKG-INFO.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/error.h"
#include "inventory/python.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    moat::inventory::parse_python_metadata(
        std::string_view(reinterpret_cast<const char*>(data), size), "/fuzz");
  } catch (const moat::Error&) {
  }
  return 0;
}
