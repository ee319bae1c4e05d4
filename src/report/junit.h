#pragma once
// JUnit XML for CI systems that show test reports (Jenkins, GitLab, Azure DevOps):
// <testsuites name="moat" ...> with one <testsuite> per package ecosystem ("deb", "pypi" ...),
// one <testcase> per package (classname "<target>.<ecosystem>", name "<name>@<version>") and one
// <failure> per finding in it (type = severity, message = "ID: title"). Suppressed findings are not
// failures. Releases the database does not cover form a last <testsuite name="not checked"> with
// one skipped testcase each. Text is escaped and characters XML 1.0 cannot carry are replaced.
#include <ostream>

#include "match/finding.h"

namespace moat::report {

void write_junit(const match::VulnReport& report, std::ostream& out);

}  // namespace moat::report
