#include "detect/detection_policy.h"

#include <algorithm>

namespace moat::detect {

std::vector<std::string> apply_policy(const match::Policy& policy, misconfig::ConfigReport& report) {
  std::vector<std::string> warnings;
  const auto active = match::active_ignore_entries(policy, warnings);
  std::vector<misconfig::ConfigFinding> kept;
  for (auto& f : report.findings) {
    if (!policy.severities.empty() &&
        std::none_of(policy.severities.begin(), policy.severities.end(),
                     [&](match::Severity s) { return match::severity_name(s) == std::string(misconfig::level_name(f.level)); }))
      continue;
    bool ignored = std::any_of(active.begin(), active.end(), [&](const match::ActiveIgnore& a) {
      return a.entry->id == f.rule_id && (a.entry->package.empty() || a.entry->package == f.file);
    });
    if (ignored) {
      ++report.suppressed;
      continue;
    }
    kept.push_back(std::move(f));
  }
  report.findings = std::move(kept);
  return warnings;
}

}  // namespace moat::detect
