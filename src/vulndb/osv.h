#pragma once
// OSV documents (https://ossf.github.io/osv-schema/) as moat keeps them: only what matching and
// reporting need. parse_osv is pure: bytes in, an Advisory out, moat::Error on anything malformed.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace moat::vulndb {

struct Severity {
  std::string type;   // "CVSS_V3", "CVSS_V4", "CVSS_V2", "Ubuntu", ...
  std::string score;  // the vector or the value, as written
};

struct Event {
  enum class Kind { kIntroduced, kFixed, kLastAffected, kLimit };
  Kind kind = Kind::kIntroduced;
  std::string value;
};

struct Range {
  enum class Type { kEcosystem, kSemver, kGit };
  Type type = Type::kEcosystem;
  std::string repo;  // GIT ranges only
  std::vector<Event> events;
};

struct Affected {
  std::string ecosystem;  // as OSV writes it: "Debian:12", "Alpine:v3.18", "PyPI"
  std::string name;       // PyPI names normalised per PEP 503 (see normalise_package_name)
  std::string purl;
  std::vector<Range> ranges;
  std::vector<std::string> versions;
  std::vector<Severity> severity;  // OSV 1.5+ per-package severity
  std::string severity_text;       // ecosystem_specific/database_specific "severity" or "urgency"
};

struct Reference {
  std::string type;
  std::string url;
};

struct Advisory {
  std::string id;
  std::vector<std::string> aliases;
  std::vector<std::string> upstream;  // OSV 1.6 "upstream" (Alpine lists its CVEs there)
  std::string summary;
  std::string published;  // RFC 3339 as written; empty when absent
  std::string modified;
  std::string withdrawn;  // empty unless withdrawn
  std::vector<Severity> severity;
  std::string severity_text;  // database_specific "severity" (GHSA "HIGH", ...)
  std::vector<Reference> references;
  std::vector<Affected> affected;  // entries without a package (GIT-only) are dropped
};

// Largest document and deepest nesting parse_osv accepts.
inline constexpr size_t kMaxOsvDocumentBytes = size_t{16} << 20;
inline constexpr int kMaxOsvNesting = 64;

// origin names the document in errors (e.g. "https://…/PyPI/all.zip:PYSEC-2021-1.json").
Advisory parse_osv(std::string_view json, std::string_view origin);

// The part of an OSV ecosystem before ':' ("Debian:12" -> "Debian").
std::string_view ecosystem_base(std::string_view ecosystem);

// The name advisories are stored and looked up under: PyPI per PEP 503 (lowercase, runs of
// "-_." become "-"); every other ecosystem as written.
std::string normalise_package_name(std::string_view ecosystem, std::string_view name);

std::string_view to_string(Range::Type type);
std::string_view to_string(Event::Kind kind);

}  // namespace moat::vulndb
