#include "misconfig/check_result.h"

#include <stdexcept>

namespace moat::misconfig {

const Rule& find_rule(const std::vector<Rule>& rules, std::string_view id) {
  for (const Rule& r : rules)
    if (r.id == id) return r;
  throw std::logic_error("unknown rule " + std::string(id));
}

void keep_unsuppressed(std::vector<ConfigFinding>& found, const std::set<std::string>& suppressed,
                       std::vector<ConfigFinding>& out, size_t* suppressed_count) {
  for (ConfigFinding& finding : found) {
    if (!suppressed.contains(finding.rule_id))
      out.push_back(std::move(finding));
    else if (suppressed_count != nullptr)
      ++*suppressed_count;
  }
}

}  // namespace moat::misconfig
