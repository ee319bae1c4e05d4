#include "runtime/default_rules.h"

namespace moat::embedded {
extern const std::string_view runtime_default_rules;
}

namespace moat::runtime {

std::string_view default_rules_text() { return embedded::runtime_default_rules; }

}  // namespace moat::runtime
