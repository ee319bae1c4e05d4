#include "inventory/node.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <deque>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "base/error.h"
#include "base/text.h"

namespace moat::inventory {
namespace {

using nlohmann::json;

// npm 6 nests a package under the one that needs it; real trees stay far below this.
constexpr int kMaxLockNesting = 256;

std::string where(std::string_view path) { return std::string(path); }

json parse_json(std::string_view content, std::string_view path) {
  try {
    return json::parse(content.begin(), content.end());
  } catch (const json::exception& e) {
    fail(where(path), std::string("malformed JSON: ") + e.what());
  }
}

// A member that must be a string when present; empty when absent or null.
std::string string_member(const json& object, const char* key, std::string_view path, std::string_view context) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  if (!it->is_string()) {
    fail(where(path), std::string(context) + ": " + quoted_excerpt(key) + " is not a string");
  }
  return it->get<std::string>();
}

bool true_member(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

// Splits "name@rest" where name may be scoped ("@scope/name@rest"); nullopt without a separator.
std::optional<std::pair<std::string_view, std::string_view>> split_at_version(std::string_view spec) {
  const auto at = spec.find('@', 1);
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  return std::pair{spec.substr(0, at), spec.substr(at + 1)};
}

bool starts_with_any(std::string_view s, std::initializer_list<std::string_view> prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(), [s](std::string_view p) { return s.starts_with(p); });
}

// Collects a lock file's packages once per name@version: a package that appears at several
// places in the tree is one package, development-only when every copy is.
class PackageSet {
 public:
  explicit PackageSet(std::string_view path) : path_(path) {}

  void add(std::string name, std::string version, bool dev, std::string license = {}) {
    if (name.empty() || version.empty()) {
      fail(path_, "package entry " + quoted_excerpt(name + "@" + version) + " lacks a name or a version");
    }
    auto [it, inserted] = index_.try_emplace({name, version}, packages_.size());
    if (!inserted) {
      Package& known = packages_[it->second];
      known.dev = known.dev && dev;
      if (known.license.empty()) known.license = std::move(license);
      return;
    }
    Package p;
    p.ecosystem = eco::kNpm;
    p.name = std::move(name);
    p.version = std::move(version);
    p.license = std::move(license);
    p.found_in = path_;
    p.dev = dev;
    packages_.push_back(std::move(p));
  }

  std::vector<Package> take() {
    std::sort(packages_.begin(), packages_.end(), [](const Package& a, const Package& b) {
      return std::tie(a.name, a.version) < std::tie(b.name, b.version);
    });
    return std::move(packages_);
  }

 private:
  std::string path_;
  std::map<std::pair<std::string, std::string>, size_t> index_;
  std::vector<Package> packages_;
};

// --- package.json -------------------------------------------------------------------------------

// "license": "MIT" | {"type": "MIT"} and the legacy "licenses": [{"type": "MIT"}, "Apache-2.0"].
std::string license_text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object()) {
    const auto type = value.find("type");
    if (type != value.end() && type->is_string()) return type->get<std::string>();
    return {};
  }
  if (value.is_array()) {
    std::string joined;
    for (const auto& item : value) {
      std::string one = license_text(item.is_array() ? json() : item);
      if (one.empty()) continue;
      if (!joined.empty()) joined += " OR ";
      joined += one;
    }
    return joined;
  }
  return {};
}

std::string package_json_license(const json& doc) {
  for (const char* key : {"license", "licenses"}) {
    const auto it = doc.find(key);
    if (it == doc.end()) continue;
    if (std::string text = license_text(*it); !text.empty()) return text;
  }
  return {};
}

// --- package-lock.json --------------------------------------------------------------------------

