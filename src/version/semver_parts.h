#pragma once
// The pieces of a SemVer 2.0.0 version, shared by the semver (npm, crates.io) and Go schemes,
// which differ only in what they accept around them.
#include <string_view>

namespace moat::version::detail {

struct SemverParts {
  std::string_view major, minor, patch;  // digits; minor/patch may be "0" for Go's shorthands
  std::string_view prerelease;           // without the '-', empty when absent
  std::string_view build;                // without the '+', ignored for precedence
};

// Parses MAJOR.MINOR.PATCH[-PRE][+BUILD] strictly; when allow_shorthand, also MAJOR and
// MAJOR.MINOR without pre-release or build (Go's "v1", "v1.2"). Returns the reason on failure.
const char* parse_semver(std::string_view s, bool allow_shorthand, SemverParts& out);

// SemVer precedence: numbers numerically, pre-release identifiers one by one (numeric below
// alphanumeric), a pre-release below its release; build metadata ignored.
int compare_semver_parts(const SemverParts& a, const SemverParts& b);

}  // namespace moat::version::detail
