// Hostile Compose files through the YAML loader and every Compose check: file problems must land in
// the error list, and only moat::Error may ever come out.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "misconfig/compose_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    std::vector<moat::misconfig::FileError> errors;
    const auto findings = moat::misconfig::check_compose(input, "fuzz.yml", errors);
    for (const auto& finding : findings) {
      if (finding.rule_id.empty() || finding.object.empty()) __builtin_trap();
    }
    moat::misconfig::looks_like_compose(input);
  } catch (const moat::Error&) {
  }
  return 0;
}
