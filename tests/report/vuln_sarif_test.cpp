#include "report/sarif.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "sbom_fixture.h"
#include "vuln_fixture.h"

namespace moat::report {
namespace {

using nlohmann::json;
using testing::debian_report;

std::string render(const match::VulnReport& r) {
  std::ostringstream out;
  write_sarif(r, out, testing::pinned_options());
  return out.str();
}

void expect_valid(const std::string& doc) {
  std::string output;
  const int status = testing::validate("sarif", doc, output);
  if (status == 77) GTEST_SKIP() << "node/npm not installed: " << output;
  EXPECT_EQ(status, 0) << output;
}

match::VulnReport with_suppressed() {
  auto r = debian_report();
  r.suppressed.push_back({r.findings.back(), "OpenVEX statement in vex.json",
                          "not_affected: vulnerable_code_not_in_execute_path", "not_affected",
                          "vulnerable_code_not_in_execute_path"});
  r.findings.pop_back();
  return r;
}

TEST(VulnSarif, ValidAgainstTheSarif210Schema) { expect_valid(render(with_suppressed())); }

TEST(VulnSarif, EmptyReportIsValid) {
  auto r = debian_report();
  r.findings.clear();
  r.not_covered.clear();
  expect_valid(render(r));
}

TEST(VulnSarif, HostileTextStaysValid) {
  auto r = debian_report();
  r.inventory.kind = "filesystem";
  r.inventory.target = "/srv/my app";
  r.findings[0].package.found_in = "/srv/my app/a b#c?d%e:f/ü/package-lock.json";
  r.findings[0].references = {"javascript:alert(1)", "https://exa mple.com/x"};
  r.findings[0].summary = "bad \xff bytes \x01";
  r.findings[1].id = "weird id/with spaces";
  const std::string doc = render(r);
  expect_valid(doc);
  const json j = json::parse(doc);
  EXPECT_EQ(j["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "a%20b%23c%3Fd%25e%3Af/%C3%BC/package-lock.json");
  EXPECT_EQ(j["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"], "https://osv.dev/vulnerability/CVE-2023-5678");
}

TEST(VulnSarif, OneRulePerVulnerability) {
  const json run = json::parse(render(with_suppressed()))["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "moat");
  EXPECT_EQ(run["tool"]["driver"]["version"], "0.1.0");
  const json& rules = run["tool"]["driver"]["rules"];
  ASSERT_EQ(rules.size(), 4u);
  EXPECT_EQ(rules[0]["id"], "CVE-2023-5678");
  EXPECT_EQ(rules[0]["shortDescription"]["text"], "Excessive time spent in DH check / generation with large Q parameter value");
  EXPECT_EQ(rules[0]["helpUri"], "https://security-tracker.debian.org/tracker/CVE-2023-5678");
  EXPECT_EQ(rules[0]["defaultConfiguration"]["level"], "warning");
  EXPECT_EQ(rules[0]["properties"]["security-severity"], "5.3");
  EXPECT_EQ(rules[2]["id"], "CVE-2024-2511");
  EXPECT_EQ(rules[2]["defaultConfiguration"]["level"], "note");
  EXPECT_EQ(rules[2]["properties"]["security-severity"], "2.0");  // LOW without a score
  EXPECT_EQ(rules[3]["id"], "CVE-2023-43804");
  EXPECT_EQ(rules[3]["defaultConfiguration"]["level"], "error");
  EXPECT_EQ(rules[3]["properties"]["security-severity"], "8.1");
}

TEST(VulnSarif, OneResultPerFinding) {
  const json run = json::parse(render(with_suppressed()))["runs"][0];
  const json& results = run["results"];
  ASSERT_EQ(results.size(), 4u);
  const json& r = results[0];
  EXPECT_EQ(r["ruleId"], "CVE-2023-5678");
  EXPECT_EQ(r["ruleIndex"], 0);
  EXPECT_EQ(r["message"]["text"],
            "Package libssl3 3.0.11-1~deb12u2 (deb) is affected by CVE-2023-5678 (MEDIUM). Fixed in version "
            "3.0.13-1~deb12u1.");
  const json& location = r["locations"][0];
  EXPECT_EQ(location["physicalLocation"]["artifactLocation"],
            json::parse(R"({"uri": "var/lib/dpkg/status", "uriBaseId": "IMAGEROOT"})"));
  EXPECT_EQ(location["logicalLocations"][0]["name"], "docker.io/library/debian:12");
  EXPECT_EQ(run["originalUriBaseIds"]["IMAGEROOT"]["description"]["text"],
            "the root file system of docker.io/library/debian:12");
  EXPECT_EQ(results[2]["message"]["text"],
            "Package libssl3 3.0.11-1~deb12u2 (deb) is affected by CVE-2024-2511 (LOW). No fixed version is available "
            "yet.");
  EXPECT_FALSE(r.contains("suppressions"));
  const json& suppressed = results[3];
  EXPECT_EQ(suppressed["ruleId"], "CVE-2023-43804");
  EXPECT_EQ(suppressed["suppressions"][0]["kind"], "external");
  EXPECT_EQ(suppressed["suppressions"][0]["status"], "accepted");
  EXPECT_EQ(suppressed["suppressions"][0]["justification"],
            "not_affected: vulnerable_code_not_in_execute_path (OpenVEX statement in vex.json)");
  EXPECT_EQ(run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"],
            "not checked: Alpine:v3.19 — no advisories for this release; 14 packages");
}

TEST(VulnSarif, FingerprintsAreStableAcrossRuns) {
  const json a = json::parse(render(debian_report()))["runs"][0]["results"];
  auto reordered = debian_report();
  std::reverse(reordered.findings.begin(), reordered.findings.end());
  reordered.findings[0].summary = "reworded";
  const json b = json::parse(render(reordered))["runs"][0]["results"];
  EXPECT_EQ(a[0]["partialFingerprints"], b[3]["partialFingerprints"]);
  EXPECT_EQ(a[3]["partialFingerprints"], b[0]["partialFingerprints"]);
  EXPECT_NE(a[0]["partialFingerprints"], a[1]["partialFingerprints"]);
  EXPECT_EQ(a[0]["partialFingerprints"]["moatFindingHash/v1"].get<std::string>().size(), 64u);
}

}  // namespace
}  // namespace moat::report
