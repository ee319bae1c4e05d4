#include "match/policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "base/error.h"
#include "report/vuln_fixture.h"

namespace moat::match {
namespace {

using ::testing::HasSubstr;
using report::testing::debian_report;

std::vector<std::string> ids(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.id);
  return out;
}

std::vector<std::string> suppressed_ids(const VulnReport& r) {
  std::vector<std::string> out;
  for (const auto& s : r.suppressed) out.push_back(s.finding.id);
  return out;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// ---- filters and exit code ----------------------------------------------------------------------

TEST(PolicyFilter, SeverityListKeepsOnlyThoseSeverities) {
  VulnReport r = debian_report();
  Policy p;
  p.severities = parse_severity_list("high, CRITICAL");
  EXPECT_TRUE(apply_policy(p, r).empty());
  EXPECT_THAT(ids(r.findings), ::testing::ElementsAre("CVE-2023-43804"));
  EXPECT_TRUE(r.suppressed.empty());  // filtered out, not suppressed
}

TEST(PolicyFilter, SeverityListParsing) {
  EXPECT_EQ(parse_severity_list("LOW,low,Medium"), (std::vector<Severity>{Severity::Low, Severity::Medium}));
  EXPECT_EQ(parse_severity_list("unknown"), std::vector<Severity>{Severity::Unknown});
  EXPECT_THAT(error_of([] { parse_severity_list("HIGH,severe"); }), HasSubstr("--severity: unknown severity \"severe\""));
  EXPECT_THAT(error_of([] { parse_severity_list(" , "); }), HasSubstr("no severity"));
}

TEST(PolicyFilter, IgnoreUnfixedDropsFindingsWithoutAFix) {
  VulnReport r = debian_report();
  Policy p;
  p.ignore_unfixed = true;
  apply_policy(p, r);
  EXPECT_THAT(ids(r.findings), ::testing::ElementsAre("CVE-2023-5678", "CVE-2024-0727", "CVE-2023-43804"));
}

TEST(PolicyGate, ExitCodeOnlyWhenFindingsRemain) {
  VulnReport r = debian_report();
  EXPECT_EQ(gate_exit_code(r, 3), 3);
  EXPECT_EQ(gate_exit_code(r, 0), 0);
  Policy p;
  p.severities = {Severity::Critical};
  apply_policy(p, r);
  EXPECT_EQ(gate_exit_code(r, 3), 0);
}

TEST(PolicyGate, SuppressedFindingsDoNotFailTheGate) {
  VulnReport r = debian_report();
  Policy p;
  p.severities = {Severity::High};
  p.ignore_files.push_back(parse_ignore_file(
      "vulnerabilities:\n  - id: CVE-2023-43804\n    reason: cookies never cross origins here\n", ".moatignore.yaml"));
  apply_policy(p, r);
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.suppressed.size(), 1u);
  EXPECT_EQ(gate_exit_code(r, 1), 0);
}

// ---- ignore file --------------------------------------------------------------------------------

constexpr const char* kIgnoreFile = R"(# accepted risks, reviewed 2024-03-01
vulnerabilities:
  - id: CVE-2023-5678
    package: libssl3
    reason: "DH parameters come only from our own configuration"
    expires: 2024-06-30
  - id: ghsa-v845-jxx5-vc9f          # the GHSA alias of CVE-2023-43804
    package: pkg:pypi/urllib3
    reason: no cross-origin redirects are followed
  - id: CVE-2024-0727
    reason: we never parse PKCS12 from untrusted input
    expires: 2024-01-31
)";

TEST(IgnoreFile, Parses) {
  const IgnoreFile f = parse_ignore_file(kIgnoreFile, ".moatignore.yaml");
  ASSERT_EQ(f.entries.size(), 3u);
  EXPECT_EQ(f.entries[0].id, "CVE-2023-5678");
  EXPECT_EQ(f.entries[0].package, "libssl3");
  EXPECT_EQ(f.entries[0].reason, "DH parameters come only from our own configuration");
  EXPECT_EQ(f.entries[0].expires, "2024-06-30");
  EXPECT_EQ(f.entries[0].line, 3);
  EXPECT_EQ(f.entries[1].package, "pkg:pypi/urllib3");
  EXPECT_EQ(f.entries[2].line, 10);
  EXPECT_TRUE(parse_ignore_file("", "empty.yaml").entries.empty());
  EXPECT_TRUE(parse_ignore_file("vulnerabilities:\n", "empty.yaml").entries.empty());
}

