// libFuzzer target: gemspec and Gemfile.lock parsing over arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/error.h"
#include "inventory/ruby.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    moat::inventory::parse_gemspec(input, "fuzz.gemspec");
  } catch (const moat::Error&) {
  }
  try {
    moat::inventory::parse_gemfile_lock(input, "Gemfile.lock");
  } catch (const moat::Error&) {
  }
  return 0;
}
