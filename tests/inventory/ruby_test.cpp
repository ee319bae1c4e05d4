// Gem specifications against every gemspec RubyGems installed on this machine, checked with
// `gem list --local`; Gemfile.lock as written by Debian's bundler (tests/data/ruby/make.sh).
#include "inventory/ruby.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>

#include "base/error.h"

namespace moat::inventory {
namespace {

namespace fs = std::filesystem;

const fs::path kData = fs::path(MOAT_SOURCE_DIR) / "tests/data/ruby";

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << file;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::optional<std::string> run(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string out;
  char buf[4096];
  while (const auto n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  if (pclose(pipe) != 0) return std::nullopt;
  return out;
}

std::optional<Package> gemspec(const std::string& body) {
  return parse_gemspec("# -*- encoding: utf-8 -*-\nGem::Specification.new do |s|\n" + body + "end\n", "x.gemspec");
}

// Every specifications/*.gemspec (and specifications/default/) on RubyGems' gem path, parsed
// without Ruby, must give the same names and versions as `gem list --local`.
TEST(Gemspec, EveryInstalledGemAgainstGemList) {
  const auto gem_path = run("gem env gempath 2>/dev/null");
  const auto listing = run("gem list --local 2>/dev/null");
  if (!gem_path || !listing) GTEST_SKIP() << "no `gem` (Debian package ruby)";

  std::map<std::string, std::set<std::string>> parsed;
  std::stringstream dirs(*gem_path);
  int files = 0;
  for (std::string dir; std::getline(dirs, dir, ':');) {
    while (!dir.empty() && (dir.back() == '\n' || dir.back() == '\r')) dir.pop_back();
    for (const fs::path& specs : {fs::path(dir) / "specifications", fs::path(dir) / "specifications/default"}) {
      std::error_code ec;
      if (!fs::is_directory(specs, ec)) continue;
      for (const auto& entry : fs::directory_iterator(specs)) {
        if (entry.path().extension() != ".gemspec") continue;
        SCOPED_TRACE(entry.path().string());
        const auto pkg = parse_gemspec(read(entry.path()), entry.path().string());
        ASSERT_TRUE(pkg);
        EXPECT_EQ(pkg->ecosystem, eco::kGem);
        EXPECT_EQ(pkg->found_in, entry.path().string());
        // RubyGems names the file after the spec's full name.
        EXPECT_EQ(entry.path().stem().string(),
                  pkg->name + "-" + pkg->version + (pkg->arch.empty() ? "" : "-" + pkg->arch));
        parsed[pkg->name].insert(pkg->version);
        ++files;
      }
    }
  }
  // "bundler (default: 2.3.27, 2.3.15)", "bundler (2.3.15, default: 2.3.7)",
  // "nokogiri (1.15.0 x86_64-linux)"
  std::map<std::string, std::set<std::string>> listed;
  std::istringstream lines(*listing);
  for (std::string line; std::getline(lines, line);) {
    const auto open = line.find(" (");
    if (open == std::string::npos || line.back() != ')') continue;
    std::istringstream each(line.substr(open + 2, line.size() - open - 3));
    for (std::string version; std::getline(each, version, ',');) {
      version.erase(0, version.find_first_not_of(' '));
      if (version.starts_with("default: ")) version.erase(0, 9);
      listed[line.substr(0, open)].insert(version.substr(0, version.find(' ')));
    }
  }
  EXPECT_GT(files, 0);
  EXPECT_EQ(parsed, listed);
  RecordProperty("gemspecs", files);
}

TEST(Gemspec, DebianRack) {
  const fs::path dir = "/usr/share/rubygems-integration/all/specifications";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string file = entry.path().filename().string();
    if (!file.starts_with("rack-") || !file.ends_with(".gemspec") || file.starts_with("rack-test")) continue;
    const auto pkg = parse_gemspec(read(entry.path()), entry.path().string());
    ASSERT_TRUE(pkg);
    EXPECT_EQ(pkg->name, "rack");
    EXPECT_EQ("rack-" + pkg->version + ".gemspec", file);
    EXPECT_EQ(pkg->license, "MIT");
    EXPECT_TRUE(pkg->arch.empty());
    EXPECT_TRUE(pkg->layer.empty() && pkg->owner.empty());
    return;
  }
  GTEST_SKIP() << "Debian package ruby-rack is not installed";
}

TEST(Gemspec, LiteralForms) {
  auto p = gemspec("  s.name = %q{old-style}\n  s.version = Gem::Version.new(\"0.9.1\")\n  s.license = 'BSD'\n");
  ASSERT_TRUE(p);
  EXPECT_EQ(std::tie(p->name, p->version, p->license), std::tie("old-style", "0.9.1", "BSD"));

  p = gemspec(
      "  s.name = \"caf\\u00E9\".freeze\n  s.version = \"1.0\"\n"
      "  s.licenses = [\"Ruby\".freeze, \"BSD-2-Clause\".freeze]\n  s.platform = \"x86_64-linux\".freeze\n");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name, "caf\xC3\xA9");
  EXPECT_EQ(p->license, "Ruby OR BSD-2-Clause");
  EXPECT_EQ(p->arch, "x86_64-linux");

