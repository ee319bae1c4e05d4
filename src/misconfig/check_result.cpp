#include "misconfig/check_result.h"

#include <stdexcept>

namespace moat::misconfig {

const Rule& find_rule(const std::vector<Rule>& rules, std::string_view id) {
  for (const Rule& r : rules)
    if (r.id == id) return r;
  throw std::logic_error("unknown rule " + std::string(id));
}

}  // namespace moat::misconfig
