#pragma once
// Dockerfile rules (CIS Docker Benchmark section 4, the checks hadolint made familiar) and
// in-place suppressions:
//   # moat:ignore MOAT-DF-003 reason: base image pinned by digest upstream
// on a comment line above an instruction suppresses that rule for the instruction (several ids
// may be listed, comma- or space-separated). A suppression without a reason suppresses nothing
// and is itself reported (MOAT-DF-030), so every accepted risk carries a reviewable reason.
#include <string>
#include <vector>

#include "misconfig/check_result.h"
#include "misconfig/dockerfile.h"

namespace moat::misconfig {

using DockerfileRule = Rule;

// Every rule, in id order.
const std::vector<DockerfileRule>& dockerfile_rules();

struct SuppressedFinding {
  ConfigFinding finding;
  std::string reason;
  Position annotation;  // of the "# moat:ignore" comment
};

struct DockerfileCheckResult {
  std::vector<ConfigFinding> findings;  // ordered by line, then column, then rule id
  std::vector<SuppressedFinding> suppressed;
};

DockerfileCheckResult check_dockerfile_with_suppressions(const Dockerfile& dockerfile, const std::string& file);

// The findings left after suppressions.
std::vector<ConfigFinding> check_dockerfile(const Dockerfile& dockerfile, const std::string& file);

}  // namespace moat::misconfig
