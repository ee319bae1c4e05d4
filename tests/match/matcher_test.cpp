#include "match/matcher.h"

#include <gtest/gtest.h>

#include <map>

#include "base/error.h"
#include "vulndb/osv.h"

namespace {

using moat::inventory::Package;

class ListSource : public moat::match::AdvisorySource {
 public:
  void add(const std::string& json) { all_.push_back(moat::vulndb::parse_osv(json, "test")); }
  std::vector<moat::vulndb::Advisory> advisories(std::string_view eco, std::string_view name) const override {
    std::vector<moat::vulndb::Advisory> out;
    for (const auto& a : all_) {
      auto copy = a;
      copy.affected.clear();
      for (const auto& aff : a.affected)
        if (aff.ecosystem == eco && aff.name == name) copy.affected.push_back(aff);
      if (!copy.affected.empty()) out.push_back(copy);
    }
    return out;
  }
  std::unique_ptr<moat::match::AdvisorySource> clone() const override {
    if (!cloneable) return nullptr;
    return std::make_unique<ListSource>(*this);
  }
  bool cloneable = false;
  bool knows_ecosystem(std::string_view eco) const override {
    for (const auto& a : all_)
      for (const auto& aff : a.affected)
        if (aff.ecosystem == eco) return true;
    return false;
  }

 private:
  std::vector<moat::vulndb::Advisory> all_;
};

std::string osv(const std::string& id, const std::string& aliases, const std::string& eco, const std::string& name,
                const std::string& events, const std::string& extra = "") {
  return R"({"id":")" + id + R"(","modified":"2023-01-01T00:00:00Z","aliases":[)" + aliases + R"(],"affected":[{"package":{"ecosystem":")" +
         eco + R"(","name":")" + name + R"("},"ranges":[{"type":"ECOSYSTEM","events":[)" + events + "]}]}]" + extra + "}";
}

Package pkg(const std::string& eco, const std::string& name, const std::string& version,
            const std::string& source = "", const std::string& source_version = "") {
  Package p;
  p.ecosystem = eco;
  p.name = name;
  p.version = version;
  p.source_name = source;
  p.source_version = source_version;
  p.found_in = "/x";
  return p;
}

moat::inventory::Inventory debian11(std::vector<Package> pkgs) {
  moat::inventory::Inventory inv;
  inv.os = moat::inventory::OsRelease{"debian", "11", "Debian 11", "bullseye"};
  inv.packages = std::move(pkgs);
  return inv;
}

}  // namespace

TEST(Matcher, OsvRangeSemantics) {
  ListSource s;
  s.add(osv("PYSEC-1", "", "PyPI", "urllib3", R"({"introduced":"0"},{"fixed":"1.26.5"},{"introduced":"2.0.0"},{"fixed":"2.0.3"})"));
  s.add(osv("PYSEC-2", "", "PyPI", "urllib3", R"({"introduced":"1.25"},{"last_affected":"1.26.4"})"));
  s.add(osv("PYSEC-3", "", "PyPI", "urllib3", R"({"introduced":"1.0"},{"limit":"1.2"})"));
  auto count = [&](const std::string& v) {
    moat::inventory::Inventory inv;
    inv.packages = {pkg("pypi", "urllib3", v)};
    return moat::match::match_inventory(inv, s, {}).findings.size();
  };
  EXPECT_EQ(count("1.26.4"), 2u);  // PYSEC-1 and PYSEC-2
  EXPECT_EQ(count("1.26.5"), 0u);  // fixed, and past last_affected
  EXPECT_EQ(count("2.0.2"), 1u);   // second introduced..fixed interval
  EXPECT_EQ(count("2.0.3"), 0u);
  EXPECT_EQ(count("1.1"), 2u);     // PYSEC-1 and inside PYSEC-3's limit
  EXPECT_EQ(count("1.2"), 1u);     // limit is exclusive
}

