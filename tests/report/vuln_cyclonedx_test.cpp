#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "report/cyclonedx.h"
#include "report/cyclonedx_vex.h"
#include "sbom_fixture.h"
#include "vuln_fixture.h"

namespace moat::report {
namespace {

using nlohmann::json;
using testing::debian_report;

std::string render(const match::VulnReport& r) {
  std::ostringstream out;
  write_cyclonedx_vex(r, out, testing::pinned_options());
  return out.str();
}

match::VulnReport with_suppressed() {
  auto r = debian_report();
  r.suppressed.push_back({r.findings.back(), "OpenVEX statement in vex.json",
                          "not_affected: vulnerable_code_not_in_execute_path", "not_affected",
                          "vulnerable_code_not_in_execute_path"});
  r.suppressed.push_back({r.findings[1], "ignore file .moatignore.yaml:4", "accepted risk", "ignored", ""});
  r.findings.pop_back();
  r.findings.erase(r.findings.begin() + 1);
  return r;
}

const json* component_named(const json& components, const std::string& name) {
  for (const auto& c : components) {
    if (c["name"] == name) return &c;
    if (c.contains("components")) {
      if (const json* inner = component_named(c["components"], name)) return inner;
    }
  }
  return nullptr;
}

TEST(VulnCycloneDx, ValidAgainstTheCycloneDx15Schema) {
  std::string output;
  const int status = testing::validate("cyclonedx", render(with_suppressed()), output);
  if (status == 77) GTEST_SKIP() << "node/npm not installed: " << output;
  EXPECT_EQ(status, 0) << output;
}

TEST(VulnCycloneDx, TheSbomIsUnchangedBesideVulnerabilities) {
  const auto r = debian_report();
  std::ostringstream sbom;
  write_cyclonedx(r.inventory, sbom, testing::pinned_options());
  json with = json::parse(render(r));
  ASSERT_TRUE(with.contains("vulnerabilities"));
  with.erase("vulnerabilities");
  EXPECT_EQ(with, json::parse(sbom.str()));
}

TEST(VulnCycloneDx, Vulnerabilities) {
  const json bom = json::parse(render(with_suppressed()));
  const json& vulns = bom["vulnerabilities"];
  ASSERT_EQ(vulns.size(), 4u);
  const json& dh = vulns[0];
  EXPECT_EQ(dh["id"], "CVE-2023-5678");
  EXPECT_EQ(dh["source"]["name"], "NVD");
  EXPECT_EQ(dh["references"][0]["id"], "DSA-5585-1");
  EXPECT_EQ(dh["ratings"][0], json::parse(R"({"source": {"name": "cvss"}, "score": 5.3, "severity": "medium",
      "method": "CVSSv31", "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L"})"));
  EXPECT_EQ(dh["advisories"][1]["url"], "https://www.openssl.org/news/secadv/20231106.txt");
  EXPECT_EQ(dh["published"], "2023-11-06T16:15:42Z");
  EXPECT_EQ(dh["updated"], "2024-05-01T18:15:12Z");
  const json* libssl = component_named(bom["components"], "libssl3");
  ASSERT_NE(libssl, nullptr);
  EXPECT_EQ(dh["affects"][0]["ref"], (*libssl)["bom-ref"]);
  EXPECT_EQ(dh["affects"][0]["versions"], json::parse(R"([{"version": "3.0.11-1~deb12u2", "status": "affected"},
      {"version": "3.0.13-1~deb12u1", "status": "unaffected"}])"));
  EXPECT_FALSE(dh.contains("analysis"));

  const json& unfixed = vulns[1];
  EXPECT_EQ(unfixed["id"], "CVE-2024-2511");
  EXPECT_EQ(unfixed["ratings"][0], json::parse(R"({"source": {"name": "Debian:12"}, "severity": "low", "method": "other"})"));
  EXPECT_EQ(unfixed["affects"][0]["versions"].size(), 1u);

  const json& vex = vulns[2];
  EXPECT_EQ(vex["id"], "CVE-2023-43804");
  EXPECT_EQ(vex["references"][0], json::parse(R"({"id": "GHSA-v845-jxx5-vc9f",
      "source": {"name": "GitHub", "url": "https://github.com/advisories/GHSA-v845-jxx5-vc9f"}})"));
  EXPECT_EQ(vex["analysis"], json::parse(R"j({"state": "not_affected", "justification": "code_not_reachable",
      "detail": "not_affected: vulnerable_code_not_in_execute_path (OpenVEX statement in vex.json)"})j"));
  const json* urllib3 = component_named(bom["components"], "urllib3");  // nested in its deb
  ASSERT_NE(urllib3, nullptr);
  EXPECT_EQ(vex["affects"][0]["ref"], (*urllib3)["bom-ref"]);

  const json& ignored = vulns[3];
  EXPECT_EQ(ignored["id"], "CVE-2024-0727");
  EXPECT_EQ(ignored["analysis"], json::parse(R"j({"state": "not_affected",
      "detail": "accepted risk (ignore file .moatignore.yaml:4)"})j"));
}

TEST(VulnCycloneDx, OneVulnerabilityPerIdAcrossPackages) {
  auto r = debian_report();
  auto other = r.findings[0];
  other.package = r.inventory.packages[3];  // zlib1g, for the sake of the test
  r.findings.push_back(other);
  const json vulns = json::parse(render(r))["vulnerabilities"];
  EXPECT_EQ(vulns.size(), 4u);
  EXPECT_EQ(vulns[0]["affects"].size(), 2u);
  EXPECT_EQ(vulns[0]["ratings"].size(), 1u);
}

TEST(VulnCycloneDx, MalformedDatesAreLeftOut) {
  auto r = debian_report();
  r.findings[0].published = "2023-11-06";
  r.findings[0].modified = "yesterday";
  const json v = json::parse(render(r))["vulnerabilities"][0];
  EXPECT_FALSE(v.contains("published"));
  EXPECT_FALSE(v.contains("updated"));
  std::string output;
  const int status = testing::validate("cyclonedx", render(r), output);
  if (status == 77) GTEST_SKIP() << output;
  EXPECT_EQ(status, 0) << output;
}

}  // namespace
}  // namespace moat::report
