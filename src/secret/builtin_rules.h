#pragma once
// The secret rules moat ships: src/secret/builtin_rules.yaml, compiled into the binary.
#include <string_view>

namespace moat::secret {

std::string_view builtin_rules_text();

}  // namespace moat::secret