TEST(IgnoreFile, SuppressesUntilExpiryThenWarns) {
  VulnReport r = debian_report();
  Policy p;
  p.ignore_files.push_back(parse_ignore_file(kIgnoreFile, ".moatignore.yaml"));
  p.today = "2024-03-15";  // the first entry is in force, the third expired
  const auto warnings = apply_policy(p, r);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], ".moatignore.yaml:10: ignore entry for CVE-2024-0727 expired on 2024-01-31 and no longer suppresses it");
  EXPECT_THAT(ids(r.findings), ::testing::ElementsAre("CVE-2024-0727", "CVE-2024-2511"));
  EXPECT_THAT(suppressed_ids(r), ::testing::ElementsAre("CVE-2023-5678", "CVE-2023-43804"));
  EXPECT_EQ(r.suppressed[0].by, "ignore file .moatignore.yaml:3");
  EXPECT_EQ(r.suppressed[0].reason, "DH parameters come only from our own configuration (until 2024-06-30)");
  EXPECT_EQ(r.suppressed[0].status, "ignored");
  EXPECT_EQ(r.suppressed[1].by, "ignore file .moatignore.yaml:7");
}

TEST(IgnoreFile, ExpiryDayItselfStillSuppresses) {
  VulnReport r = debian_report();
  Policy p;
  p.ignore_files.push_back(parse_ignore_file(kIgnoreFile, ".moatignore.yaml"));
  p.today = "2024-06-30";
  EXPECT_EQ(apply_policy(p, r).size(), 1u);  // only the January entry
  EXPECT_THAT(suppressed_ids(r), ::testing::Contains("CVE-2023-5678"));
  VulnReport later = debian_report();
  p.today = "2024-07-01";
  EXPECT_EQ(apply_policy(p, later).size(), 2u);
  EXPECT_THAT(suppressed_ids(later), ::testing::ElementsAre("CVE-2023-43804"));
}

TEST(IgnoreFile, PackageNarrowsTheEntry) {
  const auto suppressed_by = [](const std::string& package) {
    VulnReport r = debian_report();
    Policy p;
    p.ignore_files.push_back(parse_ignore_file(
        "vulnerabilities:\n  - id: CVE-2023-5678\n    package: '" + package + "'\n    reason: accepted\n", "i.yaml"));
    apply_policy(p, r);
    return !r.suppressed.empty();
  };
  EXPECT_TRUE(suppressed_by("libssl3"));
  EXPECT_TRUE(suppressed_by("OpenSSL"));  // the source package, any case
  EXPECT_FALSE(suppressed_by("zlib1g"));
  EXPECT_TRUE(suppressed_by("pkg:deb/debian/libssl3"));
  EXPECT_TRUE(suppressed_by("pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64"));
  EXPECT_FALSE(suppressed_by("pkg:deb/debian/libssl3@3.0.11-1~deb12u1"));
  EXPECT_FALSE(suppressed_by("pkg:deb/debian/libssl3?arch=arm64"));
  EXPECT_FALSE(suppressed_by("pkg:pypi/libssl3"));
}

