#pragma once
// Which scanners a scan runs: --scanners vuln,secret,malware,config.
#include <string>
#include <vector>

namespace moat::detect {

struct Scanners {
  bool vuln = false, secret = false, malware = false, config = false;
};

// Throws moat::Error naming --scanners for an unknown or missing name.
Scanners parse_scanners(const std::string& list);
std::vector<std::string> scanner_names(const Scanners& s);  // in the order above

}  // namespace moat::detect
