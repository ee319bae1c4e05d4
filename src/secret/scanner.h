#pragma once
// The secret engine: every rule of a set compiled once into one Hyperscan database that finds
// candidate regions in one pass whatever the number of rules, then PCRE2 confirms each candidate
// on a bounded window and extracts the secret. Scanning is a function of (path, bytes): no
// file-system access, and safe from several threads on one scanner.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "secret/rules.h"
#include "secret/secret_match.h"

namespace moat::secret {

struct SecretEngine;  // the compiled rules, defined in scanner.cpp

struct ScanLimits {
  size_t max_bytes = 32 << 20;        // only this much of a file's start is scanned
  size_t max_findings = 100;          // reported per file
  size_t max_confirmations = 20'000;  // PCRE2 confirm runs per file, over all rules
  size_t max_window = 4096;           // bytes before a candidate's end that PCRE2 looks at
};

class SecretScanner {
 public:
  // Compiles the rules; throws moat::Error naming the rule for a pattern that does not compile. With
  // a cache directory, the compiled database is kept there and reused by later scanners of the
  // same rules.
  explicit SecretScanner(RuleSet rules, ScanLimits limits = {}, const std::filesystem::path& cache_dir = {});
  ~SecretScanner();
  SecretScanner(const SecretScanner&) = delete;
  SecretScanner& operator=(const SecretScanner&) = delete;

  // Findings in `content`, read from `path`, ordered by position. Returns nothing for content
  // that looks_binary, or a path an allow rule names. One finding per secret: where rules find
  // overlapping secrets, a non-generic rule beats a generic one, then the earlier rule wins.
  std::vector<SecretMatch> scan(std::string_view path, std::string_view content) const;

  // Identifies the rules, allow entries and engine version: equal fingerprints give equal findings,
  // so results cached under it stay valid.
  const std::string& fingerprint() const { return fingerprint_; }
  size_t rule_count() const;

 private:
  std::unique_ptr<SecretEngine> engine_;
  std::string fingerprint_;
};

// Whether `head` (the first bytes of a file; 8 KiB are enough) is binary: it holds a NUL byte.
// Compiled programs and archives are not scanned, since their data tables and embedded libraries
// look like keys; readable text embedded in them is left to the sensitive-file and malware checks.
bool looks_binary(std::string_view head);

// "AKIA" followed by asterisks: at most 4 leading characters kept (fewer for short secrets), at
// most 16 characters shown in all, so the secret itself never reaches a report.
std::string redact(std::string_view secret);

}  // namespace moat::secret
