// Vulnerability scanning end to end on real advisories (../shared/vulndata imported through the
// real updater) and real images. Expected findings were checked by hand against the advisory
// documents named in each test.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "base/sha256.h"
#include "fixture_support.h"
#include "match/matcher.h"
#include "match/store_source.h"
#include "support/tar_builder.h"
#include "support/temp_dir.h"
#include "vulndb/store.h"
#include "vulndb/update.h"

namespace {

using moat::test::fixtures_dir;
namespace fs = std::filesystem;

class VulnScan : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new moat::test::TempDir();
    std::string mirror = "file://" + fs::canonical(fs::path(MOAT_SOURCE_DIR) / "../shared/vulndata").string();
    moat::vulndb::update_database(mirror, db(), {"Debian", "Alpine", "PyPI", "Go", "RubyGems", "Packagist", "npm"});
  }
  static void TearDownTestSuite() { delete dir_; }
  static fs::path db() { return dir_->path() / "advisories.db"; }

  static moat::match::VulnReport scan(const fs::path& target) {
    auto inv = moat::inventory::scan_target(target.string(), {}).inventory;
    auto store = moat::vulndb::Store::open_readonly(db());
    moat::match::StoreSource source(store);
    return moat::match::match_inventory(inv, source, {});
  }

  static std::set<std::string> ids_for(const moat::match::VulnReport& r, const std::string& package) {
    std::set<std::string> out;
    for (const auto& f : r.findings)
      if (f.package.name == package) {
        out.insert(f.id);
        out.insert(f.aliases.begin(), f.aliases.end());
      }
    return out;
  }

  static const moat::match::Finding* find(const moat::match::VulnReport& r, const std::string& id) {
    for (const auto& f : r.findings)
      if (f.id == id || std::count(f.aliases.begin(), f.aliases.end(), id)) return &f;
    return nullptr;
  }

  static moat::test::TempDir* dir_;
};
moat::test::TempDir* VulnScan::dir_ = nullptr;

// The bullseye fixture plus one layer whose dpkg database records openssl as it was before
// DSA-5343-1 (fixed in 1.1.1n-0+deb11u4): an image built before that advisory.
fs::path bullseye_with_old_openssl(const moat::test::TempDir& tmp) {
  fs::path src = fixtures_dir() / "bullseye/oci", dst = tmp.path() / "old-openssl";
  fs::create_directories(dst / "blobs/sha256");
  for (const auto& e : fs::directory_iterator(src / "blobs/sha256")) fs::create_hard_link(e.path(), dst / "blobs/sha256" / e.path().filename());
  fs::copy_file(src / "oci-layout", dst / "oci-layout");
  auto read_json = [](const fs::path& p) {
    std::ifstream in(p);
    return nlohmann::json::parse(in);
  };
  auto blob = [&](const std::string& digest) { return dst / "blobs/sha256" / digest.substr(7); };
  auto index = read_json(src / "index.json");
  auto manifest = read_json(blob(index["manifests"][0]["digest"]));
  auto config = read_json(blob(manifest["config"]["digest"]));

  std::ifstream in(fixtures_dir() / "bullseye/rootfs/var/lib/dpkg/status");
  std::string status(std::istreambuf_iterator<char>(in), {});
  for (const char* pkg : {"Package: libssl1.1\n", "Package: openssl\n"}) {
    size_t at = status.find(pkg);
    if (at == std::string::npos) continue;
    size_t v = status.find("\nVersion: ", at) + 10, end = status.find('\n', v);
    status.replace(v, end - v, "1.1.1n-0+deb11u3");
  }
  moat::test::TarBuilder layer;
  layer.file("var/lib/dpkg/status", status);
  std::string tar = layer.build();
  std::string digest = moat::sha256_digest(tar);
  std::ofstream(blob(digest), std::ios::binary) << tar;
  config["rootfs"]["diff_ids"].push_back(digest);
  config["history"].push_back({{"created_by", "restore the dpkg database of an old build"}});
  std::string config_text = config.dump();
  std::string config_digest = moat::sha256_digest(config_text);
  std::ofstream(blob(config_digest), std::ios::binary) << config_text;
  manifest["config"]["digest"] = config_digest;
  manifest["config"]["size"] = config_text.size();
  manifest["layers"].push_back({{"mediaType", "application/vnd.oci.image.layer.v1.tar"}, {"digest", digest}, {"size", tar.size()}});
  std::string manifest_text = manifest.dump();
  std::string manifest_digest = moat::sha256_digest(manifest_text);
  std::ofstream(blob(manifest_digest), std::ios::binary) << manifest_text;
  index["manifests"][0]["digest"] = manifest_digest;
  index["manifests"][0]["size"] = manifest_text.size();
  std::ofstream(dst / "index.json") << index.dump();
  return dst;
}

}  // namespace

