// The Node application image against `npm ls --all --json`, the layer cache across images that
// share a base layer, and platform selection from a real multi-arch OCI index.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fixture_support.h"
#include "support/temp_dir.h"

namespace {

using moat::test::fixtures_dir;

void collect_npm(const nlohmann::json& deps, std::set<std::string>& out) {
  for (const auto& [name, d] : deps.items()) {
    if (d.contains("version")) out.insert(name + " " + d["version"].get<std::string>());
    if (d.contains("dependencies")) collect_npm(d["dependencies"], out);
  }
}

}  // namespace

TEST(NodeApp, InstalledModulesEqualNpmLs) {
  MOAT_REQUIRE_FIXTURE("node-app");
  std::ifstream in(fixtures_dir() / "node-app/expected/npm.txt");
  auto ls = nlohmann::json::parse(in);
  std::set<std::string> want;
  collect_npm(ls["dependencies"], want);
  ASSERT_TRUE(want.count("lodash 4.17.15"));
  ASSERT_TRUE(want.count("minimist 1.2.0"));
  for (const char* layout : {"oci", "docker.tar"}) {
    SCOPED_TRACE(layout);
    auto inv = moat::test::scan(fixtures_dir() / "node-app" / layout);
    std::set<std::string> got;
    for (const auto& p : inv.packages)
      if (p.ecosystem == "npm" && p.found_in.rfind("/app/node_modules/", 0) == 0) got.insert(p.name + " " + p.version);
    EXPECT_EQ(got, want);
    for (const auto& p : inv.packages) {
      if (p.ecosystem == "npm") {
        EXPECT_EQ(p.layer, inv.layers.back().diff_id) << p.name;
      }
    }
  }
}

TEST(NodeApp, SharedBaseLayerComesFromTheCacheOfAnotherImage) {
  MOAT_REQUIRE_FIXTURE("node-app");
  MOAT_REQUIRE_FIXTURE("bookworm");
  moat::test::TempDir cache;
  moat::inventory::ScanOptions opts;
  opts.cache_dir = cache.path();
  auto first = moat::inventory::scan_target((fixtures_dir() / "bookworm/oci").string(), opts);
  EXPECT_EQ(first.layers_from_cache, 0u);
  auto second = moat::inventory::scan_target((fixtures_dir() / "node-app/oci").string(), opts);
  EXPECT_EQ(second.layers_from_cache, 1u);  // debootstrap layer, byte for byte bookworm's
  auto uncached = moat::inventory::scan_target((fixtures_dir() / "node-app/oci").string(), {});
  ASSERT_EQ(second.inventory.packages.size(), uncached.inventory.packages.size());
  for (size_t i = 0; i < uncached.inventory.packages.size(); ++i) {
    EXPECT_EQ(second.inventory.packages[i].name, uncached.inventory.packages[i].name);
    EXPECT_EQ(second.inventory.packages[i].layer, uncached.inventory.packages[i].layer);
  }
}

TEST(Bookworm, WhiteoutsAndOpaqueDirectoriesHideLowerFiles) {
  MOAT_REQUIRE_FIXTURE("bookworm");
  auto inv = moat::test::scan(fixtures_dir() / "bookworm/docker.tar");
  bool chardet_deb = false, chardet_pypi = false;
  for (const auto& p : inv.packages) {
    chardet_deb = chardet_deb || (p.ecosystem == "deb" && p.name == "python3-chardet");
    chardet_pypi = chardet_pypi || (p.ecosystem == "pypi" && p.name == "chardet");
  }
  EXPECT_TRUE(chardet_deb);
  EXPECT_FALSE(chardet_pypi) << "chardet's dist-info was deleted by a whiteout in layer 3";
}

TEST(MultiArch, PlatformPicksTheImageFromTheIndex) {
  MOAT_REQUIRE_FIXTURE("multiarch");
  for (const char* layout : {"oci", "oci.tar"}) {
    SCOPED_TRACE(layout);
    auto amd = moat::test::scan(fixtures_dir() / "multiarch" / layout);
    auto arm = moat::test::scan(fixtures_dir() / "multiarch" / layout, "linux/arm64");
    auto layers = [](const moat::inventory::Inventory& inv) {
      std::vector<std::string> out;
      for (const auto& l : inv.layers) out.push_back(l.diff_id);
      return out;
    };
    EXPECT_EQ(layers(amd), moat::test::read_lines(fixtures_dir() / "multiarch/expected/layers-amd64.txt"));
    EXPECT_EQ(layers(arm), moat::test::read_lines(fixtures_dir() / "multiarch/expected/layers-arm64.txt"));
    EXPECT_EQ(amd.architecture, "amd64");
    EXPECT_EQ(arm.architecture, "arm64");
    EXPECT_THROW(moat::test::scan(fixtures_dir() / "multiarch" / layout, "linux/s390x"), moat::Error);
  }
}