  p = gemspec("  s.name = \"x\"\n  s.version = \"1\"\n  s.platform = \"ruby\"\n  s.licenses = []\n");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->arch.empty());
  EXPECT_TRUE(p->license.empty());

  // Another block variable; other receivers' assignments are not the spec's.
  p = parse_gemspec(
      "Gem::Specification.new do |spec|\n  other.name = \"no\"\n  spec.name    =   'yes'\n"
      "  spec.version = '2.0' # comment\n  s.version = \"9\"\nend\n",
      "y.gemspec");
  ASSERT_TRUE(p);
  EXPECT_EQ(std::tie(p->name, p->version), std::tie("yes", "2.0"));
}

TEST(Gemspec, NothingIsExecuted) {
  // Not literals: interpolation, constants, method calls. No name or version -> nullopt.
  EXPECT_FALSE(gemspec("  s.name = \"#{`id`}\"\n  s.version = \"1\"\n"));
  EXPECT_FALSE(gemspec("  s.name = \"x\"\n  s.version = Foo::VERSION\n"));
  EXPECT_FALSE(gemspec("  s.name = File.read(\"/etc/passwd\")\n  s.version = \"1\"\n"));
  EXPECT_FALSE(gemspec("  s.name == \"x\"\n  s.version = \"1\"\n"));
  EXPECT_FALSE(parse_gemspec("", "empty.gemspec"));
  EXPECT_FALSE(parse_gemspec(std::string("\0\xff\n\x01s.name", 9), "binary.gemspec"));
  // An escaped "#" is a literal one.
  const auto p = gemspec("  s.name = \"a\\#{b}\"\n  s.version = \"1\"\n");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name, "a#{b}");
}

TEST(Gemspec, BrokenLiteralsAreErrors) {
  for (const char* body : {"  s.name = \"rack\n  s.version = \"1\"\n", "  s.name = %q{rack\n", "  s.name = \"a\\",
                           "  s.name = \"\\u{110000}\"\n", "  s.name = \"\\uZZ\"\n", "  s.version = '1\n"}) {
    EXPECT_THROW(gemspec(body), Error) << body;
  }
}

using Row = std::tuple<std::string, std::string, std::string>;  // name, version, arch

std::set<Row> rows(const std::vector<Package>& packages, const std::string& path) {
  std::set<Row> out;
  for (const auto& p : packages) {
    EXPECT_EQ(p.ecosystem, eco::kGem);
    EXPECT_EQ(p.found_in, path);
    EXPECT_FALSE(p.dev);
    out.emplace(p.name, p.version, p.arch);
  }
  EXPECT_EQ(out.size(), packages.size());
  return out;
}

