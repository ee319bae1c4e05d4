#pragma once
// One vulnerability in one installed package: what matching produces and every report consumes.
#include <string>
#include <vector>

#include "inventory/inventory.h"
#include "inventory/package.h"

namespace moat::match {

enum class Severity { Unknown = 0, None, Low, Medium, High, Critical };

const char* severity_name(Severity s);           // "UNKNOWN", "NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"
Severity parse_severity(const std::string& text);  // case-insensitive; "moderate" -> Medium; else Unknown

struct Finding {
  std::string id;                    // the CVE when any alias is one, else the advisory's own id
  std::vector<std::string> aliases;  // every other id of the same vulnerability (DSA, GHSA, PYSEC, ...), sorted
  std::string summary;
  inventory::Package package;        // the affected package as inventoried (found_in, layer, owner ...)
  std::string purl;
  std::string fixed_version;         // lowest fixed version above the installed one; empty: no fix yet
  Severity severity = Severity::Unknown;
  double score = -1;                 // CVSS base score, -1 when no vector was scored
  std::string cvss_vector;           // the vector that gave score
  std::string severity_source;       // "cvss" or the database that rated it ("Debian:12", "GHSA" ...)
  std::string data_source;           // the OSV ecosystem matched against: "Debian:12", "PyPI" ...
  std::vector<std::string> references;  // advisory URLs
  std::string published, modified;      // RFC 3339 as the advisory has them
};

// Ecosystems or releases for which the database has no advisories: reported so that "no
// findings" is never mistaken for "clean".
struct Coverage {
  std::string data_source;  // "Alpine:v3.19"
  std::string reason;       // "no advisories for this release in the database"
  size_t packages = 0;      // how many inventoried packages it leaves unchecked
};

struct Suppressed {
  Finding finding;
  std::string by;      // "ignore file ./.moatignore", "OpenVEX statement in vex.json"
  std::string reason;  // the justification given
  // What the suppression says, for formats with a field for it (CycloneDX analysis, SARIF):
  std::string status;         // "ignored" (ignore file) or the OpenVEX status: "not_affected", "fixed"
  std::string justification;  // the OpenVEX justification label, when the statement gave one
};

struct VulnReport {
  inventory::Inventory inventory;
  std::vector<Finding> findings;      // sorted by package, then severity (highest first), then id
  std::vector<Coverage> not_covered;
  std::vector<Suppressed> suppressed;
  std::string database_updated;       // RFC 3339 time of the advisory database's last update
};

}  // namespace moat::match