// lockfileVersion 2 and 3: "packages" keyed by install path, "" being the project itself.
void read_lock_packages(const json& packages, std::string_view path, PackageSet& out) {
  if (!packages.is_object()) fail(where(path), "\"packages\" is not an object");
  constexpr std::string_view kNodeModules = "node_modules/";
  for (const auto& [key, entry] : packages.items()) {
    if (!entry.is_object()) fail(where(path), "packages[" + quoted_excerpt(key) + "] is not an object");
    // Keys outside node_modules are the project and its workspace folders, not installed packages.
    const auto last = key.rfind(kNodeModules);
    if (last == std::string::npos || (last != 0 && key[last - 1] != '/')) continue;
    if (true_member(entry, "link")) continue;  // a symlink to a workspace folder
    const std::string context = "packages[" + quoted_excerpt(key) + "]";
    std::string version = string_member(entry, "version", path, context);
    if (version.empty()) continue;  // npm leaves it out for entries it could not resolve
    std::string name = string_member(entry, "name", path, context);  // set for aliases
    if (name.empty()) name = key.substr(last + kNodeModules.size());
    out.add(std::move(name), std::move(version), true_member(entry, "dev"),
            string_member(entry, "license", path, context));
  }
}

// lockfileVersion 1: "dependencies" nested under the package that needs its own copy.
void read_lock_dependencies(const json& dependencies, std::string_view path, int depth, PackageSet& out) {
  if (depth > kMaxLockNesting) fail(where(path), "dependencies nested too deeply");
  if (!dependencies.is_object()) fail(where(path), "\"dependencies\" is not an object");
  for (const auto& [key, entry] : dependencies.items()) {
    if (!entry.is_object()) fail(where(path), "dependencies[" + quoted_excerpt(key) + "] is not an object");
    const std::string context = "dependencies[" + quoted_excerpt(key) + "]";
    std::string version = string_member(entry, "version", path, context);
    std::string name = key;
    // An alias records the real package as "npm:real-name@1.2.3".
    if (version.starts_with("npm:")) {
      const auto real = split_at_version(std::string_view(version).substr(4));
      if (!real) fail(where(path), context + ": alias " + quoted_excerpt(version) + " has no version");
      name = std::string(real->first);
      version = std::string(real->second);
    }
    // file: is a local folder linked in, the project's own source.
    if (!version.empty() && !version.starts_with("file:")) {
      out.add(std::move(name), std::move(version), true_member(entry, "dev"));
    }
    if (const auto nested = entry.find("dependencies"); nested != entry.end()) {
      read_lock_dependencies(*nested, path, depth + 1, out);
    }
  }
}

// --- yarn.lock classic --------------------------------------------------------------------------

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

// A yarn v1 string: bare, or double-quoted with backslash escapes.
std::string unquote(std::string_view s) {
  s = trim(s);
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return std::string(s);
  std::string out;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\\' && i + 2 < s.size()) ++i;
    out += s[i];
  }
  return out;
}

// First specifier of an entry header such as `"@types/node@^20", "@types/node@20.11.30":`.
std::string first_specifier(std::string_view header) {
  bool in_quotes = false;
  size_t end = 0;
  for (; end < header.size(); ++end) {
    if (header[end] == '"') in_quotes = !in_quotes;
    if (header[end] == ',' && !in_quotes) break;
  }
  return unquote(header.substr(0, end));
}

// The package an entry header names: for an alias "alias@npm:real@^1", the real one. nullopt for
// the project's own link: and workspace folders.
std::optional<std::string> yarn_v1_name(std::string_view header, std::string_view path, size_t line) {
  const std::string spec = first_specifier(header);
  const auto parts = split_at_version(spec);
  if (!parts) fail(where(path), "line " + std::to_string(line) + ": no name@range in " + quoted_excerpt(spec));
  auto [name, range] = *parts;
  if (starts_with_any(range, {"link:", "workspace:", "portal:"})) return std::nullopt;
  if (range.starts_with("npm:")) {
    if (const auto real = split_at_version(range.substr(4))) name = real->first;
  }
  return std::string(name);
}

