#include "misconfig/os_eol.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

using namespace moat::misconfig;
using namespace std::chrono;

namespace {

system_clock::time_point at(int y, unsigned m, unsigned d) { return sys_days(year(y) / month(m) / day(d)); }

std::multiset<std::string> ids(const std::vector<ConfigFinding>& found) {
  std::multiset<std::string> out;
  for (const auto& f : found) out.insert(f.rule_id);
  return out;
}

TEST(OsEol, TableIsComplete) {
  std::set<std::string> seen;
  for (const auto& r : os_releases()) {
    EXPECT_TRUE(seen.insert(std::string(r.os_id) + " " + std::string(r.cycle)).second) << r.os_id << " " << r.cycle;
    EXPECT_LE(r.security_end, r.eol) << r.os_id << " " << r.cycle;
    EXPECT_GT(r.security_end, sys_days(year(2015) / 1 / 1)) << r.os_id << " " << r.cycle;
  }
  for (int v = 7; v <= 13; ++v) EXPECT_TRUE(seen.count("debian " + std::to_string(v))) << v;
  for (int v = 0; v <= 22; ++v) EXPECT_TRUE(seen.count("alpine 3." + std::to_string(v))) << v;
  for (const char* v : {"16.04", "18.04", "20.04", "22.04", "24.04"})
    EXPECT_TRUE(seen.count(std::string("ubuntu ") + v));
}

TEST(OsEol, VersionForms) {
  struct Case {
    const char* id;
    const char* version;
    const char* cycle;  // nullptr: not known
  };
  const Case cases[] = {
      {"debian", "12", "12"},
      {"debian", "12.5", "12"},
      {"Debian", "11", "11"},
      {"debian", "7", "7"},
      {"alpine", "3.19.1", "3.19"},
      {"alpine", "3.19", "3.19"},
      {"alpine", "3.0.6", "3.0"},
      {"alpine", "3.22.0", "3.22"},
      {"alpine", "3.21_alpha20240807", "3.21"},
      {"ubuntu", "22.04", "22.04"},
      {"ubuntu", "20.04.6", "20.04"},
      // unknown distributions and versions: no answer
      {"fedora", "39", nullptr},
      {"debian", "", nullptr},
      {"debian", "sid", nullptr},
      {"debian", "6", nullptr},
      {"debian", "14", nullptr},
      {"alpine", "edge", nullptr},
      {"alpine", "3", nullptr},
      {"alpine", "3.99", nullptr},
      {"alpine", "2.7", nullptr},
      {"ubuntu", "22.4", nullptr},
      {"ubuntu", "22", nullptr},
      {"", "12", nullptr},
      {"debian", "99999999999999999999", nullptr},
  };
  for (const auto& c : cases) {
    auto r = find_os_release(c.id, c.version);
    if (c.cycle == nullptr) {
      EXPECT_FALSE(r.has_value()) << c.id << " " << c.version;
      EXPECT_TRUE(check_base_os(c.id, c.version, at(2040, 1, 1)).empty()) << c.id << " " << c.version;
    } else {
      ASSERT_TRUE(r.has_value()) << c.id << " " << c.version;
      EXPECT_EQ(r->cycle, c.cycle);
    }
  }
}

TEST(OsEol, DebianLifecycle) {
  // bullseye: security team until 2024-08-14, LTS until 2026-08-31.
  EXPECT_TRUE(check_base_os("debian", "11", at(2024, 1, 1)).empty());
  EXPECT_EQ(ids(check_base_os("debian", "11", at(2025, 1, 1))), (std::multiset<std::string>{"MOAT-IMG-022"}));
  EXPECT_EQ(ids(check_base_os("debian", "11", at(2026, 7, 1))),
            (std::multiset<std::string>{"MOAT-IMG-021", "MOAT-IMG-022"}));
  auto eol = check_base_os("debian", "11", at(2026, 11, 23));
  ASSERT_EQ(ids(eol), (std::multiset<std::string>{"MOAT-IMG-020"}));
  EXPECT_EQ(eol[0].message, "debian 11 (bullseye) reached the end of LTS support on 2026-08-31");
  EXPECT_EQ(eol[0].object, "base OS debian 11 (bullseye)");
  EXPECT_EQ(eol[0].level, Level::High);
  // bookworm on the day these tests were written: LTS only.
  auto lts = check_base_os("debian", "12", at(2026, 11, 23));
  ASSERT_EQ(ids(lts), (std::multiset<std::string>{"MOAT-IMG-022"}));
  EXPECT_EQ(lts[0].message,
            "debian 12 (bookworm) left regular security support on 2026-06-10; Debian LTS covers it until 2028-06-30");
  EXPECT_EQ(ids(check_base_os("debian", "9", at(2026, 11, 23))), (std::multiset<std::string>{"MOAT-IMG-020"}));
  EXPECT_TRUE(check_base_os("debian", "13", at(2026, 11, 23)).empty());
}

TEST(OsEol, WarningWindowBoundaries) {
  // alpine 3.21: end of support 2026-11-01.
  auto eol = sys_days(year(2026) / November / 1);
  EXPECT_EQ(ids(check_base_os("alpine", "3.21.3", eol)), (std::multiset<std::string>{"MOAT-IMG-020"}));
  EXPECT_EQ(ids(check_base_os("alpine", "3.21.3", eol - seconds(1))), (std::multiset<std::string>{"MOAT-IMG-021"}));
  EXPECT_EQ(ids(check_base_os("alpine", "3.21.3", eol - days(90))), (std::multiset<std::string>{"MOAT-IMG-021"}));
  EXPECT_TRUE(check_base_os("alpine", "3.21.3", eol - days(91)).empty());
  auto soon = check_base_os("alpine", "3.21", eol - days(30));
  ASSERT_EQ(soon.size(), 1u);
  EXPECT_EQ(soon[0].message, "alpine 3.21 reaches the end of security support on 2026-11-01");
  EXPECT_EQ(soon[0].level, Level::Low);
  EXPECT_EQ(ids(check_base_os("alpine", "3.19.1", at(2026, 1, 1))), (std::multiset<std::string>{"MOAT-IMG-020"}));
  auto focal = check_base_os("ubuntu", "20.04", at(2026, 1, 1));
  ASSERT_EQ(focal.size(), 1u);
  EXPECT_EQ(focal[0].message, "ubuntu 20.04 (focal) reached the end of standard support on 2025-05-31");
  EXPECT_TRUE(check_base_os("ubuntu", "24.04", at(2026, 1, 1)).empty());
}

// The os-release of the real fixture root file systems names releases the table knows.
TEST(OsEolFixtures, FixtureReleasesAreKnown) {
  const char* dir = std::getenv("MOAT_FIXTURES");
  if (!dir) GTEST_SKIP() << "MOAT_FIXTURES is not set: run scripts/test.sh, which builds the real images";
  const std::map<std::string, std::string> expect = {{"bookworm", "12"}, {"bullseye", "11"}};
  for (const auto& [image, cycle] : expect) {
    std::ifstream in(std::filesystem::path(dir) / image / "rootfs" / "etc" / "os-release");
    ASSERT_TRUE(in) << image;
    std::map<std::string, std::string> kv;
    for (std::string line; std::getline(in, line);) {
      auto eq = line.find('=');
      if (eq == std::string::npos) continue;
      std::string v = line.substr(eq + 1);
      if (v.size() >= 2 && v.front() == '"') v = v.substr(1, v.size() - 2);
      kv[line.substr(0, eq)] = v;
    }
    auto r = find_os_release(kv["ID"], kv["VERSION_ID"]);
    ASSERT_TRUE(r.has_value()) << image;
    EXPECT_EQ(r->cycle, cycle);
    EXPECT_EQ(r->codename, kv["VERSION_CODENAME"]);
  }
}

}  // namespace
