#pragma once
// Package URLs (purl, ECMA-427 / github.com/package-url/purl-spec) for the packages moat reports.
#include <map>
#include <optional>
#include <string>

#include "inventory/inventory.h"
#include "inventory/package.h"

namespace moat::inventory {

// The components of one purl, already normalised for its type (lowercased where the type says so).
struct PurlParts {
  std::string type;
  std::string ns;  // '/'-separated segments; empty segments are dropped
  std::string name;
  std::string version;
  std::map<std::string, std::string> qualifiers;  // keys: [a-z][a-z0-9._-]*; empty values are dropped
  std::string subpath;
};

// The canonical purl string: each component percent-encoded (everything but A-Z a-z 0-9 . - _ ~ :
// becomes %XX), qualifiers sorted by key. Throws moat::Error for an empty type or name or an invalid
// qualifier key, which are programming errors rather than bad input.
std::string build_purl(const PurlParts& parts);

// The purl of an installed package, or "" when its ecosystem has no purl type or it has no name.
// OS packages (deb, apk, rpm) take their namespace and distro= qualifier from `os`.
std::string purl(const Package& p, const std::optional<OsRelease>& os);

}  // namespace moat::inventory
