#pragma once
// moat's default runtime rules: src/runtime/default_rules.yaml, compiled into the binary.
#include <string_view>

namespace moat::runtime {

inline constexpr const char* kDefaultRulesName = "moat default rules";
std::string_view default_rules_text();

}  // namespace moat::runtime
