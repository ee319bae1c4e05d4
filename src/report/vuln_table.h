#pragma once
// The readable form of a vulnerability scan, for a terminal: a header (target, OS, database age),
// counts per severity, the releases that could not be checked, then the findings grouped by
// package, then how many findings the policy suppressed.
#include <ostream>

#include "match/finding.h"

namespace moat::report {

// `color` adds ANSI colours to severities and warnings; the CLI sets it only for a TTY.
void write_vuln_table(const match::VulnReport& report, std::ostream& out, bool color);

}  // namespace moat::report
