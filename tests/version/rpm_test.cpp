// Cases after rpm's tests/rpmvercmp.at, plus epoch and release handling of full EVRs.
#include "base/error.h"
#include "version/order_table.h"

namespace moat::version::testing {
namespace {

TEST(RpmVersion, OrdersLikeRpmvercmp) {
  expect_order(Scheme::Rpm, {
                                {"1.0", "1.0", 0},
                                {"1.0", "2.0", -1},
                                {"2.0", "1.0", 1},
                                {"2.0.1", "2.0.1", 0},
                                {"2.0", "2.0.1", -1},
                                {"2.0.1a", "2.0.1a", 0},
                                {"2.0.1a", "2.0.1", 1},  // letters after the end
                                {"5.5p1", "5.5p1", 0},
                                {"5.5p1", "5.5p2", -1},
                                {"5.5p10", "5.5p1", 1},
                                {"10xyz", "10.1xyz", -1},
                                {"xyz10", "xyz10", 0},
                                {"xyz10", "xyz10.1", -1},
                                {"xyz.4", "xyz.4", 0},
                                {"xyz.4", "8", -1},  // letters before numbers
                                {"xyz.4", "2", -1},
                                {"5.5p2", "5.6p1", -1},
                                {"5.6p1", "6.5p1", -1},
                                {"6.0.rc1", "6.0", 1},  // no special meaning for "rc"
                                {"10b2", "10a1", 1},
                                {"1.0aa", "1.0a", 1},
                                {"10.0001", "10.1", 0},  // leading zeros do not count
                                {"10.0001", "10.0039", -1},
                                {"4.999.9", "5.0", -1},
                                {"20101121", "20101122", -1},
                                {"2_0", "2_0", 0},
                                {"2.0", "2_0", 0},  // separators are all alike
                                {"a", "a", 0},
                                {"a+", "a+", 0},
                                {"a+", "a_", 0},
                                {"+a", "_a", 0},
                                {"1.0~rc1", "1.0~rc1", 0},
                                {"1.0~rc1", "1.0", -1},  // tilde sorts before everything
                                {"1.0~rc1", "1.0~rc2", -1},
                                {"1.0~rc1~git123", "1.0~rc1", -1},
                                {"1.0^", "1.0^", 0},
                                {"1.0^", "1.0", 1},  // caret after the end
                                {"1.0^git1", "1.0", 1},
                                {"1.0^git1", "1.01", -1},  // but before anything else
                                {"1.0^20160101", "1.0.1", -1},
                                {"1.0^20160102", "1.0^20160101^git1", 1},
                                {"1.0~rc1^git1", "1.0~rc1", 1},
                                {"1.0^git1~pre", "1.0^git1", -1},
                            });
}

TEST(RpmVersion, ComparesEpochVersionRelease) {
  expect_order(Scheme::Rpm, {
                                {"0:1.0-1", "1.0-1", 0},
                                {"1:1.0-1", "2.0-1", 1},
                                {"1.0-1.el8", "1.0-2.el8", -1},
                                {"1.0-1.el8_5", "1.0-1.el8", 1},
                                {"3.0.7-24.el9", "3.0.7-25.el9", -1},
                                {"1:3.0.7-25.el9_3", "1:3.0.7-25.el9", 1},
                                {"2.28-225.el9_3.1", "2.28-225.el9", 1},
                                {"1.0", "1.0-1", -1},  // a missing release sorts first
                                {"1.0-1", "1.0.1-0", -1},
                            });
}

TEST(RpmVersion, RejectsOnlyWhatCannotBeAnEvr) {
  expect_invalid(Scheme::Rpm, {"", "x:1.0", "1:", "-1"});
  EXPECT_TRUE(is_valid(Scheme::Rpm, "1.0-1.fc39"));
  EXPECT_TRUE(is_valid(Scheme::Rpm, "whatever"));
}

}  // namespace
}  // namespace moat::version::testing
