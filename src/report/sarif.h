#pragma once
// SARIF 2.1.0 (OASIS, https://docs.oasis-open.org/sarif/sarif/v2.1.0/), shaped for GitHub code
// scanning:
// - one rule per vulnerability id: shortDescription (the advisory's summary), helpUri (its first
//   reference, else its OSV page), defaultConfiguration.level (CRITICAL/HIGH error, MEDIUM
//   warning, else note) and properties.security-severity, the highest CVSS score among its
//   findings as a string ("7.5"), else a value inside the band of its severity;
// - one result per finding: a message naming the package, installed and fixed versions; the
//   location is the file that proved the package (found_in; for an image relative to the uriBaseId
//   IMAGEROOT, its root file system, with the image as a logical location); partialFingerprints
//   "moatFindingHash/v1" is vuln::fingerprint, the same in every scan;
// - suppressed findings are results too, with an external, accepted suppression carrying the
//   reason, so that a code-scanning alert closes rather than vanishes;
// - releases the database does not cover are tool-execution notifications (warnings).
#include <nlohmann/json.hpp>
#include <ostream>

#include "match/finding.h"
#include "report/sbom_options.h"

namespace moat::report {

// A path as a SARIF URI reference: percent-encoded except unreserved characters, '/' and a few safe
// sub-delimiters (':' too, so that a relative path never reads as a scheme).
std::string sarif_uri(std::string_view path);

// Of `options` only tool_version is used.
nlohmann::ordered_json sarif_log(const match::VulnReport& report, const SbomOptions& options = {});
void write_sarif(const match::VulnReport& report, std::ostream& out, const SbomOptions& options = {});

}  // namespace moat::report
