#include "version/version.h"

#include <gtest/gtest.h>

#include <string>

#include "base/error.h"

namespace moat::version {
namespace {

TEST(VersionScheme, MapsOsvEcosystems) {
  EXPECT_EQ(scheme_for_ecosystem("Debian"), Scheme::Dpkg);
  EXPECT_EQ(scheme_for_ecosystem("Debian:11"), Scheme::Dpkg);
  EXPECT_EQ(scheme_for_ecosystem("Ubuntu:22.04"), Scheme::Dpkg);
  EXPECT_EQ(scheme_for_ecosystem("Ubuntu:Pro:18.04:LTS"), Scheme::Dpkg);
  EXPECT_EQ(scheme_for_ecosystem("Alpine:v3.11"), Scheme::Apk);
  EXPECT_EQ(scheme_for_ecosystem("Red Hat"), Scheme::Rpm);
  EXPECT_EQ(scheme_for_ecosystem("Red Hat:enterprise_linux:9::appstream"), Scheme::Rpm);
  EXPECT_EQ(scheme_for_ecosystem("AlmaLinux:9"), Scheme::Rpm);
  EXPECT_EQ(scheme_for_ecosystem("Rocky Linux:8"), Scheme::Rpm);
  EXPECT_EQ(scheme_for_ecosystem("openSUSE"), Scheme::Rpm);
  EXPECT_EQ(scheme_for_ecosystem("PyPI"), Scheme::Pep440);
  EXPECT_EQ(scheme_for_ecosystem("npm"), Scheme::Semver);
  EXPECT_EQ(scheme_for_ecosystem("crates.io"), Scheme::Semver);
  EXPECT_EQ(scheme_for_ecosystem("Go"), Scheme::Go);
  EXPECT_EQ(scheme_for_ecosystem("RubyGems"), Scheme::Gem);
  EXPECT_EQ(scheme_for_ecosystem("Packagist"), Scheme::Composer);
  EXPECT_EQ(scheme_for_ecosystem("Maven"), Scheme::Maven);
  EXPECT_EQ(scheme_for_ecosystem("NuGet"), std::nullopt);
  EXPECT_EQ(scheme_for_ecosystem(""), std::nullopt);
  EXPECT_EQ(scheme_for_ecosystem("debian"), std::nullopt);  // OSV names are case-sensitive
}

TEST(VersionScheme, ErrorsNameTheVersion) {
  try {
    compare(Scheme::Semver, "1.2.3", "not-a-version");
    FAIL() << "expected moat::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not-a-version"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("semver"), std::string::npos) << e.what();
  }
}

TEST(VersionScheme, BoundsHostileInput) {
  std::string huge(kMaxVersionLength + 1, '1');
  for (Scheme s : {Scheme::Dpkg, Scheme::Apk, Scheme::Rpm, Scheme::Pep440, Scheme::Semver, Scheme::Gem,
                   Scheme::Composer, Scheme::Maven, Scheme::Go}) {
    EXPECT_THROW(compare(s, huge, "1"), Error) << scheme_name(s);
    EXPECT_THROW(compare(s, "", "1"), Error) << scheme_name(s);
    // Deep nesting and long runs within the limit neither crash nor overflow.
    std::string dashes = "1" + std::string(kMaxVersionLength - 1, '-');
    std::string alternating;
    while (alternating.size() + 2 <= kMaxVersionLength) alternating += "a1";
    std::string digits(kMaxVersionLength, '9');
    for (const std::string& v : {dashes, alternating, digits}) {
      try {
        compare(s, v, v);
        compare(s, v, "1.0");
      } catch (const Error&) {
      }
    }
  }
}

TEST(VersionScheme, EveryCompareIsConsistentOnAMixedSet) {
  // Antisymmetry and transitivity over a set mixing forms, for the schemes that accept them all.
  const char* versions[] = {"1.0", "1.0.0", "1.0-1", "1.0a", "1.0~rc1", "1.0.1", "2", "0.9", "1.0+x", "1:0.1"};
  for (Scheme s : {Scheme::Dpkg, Scheme::Rpm, Scheme::Maven}) {
    for (const char* a : versions) {
      for (const char* b : versions) {
        EXPECT_EQ(compare(s, a, b), -compare(s, b, a)) << scheme_name(s) << " " << a << " " << b;
        for (const char* c : versions) {
          if (compare(s, a, b) <= 0 && compare(s, b, c) <= 0) {
            EXPECT_LE(compare(s, a, c), 0) << scheme_name(s) << " " << a << " " << b << " " << c;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace moat::version
