// libFuzzer target: Composer installed.json and composer.lock parsing over arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/error.h"
#include "inventory/php.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    moat::inventory::parse_composer_installed(input, "installed.json");
  } catch (const moat::Error&) {
  }
  try {
    moat::inventory::parse_composer_lock(input, "composer.lock");
  } catch (const moat::Error&) {
  }
  return 0;
}
