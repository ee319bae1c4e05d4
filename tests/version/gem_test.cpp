// Cases after rubygems' test/rubygems/test_gem_version.rb.
#include "base/error.h"
#include "version/order_table.h"

namespace moat::version::testing {
namespace {

TEST(GemVersion, OrdersLikeGemVersion) {
  expect_order(Scheme::Gem, {
                                {"1.0", "1.0.0", 0},
                                {"1", "1.0.0.0", 0},
                                {"1.0", "1.0.a", 1},
                                {"1.8.2", "0.0.0", 1},
                                {"1.8.2", "1.8.2.a", 1},
                                {"1.8.2.b", "1.8.2.a", 1},
                                {"1.8.2.a", "1.8.2", -1},
                                {"1.8.2.a10", "1.8.2.a9", 1},
                                {" ", "0", 0},  // a blank version is "0"
                                {"0.beta.1", "0.0.beta.1", 0},
                                {"0.0.beta", "0.0.beta.1", -1},
                                {"0.0.beta", "0.beta.1", -1},
                                {"5.a", "5.0.0.rc2", -1},
                                {"5.x", "5.0.0.rc2", 1},
                                {"1.0.a", "1.a", 0},  // zeros before the pre-release part do not count
                                {"1.a.0", "1.a", 0},  // nor do trailing zeros
                                {"1.0.0-rc1", "1.0.0", -1},
                                {"1.0.0-rc1", "1.0.0.pre.rc1", 0},  // "-" is ".pre."
                                {"1.0.0-1", "1.0.0", -1},
                                {"1.0-a-b", "1.0.pre.a.pre.b", 0},
                                {"1.0.0.rc1", "1.0.0.beta2", 1},  // letters compare as text
                                {"1.0.0.RC1", "1.0.0.rc1", -1},   // and case-sensitively
                                {"1.0.0.alpha", "1.0.0.beta", -1},
                                {"1.0.0.pre", "1.0.0.rc", -1},
                                {"1.10", "1.9", 1},
                                {"1.0a", "1.0.a", 0},
                                {"2.7.4.1", "2.7.4", 1},
                                {"6.1.7.3", "7.0.0.rc1", -1},
                                {"7.0.8.1", "7.0.8", 1},
                                {"1.13.10", "1.13.9", 1},
                                {"3.0.0.beta1", "3.0.0.beta10", -1},
                                {"3.0.0.beta10", "3.0.0.beta9", 1},
                                {"1.2.0.a", "1.2.a", 0},
                                {"99999999999999999999999", "100000000000000000000000", -1},
                            });
}

TEST(GemVersion, RejectsMalformed) {
  expect_invalid(Scheme::Gem, {"junk", "1.0\n2.0", "1..2", "1.2 3.4", "a.1", "1.", "1.2-", "1.2.-3", "-1", ".1",
                               "1.0_1"});
  EXPECT_TRUE(is_valid(Scheme::Gem, "1.0.0-rc1.2"));
  EXPECT_TRUE(is_valid(Scheme::Gem, " 1.0 "));
}

}  // namespace
}  // namespace moat::version::testing
