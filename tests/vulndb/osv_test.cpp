#include "vulndb/osv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/error.h"

namespace moat::vulndb {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string error_of(std::string_view json) {
  try {
    parse_osv(json, "PyPI/all.zip:X.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(Osv, ParsesTheFieldsMatchingNeeds) {
  Advisory a = parse_osv(R"({
    "schema_version": "1.6.0", "id": "GHSA-xxxx", "aliases": ["CVE-2020-1"], "upstream": ["CVE-2020-0"],
    "summary": "bad thing", "published": "2020-01-01T00:00:00Z", "modified": "2020-02-01T00:00:00Z",
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
    "database_specific": {"severity": "HIGH", "cwe_ids": ["CWE-1"]},
    "references": [{"type": "ADVISORY", "url": "https://example.org/a"}],
    "affected": [
      {"package": {"ecosystem": "PyPI", "name": "Foo_Bar.baz", "purl": "pkg:pypi/foo-bar-baz"},
       "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2"}]},
                  {"type": "GIT", "repo": "https://g/r", "events": [{"introduced": "abc"}, {"limit": "def"}]}],
       "versions": ["1.0", "1.1"],
       "severity": [{"type": "CVSS_V4", "score": "CVSS:4.0/AV:N"}],
       "ecosystem_specific": {"severity": "moderate"}},
      {"ranges": [{"type": "GIT", "repo": "https://g/r", "events": [{"introduced": "0"}]}]},
      {"package": {"ecosystem": "Debian:12", "name": "Foo_Bar"},
       "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"last_affected": "1:2.3-4"}]}]}
    ]})",
                         "test");
  EXPECT_EQ(a.id, "GHSA-xxxx");
  EXPECT_THAT(a.aliases, ElementsAre("CVE-2020-1"));
  EXPECT_THAT(a.upstream, ElementsAre("CVE-2020-0"));
  EXPECT_EQ(a.summary, "bad thing");
  EXPECT_EQ(a.modified, "2020-02-01T00:00:00Z");
  EXPECT_TRUE(a.withdrawn.empty());
  ASSERT_EQ(a.severity.size(), 1u);
  EXPECT_EQ(a.severity[0].type, "CVSS_V3");
  EXPECT_EQ(a.severity_text, "HIGH");
  ASSERT_EQ(a.references.size(), 1u);
  ASSERT_EQ(a.affected.size(), 2u);  // the package-less GIT entry is dropped
  const Affected& py = a.affected[0];
  EXPECT_EQ(py.name, "foo-bar-baz");  // PEP 503
  EXPECT_EQ(py.purl, "pkg:pypi/foo-bar-baz");
  ASSERT_EQ(py.ranges.size(), 2u);
  EXPECT_EQ(py.ranges[0].type, Range::Type::kEcosystem);
  ASSERT_EQ(py.ranges[0].events.size(), 2u);
  EXPECT_EQ(py.ranges[0].events[1].kind, Event::Kind::kFixed);
  EXPECT_EQ(py.ranges[0].events[1].value, "1.2");
  EXPECT_EQ(py.ranges[1].type, Range::Type::kGit);
  EXPECT_EQ(py.ranges[1].repo, "https://g/r");
  EXPECT_EQ(py.ranges[1].events[1].kind, Event::Kind::kLimit);
  EXPECT_THAT(py.versions, ElementsAre("1.0", "1.1"));
  EXPECT_EQ(py.severity_text, "moderate");
  EXPECT_EQ(py.severity.at(0).type, "CVSS_V4");
  EXPECT_EQ(a.affected[1].name, "Foo_Bar");  // other ecosystems keep their names
  EXPECT_EQ(a.affected[1].ranges[0].events[1].kind, Event::Kind::kLastAffected);
}

TEST(Osv, KeepsWithdrawnAndDebianUrgency) {
  Advisory a = parse_osv(R"({"id": "X-1", "withdrawn": "2021-01-01T00:00:00Z",
    "affected": [{"package": {"ecosystem": "Debian:11", "name": "openssl"},
                  "ecosystem_specific": {"urgency": "high"}}]})",
                         "t");
  EXPECT_EQ(a.withdrawn, "2021-01-01T00:00:00Z");
  EXPECT_EQ(a.affected.at(0).severity_text, "high");
  EXPECT_TRUE(a.affected.at(0).ranges.empty());
}

