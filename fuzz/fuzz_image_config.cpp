// Hostile image config documents through the hardening checks: whatever JSON an image carries,
// check_image_config must not crash or throw (it skips fields of the wrong type).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "misconfig/image_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto doc = nlohmann::json::parse(data, data + size, nullptr, false);
  if (doc.is_discarded()) return 0;
  moat::misconfig::check_image_config(doc, std::chrono::system_clock::now());
  return 0;
}