std::vector<Package> parse_yarn_classic(std::string_view content, std::string_view path) {
  PackageSet out(path);
  std::optional<std::string> name;  // the entry being read; nullopt when skipped
  bool in_entry = false;
  std::string version;
  size_t header_line = 0;
  auto finish_entry = [&] {
    if (in_entry && name) {
      if (version.empty()) {
        fail(where(path), "entry at line " + std::to_string(header_line) + " has no version");
      }
      out.add(std::move(*name), std::move(version), false);
    }
    in_entry = false;
    name.reset();
    version.clear();
  };
  size_t line_number = 0;
  for (size_t pos = 0; pos <= content.size();) {
    auto end = content.find('\n', pos);
    if (end == std::string_view::npos) end = content.size();
    const std::string_view line = content.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    const std::string_view text = trim(line);
    if (text.empty() || text.front() == '#') continue;
    if (line.front() != ' ') {
      finish_entry();
      if (text.back() != ':') {
        fail(where(path), "line " + std::to_string(line_number) + ": expected an entry header");
      }
      name = yarn_v1_name(text.substr(0, text.size() - 1), path, line_number);
      in_entry = true;
      header_line = line_number;
      continue;
    }
    if (!in_entry) fail(where(path), "line " + std::to_string(line_number) + ": field outside an entry");
    // Fields of the entry itself are indented by two spaces; deeper lines belong to sub-maps.
    if (line.starts_with("  version ") && !line.starts_with("   ")) {
      version = unquote(line.substr(std::string_view("  version ").size()));
    }
  }
  finish_entry();
  return out.take();
}

// --- YAML lock files (yarn berry, pnpm) ---------------------------------------------------------

std::string yaml_scalar(const YAML::Node& node, std::string_view path, const std::string& what) {
  if (!node.IsScalar()) fail(where(path), what + " is not a scalar");
  return node.Scalar();
}

YAML::Node load_yaml(std::string_view content, std::string_view path) {
  YAML::Node root = YAML::Load(std::string(content));
  if (!root.IsMap()) fail(where(path), "not a YAML mapping");
  return root;
}

std::vector<Package> parse_yarn_berry(std::string_view content, std::string_view path) {
  PackageSet out(path);
  const YAML::Node root = load_yaml(content, path);
  for (const auto& item : root) {
    const std::string key = yaml_scalar(item.first, path, "an entry key");
    if (key == "__metadata") continue;
    const YAML::Node& entry = item.second;
    if (!entry.IsMap()) fail(where(path), "entry " + quoted_excerpt(key) + " is not a mapping");
    const YAML::Node resolution_node = entry["resolution"];
    if (!resolution_node) fail(where(path), "entry " + quoted_excerpt(key) + " has no resolution");
    const std::string resolution = yaml_scalar(resolution_node, path, "resolution of " + quoted_excerpt(key));
    const auto parts = split_at_version(resolution);
    if (!parts) fail(where(path), "resolution " + quoted_excerpt(resolution) + " is not name@reference");
    // The project's own folders, and patched copies of a package listed on its own as well.
    if (starts_with_any(parts->second, {"workspace:", "link:", "portal:", "patch:"})) continue;
    const YAML::Node version = entry["version"];
    if (!version) fail(where(path), "entry " + quoted_excerpt(key) + " has no version");
    out.add(std::string(parts->first), yaml_scalar(version, path, "version of " + quoted_excerpt(key)), false);
  }
  return out.take();
}

// --- pnpm-lock.yaml -----------------------------------------------------------------------------

int pnpm_major_version(const YAML::Node& root, std::string_view path) {
  const YAML::Node node = root["lockfileVersion"];
  if (!node) fail(where(path), "no lockfileVersion");
  const std::string text = yaml_scalar(node, path, "lockfileVersion");
  int major = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), major);
  if (ec != std::errc() || (end != text.data() + text.size() && *end != '.')) {
    fail(where(path), "lockfileVersion " + quoted_excerpt(text) + " is not a number");
  }
  if (major < 5 || major > 9) fail(where(path), "unsupported lockfileVersion " + text);
  return major;
}

// Without the peer suffix: "react-dom@18.2.0(react@18.2.0)" -> "react-dom@18.2.0".
std::string_view without_peers(std::string_view key) { return key.substr(0, key.find('(')); }

// Name and version from a package key: "/name/1.0.0_peer@2" (v5), "/name@1.0.0(peer@2)" (v6),
// "name@1.0.0(peer@2)" (v9); scoped names keep their "@scope/".
std::optional<std::pair<std::string, std::string>> pnpm_key_parts(std::string_view key, int major) {
  key = without_peers(key);
  if (key.starts_with('/')) key.remove_prefix(1);
  if (major == 5) {
    const auto slash = key.rfind('/');
    if (slash == std::string_view::npos || slash == 0) return std::nullopt;
    const std::string_view version = key.substr(slash + 1);
    return std::pair{std::string(key.substr(0, slash)), std::string(version.substr(0, version.find('_')))};
  }
  const auto parts = split_at_version(key);
  if (!parts) return std::nullopt;
  return std::pair{std::string(parts->first), std::string(parts->second)};
}

