#pragma once
// `moat db update`: download <base>/<Ecosystem>/all.zip for each ecosystem, import every OSV
// document into a new database next to the old one, verify it, and rename it into place. Until
// that rename nothing touches the old file, so any failure leaves it working.
#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/http_client.h"

namespace moat::vulndb {

inline constexpr const char* kDefaultSource = "https://osv-vulnerabilities.storage.googleapis.com";

// Why a document was not imported; every document is either imported or counted under one reason.
enum class SkipReason {
  kWithdrawn,             // "withdrawn" is set
  kUnsupportedEcosystem,  // no entry for this archive's ecosystem, some for ecosystems moat cannot match
  kNoPackage,             // no affected package for this archive's ecosystem at all
  kDuplicate,             // an id seen earlier in the same archive
  kMalformed,             // only with UpdateOptions::max_malformed > 0; see EcosystemReport::malformed
};
inline constexpr size_t kSkipReasons = 5;
std::string_view to_string(SkipReason reason);

struct EcosystemReport {
  std::string ecosystem;
  std::string url;
  bool absent = false;  // the source has no archive for it (only with UpdateOptions::skip_absent)
  uint64_t bytes = 0;      // size of the downloaded archive
  uint64_t documents = 0;  // regular files in the archive
  uint64_t imported = 0;
  std::array<uint64_t, kSkipReasons> skipped{};  // indexed by SkipReason
  uint64_t affected = 0;                         // package entries stored
  uint64_t affected_other = 0;         // entries for another supported ecosystem (stored from its own archive)
  uint64_t affected_unsupported = 0;   // entries for ecosystems moat does not match
  std::vector<std::string> malformed;  // "<url>:<entry>: <what>" for each tolerated malformed document

  uint64_t skipped_total() const;
  uint64_t skipped_for(SkipReason r) const { return skipped[static_cast<size_t>(r)]; }
};

struct UpdateReport {
  std::filesystem::path db_path;
  std::string source;
  std::vector<EcosystemReport> ecosystems;
  uint64_t advisories = 0;  // distinct advisory ids in the new database
  double seconds = 0;

  uint64_t documents() const;
  uint64_t imported() const;
  uint64_t skipped() const;
};

struct UpdateProgress {
  enum class Stage { kDownload, kImport, kVerify, kDone };
  Stage stage = Stage::kDownload;
  std::string_view ecosystem;  // empty for kVerify and kDone
  uint64_t done = 0;           // bytes downloaded, or documents imported
  uint64_t total = 0;          // bytes expected (0 if unknown); documents are not known in advance
};
using ProgressCallback = std::function<void(const UpdateProgress&)>;

struct UpdateOptions {
  // Malformed documents tolerated (counted and listed in the report) before the update fails.
  // 0: one malformed document fails the update, naming it, and keeps the old database.
  uint64_t max_malformed = 0;
  // An ecosystem whose archive the source does not have (HTTP 404, no such file) is left out and
  // marked absent instead of failing the update: for "everything this mirror has".
  bool skip_absent = false;
  FetchOptions fetch;
};

// Replaces db_path with a database built from base_url (http://, https:// or file://, with or
// without a trailing '/'). ecosystems are bucket folder names, each one of supported_ecosystems().
//
// Every listed ecosystem must be available: a missing archive (404, absent file) fails the whole
// update with an error naming its URL, and the old database stays as it was — a database that
// silently lacks an ecosystem would report its packages as clean.
//
// Fails, keeping db_path untouched, on: an unknown ecosystem, a download error, a corrupt zip, a
// malformed document (see UpdateOptions), a database at db_path from a newer schema, a full disk,
// an update already running on the same db_path. Work files (db_path + ".new", db_path + ".download/")
// are removed afterwards and by the next update if the process was killed.
UpdateReport update_database(const std::string& base_url, const std::filesystem::path& db_path,
                             const std::vector<std::string>& ecosystems, const ProgressCallback& progress = {},
                             const UpdateOptions& options = {});

}  // namespace moat::vulndb
