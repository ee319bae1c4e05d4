#include <cstdint>
#include <string_view>

#include "base/error.h"
#include "inventory/dpkg.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    moat::inventory::parse_dpkg_status(in, "/var/lib/dpkg/status");
  } catch (const moat::Error&) {
  }
  moat::inventory::parse_dpkg_file_list(in, "/var/lib/dpkg/status.d/x.md5sums");
  return 0;
}
