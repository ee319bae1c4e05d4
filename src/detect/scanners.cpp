#include "detect/scanners.h"

#include <sstream>

#include "base/error.h"

namespace moat::detect {

Scanners parse_scanners(const std::string& list) {
  Scanners s;
  std::stringstream in(list);
  for (std::string name; std::getline(in, name, ',');) {
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    if (name == "vuln")
      s.vuln = true;
    else if (name == "secret")
      s.secret = true;
    else if (name == "malware")
      s.malware = true;
    else if (name == "config")
      s.config = true;
    else
      fail("--scanners", "unknown scanner '" + name + "' (vuln, secret, malware, config)");
  }
  if (!s.vuln && !s.secret && !s.malware && !s.config) fail("--scanners", "names no scanner");
  return s;
}

std::vector<std::string> scanner_names(const Scanners& s) {
  std::vector<std::string> out;
  if (s.vuln) out.push_back("vuln");
  if (s.secret) out.push_back("secret");
  if (s.malware) out.push_back("malware");
  if (s.config) out.push_back("config");
  return out;
}

}  // namespace moat::detect