// The snapshot a dependency reference points at: "1.0.0(peer@2)" under name, or an alias's
// "real@1.0.0"; nullopt for links to the project's own folders.
std::optional<std::string> pnpm_snapshot_key(const std::string& name, std::string_view reference) {
  if (starts_with_any(reference, {"link:", "file:"})) return std::nullopt;
  const std::string_view bare = without_peers(reference);
  if (bare.find('@', 1) != std::string_view::npos) return std::string(reference);
  return name + "@" + std::string(reference);
}

// Walks the dependency graph of a pnpm 9 lock. YAML aliases let a small file share one dependency
// map among many snapshots, so the walk counts every reference it reads against a budget that a
// file written out in full can never exceed.
struct PnpmWalk {
  std::deque<std::string> queue;
  size_t budget;
};

// Adds to the walk the snapshots named by one dependency map. `versions_are_maps` is the importer
// form ({specifier, version}) as opposed to the snapshot form (name: version).
void queue_pnpm_dependencies(const YAML::Node& deps, bool versions_are_maps, std::string_view path, PnpmWalk& walk) {
  if (!deps) return;
  if (!deps.IsMap()) fail(where(path), "a dependency list is not a mapping");
  for (const auto& dep : deps) {
    if (walk.budget-- == 0) fail(where(path), "more dependency references than the file can hold");
    const std::string name = yaml_scalar(dep.first, path, "a dependency name");
    const YAML::Node ref = versions_are_maps && dep.second.IsMap() ? dep.second["version"] : dep.second;
    if (!ref) fail(where(path), "dependency " + quoted_excerpt(name) + " has no version");
    if (auto key = pnpm_snapshot_key(name, yaml_scalar(ref, path, "version of " + quoted_excerpt(name)))) {
      walk.queue.push_back(std::move(*key));
    }
  }
}

// lockfileVersion 9 drops the per-package dev flag: a package is for production when a
// production dependency of some importer reaches it through "snapshots".
std::set<std::string> pnpm9_production_packages(const YAML::Node& root, std::string_view content,
                                                std::string_view path) {
  PnpmWalk walk{{}, content.size()};
  const YAML::Node importers = root["importers"];
  if (importers) {
    if (!importers.IsMap()) fail(where(path), "\"importers\" is not a mapping");
    for (const auto& importer : importers) {
      if (!importer.second.IsMap()) fail(where(path), "an importer is not a mapping");
      for (const char* field : {"dependencies", "optionalDependencies"}) {
        queue_pnpm_dependencies(importer.second[field], true, path, walk);
      }
    }
  }
  // yaml-cpp looks keys up by a linear scan; index the snapshots once.
  std::map<std::string, YAML::Node> snapshots;
  if (const YAML::Node node = root["snapshots"]) {
    if (!node.IsMap()) fail(where(path), "\"snapshots\" is not a mapping");
    for (const auto& item : node) {
      snapshots.emplace(yaml_scalar(item.first, path, "a snapshot key"), item.second);
    }
  }
  std::set<std::string> visited;  // snapshot keys; each is expanded once, so the walk ends
  std::set<std::string> production;
  while (!walk.queue.empty()) {
    std::string key = std::move(walk.queue.front());
    walk.queue.pop_front();
    if (!visited.insert(key).second) continue;
    production.insert(std::string(without_peers(key)));
    const auto found = snapshots.find(key);
    if (found == snapshots.end() || found->second.IsNull()) continue;
    const YAML::Node& snapshot = found->second;
    if (!snapshot.IsMap()) fail(where(path), "snapshot " + quoted_excerpt(key) + " is not a mapping");
    for (const char* field : {"dependencies", "optionalDependencies"}) {
      queue_pnpm_dependencies(snapshot[field], false, path, walk);
    }
  }
  return production;
}

