#include "base/error.h"
#include "image/entry_path.h"
#include "inventory/analyzer.h"
#include "inventory/apk.h"
#include "inventory/dpkg.h"
#include "inventory/os_release.h"

namespace moat::inventory {

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

void append(std::vector<Package>& to, std::vector<Package> from) {
  for (auto& p : from) to.push_back(std::move(p));
}

// --- operating system identity
bool os_claims(std::string_view path, uint32_t, TargetKind) {
  for (const auto& p : os_identity_paths())
    if (path == p) return true;
  return false;
}
void os_capture(std::string_view path, std::string_view content, LayerFindings& out) {
  out.captured[std::string(path)] = std::string(content.substr(0, 64 << 10));
}

// --- dpkg
bool dpkg_claims(std::string_view path, uint32_t, TargetKind) {
  if (path == "/var/lib/dpkg/status") return true;
  if (starts_with(path, "/var/lib/dpkg/status.d/")) return image::parent_path(path) == "/var/lib/dpkg/status.d";
  return starts_with(path, "/var/lib/dpkg/info/") && ends_with(path, ".list") &&
         image::parent_path(path) == "/var/lib/dpkg/info";
}
void dpkg_analyze(std::string_view path, std::string_view content, LayerFindings& out) {
  if (ends_with(path, ".list") || ends_with(path, ".md5sums")) {
    out.ownership.push_back(parse_dpkg_file_list(content, path));
    return;
  }
  append(out.packages, parse_dpkg_status(content, path));
}

// --- apk
bool apk_claims(std::string_view path, uint32_t, TargetKind) { return path == "/lib/apk/db/installed"; }
void apk_analyze(std::string_view path, std::string_view content, LayerFindings& out) {
  append(out.packages, parse_apk_installed(content, path));
}

}  // namespace

const std::vector<Analyzer>& analyzers() {
  static const std::vector<Analyzer> table = {
      {"os", os_claims, nullptr, os_capture, true},
      {"dpkg", dpkg_claims, nullptr, dpkg_analyze, true},
      {"apk", apk_claims, nullptr, apk_analyze, true},
  };
  return table;
}

}  // namespace moat::inventory