TEST(IgnoreFile, MalformedFilesNameFileAndLine) {
  const auto error = [](const std::string& text) { return error_of([&] { parse_ignore_file(text, ".moatignore.yaml"); }); };
  EXPECT_EQ(error("vulnerabilities:\n  - id: CVE-1\n    reason: x\n  - id: CVE-2\n"),
            ".moatignore.yaml:4: entry for CVE-2 has no \"reason\"");
  EXPECT_EQ(error("vulnerabilities:\n  - reason: x\n"), ".moatignore.yaml:2: entry has no \"id\"");
  EXPECT_EQ(error("vulnerabilities:\n  - id: CVE-1\n    reason: x\n    expires: 2024-02-30\n"),
            ".moatignore.yaml:4: \"expires\" must be a date YYYY-MM-DD, not \"2024-02-30\"");
  EXPECT_THAT(error("vulnerabilities:\n  - id: CVE-1\n    reason: x\n    expires: 2024-2-3\n"), HasSubstr(":4: \"expires\""));
  EXPECT_THAT(error("vulnerabilities:\n  - id: CVE-1\n    reson: x\n"), HasSubstr(":3: unknown key \"reson\""));
  EXPECT_THAT(error("vulnerabilities:\n  - id: [CVE-1]\n    reason: x\n"), HasSubstr(":2: \"id\" must be a string"));
  EXPECT_THAT(error("ignore:\n  - CVE-1\n"), HasSubstr(":1: unknown key \"ignore\""));
  EXPECT_THAT(error("- CVE-1\n"), HasSubstr(".moatignore.yaml:1: expected a mapping"));
  EXPECT_THAT(error("vulnerabilities: CVE-1\n"), HasSubstr("must be a list"));
  EXPECT_THAT(error("vulnerabilities:\n  - CVE-1\n"), HasSubstr(":2: each entry"));
  EXPECT_THAT(error("vulnerabilities: [\n"), HasSubstr(".moatignore.yaml:"));
  EXPECT_THAT(error("vulnerabilities:\n  - {id: CVE-1, reason: \"x\n"), HasSubstr("not valid YAML"));
  EXPECT_THAT(error(std::string(2 << 20, '#')), HasSubstr("larger than"));
  EXPECT_THAT(error(std::string(5000, '[') + std::string(5000, ']')), HasSubstr(".moatignore.yaml"));
}

// ---- OpenVEX ------------------------------------------------------------------------------------

// Shaped like the spec's examples (v0.2.0): one product per statement, a package purl without a
// version, the image as product with a package subcomponent, aliases.
constexpr const char* kVex = R"({
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://openvex.dev/docs/public/vex-0f3be8817faafa24e4bfb3d17eaf619efb1fe54923b9c42c57b156a936b91431",
  "author": "Platform Security <security@example.com>",
  "role": "Document Creator",
  "timestamp": "2024-03-01T09:00:00-06:00",
  "version": 1,
  "tooling": "vexctl/0.2.6",
  "statements": [
    {
      "vulnerability": {
        "@id": "https://nvd.nist.gov/vuln/detail/CVE-2023-43804",
        "name": "CVE-2023-43804",
        "aliases": ["GHSA-v845-jxx5-vc9f"]
      },
      "products": [
        {"@id": "pkg:pypi/urllib3", "identifiers": {"purl": "pkg:pypi/urllib3"}}
      ],
      "status": "not_affected",
      "justification": "vulnerable_code_not_in_execute_path",
      "impact_statement": "The service never follows redirects with cookies set."
    },
    {
      "vulnerability": {"name": "DSA-5585-1"},
      "products": [
        {
          "@id": "pkg:oci/debian@sha256%3Abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb?repository_url=docker.io/library/debian",
          "subcomponents": [{"@id": "pkg:deb/debian/libssl3?arch=amd64"}]
        }
      ],
      "status": "fixed"
    },
    {
      "vulnerability": {"name": "CVE-2024-0727"},
      "products": [{"@id": "pkg:deb/debian/libssl3@3.0.11-1~deb12u2"}],
      "status": "under_investigation"
    }
  ]
})";

TEST(OpenVex, Parses) {
  const VexDocument d = parse_openvex(kVex, "vex.json");
  ASSERT_EQ(d.statements.size(), 3u);
  EXPECT_EQ(d.statements[0].vulnerabilities, (std::vector<std::string>{"CVE-2023-43804", "GHSA-v845-jxx5-vc9f"}));
  EXPECT_EQ(d.statements[0].products[0].ids, (std::vector<std::string>{"pkg:pypi/urllib3", "pkg:pypi/urllib3"}));
  EXPECT_EQ(d.statements[1].products[0].subcomponents, std::vector<std::string>{"pkg:deb/debian/libssl3?arch=amd64"});
  EXPECT_EQ(d.statements[0].timestamp, 1709305200);  // 2024-03-01T15:00:00Z
  EXPECT_EQ(d.statements[2].status, "under_investigation");
}