TEST(GemfileLock, CommittedLockFromBundler) {
  const std::string path = "/app/Gemfile.lock";
  EXPECT_EQ(rows(parse_gemfile_lock(read(kData / "Gemfile.lock"), path), path),
            (std::set<Row>{{"moat-git", "0.3.1", ""},
                           {"moat-path", "1.0.0.pre", ""},
                           {"rack", "2.2.22", ""},
                           {"rack-test", "2.0.2", ""}}));
}

// The same Gemfile locked now: the GEM specs are whatever versions of rack are installed here.
TEST(GemfileLock, LockWrittenNowByBundler) {
  if (!run("command -v bundle && command -v git && gem list --local --exact rack-test | grep -q rack-test")) {
    GTEST_SKIP() << "needs bundler, git and ruby-rack-test (Debian packages)";
  }
  const fs::path dir = fs::temp_directory_path() / ("moat-ruby-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  ASSERT_TRUE(run("sh '" + (kData / "make.sh").string() + "' '" + dir.string() + "' 2>/dev/null"));
  const auto got = rows(parse_gemfile_lock(read(dir / "Gemfile.lock"), "Gemfile.lock"), "Gemfile.lock");
  std::set<std::string> names;
  for (const auto& [name, version, arch] : got) {
    names.insert(name);
    const auto installed = run("gem list --local --exact " + name + " 2>/dev/null");
    if (name.starts_with("rack")) {
      ASSERT_TRUE(installed);
      EXPECT_NE(installed->find(version), std::string::npos) << name << " " << version << " vs " << *installed;
    }
  }
  EXPECT_EQ(names, (std::set<std::string>{"moat-git", "moat-path", "rack", "rack-test"}));
  fs::remove_all(dir);
}

// Platform gems as Bundler writes them for a lock with several platforms.
TEST(GemfileLock, PlatformsAndDependencies) {
  const std::string lock =
      "GEM\r\n"
      "  remote: https://rubygems.org/\r\n"
      "  specs:\r\n"
      "    nokogiri (1.15.4-aarch64-linux)\r\n"
      "      racc (~> 1.4)\r\n"
      "    nokogiri (1.15.4-x86_64-linux)\r\n"
      "      racc (~> 1.4)\r\n"
      "    racc (1.7.1)\r\n"
      "    sqlite3 (1.6.6-x86_64-linux)\r\n"
      "    sqlite3 (1.6.6-x86_64-linux)\r\n"
      "\r\n"
      "PLATFORMS\r\n"
      "  aarch64-linux\r\n"
      "  x86_64-linux\r\n"
      "\r\n"
      "DEPENDENCIES\r\n"
      "  nokogiri (~> 1.15)\r\n"
      "\r\n"
      "RUBY VERSION\r\n"
      "   ruby 3.2.2p53\r\n"
      "\r\n"
      "BUNDLED WITH\r\n"
      "   2.4.19\r\n";
  EXPECT_EQ(rows(parse_gemfile_lock(lock, "Gemfile.lock"), "Gemfile.lock"),
            (std::set<Row>{{"nokogiri", "1.15.4", ""}, {"racc", "1.7.1", ""}, {"sqlite3", "1.6.6", "x86_64-linux"}}));
}

TEST(GemfileLock, MalformedInputIsAnError) {
  for (const char* bad : {"", "hello\n", "DEPENDENCIES\n  rack\n", "GEM\n  specs:\n    rack\n",
                          "GEM\n  specs:\n    rack (\n", "GEM\n  specs:\n    (1.0)\n", "GEM\n  specs:\n    rack ()\n",
                          "GEM\n  specs:\n    ra ck (1.0)\n", "GEM\n  specs:\n    rack (1.0 x)\n"}) {
    EXPECT_THROW(parse_gemfile_lock(bad, "Gemfile.lock"), Error) << bad;
  }
  EXPECT_TRUE(parse_gemfile_lock("GEM\n  remote: https://rubygems.org/\n  specs:\n\n", "Gemfile.lock").empty());
}

}  // namespace
}  // namespace moat::inventory
