#pragma once
// Mount points of one filesystem type on this host, from /proc/self/mountinfo: the type is the
// field after the "-" separator, the mount point the fifth field.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace moat::test {

inline std::vector<std::string> mount_points(const std::string& type) {
  std::vector<std::string> out;
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::vector<std::string> f;
    for (std::string x; fields >> x;) f.push_back(x);
    for (size_t i = 6; i + 1 < f.size(); ++i)
      if (f[i] == "-" && f[i + 1] == type) out.push_back(f[4]);
  }
  return out;
}

}  // namespace moat::test
