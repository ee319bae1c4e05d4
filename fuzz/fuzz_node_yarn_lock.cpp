// libFuzzer target: yarn.lock, classic and berry.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/error.h"
#include "inventory/node.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    moat::inventory::parse_yarn_lock(std::string_view(reinterpret_cast<const char*>(data), size),
                                     "/fuzz");
  } catch (const moat::Error&) {
  }
  return 0;
}
