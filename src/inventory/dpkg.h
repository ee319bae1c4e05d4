#pragma once
// Debian packages: dpkg's status database, distroless status.d files, and file lists.
#include <string_view>
#include <vector>

#include "inventory/layer_findings.h"
#include "inventory/package.h"

namespace moat::inventory {

// /var/lib/dpkg/status or one /var/lib/dpkg/status.d/NAME file: the installed packages, with their
// source package name and version (which Debian's advisories are keyed by).
std::vector<Package> parse_dpkg_status(std::string_view content, std::string_view path);

// /var/lib/dpkg/info/NAME[:ARCH].list (one path per line) or a status.d/NAME.md5sums
// ("<md5>  relative/path" lines): the files NAME owns.
FileOwnership parse_dpkg_file_list(std::string_view content, std::string_view path);

// /usr/share/doc/NAME/copyright in the machine-readable (DEP-5) format: the distinct "License:"
// names joined with " AND " (the package ships files under each). Empty for free-form files.
std::string parse_dpkg_copyright_licenses(std::string_view content);

}  // namespace moat::inventory
