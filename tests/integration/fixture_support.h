#pragma once
// Access to the real images built by scripts/fixtures/build.sh (MOAT_FIXTURES). When the variable
// is unset the suite skips, saying so; when it is set, a missing fixture is a failure.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "base/error.h"
#include "inventory/scan.h"

namespace moat::test {

inline std::filesystem::path fixtures_dir() {
  const char* dir = std::getenv("MOAT_FIXTURES");
  return dir ? std::filesystem::path(dir) : std::filesystem::path();
}

#define MOAT_REQUIRE_FIXTURE(name)                                                                     \
  do {                                                                                                 \
    if (moat::test::fixtures_dir().empty())                                                            \
      GTEST_SKIP() << "MOAT_FIXTURES is not set: run scripts/test.sh, which builds the real images";   \
    ASSERT_TRUE(std::filesystem::exists(moat::test::fixtures_dir() / name / ".done"))                  \
        << "fixture " << name << " missing under " << moat::test::fixtures_dir();                     \
  } while (0)

inline std::vector<std::string> read_lines(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

inline inventory::Inventory scan(const std::filesystem::path& target, const std::string& platform = "") {
  inventory::ScanOptions opts;
  if (!platform.empty()) opts.platform = image::Platform::parse(platform);
  return inventory::scan_target(target.string(), opts).inventory;
}

// "name version" for every package of one ecosystem, as a set.
inline std::set<std::string> name_versions(const inventory::Inventory& inv, const std::string& ecosystem) {
  std::set<std::string> out;
  for (const auto& p : inv.packages)
    if (p.ecosystem == ecosystem) out.insert(p.name + " " + p.version);
  return out;
}

}  // namespace moat::test
