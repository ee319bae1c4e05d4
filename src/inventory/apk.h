#pragma once
// Alpine packages: apk's installed database.
#include <string_view>
#include <vector>

#include "inventory/package.h"

namespace moat::inventory {

// /lib/apk/db/installed: "P:name", "V:version", "A:arch", "L:license", "o:origin" (the source
// package), and "F:dir" / "R:file" pairs listing owned files (kept in Package::files).
std::vector<Package> parse_apk_installed(std::string_view content, std::string_view path);

}  // namespace moat::inventory