std::vector<Package> parse_pnpm(std::string_view content, std::string_view path) {
  PackageSet out(path);
  const YAML::Node root = load_yaml(content, path);
  const int major = pnpm_major_version(root, path);
  const YAML::Node packages = root["packages"];
  if (!packages || packages.IsNull()) return out.take();
  if (!packages.IsMap()) fail(where(path), "\"packages\" is not a mapping");
  const bool walk_for_dev = major >= 9 && root["importers"];
  const std::set<std::string> production =
      walk_for_dev ? pnpm9_production_packages(root, content, path) : std::set<std::string>{};
  for (const auto& item : packages) {
    const std::string key = yaml_scalar(item.first, path, "a package key");
    const YAML::Node& entry = item.second;
    if (!entry.IsMap()) fail(where(path), "package " + quoted_excerpt(key) + " is not a mapping");
    auto parts = pnpm_key_parts(key, major);
    // Tarball and git dependencies carry their name and version as fields.
    if (const YAML::Node name = entry["name"]) {
      if (!parts) parts.emplace();
      parts->first = yaml_scalar(name, path, "name of " + quoted_excerpt(key));
    }
    if (const YAML::Node version = entry["version"]) {
      if (!parts) parts.emplace();
      parts->second = yaml_scalar(version, path, "version of " + quoted_excerpt(key));
    }
    if (!parts) fail(where(path), "package key " + quoted_excerpt(key) + " names no name@version");
    bool dev = false;
    if (walk_for_dev) {
      dev = production.count(std::string(without_peers(key))) == 0;
    } else if (const YAML::Node flag = entry["dev"]) {
      dev = yaml_scalar(flag, path, "dev flag of " + quoted_excerpt(key)) == "true";
    }
    out.add(std::move(parts->first), std::move(parts->second), dev);
  }
  return out.take();
}

template <typename Parse>
std::vector<Package> with_yaml_errors(std::string_view path, Parse parse) {
  try {
    return parse();
  } catch (const YAML::Exception& e) {
    fail(where(path), std::string("malformed YAML: ") + e.what());
  }
}

bool is_yarn_berry(std::string_view content) {
  return content.starts_with("__metadata:") || content.find("\n__metadata:") != std::string_view::npos;
}

}  // namespace

std::optional<Package> parse_node_package_json(std::string_view content, std::string_view path) {
  const json doc = parse_json(content, path);
  if (!doc.is_object()) fail(where(path), "package.json is not a JSON object");
  std::string name = string_member(doc, "name", path, "package.json");
  std::string version = string_member(doc, "version", path, "package.json");
  if (name.empty() || version.empty()) return std::nullopt;
  Package p;
  p.ecosystem = eco::kNpm;
  p.name = std::move(name);
  p.version = std::move(version);
  p.license = package_json_license(doc);
  p.found_in = where(path);
  return p;
}

std::vector<Package> parse_package_lock(std::string_view content, std::string_view path) {
  const json doc = parse_json(content, path);
  if (!doc.is_object()) fail(where(path), "lock file is not a JSON object");
  if (const auto v = doc.find("lockfileVersion"); v != doc.end()) {
    if (!v->is_number_integer() || v->get<long long>() < 1 || v->get<long long>() > 3) {
      fail(where(path), v->is_number_integer() ? "unsupported lockfileVersion " + std::to_string(v->get<long long>())
                                               : std::string("lockfileVersion is not an integer"));
    }
  }
  PackageSet out(path);
  // Version 2 carries both forms; "packages" is the complete one.
  if (const auto packages = doc.find("packages"); packages != doc.end()) {
    read_lock_packages(*packages, path, out);
  } else if (const auto dependencies = doc.find("dependencies"); dependencies != doc.end()) {
    read_lock_dependencies(*dependencies, path, 0, out);
  }
  return out.take();
}

std::vector<Package> parse_yarn_lock(std::string_view content, std::string_view path) {
  if (is_yarn_berry(content)) {
    return with_yaml_errors(path, [&] { return parse_yarn_berry(content, path); });
  }
  return parse_yarn_classic(content, path);
}

std::vector<Package> parse_pnpm_lock(std::string_view content, std::string_view path) {
  return with_yaml_errors(path, [&] { return parse_pnpm(content, path); });
}

}  // namespace moat::inventory
