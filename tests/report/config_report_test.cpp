// moat config's reports on the real test corpora: SARIF valid against the official schema with
// regions at the offending keys; the walk keeps going past files it cannot parse.
#include "report/config_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "base/error.h"
#include "sbom_fixture.h"
#include "support/temp_dir.h"

namespace moat::report {
namespace {

misconfig::ConfigReport corpus_report() {
  return misconfig::scan_config({std::string(MOAT_SOURCE_DIR) + "/tests/data/misconfig"});
}

TEST(ConfigReport, SarifOfTheWholeCorpusIsValidWithRegions) {
  auto report = corpus_report();
  ASSERT_GT(report.files.size(), 120u);
  ASSERT_GT(report.findings.size(), 100u);
  std::ostringstream out;
  write_config_sarif(report, out);
  std::string output;
  int status = testing::validate("sarif", out.str(), output);
  if (status == 77) GTEST_SKIP() << "node/npm not installed: " << output;
  EXPECT_EQ(status, 0) << output;
  auto doc = nlohmann::json::parse(out.str());
  const auto& results = doc["runs"][0]["results"];
  ASSERT_EQ(results.size(), report.findings.size());
  for (size_t i = 0; i < results.size(); ++i) {
    const auto& region = results[i]["locations"][0]["physicalLocation"]["region"];
    EXPECT_EQ(region["startLine"], std::max(1, report.findings[i].where.line));
    const auto& rules = doc["runs"][0]["tool"]["driver"]["rules"];
    EXPECT_EQ(rules[results[i]["ruleIndex"].get<size_t>()]["id"], results[i]["ruleId"]);
  }
}

TEST(ConfigReport, UnparsableFilesAreListedAndTheRestIsChecked) {
  moat::test::TempDir dir;
  dir.write("app/Dockerfile", "FROM debian:12\nRUN apt-get install curl\n");
  dir.write("app/broken.Dockerfile", "FROM debian:12\nRUNN x\n");
  dir.write("k8s/pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n"
            "    image: nginx\n    securityContext:\n      privileged: true\n");
  dir.write("k8s/bomb.yaml",
            "apiVersion: v1\nkind: ConfigMap\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
            "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
            "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
            "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n");
  dir.write("deploy/stack.yml", "services:\n  web:\n    image: nginx\n    privileged: true\n"
                                "    x-moat-ignore:\n      MOAT-DC-020: pinned by the release pipeline\n"
                                "  cache:\n    image: redis\n");
  dir.write("node_modules/x/Dockerfile", "FROM scratch\n");  // dependency folders are not walked
  dir.write("README.md", "apiVersion kind");
  auto report = misconfig::scan_config({dir.str()});
  std::set<std::string> checked(report.files.begin(), report.files.end());
  EXPECT_TRUE(checked.count(dir.str() + "/app/Dockerfile"));
  EXPECT_TRUE(checked.count(dir.str() + "/k8s/pod.yaml"));
  EXPECT_FALSE(checked.count(dir.str() + "/node_modules/x/Dockerfile"));
  std::set<std::string> failed;
  for (const auto& e : report.errors) failed.insert(e.file);
  EXPECT_TRUE(failed.count(dir.str() + "/app/broken.Dockerfile"));
  EXPECT_TRUE(failed.count(dir.str() + "/k8s/bomb.yaml"));
  std::set<std::string> rules;
  for (const auto& f : report.findings) rules.insert(f.rule_id);
  EXPECT_TRUE(rules.count("MOAT-DF-006"));   // apt-get without -y
  EXPECT_TRUE(rules.count("MOAT-K8S-001"));  // privileged
  EXPECT_TRUE(rules.count("MOAT-DC-001"));   // a Compose file recognised by its content
  // The suppression with a reason removed web's untagged-image finding and is counted; cache's stays.
  size_t untagged = 0;
  for (const auto& f : report.findings) untagged += f.rule_id == "MOAT-DC-020";
  EXPECT_EQ(untagged, 1u);
  EXPECT_EQ(report.suppressed, 1u);
  std::ostringstream table;
  write_config_table(report, table);
  EXPECT_NE(table.str().find("not checked: " + dir.str() + "/app/broken.Dockerfile"), std::string::npos);
  EXPECT_THROW(misconfig::scan_config({dir.str() + "/missing"}), moat::Error);
}

}  // namespace
}  // namespace moat::report
