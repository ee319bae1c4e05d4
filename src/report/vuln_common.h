#pragma once
// What the vulnerability writers share: stable identities of findings and safe text.
#include <string>
#include <string_view>

#include "match/finding.h"

namespace moat::report::vuln {

// A hex SHA-256 of what makes a finding the same finding in the next scan of the same target: the
// vulnerability id and the package (ecosystem, name, installed version, found_in). Independent of
// the database's wording, scores and the order of findings.
std::string fingerprint(const match::Finding& f);

// `s` with control characters (C0, DEL, C1: terminal escape sequences from hostile images or
// advisories) replaced by '?', and cut to at most `max_chars` code points, ending in "…" when cut.
std::string printable(std::string_view s, std::size_t max_chars = std::string::npos);

// Number of code points in valid UTF-8 (each invalid byte counts as one): the display width of
// text that printable() returned, near enough for alignment.
std::size_t display_width(std::string_view s);

// "critical", "high", ... as CycloneDX spells severities.
std::string lower_severity(match::Severity s);

}  // namespace moat::report::vuln
