#include <cstdint>
#include <string_view>

#include "base/error.h"
#include "vulndb/cvss.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    moat::vulndb::CvssScore s = moat::vulndb::score_cvss(in);
    if (s.base_score < 0 || s.base_score > 10) __builtin_trap();
  } catch (const moat::Error&) {
  }
  return 0;
}