TEST_F(VulnScan, OldOpensslInBullseyeMatchesItsDsaBySourcePackage) {
  MOAT_REQUIRE_FIXTURE("bullseye");
  moat::test::TempDir tmp;
  auto report = scan(bullseye_with_old_openssl(tmp));
  // DSA-5343-1 (CVE-2023-0215, CVE-2023-0286, ...): Debian:11 openssl, fixed 1.1.1n-0+deb11u4.
  auto libssl = ids_for(report, "libssl1.1");
  EXPECT_TRUE(libssl.count("DSA-5343-1")) << "libssl1.1 is built from source package openssl";
  const auto* f = find(report, "DSA-5343-1");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->fixed_version, "1.1.1n-0+deb11u4");
  EXPECT_EQ(f->data_source, "Debian:11");
  EXPECT_EQ(f->id.rfind("CVE-", 0), 0u) << "a CVE alias is the finding's id";
  EXPECT_EQ(f->package.layer, report.inventory.layers.back().diff_id);
  // The unmodified image has the fixed version: nothing outside the ranges is reported.
  auto clean = scan(fixtures_dir() / "bullseye/oci");
  EXPECT_TRUE(ids_for(clean, "libssl1.1").empty());
  EXPECT_TRUE(clean.not_covered.empty());
}

TEST_F(VulnScan, ReleaseWithoutAdvisoriesIsUncheckedNotClean) {
  MOAT_REQUIRE_FIXTURE("bookworm");
  auto report = scan(fixtures_dir() / "bookworm/docker.tar");
  ASSERT_FALSE(report.not_covered.empty());
  EXPECT_EQ(report.not_covered[0].data_source, "Debian:12");
  EXPECT_EQ(report.not_covered[0].packages, moat::test::read_lines(fixtures_dir() / "bookworm/expected/dpkg.txt").size());
  // Go binaries installed by dpkg still carry their compiled-in toolchain: GO-2023-1751 is fixed in 1.19.9.
  const auto* go = find(report, "GO-2023-1751");
  ASSERT_NE(go, nullptr);
  EXPECT_EQ(go->package.name, "stdlib");
  EXPECT_EQ(go->fixed_version, "1.19.9");
}

TEST_F(VulnScan, NodeAppLodashMatchesOnlyTheAdvisoryWhoseRangeHoldsIt) {
  MOAT_REQUIRE_FIXTURE("node-app");
  auto report = scan(fixtures_dir() / "node-app/oci");
  // lodash 4.17.15: NSWG-ECO-516 is introduced 4.17.15, fixed 4.17.19; NSWG-ECO-368 (fixed 4.17.5)
  // and NSWG-ECO-493 (fixed 4.17.11) are behind it.
  EXPECT_EQ(ids_for(report, "lodash"), std::set<std::string>{"NSWG-ECO-516"});
  EXPECT_EQ(find(report, "NSWG-ECO-516")->fixed_version, "4.17.19");
}

