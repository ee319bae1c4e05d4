// Cases after Maven's ComparableVersionTest (maven-artifact).
#include "base/error.h"
#include "version/order_table.h"

namespace moat::version::testing {
namespace {

TEST(MavenVersion, SortsQualifiers) {
  expect_ascending(Scheme::Maven, {"1-alpha2snapshot", "1-alpha2", "1-alpha-123", "1-beta-2", "1-beta123", "1-m2",
                                   "1-m11", "1-rc", "1-cr2", "1-rc123", "1-SNAPSHOT", "1", "1-sp", "1-sp2",
                                   "1-sp123", "1-abc", "1-def", "1-pom-1", "1-1-snapshot", "1-1", "1-2", "1-123"});
}

TEST(MavenVersion, SortsNumbers) {
  expect_ascending(Scheme::Maven, {"2.0", "2-1", "2.0.a", "2.0.0.a", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b",
                                   "2.1-c", "2.1-1", "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2",
                                   "11.b11", "11.m2", "11.m11", "11", "11.a", "11b", "11c", "11m"});
}

TEST(MavenVersion, TreatsEquivalentSpellingsAsEqual) {
  expect_order(Scheme::Maven, {
                                  {"1", "1.0", 0},
                                  {"1", "1.0.0", 0},
                                  {"1.0", "1.0.0", 0},
                                  {"1", "1-0", 0},
                                  {"1", "1.0-0", 0},
                                  {"1.0", "1.0-0", 0},
                                  {"1a", "1-a", 0},
                                  {"1a", "1.0-a", 0},
                                  {"1a", "1.0.0-a", 0},
                                  {"1x", "1.0.0-x", 0},
                                  {"1ga", "1", 0},
                                  {"1final", "1", 0},
                                  {"1cr", "1rc", 0},
                                  {"1a1", "1alpha1", 0},
                                  {"1b2", "1beta2", 0},
                                  {"1m3", "1milestone3", 0},
                                  {"1X", "1x", 0},
                                  {"1GA", "1", 0},
                                  {"1FinaL", "1", 0},
                                  {"1cR", "1rC", 0},
                                  {"1m3", "1MILESTONE3", 0},
                                  {"1-abcdefghijklmnopqrstuvwxyz", "1-ABCDEFGHIJKLMNOPQRSTUVWXYZ", 0},
                                  {"1.0.00001", "1.0.1", 0},
                              });
}

TEST(MavenVersion, ComparesLikeComparableVersion) {
  expect_order(Scheme::Maven, {
                                  {"1", "2", -1},
                                  {"1.5", "2", -1},
                                  {"1", "2.5", -1},
                                  {"1.0", "1.1", -1},
                                  {"1.1", "1.2", -1},
                                  {"1.0.0", "1.1", -1},
                                  {"1.0.1", "1.1", -1},
                                  {"1.1", "1.2.0", -1},
                                  {"1.0-alpha-1", "1.0", -1},
                                  {"1.0-alpha-1", "1.0-alpha-2", -1},
                                  {"1.0-alpha-1", "1.0-beta-1", -1},
                                  {"1.0-beta-1", "1.0-SNAPSHOT", -1},
                                  {"1.0-SNAPSHOT", "1.0", -1},
                                  {"1.0-alpha-1-SNAPSHOT", "1.0-alpha-1", -1},
                                  {"1.0", "1.0-1", -1},
                                  {"1.0-1", "1.0-2", -1},
                                  {"1.0.0", "1.0-1", -1},
                                  {"2.0-1", "2.0.1", -1},
                                  {"2.0.1-klm", "2.0.1-lmn", -1},
                                  {"2.0.1", "2.0.1-xyz", -1},
                                  {"2.0.1", "2.0.1-123", -1},
                                  {"2.0.1-xyz", "2.0.1-123", -1},
                                  {"2.13.4.2", "2.13.4", 1},
                                  {"2.17.0", "2.17.0-rc1", 1},
                                  {"5.3.18", "5.3.9", 1},
                                  {"1.2.3.Final", "1.2.3", 0},
                                  {"99999999999999999999999", "100000000000000000000000", -1},
                              });
}

TEST(MavenVersion, AcceptsAnythingButEmpty) {
  EXPECT_TRUE(is_valid(Scheme::Maven, "whatever-you.like"));
  EXPECT_TRUE(is_valid(Scheme::Maven, "..--.."));
  expect_invalid(Scheme::Maven, {"", "   "});
}

}  // namespace
}  // namespace moat::version::testing
