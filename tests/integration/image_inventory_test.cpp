// moat's inventory of real Debian images equals what each ecosystem's own tool reports inside the
// same root file system (recorded by scripts/fixtures/build.sh in <fixture>/expected/).
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>

#include "fixture_support.h"
#include "inventory/python.h"

namespace {

using moat::test::fixtures_dir;
using moat::test::name_versions;
using moat::test::read_lines;

// dpkg-query -W -f '${Package} ${Version} ${source:Package} ${source:Version}'
std::set<std::string> dpkg_expected(const std::string& fixture) {
  auto lines = read_lines(fixtures_dir() / fixture / "expected/dpkg.txt");
  return {lines.begin(), lines.end()};
}

std::set<std::string> dpkg_actual(const moat::inventory::Inventory& inv) {
  std::set<std::string> out;
  for (const auto& p : inv.packages)
    if (p.ecosystem == "deb")
      out.insert(p.name + " " + p.version + " " + p.source_name + " " +
                 (p.source_version.empty() ? p.version : p.source_version));
  return out;
}

// importlib.metadata "Name Version" lines; moat stores PEP 503 names.
std::set<std::string> python_expected(const std::string& fixture) {
  std::set<std::string> out;
  for (const auto& line : read_lines(fixtures_dir() / fixture / "expected/python.txt")) {
    auto sp = line.find(' ');
    out.insert(moat::inventory::normalize_pypi_name(line.substr(0, sp)) + line.substr(sp));
  }
  return out;
}

// `gem list --local`: "name (1.0, default: 2.0)"
std::set<std::string> gem_expected(const std::string& fixture) {
  std::set<std::string> out;
  for (const auto& line : read_lines(fixtures_dir() / fixture / "expected/gem.txt")) {
    auto open = line.find(" (");
    if (open == std::string::npos || line.back() != ')') continue;
    std::string name = line.substr(0, open);
    std::stringstream versions(line.substr(open + 2, line.size() - open - 3));
    for (std::string v; std::getline(versions, v, ',');) {
      v.erase(0, v.find_first_not_of(' '));
      if (v.rfind("default: ", 0) == 0) v = v.substr(9);
      out.insert(name + " " + v);
    }
  }
  return out;
}

// `go version -m` per binary: "file: goX", then "\tmod|dep path version", "\t=> path version".
std::map<std::string, std::set<std::string>> go_expected(const std::string& fixture) {
  std::map<std::string, std::set<std::string>> out;
  std::string file, last_dep;
  for (const auto& line : read_lines(fixtures_dir() / fixture / "expected/go.txt")) {
    if (line[0] != '\t') {
      auto colon = line.rfind(": go");
      file = line.substr(0, colon);
      std::string v = line.substr(colon + 4);
      out[file].insert("stdlib v" + v);
      continue;
    }
    std::stringstream ss(line.substr(1));
    std::string kind, path, version;
    ss >> kind >> path >> version;
    if (kind == "mod") out[file].insert(path + " " + (version == "(devel)" ? "" : version));
    if (kind == "dep") {
      last_dep = path + " " + version;
      out[file].insert(last_dep);
    }
    if (kind == "=>") {
      out[file].erase(last_dep);
      out[file].insert(version.empty() ? last_dep.substr(0, last_dep.find(' ')) + " " : path + " " + version);
    }
  }
  return out;
}

std::map<std::string, std::set<std::string>> go_actual(const moat::inventory::Inventory& inv) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& p : inv.packages)
    if (p.ecosystem == "golang") out[p.found_in].insert(p.name + " " + p.version);
  return out;
}

std::string diff(const std::set<std::string>& want, const std::set<std::string>& got) {
  std::string s;
  for (const auto& w : want)
    if (!got.count(w)) s += "  missing: " + w + "\n";
  for (const auto& g : got)
    if (!want.count(g)) s += "  extra:   " + g + "\n";
  return s;
}

