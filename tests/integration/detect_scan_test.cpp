// Secrets, malware and image hardening end to end through the real binary: the planted fixture
// (tests/fixtures/README.md lists what was planted, and where) must give every planted thing, and
// the clean fixtures must give no secret and no malware finding at all.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "fixture_support.h"
#include "report/sbom_fixture.h"
#include "support/run_moat.h"
#include "support/temp_dir.h"

namespace {

using moat::test::fixtures_dir;
using moat::test::run_moat;
using nlohmann::json;

struct Found {
  std::string scanner, rule_id, file, message, object;
};

std::vector<Found> detections(const std::string& args) {
  auto r = run_moat(args + " -f json --no-cache");
  EXPECT_EQ(r.status, 0) << r.err;
  std::vector<Found> out;
  auto doc = json::parse(r.out);
  for (const auto& f : doc.at("detections").at("findings"))
    out.push_back({f.at("scanner"), f.at("rule_id"), f.at("file"), f.at("message"), f.at("object")});
  return out;
}

const Found* find(const std::vector<Found>& all, const std::string& scanner, const std::string& file,
                  const std::string& rule_fragment = "") {
  for (const auto& f : all)
    if (f.scanner == scanner && f.file == file && f.rule_id.find(rule_fragment) != std::string::npos) return &f;
  return nullptr;
}

std::string listing(const std::vector<Found>& all) {
  std::string s;
  for (const auto& f : all) s += f.scanner + " " + f.rule_id + " " + f.file + " " + f.object + "\n";
  return s;
}

TEST(DetectScan, PlantedSecretsAreFoundInEveryLayerIncludingADeletedFile) {
  MOAT_REQUIRE_FIXTURE("planted");
  auto all = detections("image --scanners secret " + (fixtures_dir() / "planted/docker.tar").string());
  for (const char* rule : {"aws-access-key-id", "stripe", "postgres"})
    EXPECT_TRUE(find(all, "secret", "/app/.env", rule)) << rule << " in /app/.env\n" << listing(all);
  EXPECT_TRUE(find(all, "secret", "/app/settings.py", "github")) << listing(all);
  EXPECT_TRUE(find(all, "secret", "/app/settings.py", "slack")) << listing(all);
  const Found* deleted = find(all, "secret", "/app/deleted-later.yml", "gitlab");
  ASSERT_TRUE(deleted) << listing(all);
  EXPECT_NE(deleted->message.find("later layer deletes"), std::string::npos) << deleted->message;
  EXPECT_EQ(deleted->object.rfind("layer 2 ", 0), 0u) << deleted->object;
  // Sensitive files.
  EXPECT_TRUE(find(all, "secret", "/root/.ssh/id_ed25519")) << listing(all);
  EXPECT_TRUE(find(all, "secret", "/root/.aws/credentials")) << listing(all);
  EXPECT_TRUE(find(all, "secret", "/root/.docker/config.json")) << listing(all);
  EXPECT_TRUE(find(all, "secret", "/root/.bash_history")) << listing(all);
  EXPECT_TRUE(find(all, "secret", "/etc/shadow")) << listing(all);
  // The image config's environment.
  EXPECT_TRUE(find(all, "secret", "(image config)", "github")) << listing(all);
  // Redacted: no finding repeats a planted secret whole.
  for (const auto& f : all) {
    EXPECT_EQ(f.message.find("q8Xv2LrT5nWb9Ke3Hs7Yd1Fg4Jm6Pz0Ac8Ru2Tw5"), std::string::npos) << f.message;
    EXPECT_EQ(f.message.find("ghp_R8kT2vLq9XmN4bWz7Hc3Jd6Fp1Gs5Ya0Ue8Q"), std::string::npos) << f.message;
  }
}

TEST(DetectScan, PlantedMalwareAndWebshellsAreFound) {
  MOAT_REQUIRE_FIXTURE("planted");
  auto all = detections("image --scanners malware " + (fixtures_dir() / "planted/oci.tar").string());
  EXPECT_TRUE(find(all, "malware", "/opt/miner/config.json")) << listing(all);
  EXPECT_TRUE(find(all, "malware", "/opt/tools/update.sh")) << listing(all);
  EXPECT_TRUE(find(all, "malware", "/var/www/html/upload.php", "webshell")) << listing(all);
  EXPECT_TRUE(find(all, "malware", "/var/www/html/cache.php", "webshell")) << listing(all);
  for (const auto& f : all) EXPECT_EQ(f.scanner, "malware");
}

// User rules run beside the bundled ones through the prefilter; a rule that can match without any of
// its strings makes every file go through libyara whole, and moat says so before the scan.
TEST(DetectScan, UserYaraRulesRunBesideBundledAndSayWhenTheyCostFullScans) {
  MOAT_REQUIRE_FIXTURE("planted");
  moat::test::TempDir rules;
  const std::string image = (fixtures_dir() / "planted/docker.tar").string();
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(rules.path() / name) << text;
    return (rules.path() / name).string();
  };
  const std::string with_string =
      write("corp.yar", "rule corp_miner { meta: severity = \"HIGH\" strings: $a = \"donate-level\" condition: $a }\n");
  auto r = run_moat("image --no-cache --scanners malware -f json --yara-rules " + with_string + " " + image);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  auto all = detections("image --scanners malware --yara-rules " + with_string + " " + image);
  EXPECT_TRUE(find(all, "malware", "/opt/miner/config.json", "yara:corp_miner")) << listing(all);
  EXPECT_TRUE(find(all, "malware", "/opt/miner/config.json", "yara:moat_xmrig_config")) << listing(all);

