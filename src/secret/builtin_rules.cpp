#include "secret/builtin_rules.h"

namespace moat::embedded {
extern const std::string_view secret_rules;
}

namespace moat::secret {

std::string_view builtin_rules_text() { return embedded::secret_rules; }

}  // namespace moat::secret
