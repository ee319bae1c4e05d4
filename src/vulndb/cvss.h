#pragma once
// CVSS base scores from vector strings, so advisories that carry only a vector still get a score
// and a severity.
#include <string>
#include <string_view>

namespace moat::vulndb {

struct CvssScore {
  double base_score = 0;  // 0.0 - 10.0, one decimal
  std::string severity;   // NONE LOW MEDIUM HIGH CRITICAL (the specification's qualitative scale)
  std::string version;    // "3.0", "3.1", "4.0"
};

// Scores "CVSS:3.0/...", "CVSS:3.1/..." (base score, FIRST v3.x specification) and "CVSS:4.0/..."
// (CVSS-B: the macrovector table and interpolation of the v4.0 specification and FIRST's
// calculator). Threat, environmental, temporal and supplemental metrics are validated but do not
// change the score: this is the base score. Throws moat::Error naming the vector if it is
// malformed: unknown prefix, unknown or repeated metric, invalid value, missing base metric.
CvssScore score_cvss(std::string_view vector);

}  // namespace moat::vulndb
