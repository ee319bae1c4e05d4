#include "report/vuln_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "vuln_fixture.h"

namespace moat::report {
namespace {

using nlohmann::json;
using testing::debian_report;

json render(const match::VulnReport& r) {
  std::ostringstream out;
  write_vuln_json(r, out);
  return json::parse(out.str());
}

TEST(VulnJson, Document) {
  const json j = render(debian_report());
  EXPECT_EQ(j["schema"], "moat/vulnerabilities/v1");
  EXPECT_EQ(j["target"], "docker.io/library/debian:12");
  EXPECT_EQ(j["kind"], "image");
  EXPECT_EQ(j["os"]["version_id"], "12");
  EXPECT_EQ(j["database_updated"], "2024-03-01T06:00:00Z");
  EXPECT_EQ(j["summary"], json::parse(R"({"total": 4, "CRITICAL": 0, "HIGH": 1, "MEDIUM": 2, "LOW": 1, "NONE": 0,
                                          "UNKNOWN": 0, "suppressed": 0})"));
  EXPECT_EQ(j["not_covered"], json::parse(R"([{"data_source": "Alpine:v3.19", "reason": "no advisories for this release",
                                              "packages": 14}])"));
}

TEST(VulnJson, Findings) {
  const json j = render(debian_report());
  ASSERT_EQ(j["findings"].size(), 4u);
  const json& f = j["findings"][3];
  EXPECT_EQ(f["id"], "CVE-2023-43804");
  EXPECT_EQ(f["aliases"], json::parse(R"(["GHSA-v845-jxx5-vc9f", "PYSEC-2023-192"])"));
  EXPECT_EQ(f["severity"], "HIGH");
  EXPECT_DOUBLE_EQ(f["score"].get<double>(), 8.1);
  EXPECT_EQ(f["cvss_vector"], "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N");
  EXPECT_EQ(f["fixed_version"], "1.26.17");
  EXPECT_EQ(f["package"]["name"], "urllib3");
  EXPECT_EQ(f["package"]["owner"], "deb:python3-urllib3");
  EXPECT_EQ(f["package"]["purl"], "pkg:pypi/urllib3@1.26.12");
  EXPECT_EQ(f["published"], "2023-10-02T23:15:00Z");
  EXPECT_TRUE(f["modified"].is_null());
  EXPECT_EQ(f["fingerprint"].get<std::string>().size(), 64u);
  const json& unfixed = j["findings"][2];
  EXPECT_TRUE(unfixed["fixed_version"].is_null());
  EXPECT_TRUE(unfixed["score"].is_null());
  EXPECT_EQ(unfixed["severity_source"], "Debian:12");
}

TEST(VulnJson, SuppressedAndStableFingerprints) {
  auto r = debian_report();
  r.suppressed.push_back({r.findings[0], "ignore file .moatignore.yaml:3", "accepted", "ignored", ""});
  const json j = render(r);
  EXPECT_EQ(j["summary"]["suppressed"], 1);
  const json& s = j["suppressed"][0];
  EXPECT_EQ(s["id"], "CVE-2023-5678");
  EXPECT_EQ(s["suppressed_by"], "ignore file .moatignore.yaml:3");
  EXPECT_EQ(s["reason"], "accepted");
  EXPECT_EQ(s["status"], "ignored");
  EXPECT_TRUE(s["justification"].is_null());
  // Same finding, same fingerprint; the database's wording does not change it.
  auto reworded = debian_report();
  reworded.findings[0].summary = "another summary";
  reworded.findings[0].score = 7.0;
  EXPECT_EQ(render(reworded)["findings"][0]["fingerprint"], s["fingerprint"]);
  EXPECT_NE(j["findings"][0]["fingerprint"], j["findings"][1]["fingerprint"]);
}

TEST(VulnJson, InvalidUtf8IsReplacedNotThrown) {
  auto r = debian_report();
  r.findings[0].summary = "bad \xff\xfe bytes";
  EXPECT_NO_THROW(render(r));
}

}  // namespace
}  // namespace moat::report
