// libFuzzer target: parse_go_binary must return or throw moat::Error on any input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/error.h"
#include "inventory/go_binary.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    moat::inventory::parse_go_binary(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  } catch (const moat::Error&) {
  }
  return 0;
}