TEST(Osv, NormalisesPythonNamesOnly) {
  EXPECT_EQ(normalise_package_name("PyPI", "Zope.Interface__x--y"), "zope-interface-x-y");
  EXPECT_EQ(normalise_package_name("npm", "jQuery"), "jQuery");
  EXPECT_EQ(normalise_package_name("Debian:12", "Foo_bar"), "Foo_bar");
  EXPECT_EQ(ecosystem_base("Alpine:v3.18"), "Alpine");
  EXPECT_EQ(ecosystem_base("npm"), "npm");
}

TEST(Osv, MalformedDocumentsGiveErrorsNamingTheOrigin) {
  EXPECT_THAT(error_of(""), HasSubstr("PyPI/all.zip:X.json: not valid JSON"));
  EXPECT_THAT(error_of("{\"id\": \"X\""), HasSubstr("not valid JSON"));
  EXPECT_THAT(error_of("[]"), HasSubstr("must be a JSON object"));
  EXPECT_THAT(error_of("{}"), HasSubstr("no \"id\""));
  EXPECT_THAT(error_of(R"({"id": 5})"), HasSubstr("\"id\" is not a string"));
  EXPECT_THAT(error_of(R"({"id": "X", "aliases": "CVE-1"})"), HasSubstr("\"aliases\" is not an array"));
  EXPECT_THAT(error_of(R"({"id": "X", "aliases": [1]})"), HasSubstr("non-string"));
  EXPECT_THAT(error_of(R"({"id": "X", "affected": {}})"), HasSubstr("\"affected\" is not an array"));
  EXPECT_THAT(error_of(R"({"id": "X", "affected": [{"package": {"name": "a"}}]})"), HasSubstr("lacks"));
  EXPECT_THAT(error_of(R"({"id": "X", "affected": [{"package": {"ecosystem": "npm", "name": "a"},
      "ranges": [{"type": "RANGE", "events": [{"introduced": "0"}]}]}]})"),
              HasSubstr("unknown range type"));
  EXPECT_THAT(error_of(R"({"id": "X", "affected": [{"package": {"ecosystem": "npm", "name": "a"},
      "ranges": [{"type": "SEMVER", "events": []}]}]})"),
              HasSubstr("no events"));
  EXPECT_THAT(error_of(R"({"id": "X", "affected": [{"package": {"ecosystem": "npm", "name": "a"},
      "ranges": [{"type": "SEMVER", "events": [{"introduced": "0", "fixed": "1"}]}]}]})"),
              HasSubstr("exactly one key"));
  EXPECT_THAT(error_of(R"({"id": "X", "affected": [{"package": {"ecosystem": "npm", "name": "a"},
      "ranges": [{"type": "SEMVER", "events": [{"fixed": 1}]}]}]})"),
              HasSubstr("not a non-empty string"));
  EXPECT_THAT(error_of(R"({"id": "X", "severity": [{"type": "CVSS_V3"}]})"), HasSubstr("lacks"));
  EXPECT_THAT(error_of(R"({"id": ")" + std::string(300, 'a') + "\"}"), HasSubstr("longer than 256"));
}

TEST(Osv, HostileInputIsBounded) {
  std::string deep = "{\"id\": \"X\", \"a\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_THAT(error_of(deep), HasSubstr("nested deeper"));
  // Brackets inside strings do not count as nesting.
  EXPECT_NO_THROW(parse_osv("{\"id\": \"X\", \"summary\": \"" + std::string(1000, '[') + "\\\"\"}", "t"));
  std::string huge = "{\"id\": \"X\", \"summary\": \"" + std::string(kMaxOsvDocumentBytes, 'a') + "\"}";
  EXPECT_THAT(error_of(huge), HasSubstr("larger than"));
}

}  // namespace
}  // namespace moat::vulndb
