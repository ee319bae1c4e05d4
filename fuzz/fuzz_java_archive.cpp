// libFuzzer target: Java archive identification over arbitrary (possibly nested) zip bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/error.h"
#include "inventory/java.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    moat::inventory::parse_java_archive(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.jar");
  } catch (const moat::Error&) {
  }
  return 0;
}
