// Cases after composer/semver's VersionParserTest (normalisation) and ComparatorTest, ordered with
// PHP's version_compare as composer does.
#include "base/error.h"
#include "version/order_table.h"

namespace moat::version::testing {
namespace {

TEST(ComposerVersion, SortsStabilities) {
  expect_ascending(Scheme::Composer, {"1.0.0-dev", "1.0.0-alpha1", "1.0.0-alpha2", "1.0.0-beta", "1.0.0-beta1",
                                      "1.0.0-beta2", "1.0.0-RC1-dev", "1.0.0-RC1", "1.0.0-RC2", "1.0.0",
                                      "1.0.0-patch1", "1.0.1", "1.1.0", "1.10.0", "2.0.0"});
}

TEST(ComposerVersion, NormalisesLikeVersionParser) {
  expect_order(Scheme::Composer, {
                                     {"1.0.0", "1.0.0.0", 0},
                                     {"1.0.0", "1.0", 0},
                                     {"1", "1.0.0.0", 0},
                                     {"v1.0.0", "1.0.0", 0},
                                     {"0", "0.0.0.0", 0},
                                     {"1.0.0RC1dev", "1.0.0-RC1-dev", 0},
                                     {"1.0.0-rC15-dev", "1.0.0-RC15-dev", 0},
                                     {"1.0.0.RC.15-dev", "1.0.0-RC15-dev", 0},
                                     {"1.0.0-rc1", "1.0.0-RC1", 0},
                                     {"1.0.0.pl3-dev", "1.0.0-patch3-dev", 0},
                                     {"1.0.0-p1", "1.0.0-patch1", 0},
                                     {"10.4.13-beta", "10.4.13.0-beta", 0},
                                     {"10.4.13beta2", "10.4.13-beta2", 0},
                                     {"10.4.13beta.2", "10.4.13-beta2", 0},
                                     {"10.4.13-b", "10.4.13-beta", 0},
                                     {"10.4.13-b5", "10.4.13-beta5", 0},
                                     {"v1.13.11-beta.0", "1.13.11-beta0", 0},
                                     {"1.0.0-beta.5+foo", "1.0.0-beta5", 0},  // build metadata dropped
                                     {"1.0.0+foo", "1.0.0", 0},
                                     {"1.0.0-alpha.1", "1.0.0-alpha1", 0},
                                     {"1.0.0-a1", "1.0.0-alpha1", 0},
                                     {"1.0.0-stable", "1.0.0", 0},
                                     {"1.0.0@dev", "1.0.0", 0},  // stability flags dropped
                                     {"1.0.0@beta", "1.0.0", 0},
                                     {"1.0.0 as 2.0.0", "1.0.0", 0},  // aliases dropped
                                     {" 1.0.0 ", "1.0.0", 0},
                                     {"1.0-dev", "1.0.0.0-dev", 0},
                                 });
}

TEST(ComposerVersion, OrdersLikeComparator) {
  expect_order(Scheme::Composer, {
                                     {"1.25.0", "1.24.0", 1},
                                     {"1.25.0", "1.25.0", 0},
                                     {"1.25.0", "1.26.0", -1},
                                     {"1.26.0-beta", "1.26.0", -1},
                                     {"1.25.0-beta2.1", "1.25.0-b.3", -1},
                                     {"1.0.0", "1.0.0-beta", 1},
                                     {"1.0.0-beta", "1.0.0-alpha", 1},
                                     {"1.0.0-RC1", "1.0.0-beta99", 1},
                                     {"1.0.0-patch1", "1.0.0-patch2", -1},
                                     {"1.0.0.1", "1.0.0-patch9", 1},
                                     {"5.4.29", "5.4.3", 1},
                                     {"2.1.3", "2.1.10", -1},
                                     {"1.x-dev", "1.5.0", 1},  // numeric branches become 1.9999999...
                                     {"1.x-dev", "2.0.0-alpha1", -1},
                                     {"2.3.x-dev", "2.3.9999999.9999999-dev", 0},
                                     {"20100102", "20100101", 1},  // date versions
                                     {"2010-01-02", "2010-01-03", -1},
                                     {"20100102-203040", "20100102.203040", 0},
                                     {"20100102203040-10", "20100102203040.10", 0},
                                     {"1.99999999999999999999", "1.100000000000000000000", -1},
                                 });
}

TEST(ComposerVersion, RejectsBranchesAndJunk) {
  expect_invalid(Scheme::Composer, {"", "dev-master", "dev-feature/foo", "master", "trunk", "a", "1.0.0-foo",
                                    "1.0.0.0.0", "1.0.0-beta.", "foo-dev", "1.0.0 2.0.0"});
}

}  // namespace
}  // namespace moat::version::testing
