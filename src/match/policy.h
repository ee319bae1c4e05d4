#pragma once
// What the user decides about findings before they are reported: which severities to see, whether
// findings without a fix count, which findings are suppressed (an ignore file, OpenVEX statements),
// and the exit code that gates CI.
//
// Ignore file (.moatignore.yaml):
//
//   vulnerabilities:
//     - id: CVE-2023-5678            # required: the finding's id or any of its aliases
//       package: openssl             # optional: a package name (case-insensitive, matches the
//                                    #   source package too) or a purl; a purl without a version
//                                    #   matches every version, its qualifiers must all be present
//       reason: "DH not used"        # required: why it is accepted
//       expires: 2025-06-30          # optional, YYYY-MM-DD: suppresses through that day (UTC),
//                                    #   afterwards the entry stops suppressing and warns
//
// Anything else in the file (unknown keys, a value of the wrong type, a bad date, an entry without
// id or reason) is an error naming the file and line: an ignore file that silently ignores less
// than its author meant would be worse than one that fails.
//
// OpenVEX (https://github.com/openvex/spec, v0.2.0; v0.0.x strings are accepted too): a statement
// applies to a finding when its vulnerability name or one of its aliases equals the finding's id
// or one of its aliases, and one of its products (its @id or identifiers.purl) matches the
// package's purl or the scanned image, with, where the product lists subcomponents, one of those
// matching the package. A purl matches when type, namespace and name agree, its version (if any)
// equals, and each of its qualifiers is present with the same value. Of the statements that apply,
// the latest (statement timestamp, else the document's) decides: not_affected and fixed suppress,
// affected and under_investigation do not.
#include <string>
#include <string_view>
#include <vector>

#include "match/finding.h"

namespace moat::match {

struct IgnoreEntry {
  std::string id;
  std::string package;  // "" any package; a name, or a purl ("pkg:...")
  std::string reason;
  std::string expires;  // "YYYY-MM-DD" or ""
  int line = 0;         // 1-based line of the entry in its file, for messages
};

struct IgnoreFile {
  std::string path;
  std::vector<IgnoreEntry> entries;
};

// Throws moat::Error("<path>:<line>: <what>") for a malformed file.
IgnoreFile parse_ignore_file(std::string_view content, const std::string& path);

struct VexProduct {
  std::vector<std::string> ids;            // @id and identifiers.purl: whatever may be a purl
  std::vector<std::string> subcomponents;  // the same for each subcomponent, flattened
};

struct VexStatement {
  std::vector<std::string> vulnerabilities;  // name, then aliases
  std::vector<VexProduct> products;
  std::string status;         // not_affected, affected, fixed, under_investigation
  std::string justification;  // not_affected only: the label, possibly ""
  std::string impact_statement;
  long long timestamp = 0;  // seconds since the epoch, UTC (statement's, else document's)
};

struct VexDocument {
  std::string path;
  std::string id;  // the document's @id
  std::vector<VexStatement> statements;
};

// Throws moat::Error("<path>: <what>") for anything that is not a valid OpenVEX document.
VexDocument parse_openvex(std::string_view content, const std::string& path);

// "HIGH,CRITICAL" → {High, Critical}; case-insensitive, spaces allowed. Throws moat::Error naming
// `option` for an unknown name.
std::vector<Severity> parse_severity_list(const std::string& text, const std::string& option = "--severity");

struct Policy {
  std::vector<Severity> severities;  // keep only these; empty: keep all
  bool ignore_unfixed = false;       // drop findings without a fixed version
  std::vector<IgnoreFile> ignore_files;
  std::vector<VexDocument> vex;
  std::string today;  // "YYYY-MM-DD" for expiry; "" is the current UTC date
};

struct ActiveIgnore {
  const IgnoreFile* file;
  const IgnoreEntry* entry;
};

// The ignore entries that still suppress; each expired one adds a warning, whether it matches
// anything or not, so that a stale ignore file is noticed before it matters.
std::vector<ActiveIgnore> active_ignore_entries(const Policy& policy, std::vector<std::string>& warnings);

// Drops filtered findings, moves suppressed ones to report.suppressed (by and reason filled), and
// returns warnings for the user (expired ignore entries). Findings keep their order.
std::vector<std::string> apply_policy(const Policy& policy, VulnReport& report);

// The process exit status for --exit-code N: N when any finding remains, else 0.
int gate_exit_code(const VulnReport& report, int exit_code_on_findings);

}  // namespace moat::match
