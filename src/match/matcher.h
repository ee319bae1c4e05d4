#pragma once
// Installed packages x advisories -> findings, with OSV's range semantics.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "match/finding.h"
#include "vulndb/osv.h"

namespace moat::match {

// Where advisories come from: the SQLite store in production, a list in tests.
class AdvisorySource {
 public:
  virtual ~AdvisorySource() = default;
  // Advisories with an affected entry for (ecosystem, name), keeping only those entries.
  // ecosystem as OSV writes it ("Debian:11", "PyPI"); name as stored (PyPI normalised).
  virtual std::vector<vulndb::Advisory> advisories(std::string_view ecosystem, std::string_view name) const = 0;
  // Whether the database has any advisory at all for this ecosystem ("Alpine:v3.19").
  virtual bool knows_ecosystem(std::string_view ecosystem) const = 0;
  // A second, independent handle on the same advisories, for another thread; nullptr when the
  // source cannot make one (matching then stays on one thread).
  virtual std::unique_ptr<AdvisorySource> clone() const { return nullptr; }
};

struct MatchOptions {
  // A language package whose files an OS package installed is judged by the distribution's
  // advisories, which know its backported fixes; true also judges it by its language ecosystem's.
  // (Go and Rust binaries are always matched: what was compiled in is what their build info says.)
  bool match_owned_language_packages = false;
};

// Where a package's advisories live: OSV ecosystem, package name and version to compare.
struct MatchKey {
  std::string ecosystem;  // "Debian:11", "Alpine:v3.11", "PyPI", "npm", "Go" ...
  std::string name;       // source package for OS packages; PEP 503 name for PyPI
  std::string version;    // source version for OS packages
};

// Empty ecosystem when moat has no advisory ecosystem for the package (or its OS is unknown).
MatchKey match_key(const inventory::Package& p, const std::optional<inventory::OsRelease>& os);

// OSV's evaluation of one affected entry for one version; sets fixed to the lowest fixed version
// above it when affected. Throws moat::Error when a version cannot be ordered under the scheme.
bool is_affected(const vulndb::Affected& affected, std::string_view version, std::string& fixed);

// Matches every package of the inventory; findings merged across aliases, sorted.
VulnReport match_inventory(const inventory::Inventory& inv, const AdvisorySource& source, const MatchOptions& options);

}  // namespace moat::match
