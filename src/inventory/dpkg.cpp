#include "inventory/dpkg.h"

#include <algorithm>

#include "base/error.h"
#include "image/entry_path.h"
#include "inventory/control_file.h"

namespace moat::inventory {

namespace {

constexpr size_t kMaxListLines = 1'000'000;

bool installed(std::string_view status) {
  // "want flag state": only the state matters, and only fully installed packages are inventory.
  size_t last = status.rfind(' ');
  std::string_view state = last == std::string_view::npos ? status : status.substr(last + 1);
  return state == "installed";
}

}  // namespace

std::vector<Package> parse_dpkg_status(std::string_view content, std::string_view path) {
  if (content.find('\0') != std::string_view::npos) fail(std::string(path), "binary data in dpkg status file");
  std::vector<Package> out;
  bool saw_package = false;
  for_each_stanza(content, [&](const Stanza& s) {
    std::string_view name = field(s, "Package");
    if (name.empty()) return;
    saw_package = true;
    std::string_view status = field(s, "Status");
    // status.d files of distroless images carry no Status field: everything listed is installed.
    if (!status.empty() && !installed(status)) return;
    std::string_view version = field(s, "Version");
    if (version.empty()) fail(std::string(path), "package '" + std::string(name) + "' has no Version");
    Package p;
    p.ecosystem = eco::kDeb;
    p.name = name;
    p.version = version;
    p.arch = field(s, "Architecture");
    p.found_in = path;
    // "Source: name" or "Source: name (version)" when the source version differs.
    std::string_view source = field(s, "Source");
    if (!source.empty()) {
      size_t paren = source.find(" (");
      if (paren != std::string_view::npos && source.back() == ')') {
        p.source_version = source.substr(paren + 2, source.size() - paren - 3);
        source = source.substr(0, paren);
      }
      p.source_name = source;
    }
    if (p.source_name.empty()) p.source_name = p.name;
    out.push_back(std::move(p));
  });
  if (!saw_package && content.find_first_not_of(" \t\r\n") != std::string_view::npos)
    fail(std::string(path), "not a dpkg status file (no Package field)");
  return out;
}

FileOwnership parse_dpkg_file_list(std::string_view content, std::string_view path) {
  FileOwnership own;
  own.list_path = path;
  std::string_view base = image::base_name(path);
  bool md5sums = base.size() > 8 && base.substr(base.size() - 8) == ".md5sums";
  std::string_view stem = base.substr(0, base.rfind('.'));
  own.owner = "deb:" + std::string(stem.substr(0, stem.find(':')));
  size_t pos = 0, lines = 0;
  while (pos < content.size()) {
    if (++lines > kMaxListLines) fail(std::string(path), "file list too long");
    size_t nl = content.find('\n', pos);
    if (nl == std::string_view::npos) nl = content.size();
    std::string_view line = content.substr(pos, nl - pos);
    pos = nl + 1;
    if (md5sums) {
      size_t sep = line.find("  ");
      if (sep == std::string_view::npos) continue;
      line = line.substr(sep + 2);
    }
    if (line.empty() || line == "/.") continue;
    std::string file = line.front() == '/' ? std::string(line) : "/" + std::string(line);
    own.files.push_back(std::move(file));
  }
  return own;
}

std::string parse_dpkg_copyright_licenses(std::string_view content) {
  if (content.find("Format:") == std::string_view::npos) return {};
  std::vector<std::string> names;
  for_each_stanza(content, [&](const Stanza& s) {
    for (const auto& [key, value] : s) {
      if (key != "License" || value.empty()) continue;
      std::string name(value.substr(0, 64));
      if (std::find(names.begin(), names.end(), name) == names.end() && names.size() < 32) names.push_back(name);
    }
  });
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : " AND ") + n;
  return out;
}

}  // namespace moat::inventory
