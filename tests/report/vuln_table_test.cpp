#include "report/vuln_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "vuln_fixture.h"

namespace moat::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::debian_report;

std::string render(const match::VulnReport& r, bool color = false) {
  std::ostringstream out;
  write_vuln_table(r, out, color);
  return out.str();
}

TEST(VulnTable, HeaderSummaryAndCoverage) {
  const std::string t = render(debian_report());
  EXPECT_THAT(t, HasSubstr("docker.io/library/debian:12 (image) — Debian GNU/Linux 12 (bookworm)\n"));
  EXPECT_THAT(t, ::testing::ContainsRegex("advisory database: updated 2024-03-01T06:00:00Z \\([0-9]+ days old\\)"));
  EXPECT_THAT(t, HasSubstr("Total: 4 (CRITICAL 0, HIGH 1, MEDIUM 2, LOW 1, UNKNOWN 0)\n"));
  EXPECT_THAT(t, HasSubstr("not checked: Alpine:v3.19 — no advisories for this release; 14 packages\n"));
  // Coverage comes before the findings.
  EXPECT_LT(t.find("not checked:"), t.find("CVE-2023-5678"));
}

TEST(VulnTable, FindingsGroupedByPackage) {
  const std::string t = render(debian_report());
  EXPECT_THAT(t, HasSubstr("\nlibssl3 3.0.11-1~deb12u2 (deb)  /var/lib/dpkg/status\n"));
  EXPECT_THAT(t, HasSubstr("\nurllib3 1.26.12 (pypi)  /usr/lib/python3/dist-packages/urllib3-1.26.12.egg-info/PKG-INFO"
                           "  owned by deb:python3-urllib3\n"));
  EXPECT_THAT(t, ::testing::ContainsRegex(
                     "  CVE-2023-5678 +MEDIUM \\(5\\.3\\) +3\\.0\\.13-1~deb12u1 +Excessive time spent in DH check.* +DSA-5585-1\n"));
  EXPECT_THAT(t, ::testing::ContainsRegex("  CVE-2024-2511 +LOW +\\(no fix\\) +Unbounded memory growth"));
  EXPECT_THAT(t, HasSubstr("GHSA-v845-jxx5-vc9f, PYSEC-2023-192"));
  // Long titles are cut to at most 60 characters, at a word, with an ellipsis.
  EXPECT_THAT(t, HasSubstr("PKCS12 Decoding crashes: processing a maliciously…\n"));
  EXPECT_THAT(t, HasSubstr("Excessive time spent in DH check / generation with large Q…  DSA-5585-1\n"));
  // One header per package, the libssl3 findings under it.
  const auto libssl = t.find("\nlibssl3 ");
  const auto urllib3 = t.find("\nurllib3 ");
  EXPECT_LT(libssl, t.find("CVE-2024-0727"));
  EXPECT_LT(t.find("CVE-2024-2511"), urllib3);
  EXPECT_LT(urllib3, t.find("CVE-2023-43804"));
  // No trailing blanks on any line.
  EXPECT_THAT(t, Not(HasSubstr(" \n")));
}

TEST(VulnTable, Suppressed) {
  auto r = debian_report();
  r.suppressed.push_back({r.findings.back(), "OpenVEX statement in vex.json", "not_affected: component_not_present",
                          "not_affected", "component_not_present"});
  r.findings.pop_back();
  const std::string t = render(r);
  EXPECT_THAT(t, HasSubstr("Total: 3 (CRITICAL 0, HIGH 0, MEDIUM 2, LOW 1, UNKNOWN 0), 1 suppressed\n"));
  EXPECT_THAT(t, HasSubstr("1 finding suppressed:\n  CVE-2023-43804 in urllib3 1.26.12 — not_affected: "
                           "component_not_present (OpenVEX statement in vex.json)\n"));
}

TEST(VulnTable, NoFindings) {
  auto r = debian_report();
  r.findings.clear();
  EXPECT_THAT(render(r), HasSubstr("No vulnerabilities found in the packages checked.\n"));
  r.not_covered.clear();
  EXPECT_THAT(render(r), HasSubstr("No vulnerabilities found.\n"));
}

TEST(VulnTable, ColorOnlyWhenAsked) {
  EXPECT_THAT(render(debian_report(), false), Not(HasSubstr("\033[")));
  const std::string colored = render(debian_report(), true);
  EXPECT_THAT(colored, HasSubstr("\033[31mHIGH (8.1)\033[0m"));
  EXPECT_THAT(colored, HasSubstr("\033[1;33mnot checked: \033[0m"));
}

TEST(VulnTable, HostileTextCannotReachTheTerminal) {
  auto r = debian_report();
  r.findings[0].summary = "evil\033]0;title\007\033[2J\r\ncontinued \xc2\x9b" "31m and \xff bytes";
  r.findings[0].package.name = "pkg\033[1m";
  const std::string t = render(r);
  EXPECT_THAT(t, Not(HasSubstr("\033")));
  EXPECT_THAT(t, Not(HasSubstr("\x07")));
  EXPECT_THAT(t, Not(HasSubstr("\xc2\x9b")));
  EXPECT_THAT(t, HasSubstr("evil?]0;title??[2J??continued ?31m and ? bytes"));
}

}  // namespace
}  // namespace moat::report
