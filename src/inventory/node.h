#pragma once
// Node.js packages: an installed node_modules/**/package.json, and the lock files of npm, yarn
// and pnpm. Each parser is pure over bytes already read; `path` names the file for found_in and
// for errors. Malformed input throws moat::Error.
#include <optional>
#include <string_view>
#include <vector>

#include "inventory/package.h"

namespace moat::inventory {

// One installed package's package.json. nullopt when it has no name or no version (a project or
// workspace root, not something npm installed).
std::optional<Package> parse_node_package_json(std::string_view content, std::string_view path);

// package-lock.json or npm-shrinkwrap.json, lockfileVersion 1, 2 or 3. One package per
// name@version; dev only when every copy in the tree is a development dependency.
std::vector<Package> parse_package_lock(std::string_view content, std::string_view path);

// yarn.lock of yarn classic (v1) or berry (v2+, YAML with __metadata). Workspace, link and portal
// entries are the project's own sources and are skipped, as are patch entries, which repeat the
// package they patch.
std::vector<Package> parse_yarn_lock(std::string_view content, std::string_view path);

// pnpm-lock.yaml, lockfileVersion 5.x, 6.x and 9.x. dev comes from the lock's own flags (5, 6) or,
// in 9, from what the importers' production dependencies reach.
std::vector<Package> parse_pnpm_lock(std::string_view content, std::string_view path);

}  // namespace moat::inventory
