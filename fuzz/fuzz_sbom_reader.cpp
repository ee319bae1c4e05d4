// libFuzzer target: read_sbom must return or throw moat::Error on any input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/error.h"
#include "inventory/sbom_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    moat::inventory::read_sbom(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
  } catch (const moat::Error&) {
  }
  return 0;
}
