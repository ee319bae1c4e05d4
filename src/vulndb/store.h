#pragma once
// Read side of the advisory store: one SQLite file, opened read-only, read page by page through
// prepared statements, so opening it and matching an image never load the whole database.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vulndb/osv.h"

namespace moat::vulndb {

// What matching needs about one advisory's entry for one package.
struct Candidate {
  std::string advisory_id;
  std::vector<std::string> aliases;
  std::vector<std::string> upstream;
  std::string summary;
  std::string published;
  std::string modified;
  std::vector<Severity> severity;  // advisory-level
  std::string severity_text;       // advisory-level database_specific severity
  Affected affected;               // ecosystem, name, purl, ranges, versions, per-package severity
};

struct EcosystemStatus {
  std::string name;  // "Debian", "PyPI", ...
  std::string url;   // the archive it was imported from
  uint64_t documents = 0;
  uint64_t advisories = 0;  // documents imported
  uint64_t affected = 0;    // package entries stored
  uint64_t skipped = 0;
};

struct Status {
  std::filesystem::path path;
  int schema_version = 0;
  std::string source;  // the base URL of the last update
  std::string moat_version;
  std::chrono::system_clock::time_point updated_at;
  uint64_t advisories = 0;
  std::vector<EcosystemStatus> ecosystems;

  // Whole days since updated_at (0 for a clock set before it).
  int64_t age_days(std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;
};

// A one-line warning when the database is older than max_age_days, for scans to print.
std::optional<std::string> staleness_warning(
    const Status& status, int64_t max_age_days,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// <user cache dir>/advisories.db (XDG_CACHE_HOME, else ~/.cache/moat).
std::filesystem::path default_database_path();

// Ecosystems moat can match, as OSV names them (the bucket folders): the default update set.
const std::vector<std::string>& supported_ecosystems();

class Store {
 public:
  // Fails clearly when the file is missing, not a SQLite database, not moat's, or from another schema.
  static Store open_readonly(const std::filesystem::path& path);

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  // Every affected entry for the package in that ecosystem, as OSV writes it ("Debian:12", "PyPI",
  // "Alpine:v3.18"). The name is normalised like the importer does (PEP 503 for PyPI).
  // Not thread-safe: one Store per thread.
  std::vector<Candidate> lookup(std::string_view ecosystem, std::string_view package) const;

  // Whether any advisory names this exact ecosystem ("Debian:12"): a release the database knows
  // nothing about must be reported as unchecked, not clean.
  bool has_ecosystem(std::string_view ecosystem) const;

  Status status() const;
  const std::filesystem::path& path() const;

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace moat::vulndb
