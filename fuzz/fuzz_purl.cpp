// libFuzzer target: parse_purl and package_from_purl must return or throw moat::Error on any
// input, and whatever parses must survive build_purl and parse back to the same components.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/error.h"
#include "inventory/purl.h"
#include "inventory/purl_parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  moat::inventory::PurlParts parts;
  try {
    parts = moat::inventory::parse_purl(input);
    static_cast<void>(moat::inventory::package_from_purl(parts));
  } catch (const moat::Error&) {
    return 0;
  }
  // build_purl is stricter than the spec about qualifier keys (a letter first); skip those.
  for (const auto& [key, value] : parts.qualifiers) {
    if (!(key[0] >= 'a' && key[0] <= 'z')) return 0;
  }
  // A decoded namespace segment or subpath segment may itself hold '/' (from %2F), which the
  // canonical form cannot keep apart; every other component must come back unchanged.
  const auto again = moat::inventory::parse_purl(moat::inventory::build_purl(parts));
  if (again.type != parts.type || again.name != parts.name || again.version != parts.version ||
      again.qualifiers != parts.qualifiers)
    std::abort();
  return 0;
}