TEST(OpenVex, NotAffectedAndFixedSuppressUnderInvestigationDoesNot) {
  VulnReport r = debian_report();
  Policy p;
  p.vex.push_back(parse_openvex(kVex, "vex.json"));
  EXPECT_TRUE(apply_policy(p, r).empty());
  EXPECT_THAT(ids(r.findings), ::testing::ElementsAre("CVE-2024-0727", "CVE-2024-2511"));
  ASSERT_THAT(suppressed_ids(r), ::testing::ElementsAre("CVE-2023-5678", "CVE-2023-43804"));
  EXPECT_EQ(r.suppressed[0].by, "OpenVEX statement in vex.json");
  EXPECT_EQ(r.suppressed[0].status, "fixed");
  EXPECT_EQ(r.suppressed[0].reason, "fixed");
  EXPECT_EQ(r.suppressed[1].status, "not_affected");
  EXPECT_EQ(r.suppressed[1].justification, "vulnerable_code_not_in_execute_path");
  EXPECT_EQ(r.suppressed[1].reason,
            "not_affected: vulnerable_code_not_in_execute_path — The service never follows redirects with cookies set.");
}

std::string vex_with(const std::string& statements, const std::string& timestamp = "2024-03-01T09:00:00Z") {
  return R"({"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1",
             "author": "a", "timestamp": ")" +
         timestamp + R"(", "version": 1, "statements": [)" + statements + "]}";
}

bool vex_suppresses(const std::string& document, const std::string& id) {
  VulnReport r = debian_report();
  Policy p;
  p.vex.push_back(parse_openvex(document, "vex.json"));
  apply_policy(p, r);
  const auto s = suppressed_ids(r);
  return std::find(s.begin(), s.end(), id) != s.end();
}

TEST(OpenVex, ProductMatching) {
  const auto statement = [](const std::string& product) {
    return vex_with(R"({"vulnerability": {"name": "CVE-2023-5678"}, "products": [{"@id": ")" + product +
                    R"("}], "status": "not_affected", "justification": "vulnerable_code_not_present"})");
  };
  EXPECT_TRUE(vex_suppresses(statement("pkg:deb/debian/libssl3"), "CVE-2023-5678"));
  EXPECT_TRUE(vex_suppresses(statement("pkg:deb/debian/libssl3@3.0.11-1~deb12u2"), "CVE-2023-5678"));
  EXPECT_TRUE(vex_suppresses(statement("pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12"),
                             "CVE-2023-5678"));
  EXPECT_FALSE(vex_suppresses(statement("pkg:deb/debian/libssl3@3.0.13-1~deb12u1"), "CVE-2023-5678"));
  EXPECT_FALSE(vex_suppresses(statement("pkg:deb/debian/libssl3?arch=arm64"), "CVE-2023-5678"));
  EXPECT_FALSE(vex_suppresses(statement("pkg:deb/ubuntu/libssl3"), "CVE-2023-5678"));
  EXPECT_FALSE(vex_suppresses(statement("pkg:deb/debian/zlib1g"), "CVE-2023-5678"));
  // The image alone names no package.
  EXPECT_FALSE(vex_suppresses(statement("pkg:oci/debian"), "CVE-2023-5678"));
  // Not the image scanned.
  EXPECT_FALSE(vex_suppresses(
      vex_with(R"({"vulnerability": {"name": "CVE-2023-5678"}, "products": [{"@id": "pkg:oci/debian@sha256:cc",
                   "subcomponents": [{"@id": "pkg:deb/debian/libssl3"}]}], "status": "fixed"})"),
      "CVE-2023-5678"));
  // By the image's name, and the v0.0.1 form with string products.
  EXPECT_TRUE(vex_suppresses(
      vex_with(R"({"vulnerability": "CVE-2023-5678", "products": ["pkg:oci/debian"],
                   "subcomponents": ["pkg:deb/debian/libssl3"], "status": "fixed"})"),
      "CVE-2023-5678"));
}