TEST(Matcher, ExplicitVersionsListAndFixedVersion) {
  ListSource s;
  s.add(R"({"id":"GHSA-x","modified":"2023-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"minimist"},
    "versions":["1.2.0"],"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"0.2.1"},{"introduced":"1.0.0"},{"fixed":"1.2.3"}]}]}]})");
  moat::inventory::Inventory inv;
  inv.packages = {pkg("npm", "minimist", "1.2.0"), pkg("npm", "minimist", "1.2.3"), pkg("npm", "minimist", "0.2.0")};
  auto r = moat::match::match_inventory(inv, s, {});
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].package.version, "0.2.0");
  EXPECT_EQ(r.findings[0].fixed_version, "0.2.1");
  EXPECT_EQ(r.findings[1].package.version, "1.2.0");
  EXPECT_EQ(r.findings[1].fixed_version, "1.2.3");
}

TEST(Matcher, OsPackagesMatchBySourcePackageAndRelease) {
  ListSource s;
  s.add(osv("DSA-5139-1", R"("CVE-2022-1292")", "Debian:11", "openssl", R"({"introduced":"0"},{"fixed":"1.1.1o-1"})"));
  s.add(osv("DLA-3008-1", R"("CVE-2022-1292")", "Debian:10", "openssl", R"({"introduced":"0"},{"fixed":"1.1.1n-0+deb10u2"})"));
  auto inv = debian11({pkg("deb", "libssl1.1", "1.1.1n-0+deb11u1", "openssl"), pkg("deb", "openssl", "1.1.1o-1", "openssl")});
  auto r = moat::match::match_inventory(inv, s, {});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].package.name, "libssl1.1");
  EXPECT_EQ(r.findings[0].id, "CVE-2022-1292");
  EXPECT_EQ(r.findings[0].aliases, std::vector<std::string>{"DSA-5139-1"});
  EXPECT_EQ(r.findings[0].fixed_version, "1.1.1o-1");
  EXPECT_EQ(r.findings[0].data_source, "Debian:11");
}

TEST(Matcher, BinNmuIsJudgedByItsSourceVersion) {
  ListSource s;
  s.add(osv("DSA-1", R"("CVE-2000-1")", "Debian:11", "bash", R"({"introduced":"0"},{"fixed":"5.1-2+deb11u1"})"));
  auto inv = debian11({pkg("deb", "bash", "5.1-2+b3", "bash", "5.1-2")});
  auto r = moat::match::match_inventory(inv, s, {});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].package.version, "5.1-2+b3");
}

TEST(Matcher, ReleaseWithoutDataIsReportedNotClean) {
  ListSource s;
  s.add(osv("DSA-1", R"("CVE-2000-1")", "Debian:11", "bash", R"({"introduced":"0"},{"fixed":"5.1-2+deb11u1"})"));
  auto inv = debian11({pkg("deb", "bash", "5.2.15-2", "bash")});
  inv.os->version_id = "12";
  auto r = moat::match::match_inventory(inv, s, {});
  EXPECT_TRUE(r.findings.empty());
  ASSERT_EQ(r.not_covered.size(), 1u);
  EXPECT_EQ(r.not_covered[0].data_source, "Debian:12");
  EXPECT_EQ(r.not_covered[0].packages, 1u);
}

TEST(Matcher, OwnedLanguagePackagesAreJudgedByTheDistribution) {
  ListSource s;
  s.add(osv("PYSEC-2023-192", R"("CVE-2023-43804","GHSA-v845-jxx5-vc9f")", "PyPI", "urllib3",
            R"({"introduced":"0"},{"fixed":"1.26.17"})"));
  auto owned = pkg("pypi", "urllib3", "1.26.12");
  owned.owner = "deb:python3-urllib3";
  moat::inventory::Inventory inv;
  inv.os = moat::inventory::OsRelease{"debian", "12", "", ""};
  inv.packages = {owned};
  EXPECT_TRUE(moat::match::match_inventory(inv, s, {}).findings.empty());
  moat::match::MatchOptions both;
  both.match_owned_language_packages = true;
  auto r = moat::match::match_inventory(inv, s, both);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].id, "CVE-2023-43804");
  EXPECT_EQ(r.findings[0].aliases, (std::vector<std::string>{"GHSA-v845-jxx5-vc9f", "PYSEC-2023-192"}));
}

