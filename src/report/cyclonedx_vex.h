#pragma once
// CycloneDX 1.5 with vulnerabilities: the SBOM of cyclonedx.h, unchanged, plus a "vulnerabilities"
// array (https://cyclonedx.org/docs/1.5/json/#vulnerabilities).
//
// - One vulnerability per id, with every package it affects in "affects" (ref = the bom-ref of
//   the package's component, versions = the installed one "affected" and the fixed one
//   "unaffected"); a suppressed finding goes into a separate entry of the same id, since
//   "analysis" is per entry.
// - source: NVD for CVE ids, GitHub for GHSA, else OSV; the other ids are "references".
// - ratings: one per distinct (source, score, severity): method CVSSv31, CVSSv3, CVSSv4 or CVSSv2
//   from the vector, "other" for a database's own rating without a score.
// - advisories: the advisory URLs; recommendation names the fixed version.
// - analysis for suppressed findings: an OpenVEX not_affected statement is state not_affected with
//   its justification mapped to CycloneDX's labels, fixed is state resolved, an ignore file entry
//   is state not_affected without a justification; detail is the reason and what suppressed it.
#include <ostream>

#include "match/finding.h"
#include "report/sbom_options.h"

namespace moat::report {

void write_cyclonedx_vex(const match::VulnReport& report, std::ostream& out, const SbomOptions& options = {});

}  // namespace moat::report
