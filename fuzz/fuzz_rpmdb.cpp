// libFuzzer target: the three rpm database containers. Every input goes to all three parsers; each
// rejects the others' files by magic, so the fuzzer finds its way into whichever the bytes resemble
// (seed it with tests/data/rpmdb/*/*).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/error.h"
#include "inventory/rpmdb.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (auto parse :
       {moat::inventory::parse_rpmdb_sqlite, moat::inventory::parse_rpmdb_bdb, moat::inventory::parse_rpmdb_ndb}) {
    try {
      parse(bytes, "/fuzz");
    } catch (const moat::Error&) {
    }
  }
  return 0;
}
