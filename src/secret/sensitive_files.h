#pragma once
// Sensitive files: credentials that are secrets because of WHERE they are (/etc/shadow,
// ~/.ssh/id_rsa, ~/.docker/config.json, ~/.npmrc …), recognised by path and then parsed in their
// own format. The pattern rules (scanner.h) find secrets by their shape in any file; these checks
// find the ones a pattern cannot (a password hash, a base64 registry login, a token in a history).
// docs/sensitive-files.md lists every path, rule id and severity.
#include <span>
#include <string_view>
#include <vector>

#include "secret/secret_match.h"

namespace moat::secret {

// Whether check_sensitive_file has anything to look for in a file at this absolute in-image path
// ("/root/.aws/credentials"). Decided from the path alone and cheap: the image walk asks it for
// every file before reading any content.
bool is_sensitive_path(std::string_view path);

// The findings in one sensitive file. Pure and thread-safe. Never throws for bad content: a
// malformed credential file is reported when it still looks like it holds a secret, otherwise it
// gives nothing, so one broken file never stops an image scan. Only the first 4 MiB of content is
// read. A path that is_sensitive_path rejects gives no findings.
std::vector<SecretMatch> check_sensitive_file(std::string_view path, std::string_view content);

struct SensitiveRule {
  std::string_view id;        // stable, lower-case with dashes
  std::string_view title;     // what the rule reports, in general; each finding's title is more precise
  std::string_view severity;  // "LOW", "MEDIUM", "HIGH" or "CRITICAL"
};

// Every rule check_sensitive_file can report, for rule listings and documentation.
std::span<const SensitiveRule> sensitive_file_rules();

}  // namespace moat::secret
