#include "base/error.h"
#include "image/entry_path.h"
#include "inventory/analyzer.h"
#include "inventory/apk.h"
#include "inventory/dpkg.h"
#include "inventory/elf.h"
#include "inventory/go_binary.h"
#include "inventory/java.h"
#include "inventory/node.h"
#include "inventory/os_release.h"
#include "inventory/php.h"
#include "inventory/python.h"
#include "inventory/rpmdb.h"
#include "inventory/ruby.h"
#include "inventory/rust.h"

namespace moat::inventory {

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

void append(std::vector<Package>& to, std::vector<Package> from) {
  for (auto& p : from) to.push_back(std::move(p));
}
void append(std::vector<Package>& to, std::optional<Package> p) {
  if (p) to.push_back(std::move(*p));
}

std::string_view parent_name(std::string_view path) { return image::base_name(image::parent_path(path)); }

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

// --- dpkg licences, from each package's copyright file
bool copyright_claims(std::string_view path, uint32_t, TargetKind) {
  if (!starts_with(path, "/usr/share/doc/") || !ends_with(path, "/copyright")) return false;
  return image::parent_path(image::parent_path(path)) == "/usr/share/doc";
}
void copyright_analyze(std::string_view path, std::string_view content, LayerFindings& out) {
  std::string license = parse_dpkg_copyright_licenses(content.substr(0, 1 << 20));
  if (license.empty()) return;
  std::string name(image::base_name(image::parent_path(path)));
  out.licenses[std::string(path)] = {"deb:" + name, license};
}

// --- apk
bool apk_claims(std::string_view path, uint32_t, TargetKind) { return path == "/lib/apk/db/installed"; }
void apk_analyze(std::string_view path, std::string_view content, LayerFindings& out) {
  append(out.packages, parse_apk_installed(content, path));
}

// --- rpm: the database moved from /var/lib/rpm to /usr/lib/sysimage/rpm in newer distributions
bool rpm_claims(std::string_view path, uint32_t, TargetKind) {
  std::string_view dir = image::parent_path(path), base = image::base_name(path);
  if (dir != "/var/lib/rpm" && dir != "/usr/lib/sysimage/rpm") return false;
  return base == "Packages" || base == "Packages.db" || base == "rpmdb.sqlite";
}
void rpm_analyze(std::string_view path, std::string_view content, LayerFindings& out) {
  std::string_view base = image::base_name(path);
  if (base == "rpmdb.sqlite")
    append(out.packages, parse_rpmdb_sqlite(content, path));
  else if (base == "Packages.db")
    append(out.packages, parse_rpmdb_ndb(content, path));
  else
    append(out.packages, parse_rpmdb_bdb(content, path));
}

// --- Python: installed distributions' metadata
bool python_claims(std::string_view path, uint32_t, TargetKind) {
  std::string_view base = image::base_name(path), parent = parent_name(path);
  if (base == "METADATA") return ends_with(parent, ".dist-info");
  if (base == "PKG-INFO") return ends_with(parent, ".egg-info");
  return ends_with(base, ".egg-info");  // distutils writes the metadata as a single file
}
void python_analyze(std::string_view path, std::string_view content, LayerFindings& out) {
  append(out.packages, parse_python_metadata(content, path));
}

// --- Node: installed packages; lock files only in directories
bool node_module_manifest(std::string_view path) {
  if (image::base_name(path) != "package.json") return false;
  std::string_view dir = image::parent_path(path), up = image::parent_path(dir);
  if (image::base_name(up).starts_with('@')) up = image::parent_path(up);
  std::string_view holder = image::base_name(up);
  return holder == "node_modules" || up == "/usr/share/nodejs" || up == "/usr/lib/nodejs";
}
bool node_claims(std::string_view path, uint32_t, TargetKind kind) {
  if (node_module_manifest(path)) return true;
  if (kind != TargetKind::Filesystem || path.find("/node_modules/") != std::string_view::npos) return false;
  std::string_view base = image::base_name(path);
  return base == "package-lock.json" || base == "npm-shrinkwrap.json" || base == "yarn.lock" ||
         base == "pnpm-lock.yaml";
}
void node_analyze(std::string_view path, std::string_view content, LayerFindings& out) {
  std::string_view base = image::base_name(path);
  if (base == "package.json")
    append(out.packages, parse_node_package_json(content, path));
  else if (base == "yarn.lock")
    append(out.packages, parse_yarn_lock(content, path));
  else if (base == "pnpm-lock.yaml")
    append(out.packages, parse_pnpm_lock(content, path));
  else
    append(out.packages, parse_package_lock(content, path));
}

// --- Ruby
bool ruby_claims(std::string_view path, uint32_t, TargetKind kind) {
  // RubyGems keeps the gems bundled with Ruby itself in specifications/default/.
  std::string_view parent = parent_name(path);
  if (ends_with(path, ".gemspec") &&
      (parent == "specifications" || (parent == "default" && parent_name(image::parent_path(path)) == "specifications")))
    return true;
  return kind == TargetKind::Filesystem && image::base_name(path) == "Gemfile.lock";
}
void ruby_analyze(std::string_view path, std::string_view content, LayerFindings& out) {
  if (ends_with(path, ".gemspec"))
    append(out.packages, parse_gemspec(content, path));
  else
    append(out.packages, parse_gemfile_lock(content, path));
}

// --- PHP
bool php_claims(std::string_view path, uint32_t, TargetKind kind) {
  if (ends_with(path, "/vendor/composer/installed.json")) return true;
  return kind == TargetKind::Filesystem && image::base_name(path) == "composer.lock" &&
         path.find("/vendor/") == std::string_view::npos;
}
void php_analyze(std::string_view path, std::string_view content, LayerFindings& out) {
  if (ends_with(path, "installed.json"))
    append(out.packages, parse_composer_installed(content, path));
  else
    append(out.packages, parse_composer_lock(content, path));
}

// --- Go and Rust binaries: any executable that turns out to be ELF
bool executable_claims(std::string_view, uint32_t mode, TargetKind) { return (mode & 0111) != 0; }
bool elf_head(std::string_view head) { return looks_like_elf(head); }
void binary_analyze(std::string_view path, std::string_view content, LayerFindings& out) {
  append(out.packages, parse_go_binary(content, path));
  append(out.packages, parse_cargo_auditable(content, path));
}
bool cargo_lock_claims(std::string_view path, uint32_t, TargetKind kind) {
  return kind == TargetKind::Filesystem && image::base_name(path) == "Cargo.lock";
}
void cargo_lock_analyze(std::string_view path, std::string_view content, LayerFindings& out) {
  append(out.packages, parse_cargo_lock(content, path));
}

// --- Java archives
bool java_claims(std::string_view path, uint32_t, TargetKind) { return is_java_archive_path(path); }
void java_analyze(std::string_view path, std::string_view content, LayerFindings& out) {
  append(out.packages, parse_java_archive(content, path));
}

}  // namespace

const std::vector<Analyzer>& analyzers() {
  static const std::vector<Analyzer> table = {
      {"os", os_claims, nullptr, os_capture, true},
      {"dpkg", dpkg_claims, nullptr, dpkg_analyze, true},
      {"dpkg-copyright", copyright_claims, nullptr, copyright_analyze, false},
      {"apk", apk_claims, nullptr, apk_analyze, true},
      {"rpm", rpm_claims, nullptr, rpm_analyze, true},
      {"python", python_claims, nullptr, python_analyze, false},
      {"node", node_claims, nullptr, node_analyze, false},
      {"ruby", ruby_claims, nullptr, ruby_analyze, false},
      {"php", php_claims, nullptr, php_analyze, false},
      {"binary", executable_claims, elf_head, binary_analyze, false},
      {"cargo-lock", cargo_lock_claims, nullptr, cargo_lock_analyze, false},
      {"java", java_claims, nullptr, java_analyze, false},
  };
  return table;
}

}  // namespace moat::inventory
