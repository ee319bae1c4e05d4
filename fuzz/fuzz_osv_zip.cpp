#include <cstdint>
#include <string_view>

#include "base/error.h"
#include "vulndb/osv.h"
#include "vulndb/osv_archive.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    moat::vulndb::read_osv_archive_bytes(in, "fuzz/all.zip", [](std::string_view name, std::string_view content) {
      try {
        moat::vulndb::parse_osv(content, name);
      } catch (const moat::Error&) {
      }
    });
  } catch (const moat::Error&) {
  }
  return 0;
}
