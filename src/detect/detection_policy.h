#pragma once
// The user's decisions applied to secret, malware and image-configuration findings, with the same
// options as vulnerabilities: --severity keeps only those levels, and an ignore-file entry whose id
// is the rule id (and whose optional package is the file's path) suppresses, with its reason, until
// it expires.
#include <string>
#include <vector>

#include "match/policy.h"
#include "misconfig/config_scan.h"

namespace moat::detect {

// Removes filtered and suppressed findings (counting the suppressed ones) and returns warnings for
// expired entries.
std::vector<std::string> apply_policy(const match::Policy& policy, misconfig::ConfigReport& report);

}  // namespace moat::detect
