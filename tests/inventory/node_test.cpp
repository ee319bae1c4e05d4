// Node parsers against lock files and trees made by the real npm, yarn and pnpm
// (tests/data/node/make.sh), checked against what `npm ls --all --json` reports.
#include "inventory/node.h"

#include <gtest/gtest.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "base/error.h"

namespace moat::inventory {
namespace {

namespace fs = std::filesystem;
using NameVersions = std::set<std::string>;

const fs::path kData = fs::path(MOAT_SOURCE_DIR) / "tests/data/node";

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << file;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

NameVersions name_versions(const std::vector<Package>& packages) {
  NameVersions out;
  for (const auto& p : packages) out.insert(p.name + "@" + p.version);
  return out;
}

const Package* find(const std::vector<Package>& packages, const std::string& name,
                    const std::string& version) {
  for (const auto& p : packages) {
    if (p.name == name && p.version == version) return &p;
  }
  return nullptr;
}

// npm ls names an aliased dependency by its alias and gives no real name; the fixture's only
// alias is "ms-alias": "npm:ms@2.0.0".
const std::map<std::string, std::string> kAliases = {{"ms-alias", "ms"}};

void collect_npm_ls(const nlohmann::json& node, NameVersions& out) {
  const auto deps = node.find("dependencies");
  if (deps == node.end()) return;
  for (const auto& [name, dep] : deps->items()) {
    const auto alias = kAliases.find(name);
    out.insert((alias == kAliases.end() ? name : alias->second) + "@" +
               dep.at("version").get<std::string>());
    collect_npm_ls(dep, out);
  }
}

NameVersions npm_ls(const std::string& json_text) {
  NameVersions out;
  collect_npm_ls(nlohmann::json::parse(json_text), out);
  return out;
}

const NameVersions& expected_tree() {
  static const NameVersions tree = npm_ls(read(kData / "npm-ls.json"));
  return tree;
}

TEST(NodeLock, RecordedTreeIsNotTrivial) {
  EXPECT_GT(expected_tree().size(), 60u);
  EXPECT_TRUE(expected_tree().count("@types/node@20.11.30"));
  EXPECT_TRUE(expected_tree().count("ms@2.0.0"));
}

// "pnpm-lock.v9.yaml" -> "pnpm_lock_v9_yaml", for readable test names.
std::string file_param_name(const ::testing::TestParamInfo<const char*>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

class LockMatchesNpmLs : public ::testing::TestWithParam<const char*> {};

TEST_P(LockMatchesNpmLs, SameNameVersionSet) {
  const std::string file = GetParam();
  const std::string content = read(kData / file);
  const std::string path = "/app/" + file;
  std::vector<Package> packages;
  if (file.starts_with("package-lock")) {
    packages = parse_package_lock(content, path);
  } else if (file.starts_with("yarn")) {
    packages = parse_yarn_lock(content, path);
  } else {
    packages = parse_pnpm_lock(content, path);
  }
  EXPECT_EQ(name_versions(packages), expected_tree());
  EXPECT_EQ(packages.size(), name_versions(packages).size()) << "duplicates";
  for (const auto& p : packages) {
    EXPECT_EQ(p.ecosystem, eco::kNpm);
    EXPECT_EQ(p.found_in, path);
    EXPECT_TRUE(p.layer.empty() && p.owner.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Node, LockMatchesNpmLs,
                         ::testing::Values("package-lock.v1.json", "package-lock.v2.json",
                                           "package-lock.v3.json", "yarn.v1.lock",
                                           "yarn.berry.lock", "pnpm-lock.v7.yaml",
                                           "pnpm-lock.v8.yaml", "pnpm-lock.v9.yaml"),
                         file_param_name);

// Lock formats that say which packages only development needs: "is-number" is a devDependency;
// "ms@2.1.3" is one too, but express also needs it, so it is installed for production.
class LockDevFlags : public ::testing::TestWithParam<const char*> {};

TEST_P(LockDevFlags, DevOnlyPackagesAreMarked) {
  const std::string file = GetParam();
  const std::string content = read(kData / file);
  const auto packages = file.starts_with("package-lock") ? parse_package_lock(content, file)
                                                         : parse_pnpm_lock(content, file);
  const Package* is_number = find(packages, "is-number", "7.0.0");
  const Package* ms = find(packages, "ms", "2.1.3");
  const Package* express = find(packages, "express", "4.19.2");
  const Package* react_dom = find(packages, "react-dom", "18.2.0");
  ASSERT_TRUE(is_number && ms && express && react_dom);
  EXPECT_TRUE(is_number->dev);
  EXPECT_FALSE(ms->dev);
  EXPECT_FALSE(express->dev);
  EXPECT_FALSE(react_dom->dev);
  size_t dev_count = 0;
  for (const auto& p : packages) dev_count += p.dev;
  EXPECT_EQ(dev_count, 1u) << "only is-number is for development alone";
}

INSTANTIATE_TEST_SUITE_P(Node, LockDevFlags,
                         ::testing::Values("package-lock.v1.json", "package-lock.v2.json",
                                           "package-lock.v3.json", "pnpm-lock.v7.yaml",
                                           "pnpm-lock.v8.yaml", "pnpm-lock.v9.yaml"),
                         file_param_name);

TEST(NodeLock, PackageLockV3KeepsDeclaredLicenses) {
  const auto packages = parse_package_lock(read(kData / "package-lock.v3.json"), "lock");
  const Package* express = find(packages, "express", "4.19.2");
  ASSERT_TRUE(express);
  EXPECT_EQ(express->license, "MIT");
}

TEST(NodeLock, PackageLockSkipsRootWorkspacesAndLinks) {
  const std::string lock = R"({"lockfileVersion": 3, "packages": {
    "": {"name": "root", "version": "1.0.0"},
    "packages/inner": {"name": "inner", "version": "0.1.0"},
    "node_modules/inner": {"resolved": "packages/inner", "link": true},
    "node_modules/a": {"version": "1.0.0", "dev": true},
    "node_modules/b/node_modules/a": {"version": "1.0.0"},
    "node_modules/@s/c": {"version": "2.0.0", "license": "ISC"},
    "node_modules/alias": {"name": "real", "version": "3.0.0"}}})";
  const auto packages = parse_package_lock(lock, "lock");
  EXPECT_EQ(name_versions(packages), (NameVersions{"a@1.0.0", "@s/c@2.0.0", "real@3.0.0"}));
  EXPECT_FALSE(find(packages, "a", "1.0.0")->dev) << "one copy is for production";
  EXPECT_EQ(find(packages, "@s/c", "2.0.0")->license, "ISC");
}

TEST(NodeLock, YarnBerrySkipsWorkspacesAndPatches) {
  const auto packages = parse_yarn_lock(read(kData / "yarn.berry.lock"), "yarn.lock");
  EXPECT_FALSE(find(packages, "inner", "0.0.0-use.local"));
  EXPECT_FALSE(find(packages, "moat-fixture", "0.0.0-use.local"));

  const auto patched = parse_yarn_lock(read(kData / "yarn.berry-patch.lock"), "yarn.lock");
  ASSERT_TRUE(find(patched, "resolve", "1.22.8"));
  size_t resolves = 0;
  for (const auto& p : patched) resolves += p.name == "resolve";
  EXPECT_EQ(resolves, 1u) << "the patch entry repeats resolve@1.22.8";
}

TEST(NodeLock, YarnClassicHandlesQuotingAliasesAndLinks) {
  const std::string lock =
      "# yarn lockfile v1\n\n\n"
      "\"@s/a@^1.0.0\", \"@s/a@^1.1.0\":\n  version \"1.2.0\"\n  resolved \"https://x/a.tgz\"\n"
      "  dependencies:\n    b \"^2\"\n\n"
      "b@^2:\r\n  version 2.0.1\r\n\r\n"
      "alias@npm:real@^3:\n  version \"3.0.0\"\n\n"
      "local@link:../local:\n  version \"0.0.0\"\n";
  EXPECT_EQ(name_versions(parse_yarn_lock(lock, "yarn.lock")),
            (NameVersions{"@s/a@1.2.0", "b@2.0.1", "real@3.0.0"}));
}

TEST(NodeLock, PnpmPeerSuffixesCollapse) {
  const auto v7 = parse_pnpm_lock(read(kData / "pnpm-lock.v7.yaml"), "pnpm-lock.yaml");
  const auto v8 = parse_pnpm_lock(read(kData / "pnpm-lock.v8.yaml"), "pnpm-lock.yaml");
  EXPECT_TRUE(find(v7, "react-dom", "18.2.0"));
  EXPECT_TRUE(find(v8, "react-dom", "18.2.0"));
}

TEST(NodeLock, PnpmTarballEntriesUseTheirFields) {
  const std::string lock =
      "lockfileVersion: '6.0'\n"
      "packages:\n"
      "  github.com/o/r/abc123:\n    resolution: {tarball: x}\n    name: r\n    version: 1.0.0\n"
      "    dev: true\n";
  const auto packages = parse_pnpm_lock(lock, "pnpm-lock.yaml");
  ASSERT_EQ(packages.size(), 1u);
  EXPECT_EQ(packages[0].name, "r");
  EXPECT_EQ(packages[0].version, "1.0.0");
  EXPECT_TRUE(packages[0].dev);
}

// --- installed package.json ---------------------------------------------------------------------

TEST(NodePackageJson, RealInstalledFiles) {
  const auto express = parse_node_package_json(read(kData / "express.package.json"),
                                               "/app/node_modules/express/package.json");
  ASSERT_TRUE(express);
  EXPECT_EQ(express->ecosystem, eco::kNpm);
  EXPECT_EQ(express->name, "express");
  EXPECT_EQ(express->version, "4.19.2");
  EXPECT_EQ(express->license, "MIT");
  EXPECT_EQ(express->found_in, "/app/node_modules/express/package.json");

  const auto types = parse_node_package_json(read(kData / "types-node.package.json"), "p");
  ASSERT_TRUE(types);
  EXPECT_EQ(types->name, "@types/node");
  EXPECT_EQ(types->version, "20.11.30");
  EXPECT_EQ(types->license, "MIT");
}

TEST(NodePackageJson, LicenseForms) {
  auto license = [](const std::string& json) {
    const auto p = parse_node_package_json(R"({"name":"a","version":"1.0.0",)" + json + "}", "p");
    return p ? p->license : "<none>";
  };
  EXPECT_EQ(license(R"("license":"ISC")"), "ISC");
  EXPECT_EQ(license(R"("license":{"type":"BSD","url":"http://x"})"), "BSD");
  EXPECT_EQ(license(R"("licenses":[{"type":"MIT"},{"type":"Apache-2.0"}])"), "MIT OR Apache-2.0");
  EXPECT_EQ(license(R"("licenses":["GPL-2.0"])"), "GPL-2.0");
  EXPECT_EQ(license(R"("license":42)"), "");
}

TEST(NodePackageJson, RootWithoutNameOrVersionIsNoPackage) {
  EXPECT_FALSE(parse_node_package_json(R"({"private":true,"workspaces":["a"]})", "p"));
  EXPECT_FALSE(parse_node_package_json(R"({"name":"x"})", "p"));
  EXPECT_FALSE(parse_node_package_json(R"({"version":"1.0.0"})", "p"));
}

// --- malformed input ----------------------------------------------------------------------------

TEST(NodeMalformed, PackageJson) {
  for (const char* bad : {"", "{", "[]", "\"x\"", R"({"name":1,"version":"1"})",
                          R"({"name":"a","version":["1"]})", "\xff\xfe"}) {
    EXPECT_THROW(parse_node_package_json(bad, "bad/package.json"), moat::Error) << bad;
  }
}

TEST(NodeMalformed, PackageLock) {
  for (const char* bad :
       {"", "nul", "[1]", R"({"lockfileVersion": 99})", R"({"lockfileVersion": "3"})",
        R"({"packages": []})", R"({"packages": {"node_modules/a": 1}})",
        R"({"packages": {"node_modules/a": {"version": 1}}})",
        R"({"packages": {"node_modules/": {"version": "1"}}})", R"({"dependencies": {"a": []}})",
        R"({"dependencies": {"a": {"version": "npm:nope"}}})"}) {
    EXPECT_THROW(parse_package_lock(bad, "bad/package-lock.json"), moat::Error) << bad;
  }
}

TEST(NodeMalformed, PackageLockNestingIsBounded) {
  std::string deep = R"({"lockfileVersion":1,"dependencies":)";
  for (int i = 0; i < 5000; ++i) deep += R"({"a":{"version":"1","dependencies":)";
  deep += "{}";
  for (int i = 0; i < 5000; ++i) deep += "}}";
  deep += "}";
  EXPECT_THROW(parse_package_lock(deep, "deep"), moat::Error);
  EXPECT_THROW(parse_package_lock(std::string(200000, '['), "deep"), moat::Error);
}

TEST(NodeMalformed, YarnLock) {
  for (const char* bad : {"a@1:\n", "no colon here\n", "  version \"1\"\n",
                          "nameonly:\n  version 1\n", "__metadata:\n  version: 8\n\"a@npm:1\": [\n",
                          "__metadata: {}\n\"a@npm:1\":\n  version: 1\n",
                          "__metadata: {}\n\"a@npm:1\":\n  resolution: a\n  version: 1\n",
                          "__metadata: {}\nx: 1\n", "__metadata: 1\n- x\n"}) {
    EXPECT_THROW(parse_yarn_lock(bad, "bad/yarn.lock"), moat::Error) << bad;
  }
}

TEST(NodeMalformed, PnpmLock) {
  for (const char* bad :
       {"", "[]", "packages: {}\n", "lockfileVersion: x\n", "lockfileVersion: '4.0'\n",
        "lockfileVersion: '6.0'\npackages: []\n", "lockfileVersion: '6.0'\npackages:\n  /a: {}\n",
        "lockfileVersion: '6.0'\npackages:\n  /a@1: 3\n", "lockfileVersion: [\n",
        "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies: [1]\npackages:\n  a@1: "
        "{}\n"}) {
    EXPECT_THROW(parse_pnpm_lock(bad, "bad/pnpm-lock.yaml"), moat::Error) << bad;
  }
  std::string deep = "lockfileVersion: '6.0'\npackages: ";
  deep += std::string(100000, '[');
  EXPECT_THROW(parse_pnpm_lock(deep, "deep"), moat::Error);
}

// A few lines of YAML aliases can name a dependency map thousands of times; the walk must not
// follow every reference.
TEST(NodeMalformed, PnpmAliasFanOutIsBounded) {
  constexpr int kCount = 300;
  std::string lock = "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n";
  for (int i = 0; i < kCount; ++i) lock += "      p" + std::to_string(i) + ": {version: '1'}\n";
  lock += "packages:\n  p0@1: {}\nsnapshots:\n  p0@1: &s\n    dependencies: {";
  for (int i = 0; i < kCount; ++i) lock += (i ? ", p" : "p") + std::to_string(i) + ": '1'";
  lock += "}\n";
  for (int i = 1; i < kCount; ++i) lock += "  p" + std::to_string(i) + "@1: *s\n";
  EXPECT_THROW(parse_pnpm_lock(lock, "fanout"), moat::Error);
}

// --- a live npm install -------------------------------------------------------------------------

std::optional<std::string> run(const std::string& command) {
  std::array<char, 4096> buffer{};
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return std::nullopt;
  while (size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) output.append(buffer.data(), n);
  if (pclose(pipe) != 0) return std::nullopt;
  return output;
}

// Every package root under a node_modules folder, scoped ones included, nested ones too.
void parse_installed(const fs::path& node_modules, std::vector<Package>& out) {
  if (!fs::is_directory(node_modules)) return;
  for (const auto& entry : fs::directory_iterator(node_modules)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(".") || !entry.is_directory()) continue;
    if (name.starts_with("@")) {
      parse_installed(entry.path(), out);
      continue;
    }
    const fs::path manifest = entry.path() / "package.json";
    if (fs::exists(manifest)) {
      if (auto p = parse_node_package_json(read(manifest), manifest.string())) out.push_back(*p);
    }
    parse_installed(entry.path() / "node_modules", out);
  }
}

TEST(NodePackageJson, InstalledTreeMatchesNpmLs) {
  if (!run("command -v npm >/dev/null 2>&1")) GTEST_SKIP() << "npm is not installed";
  const fs::path dir = fs::temp_directory_path() / ("moat-node-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  fs::copy_file(kData / "package.json", dir / "package.json");
  fs::copy_file(kData / "package-lock.v3.json", dir / "package-lock.json");
  const std::string in_dir = "cd '" + dir.string() + "' && ";
  if (!run(in_dir + "npm ci --ignore-scripts --no-audit --no-fund >/dev/null 2>&1")) {
    fs::remove_all(dir);
    GTEST_SKIP() << "npm ci failed: is the npm registry reachable?";
  }
  const auto listed = run(in_dir + "npm ls --all --json 2>/dev/null");
  std::vector<Package> installed;
  parse_installed(dir / "node_modules", installed);
  fs::remove_all(dir);
  ASSERT_TRUE(listed) << "npm ls failed";
  EXPECT_EQ(name_versions(installed), npm_ls(*listed));
  EXPECT_EQ(name_versions(installed), expected_tree());
}

}  // namespace
}  // namespace moat::inventory
