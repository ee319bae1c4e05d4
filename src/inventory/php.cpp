#include "inventory/php.h"

#include <nlohmann/json.hpp>

#include <set>
#include <string>

#include "base/error.h"

namespace moat::inventory {
namespace {

using nlohmann::json;

json parse_json(std::string_view content, const std::string& where) {
  json doc = json::parse(content.begin(), content.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) fail(where, "not valid JSON");
  return doc;
}

std::string composer_version(std::string version) {
  if (version.size() > 1 && (version[0] == 'v' || version[0] == 'V') && version[1] >= '0' && version[1] <= '9') {
    version.erase(0, 1);
  }
  return version;
}

std::string composer_license(const json& license) {
  if (license.is_string()) return license.get<std::string>();
  std::string joined;
  if (!license.is_array()) return joined;
  for (const auto& one : license) {
    if (!one.is_string()) continue;
    if (!joined.empty()) joined += " OR ";
    joined += one.get<std::string>();
  }
  return joined;
}

Package composer_package(const json& entry, const std::string& where, bool dev) {
  if (!entry.is_object()) fail(where, "a package entry is not an object");
  const auto name = entry.find("name");
  if (name == entry.end() || !name->is_string() || name->get_ref<const std::string&>().empty()) {
    fail(where, "a package entry has no \"name\" string");
  }
  const auto version = entry.find("version");
  if (version == entry.end() || !version->is_string() || version->get_ref<const std::string&>().empty()) {
    fail(where, "package " + name->get<std::string>() + " has no \"version\" string");
  }
  Package pkg;
  pkg.ecosystem = eco::kComposer;
  pkg.name = name->get<std::string>();
  pkg.version = composer_version(version->get<std::string>());
  if (const auto license = entry.find("license"); license != entry.end()) pkg.license = composer_license(*license);
  pkg.found_in = where;
  pkg.dev = dev;
  return pkg;
}

void add_packages(const json& list, const std::string& where, const char* key, bool dev, std::vector<Package>& out) {
  if (!list.is_array()) fail(where, std::string("\"") + key + "\" is not an array");
  for (const auto& entry : list) out.push_back(composer_package(entry, where, dev));
}

}  // namespace

std::vector<Package> parse_composer_installed(std::string_view content, std::string_view path) {
  const std::string where(path);
  const json doc = parse_json(content, where);
  std::vector<Package> out;
  if (doc.is_array()) {  // Composer 1
    add_packages(doc, where, "packages", false, out);
    return out;
  }
  if (!doc.is_object()) fail(where, "neither a Composer 1 array nor a Composer 2 object");
  const auto packages = doc.find("packages");
  if (packages == doc.end()) fail(where, "no \"packages\" array");
  add_packages(*packages, where, "packages", false, out);

  std::set<std::string> dev_names;
  if (const auto names = doc.find("dev-package-names"); names != doc.end() && names->is_array()) {
    for (const auto& name : *names) {
      if (name.is_string()) dev_names.insert(name.get<std::string>());
    }
  }
  for (auto& pkg : out) pkg.dev = dev_names.contains(pkg.name);
  return out;
}

std::vector<Package> parse_composer_lock(std::string_view content, std::string_view path) {
  const std::string where(path);
  const json doc = parse_json(content, where);
  if (!doc.is_object()) fail(where, "a composer.lock is a JSON object");
  std::vector<Package> out;
  const auto packages = doc.find("packages");
  if (packages == doc.end()) fail(where, "no \"packages\" array");
  add_packages(*packages, where, "packages", false, out);
  // Older lock files may carry "packages-dev": null, meaning none.
  if (const auto dev = doc.find("packages-dev"); dev != doc.end() && !dev->is_null()) {
    add_packages(*dev, where, "packages-dev", true, out);
  }
  return out;
}

}  // namespace moat::inventory