  const std::string stringless =
      write("tiny.yar", "rule corp_tiny { meta: severity = \"LOW\" condition: filesize < 3 and filesize > 0 }\n");
  r = run_moat("image --no-cache --scanners malware -f json --yara-rules " + stringless + " " + image);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("warning: YARA rule corp_tiny can match without any of its strings"), std::string::npos)
      << r.err;
}

TEST(DetectScan, PlantedImageConfigAndFileModesAreReported) {
  MOAT_REQUIRE_FIXTURE("planted");
  auto all = detections("image --scanners config " + (fixtures_dir() / "planted/docker.tar").string());
  std::set<std::string> rules;
  for (const auto& f : all) rules.insert(f.rule_id);
  for (const char* id : {"MOAT-IMG-001", "MOAT-IMG-002", "MOAT-IMG-004", "MOAT-IMG-005", "MOAT-IMG-006", "MOAT-IMG-008"})
    EXPECT_TRUE(rules.count(id)) << id << "\n" << listing(all);
  EXPECT_TRUE(find(all, "config", "/opt/tools/update.sh", "MOAT-IMG-030")) << listing(all);  // setuid
}

TEST(DetectScan, CleanFixturesHaveNoSecretsAndNoMalware) {
  for (const char* name : {"bookworm", "bullseye", "node-app"}) {
    MOAT_REQUIRE_FIXTURE(name);
    auto all = detections("image --scanners secret,malware " + (fixtures_dir() / name / "docker.tar").string());
    EXPECT_TRUE(all.empty()) << name << ":\n" << listing(all);
  }
}

TEST(DetectScan, GatingAndFormats) {
  MOAT_REQUIRE_FIXTURE("planted");
  std::string image = (fixtures_dir() / "planted/docker.tar").string();
  EXPECT_EQ(run_moat("image --no-cache --scanners secret --exit-code 5 " + image).status, 5);
  // --severity applies to detections as to vulnerabilities.
  auto r = run_moat("image --no-cache --scanners secret --severity CRITICAL -f json " + image);
  ASSERT_EQ(r.status, 0) << r.err;
  const json doc = json::parse(r.out);
  for (const auto& f : doc["detections"]["findings"]) EXPECT_EQ(f["level"], "CRITICAL") << f.dump();
  auto sarif = run_moat("image --no-cache --scanners secret,malware,config -f sarif " + image);
  ASSERT_EQ(sarif.status, 0) << sarif.err;
  auto log = json::parse(sarif.out);
  ASSERT_EQ(log["runs"].size(), 1u);
  size_t rules = log["runs"][0]["tool"]["driver"]["rules"].size();
  for (const auto& res : log["runs"][0]["results"]) EXPECT_LT(res["ruleIndex"].get<size_t>(), rules);
  std::string validator;
  int valid = moat::report::testing::validate("sarif", sarif.out, validator);
  if (valid != 77) {  // 77: node/npm missing, which the validator says
    EXPECT_EQ(valid, 0) << validator;
  }
  EXPECT_NE(run_moat("image --no-cache --scanners secret -f cyclonedx " + image).status, 0);
  EXPECT_EQ(run_moat("image --no-cache --scanners secrets " + image).status, 2);
}

}  // namespace
