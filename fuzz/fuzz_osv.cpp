#include <cstdint>
#include <string_view>

#include "base/error.h"
#include "vulndb/osv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    moat::vulndb::parse_osv(in, "fuzz/all.zip:X.json");
  } catch (const moat::Error&) {
  }
  return 0;
}
