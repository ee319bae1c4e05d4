#pragma once
// What one pass over one layer (or one directory) found. Independent of the layers above it, so
// it can be cached by the layer's diff id and merged later under the overlay rules.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "inventory/file_inspector.h"
#include "inventory/package.h"

namespace moat::inventory {

// Files that an OS package database says belong to one package (dpkg's info/*.list, md5sums).
struct FileOwnership {
  std::string list_path;  // the file that said so; hidden by upper layers like any file
  std::string owner;      // "deb:python3-requests"
  std::vector<std::string> files;
};

struct LayerFindings {
  std::vector<Package> packages;
  std::vector<FileOwnership> ownership;
  std::map<std::string, std::string> captured;  // small files read after merging (os-release ...)
  // Licences declared outside the package database: dpkg keeps them in /usr/share/doc/NAME/copyright.
  // Key: that file's path; value: {"deb:NAME", licence}.
  std::map<std::string, std::pair<std::string, std::string>> licenses;
  std::map<std::string, std::string> symlinks;  // symlinks among the paths analyzers care about
  std::vector<std::string> replaced;            // every non-directory path in the layer
  std::vector<std::string> whiteouts;
  std::vector<std::string> opaques;
  std::vector<std::string> warnings;  // things skipped on purpose (too large ...), shown to the user
  std::vector<FileFinding> file_findings;  // from the file inspectors, when any ran
};

void to_json(nlohmann::json& j, const Package& p);
void from_json(const nlohmann::json& j, Package& p);
void to_json(nlohmann::json& j, const FileFinding& f);
void from_json(const nlohmann::json& j, FileFinding& f);
void to_json(nlohmann::json& j, const LayerFindings& f);
void from_json(const nlohmann::json& j, LayerFindings& f);

}  // namespace moat::inventory