TEST_F(VulnScan, ProjectDirectoryLockFilesAndInstalledPythonPackages) {
  moat::test::TempDir project;
  project.write("package-lock.json", R"({"name":"app","version":"1.0.0","lockfileVersion":3,"packages":{
    "":{"name":"app","version":"1.0.0","dependencies":{"lodash":"4.17.4"}},
    "node_modules/lodash":{"version":"4.17.4","resolved":"https://registry.npmjs.org/lodash/-/lodash-4.17.4.tgz"}}})");
  project.write("Gemfile.lock", "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (2.0.6)\n\nPLATFORMS\n  ruby\n\n"
                                "DEPENDENCIES\n  rack\n\nBUNDLED WITH\n   2.3.27\n");
  project.write("composer.lock", R"({"packages":[{"name":"guzzlehttp/guzzle","version":"7.4.2","type":"library"}],"packages-dev":[]})");
  project.write("venv/lib/python3.11/site-packages/urllib3-1.24.2.dist-info/METADATA",
                "Metadata-Version: 2.1\nName: urllib3\nVersion: 1.24.2\nLicense: MIT\n\n");
  auto report = scan(project.path());
  // npm lodash 4.17.4: NSWG-ECO-368 (fixed 4.17.5), NSWG-ECO-493 (fixed 4.17.11).
  auto lodash = ids_for(report, "lodash");
  EXPECT_TRUE(lodash.count("NSWG-ECO-368") && lodash.count("NSWG-ECO-493") && !lodash.count("NSWG-ECO-516"));
  // rack 2.0.6: CVE-2020-8161 (fixed 2.1.3) and CVE-2022-44572 (fixed 2.0.9.2); not CVE-2018-16471 (fixed 2.0.6).
  auto rack = ids_for(report, "rack");
  EXPECT_TRUE(rack.count("CVE-2020-8161") && rack.count("CVE-2022-44572"));
  EXPECT_FALSE(rack.count("CVE-2018-16471"));
  // guzzle 7.4.2: seven advisories from 7.4.3 to 7.12.1; not CVE-2016-5385 (6.x and older).
  auto guzzle = ids_for(report, "guzzlehttp/guzzle");
  EXPECT_TRUE(guzzle.count("CVE-2022-29248") && guzzle.count("CVE-2022-31091") && guzzle.count("CVE-2026-55767"));
  EXPECT_FALSE(guzzle.count("CVE-2016-5385"));
  size_t guzzle_findings = 0;
  for (const auto& f : report.findings) guzzle_findings += f.package.name == "guzzlehttp/guzzle";
  EXPECT_EQ(guzzle_findings, 7u);
  // urllib3 1.24.2: PYSEC-2019-132 / CVE-2019-11236 (fixed 1.24.3); not PYSEC-2018-32 (fixed 1.23).
  auto urllib3 = ids_for(report, "urllib3");
  EXPECT_TRUE(urllib3.count("CVE-2019-11236") && urllib3.count("PYSEC-2019-132"));
  EXPECT_FALSE(urllib3.count("PYSEC-2018-32"));
  EXPECT_EQ(find(report, "CVE-2019-11236")->fixed_version, "1.24.3");
}

TEST_F(VulnScan, CliGatesOnSeverityAndExitCode) {
  MOAT_REQUIRE_FIXTURE("node-app");
  std::string moat = std::string(MOAT_BINARY_DIR) + "/moat image " + (fixtures_dir() / "node-app/oci").string() +
                     " --no-cache --db " + db().string() + " --exit-code 5 -f json -o /dev/null";
  EXPECT_EQ(WEXITSTATUS(std::system(moat.c_str())), 5);  // lodash's MEDIUM finding remains
  EXPECT_EQ(WEXITSTATUS(std::system((moat + " --severity CRITICAL").c_str())), 0);
  moat::test::TempDir tmp;
  tmp.write("ignore.yaml", "vulnerabilities:\n  - id: NSWG-ECO-516\n    reason: not reachable from our code\n    expires: 2099-01-01\n");
  EXPECT_EQ(WEXITSTATUS(std::system((moat + " --ignorefile " + tmp.str() + "/ignore.yaml").c_str())), 0);
}
