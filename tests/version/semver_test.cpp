// Cases after the SemVer 2.0.0 specification (section 11) and node-semver's comparison and
// equality fixtures (strict mode).
#include "base/error.h"
#include "version/order_table.h"

namespace moat::version::testing {
namespace {

TEST(SemverVersion, SortsTheSpecificationExample) {
  expect_ascending(Scheme::Semver, {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                                    "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0",
                                    "2.1.1"});
}

TEST(SemverVersion, OrdersLikeNodeSemver) {
  expect_order(Scheme::Semver, {
                                   {"0.0.0", "0.0.0-foo", 1},
                                   {"0.0.1", "0.0.0", 1},
                                   {"1.0.0", "0.9.9", 1},
                                   {"0.10.0", "0.9.0", 1},
                                   {"0.99.0", "0.10.0", 1},
                                   {"2.0.0", "1.2.3", 1},
                                   {"v0.0.0", "0.0.0-foo", 1},
                                   {"v0.0.1", "0.0.0", 1},
                                   {"1.2.3", "1.2.3-asdf", 1},
                                   {"1.2.3", "1.2.3-4", 1},
                                   {"1.2.3", "1.2.3-4-foo", 1},
                                   {"1.2.3-5-foo", "1.2.3-5", 1},
                                   {"1.2.3-5", "1.2.3-4", 1},
                                   {"1.2.3-5-foo", "1.2.3-5-Foo", 1},  // ASCII: lower case after upper
                                   {"3.0.0", "2.7.2+asdf", 1},
                                   {"1.2.3-a.10", "1.2.3-a.5", 1},  // numeric identifiers numerically
                                   {"1.2.3-a.b", "1.2.3-a.5", 1},   // alphanumeric above numeric
                                   {"1.2.3-a.b", "1.2.3-a", 1},     // more identifiers win
                                   {"1.2.3-a.b.c.10.d.5", "1.2.3-a.b.c.5.d.100", 1},
                                   {"1.2.3-r2", "1.2.3-r100", 1},  // "r2" and "r100" compare as text
                                   {"1.2.3-r100", "1.2.3-R2", 1},
                                   {"1.2.3", "v1.2.3", 0},
                                   {"1.2.3", "=1.2.3", 0},
                                   {"1.2.3", " 1.2.3 ", 0},
                                   {"1.2.3-beta.4", "1.2.3-beta.4", 0},
                                   {"1.2.3+build", "1.2.3", 0},  // build metadata does not count
                                   {"1.2.3+build.1", "1.2.3+build.2", 0},
                                   {"1.2.3-rc.1+build.1", "1.2.3-rc.1", 0},
                                   {"1.0.0-x-y-z.-", "1.0.0-x-y-z", 1},
                                   {"4.17.20", "4.17.21", -1},
                                   {"10.0.0", "9.99.99", 1},
                                   {"18446744073709551616.0.0", "18446744073709551615.0.0", 1},
                               });
}

TEST(SemverVersion, RejectsNonSemver) {
  expect_invalid(Scheme::Semver,
                 {"", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.03", "1.2.3-01", "1.2.3-", "1.2.3+",
                  "1.2.3-a..b", "1.2.3-a_b", "a.b.c", "1.2.3 4", "0", "v", "1.2.3-ü", "1.2.3++"});
  EXPECT_TRUE(is_valid(Scheme::Semver, "1.2.3-0"));
  EXPECT_TRUE(is_valid(Scheme::Semver, "1.2.3+001"));  // leading zeros are fine in build metadata
}

}  // namespace
}  // namespace moat::version::testing
