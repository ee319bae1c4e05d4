// Composer's installed.json and composer.lock, as written by Debian's composer 2 for a project
// built from a local "path" repository (tests/data/php/make.sh, rerun here when composer exists).
#include "inventory/php.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>

#include "base/error.h"

namespace moat::inventory {
namespace {

namespace fs = std::filesystem;

const fs::path kData = fs::path(MOAT_SOURCE_DIR) / "tests/data/php";

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << file;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

using Row = std::tuple<std::string, std::string, std::string, bool>;  // name, version, license, dev

std::set<Row> rows(const std::vector<Package>& packages, const std::string& path) {
  std::set<Row> out;
  for (const auto& p : packages) {
    EXPECT_EQ(p.ecosystem, eco::kComposer);
    EXPECT_EQ(p.found_in, path);
    EXPECT_TRUE(p.layer.empty() && p.owner.empty());
    out.emplace(p.name, p.version, p.license, p.dev);
  }
  EXPECT_EQ(out.size(), packages.size());
  return out;
}

// acme/log was tagged "v1.4.2": reported without the "v". acme/faker is require-dev.
const std::set<Row> kFixture = {
    {"acme/log", "1.4.2", "MIT", false},
    {"acme/http", "2.0.0-beta.1", "MIT OR Apache-2.0", false},
    {"acme/faker", "0.9.0", "BSD-3-Clause", true},
};

void expect_fixture(const fs::path& dir) {
  const std::string installed = "/app/vendor/composer/installed.json";
  EXPECT_EQ(rows(parse_composer_installed(read(dir / "installed.json"), installed), installed), kFixture);
  const std::string lock = "/app/composer.lock";
  EXPECT_EQ(rows(parse_composer_lock(read(dir / "composer.lock"), lock), lock), kFixture);
}

TEST(Composer, CommittedFilesFromComposer2) { expect_fixture(kData); }

TEST(Composer, FilesWrittenNowByComposer) {
  if (std::system("command -v composer >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "no composer (Debian packages composer, php-cli)";
  }
  const fs::path dir = fs::temp_directory_path() / ("moat-php-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string command = "sh '" + (kData / "make.sh").string() + "' '" + dir.string() + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  expect_fixture(dir);
  fs::remove_all(dir);
}

// Composer 1 wrote installed.json as a bare array and knew nothing of dev packages there.
TEST(Composer, Composer1InstalledArray) {
  const std::string doc = R"([
    {"name": "monolog/monolog", "version": "1.25.1", "version_normalized": "1.25.1.0", "license": ["MIT"]},
    {"name": "symfony/yaml", "version": "v4.4.0", "license": "MIT"},
    {"name": "acme/branch", "version": "dev-main", "version_normalized": "dev-main"},
    {"name": "acme/vee", "version": "version", "license": [7, "GPL-2.0-only"]}
  ])";
  EXPECT_EQ(rows(parse_composer_installed(doc, "installed.json"), "installed.json"),
            (std::set<Row>{{"monolog/monolog", "1.25.1", "MIT", false},
                           {"symfony/yaml", "4.4.0", "MIT", false},
                           {"acme/branch", "dev-main", "", false},
                           {"acme/vee", "version", "GPL-2.0-only", false}}));
}

TEST(Composer, LockWithoutDevPackages) {
  const std::string doc = R"({"packages": [{"name": "a/b", "version": "V2.0"}], "packages-dev": null})";
  EXPECT_EQ(rows(parse_composer_lock(doc, "composer.lock"), "composer.lock"),
            (std::set<Row>{{"a/b", "2.0", "", false}}));
  EXPECT_TRUE(parse_composer_lock(R"({"packages": []})", "composer.lock").empty());
}

TEST(Composer, MalformedInputIsAnError) {
  for (const char* bad : {"", "{", "null", "42", "\"packages\"", R"({"packages": {}})", R"({"no": []})",
                          R"({"packages": [1]})", R"({"packages": [{"version": "1"}]})",
                          R"({"packages": [{"name": "a/b"}]})", R"({"packages": [{"name": "a/b", "version": 1}]})",
                          R"({"packages": [{"name": "", "version": "1"}]})", "[{\"name\": \"a/b\", \"version\": \"1\"}"}) {
    EXPECT_THROW(parse_composer_installed(bad, "installed.json"), Error) << bad;
    EXPECT_THROW(parse_composer_lock(bad, "composer.lock"), Error) << bad;
  }
  EXPECT_THROW(parse_composer_lock(R"({"packages": [], "packages-dev": "x"})", "composer.lock"), Error);
  EXPECT_THROW(parse_composer_lock("[]", "composer.lock"), Error);
  // Deep nesting must not exhaust the stack.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_THROW(parse_composer_lock(deep, "composer.lock"), Error);
  EXPECT_THROW(parse_composer_installed(deep, "installed.json"), Error);
}

}  // namespace
}  // namespace moat::inventory
