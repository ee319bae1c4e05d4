#include "inventory/apk.h"

#include "base/error.h"

namespace moat::inventory {

std::vector<Package> parse_apk_installed(std::string_view content, std::string_view path) {
  if (content.find('\0') != std::string_view::npos) fail(std::string(path), "binary data in apk database");
  std::vector<Package> out;
  Package cur;
  std::string dir;
  auto finish = [&] {
    if (!cur.name.empty()) {
      if (cur.version.empty()) fail(std::string(path), "package '" + cur.name + "' has no version");
      cur.ecosystem = eco::kApk;
      cur.found_in = path;
      if (cur.source_name.empty()) cur.source_name = cur.name;
      out.push_back(std::move(cur));
    }
    cur = Package{};
    dir.clear();
  };
  size_t pos = 0;
  while (pos <= content.size()) {
    size_t nl = content.find('\n', pos);
    if (nl == std::string_view::npos) nl = content.size();
    std::string_view line = content.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty()) {
      finish();
      continue;
    }
    if (line.size() < 2 || line[1] != ':') fail(std::string(path), "malformed line '" + std::string(line.substr(0, 40)) + "'");
    std::string_view v = line.substr(2);
    switch (line[0]) {
      case 'P': cur.name = v; break;
      case 'V': cur.version = v; break;
      case 'A': cur.arch = v; break;
      case 'L': cur.license = v; break;
      case 'o': cur.source_name = v; break;
      case 'F': dir = "/" + std::string(v); break;
      case 'R': cur.files.push_back((dir.empty() ? "" : dir) + "/" + std::string(v)); break;
      default: break;
    }
  }
  finish();
  return out;
}

}  // namespace moat::inventory