void expect_matches_tools(const std::string& fixture, const moat::inventory::Inventory& inv) {
  auto want_dpkg = dpkg_expected(fixture);
  EXPECT_GT(want_dpkg.size(), 80u);
  EXPECT_EQ(dpkg_actual(inv), want_dpkg) << diff(want_dpkg, dpkg_actual(inv));
  auto want_py = python_expected(fixture);
  EXPECT_EQ(name_versions(inv, "pypi"), want_py) << diff(want_py, name_versions(inv, "pypi"));
  if (std::filesystem::exists(fixtures_dir() / fixture / "expected/gem.txt")) {
    auto want_gem = gem_expected(fixture);
    EXPECT_EQ(name_versions(inv, "gem"), want_gem) << diff(want_gem, name_versions(inv, "gem"));
  }
  auto want_go = go_expected(fixture);
  auto got_go = go_actual(inv);
  EXPECT_FALSE(want_go.empty());
  for (const auto& [file, mods] : want_go) EXPECT_EQ(got_go[file], mods) << file << "\n" << diff(mods, got_go[file]);
  EXPECT_EQ(got_go.size(), want_go.size());
}

class Fixture : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(Fixture, DockerArchiveMatchesEachEcosystemsOwnTool) {
  MOAT_REQUIRE_FIXTURE(GetParam());
  auto inv = moat::test::scan(fixtures_dir() / GetParam() / "docker.tar");
  ASSERT_TRUE(inv.os);
  EXPECT_EQ(inv.os->id, "debian");
  EXPECT_EQ(inv.os->version_id, GetParam() == "bookworm" ? "12" : "11");
  std::vector<std::string> layers;
  for (const auto& l : inv.layers) layers.push_back(l.diff_id);
  EXPECT_EQ(layers, read_lines(fixtures_dir() / GetParam() / "expected/layers.txt"));
  expect_matches_tools(GetParam(), inv);
}

TEST_P(Fixture, EveryImageLayoutAndTheRootFsGiveTheSameInventory) {
  MOAT_REQUIRE_FIXTURE(GetParam());
  auto reference = moat::test::scan(fixtures_dir() / GetParam() / "docker.tar");
  auto key = [](const moat::inventory::Inventory& inv, bool with_layer) {
    std::set<std::string> s;
    for (const auto& p : inv.packages)
      s.insert(p.ecosystem + " " + p.name + " " + p.version + " " + p.found_in + " " + p.owner + " " +
               (with_layer ? p.layer : ""));
    return s;
  };
  for (const char* layout : {"oci", "oci.tar", "docker-oci.tar"}) {
    auto path = fixtures_dir() / GetParam() / layout;
    if (!std::filesystem::exists(path)) continue;
    SCOPED_TRACE(layout);
    EXPECT_EQ(key(moat::test::scan(path), true), key(reference, true));
  }
  auto rootfs = moat::test::scan(fixtures_dir() / GetParam() / "rootfs");
  EXPECT_EQ(key(rootfs, false), key(reference, false)) << diff(key(reference, false), key(rootfs, false));
}

TEST_P(Fixture, LanguagePackagesInstalledByDpkgAreOwnedByTheirDebianPackage) {
  MOAT_REQUIRE_FIXTURE(GetParam());
  auto inv = moat::test::scan(fixtures_dir() / GetParam() / "docker.tar");
  std::map<std::string, std::string> owner;
  for (const auto& p : inv.packages) owner[p.ecosystem + ":" + p.name] = p.owner;
  EXPECT_EQ(owner["pypi:six"], "deb:python3-six");
  if (GetParam() == "bookworm") {
    EXPECT_EQ(owner["pypi:requests"], "deb:python3-requests");
    EXPECT_EQ(owner["pypi:urllib3"], "deb:python3-urllib3");
    EXPECT_EQ(owner["gem:rack"], "deb:ruby-rack");
  }
  // Everything in these images came from apt, so every language package has an owner.
  for (const auto& p : inv.packages) {
    if (p.ecosystem != "deb") {
      EXPECT_FALSE(p.owner.empty()) << p.ecosystem << " " << p.name << " at " << p.found_in;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Debian, Fixture, ::testing::Values("bookworm", "bullseye"));
