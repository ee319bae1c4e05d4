#include "report/junit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "vuln_fixture.h"

namespace moat::report {
namespace {

using ::testing::HasSubstr;
using testing::debian_report;

std::string render(const match::VulnReport& r) {
  std::ostringstream out;
  write_junit(r, out);
  return out.str();
}

// xmllint (Debian libxml2-utils) checks well-formedness.
void expect_well_formed(const std::string& xml) {
  if (std::system("command -v xmllint >/dev/null 2>&1") != 0) GTEST_SKIP() << "xmllint not installed (libxml2-utils)";
  namespace fs = std::filesystem;
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  const fs::path file = fs::path(MOAT_BINARY_DIR) / (std::string("junit-") + test->name() + ".xml");
  std::ofstream(file) << xml;
  const int status = std::system(("xmllint --noout '" + file.string() + "' 2>&1").c_str());
  fs::remove(file);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << xml;
}

TEST(VulnJunit, WellFormed) { expect_well_formed(render(debian_report())); }

TEST(VulnJunit, SuitesCasesAndFailures) {
  const std::string x = render(debian_report());
  EXPECT_THAT(x, HasSubstr("<testsuites name=\"moat\" tests=\"5\" failures=\"2\" errors=\"0\" skipped=\"1\">"));
  EXPECT_THAT(x, HasSubstr("<testsuite name=\"deb\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"0\">"));
  EXPECT_THAT(x, HasSubstr("<testsuite name=\"pypi\" tests=\"1\" failures=\"1\" errors=\"0\" skipped=\"0\">"));
  EXPECT_THAT(x, HasSubstr("<testcase classname=\"docker.io/library/debian:12.deb\" name=\"libssl3@3.0.11-1~deb12u2\" "
                           "file=\"/var/lib/dpkg/status\">"));
  EXPECT_THAT(x, HasSubstr("<testcase classname=\"docker.io/library/debian:12.deb\" name=\"zlib1g@1:1.2.13.dfsg-1\" "
                           "file=\"/var/lib/dpkg/status\"/>"));
  EXPECT_THAT(x, HasSubstr("<failure type=\"HIGH\" message=\"CVE-2023-43804: Cookie HTTP header isn&apos;t stripped on "
                           "cross-origin redirects\">Package: urllib3 1.26.12&#10;Vulnerability: CVE-2023-43804 "
                           "(GHSA-v845-jxx5-vc9f, PYSEC-2023-192)&#10;Severity: HIGH (CVSS 8.1)&#10;Fixed in: 1.26.17"));
  EXPECT_EQ(std::count(x.begin(), x.end(), '\n') > 0, true);
  std::size_t failures = 0;
  for (auto pos = x.find("<failure "); pos != std::string::npos; pos = x.find("<failure ", pos + 1)) ++failures;
  EXPECT_EQ(failures, 4u);
  EXPECT_THAT(x, HasSubstr("<testsuite name=\"not checked\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\">"));
  EXPECT_THAT(x, HasSubstr("<skipped message=\"not checked: Alpine:v3.19 — no advisories for this release; 14 packages\"/>"));
}

TEST(VulnJunit, HostileTextIsEscaped) {
  auto r = debian_report();
  r.findings[0].summary = "<script>&\"'</script> \x01\x1b ctl \xff\xfe bad \xed\xa0\x80 surrogate \xc0\xaf overlong";
  r.findings[0].package.name = "a]]>b";
  r.inventory.target = "x\"y<z";
  const std::string x = render(r);
  EXPECT_THAT(x, HasSubstr("&lt;script&gt;&amp;&quot;&apos;&lt;/script&gt;"));
  EXPECT_THAT(x, ::testing::Not(HasSubstr("\x01")));
  expect_well_formed(x);
}

TEST(VulnJunit, FindingWithoutInventoryPackageStillReported) {
  auto r = debian_report();
  r.inventory.packages.clear();
  const std::string x = render(r);
  EXPECT_THAT(x, HasSubstr("tests=\"3\" failures=\"2\""));
  expect_well_formed(x);
}

}  // namespace
}  // namespace moat::report
