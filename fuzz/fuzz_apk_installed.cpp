#include <cstdint>
#include <string_view>

#include "base/error.h"
#include "inventory/apk.h"
#include "inventory/os_release.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    moat::inventory::parse_apk_installed(in, "/lib/apk/db/installed");
  } catch (const moat::Error&) {
  }
  moat::inventory::detect_os({{"/etc/os-release", std::string(in)}, {"/etc/redhat-release", std::string(in)}});
  return 0;
}