TEST(OpenVex, LatestStatementWins) {
  const std::string earlier_not_affected =
      R"({"vulnerability": {"name": "CVE-2023-43804"}, "products": [{"@id": "pkg:pypi/urllib3@1.26.12"}],
          "status": "not_affected", "justification": "component_not_present", "timestamp": "2024-01-01T00:00:00Z"})";
  const std::string later_affected =
      R"({"vulnerability": {"name": "CVE-2023-43804"}, "products": [{"@id": "pkg:pypi/urllib3@1.26.12"}],
          "status": "affected", "action_statement": "upgrade", "timestamp": "2024-02-01T00:00:00+01:00"})";
  EXPECT_FALSE(vex_suppresses(vex_with(earlier_not_affected + "," + later_affected), "CVE-2023-43804"));
  EXPECT_FALSE(vex_suppresses(vex_with(later_affected + "," + earlier_not_affected), "CVE-2023-43804"));
  // A statement without its own timestamp takes the document's.
  const std::string undated_not_affected =
      R"({"vulnerability": {"name": "CVE-2023-43804"}, "products": [{"@id": "pkg:pypi/urllib3"}],
          "status": "not_affected", "justification": "component_not_present"})";
  EXPECT_TRUE(vex_suppresses(vex_with(later_affected + "," + undated_not_affected, "2024-03-01T00:00:00Z"),
                             "CVE-2023-43804"));
  EXPECT_FALSE(vex_suppresses(vex_with(later_affected + "," + undated_not_affected, "2023-12-01T00:00:00Z"),
                              "CVE-2023-43804"));
}

TEST(OpenVex, MalformedDocumentsAreErrors) {
  const auto error = [](const std::string& text) { return error_of([&] { parse_openvex(text, "vex.json"); }); };
  const std::string ok_statement =
      R"({"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "pkg:npm/a"}], "status": "fixed"})";
  EXPECT_EQ(error(vex_with(ok_statement)), "(no error)");
  EXPECT_THAT(error("{"), HasSubstr("vex.json: not valid JSON"));
  EXPECT_THAT(error("[]"), HasSubstr("must be a JSON object"));
  EXPECT_THAT(error(R"({"@context": "https://cyclonedx.org", "statements": []})"), HasSubstr("not an OpenVEX document"));
  EXPECT_THAT(error(R"({"@context": "https://openvex.dev/ns/v0.2.0", "timestamp": "2024-01-01T00:00:00Z"})"),
              HasSubstr("has no \"statements\""));
  EXPECT_THAT(error(vex_with(R"({"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "pkg:npm/a"}],
                                 "status": "not_affected"})")),
              HasSubstr("statement 1: a not_affected statement needs a justification"));
  EXPECT_THAT(error(vex_with(R"({"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "pkg:npm/a"}],
                                 "status": "not_affected", "justification": "trust_me"})")),
              HasSubstr("unknown justification \"trust_me\""));
  EXPECT_THAT(error(vex_with(R"({"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "pkg:npm/a"}],
                                 "status": "maybe"})")),
              HasSubstr("status \"maybe\""));
  EXPECT_THAT(error(vex_with(R"({"vulnerability": {}, "products": [{"@id": "pkg:npm/a"}], "status": "fixed"})")),
              HasSubstr("vulnerability has no \"name\""));
  EXPECT_THAT(error(vex_with(R"({"vulnerability": {"name": "CVE-1"}, "status": "fixed"})")), HasSubstr("no \"products\""));
  EXPECT_THAT(error(vex_with(R"({"vulnerability": {"name": "CVE-1"}, "products": [7], "status": "fixed"})")),
              HasSubstr("must be an object or a string"));
  EXPECT_THAT(error(vex_with(ok_statement, "yesterday")), HasSubstr("timestamp \"yesterday\""));
  EXPECT_THAT(error(R"({"@context": "https://openvex.dev/ns/v0.2.0", "statements": [)" + ok_statement + "]}"),
              HasSubstr("has no timestamp"));
  EXPECT_THAT(error(std::string(100000, '[') + std::string(100000, ']')), HasSubstr("nested more than"));
  EXPECT_THAT(error(vex_with(R"({"vulnerability": {"name": "CVE-1", "aliases": "x"}, "products": [], "status": "fixed"})")),
              HasSubstr("\"aliases\" must be an array"));
}

}  // namespace
}  // namespace moat::match
