#pragma once
// One secret found in one file: what the pattern rules and the sensitive-file checks both report.
#include <string>

namespace moat::secret {

struct SecretMatch {
  std::string rule_id;   // stable, lower-case with dashes: "aws-access-key-id", "shadow-usable-password"
  std::string title;     // one line: "AWS access key ID"
  std::string severity;  // "LOW", "MEDIUM", "HIGH" or "CRITICAL"
  int line = 0;          // 1-based line of the match start; 0 when the file has no lines (binary)
  int column = 0;        // 1-based byte column
  std::string redacted;  // the secret with all but its first few characters masked: "AKIA************"
};

}  // namespace moat::secret