TEST(Matcher, AliasesMergeIntoOneFindingWithTheBestSeverity) {
  ListSource s;
  s.add(osv("GHSA-aaaa", R"("CVE-2021-1")", "PyPI", "requests", R"({"introduced":"0"},{"fixed":"2.0"})",
            R"(,"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}])"));
  s.add(osv("PYSEC-bbbb", R"("CVE-2021-1")", "PyPI", "requests", R"({"introduced":"0"},{"fixed":"2.1"})"));
  moat::inventory::Inventory inv;
  inv.packages = {pkg("pypi", "Requests", "1.0")};
  auto r = moat::match::match_inventory(inv, s, {});
  ASSERT_EQ(r.findings.size(), 1u);
  const auto& f = r.findings[0];
  EXPECT_EQ(f.id, "CVE-2021-1");
  EXPECT_EQ(f.aliases, (std::vector<std::string>{"GHSA-aaaa", "PYSEC-bbbb"}));
  EXPECT_EQ(f.fixed_version, "2.1");
  EXPECT_EQ(f.severity, moat::match::Severity::Critical);
  EXPECT_DOUBLE_EQ(f.score, 9.8);
  EXPECT_EQ(f.severity_source, "cvss");
}

TEST(Matcher, WithdrawnAdvisoriesAreIgnored) {
  ListSource s;
  s.add(osv("GHSA-w", "", "npm", "lodash", R"({"introduced":"0"},{"fixed":"9.0.0"})", R"(,"withdrawn":"2022-01-01T00:00:00Z")"));
  moat::inventory::Inventory inv;
  inv.packages = {pkg("npm", "lodash", "4.17.15")};
  EXPECT_TRUE(moat::match::match_inventory(inv, s, {}).findings.empty());
}

TEST(Matcher, GoBinariesInstalledByDpkgAreStillMatched) {
  ListSource s;
  s.add(osv("GO-2023-1", R"("CVE-2023-24538")", "Go", "stdlib", R"({"introduced":"0"},{"fixed":"1.19.8"},{"introduced":"1.20.0"},{"fixed":"1.20.3"})"));
  auto go = pkg("golang", "stdlib", "v1.19.7");
  go.owner = "deb:skopeo";
  moat::inventory::Inventory inv;
  inv.packages = {go};
  auto r = moat::match::match_inventory(inv, s, {});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].fixed_version, "1.19.8");
}

TEST(Matcher, TwoThreadsFindExactlyWhatOneFinds) {
  ListSource s;
  moat::inventory::Inventory inv;
  for (int i = 0; i < 600; ++i) {
    std::string name = "pkg" + std::to_string(i);
    s.add(osv("GHSA-" + std::to_string(i), R"("CVE-2020-)" + std::to_string(i) + R"(")", "npm", name,
              R"({"introduced":"0"},{"fixed":"2.0.0"})"));
    inv.packages.push_back(pkg("npm", name, "1.0.0"));
    inv.packages.push_back(pkg("npm", name, "2.0.0"));
  }
  inv.packages.push_back(pkg("pypi", "unknown-to-the-db", "1.0"));
  auto one = moat::match::match_inventory(inv, s, {});
  s.cloneable = true;
  auto two = moat::match::match_inventory(inv, s, {});
  ASSERT_EQ(one.findings.size(), 600u);
  ASSERT_EQ(two.findings.size(), one.findings.size());
  for (size_t i = 0; i < one.findings.size(); ++i) {
    EXPECT_EQ(two.findings[i].id, one.findings[i].id);
    EXPECT_EQ(two.findings[i].package.name, one.findings[i].package.name);
  }
  ASSERT_EQ(two.not_covered.size(), 1u);
  EXPECT_EQ(two.not_covered[0].packages, one.not_covered[0].packages);
}
