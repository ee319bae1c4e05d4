#pragma once
// Which distribution and release a root file system is.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "inventory/inventory.h"

namespace moat::inventory {

// The paths whose content identifies the distribution, most specific first.
const std::vector<std::string>& os_identity_paths();

// Parses os-release(5) "KEY=value" lines (quotes and backslash escapes as the format defines).
std::map<std::string, std::string> parse_os_release(std::string_view content);

// Decides from the identity files present (path -> content); nullopt when nothing identifies it.
std::optional<OsRelease> detect_os(const std::map<std::string, std::string>& files);

}  // namespace moat::inventory
