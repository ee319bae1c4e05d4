// Cases after apk-tools' test/version.data and the Alpine package naming rules.
#include "base/error.h"
#include "version/order_table.h"

namespace moat::version::testing {
namespace {

TEST(ApkVersion, OrdersLikeApkTools) {
  expect_order(Scheme::Apk, {
                                {"1.0", "1.0", 0},
                                {"1.0", "1.1", -1},
                                {"1.2", "1.10", -1},
                                {"2.34", "0.1.0_alpha", 1},
                                {"0.1.0_alpha", "0.1.0_alpha", 0},
                                {"0.1.0_alpha", "0.1.3_alpha", -1},
                                {"0.1.0_alpha2", "0.1.0_alpha", 1},
                                {"0.1.0_alpha", "0.1.0_beta", -1},
                                {"0.1.0_beta", "0.1.0_pre", -1},
                                {"0.1.0_pre", "0.1.0_rc", -1},
                                {"0.1.0_rc", "0.1.0", -1},  // pre-release suffixes sort before the release
                                {"0.1.0", "0.1.0_cvs", -1},  // the others after it
                                {"0.1.0_cvs", "0.1.0_svn", -1},
                                {"0.1.0_svn", "0.1.0_git", -1},
                                {"0.1.0_git", "0.1.0_hg", -1},
                                {"0.1.0_hg", "0.1.0_p", -1},
                                {"1.0_p1", "1.0_p2", -1},
                                {"1.0_p10", "1.0_p9", 1},
                                {"1.0_rc1", "1.0_rc10", -1},
                                {"1.0", "1.0-r1", -1},
                                {"1.0-r1", "1.0-r2", -1},
                                {"1.0-r10", "1.0-r9", 1},
                                {"1.0_rc1-r5", "1.0_rc2", -1},
                                {"1.0_rc1-r1", "1.0", -1},
                                {"1.0a", "1.0", 1},
                                {"1.0a", "1.0b", -1},
                                {"1.0a", "1.0.1", -1},  // a letter ends the numbers: 1.0a < 1.0.1
                                {"1.0", "1.0.1", -1},
                                {"1.0.1", "1.0_rc1", 1},
                                {"1.01", "1.1", -1},  // after a dot, leading zeros make a fraction
                                {"1.001", "1.01", -1},
                                {"1.09", "1.1", -1},
                                {"1.0_alpha_pre", "1.0_alpha", -1},  // suffixes chain
                                {"1.0_alpha", "1.0_alpha_p1", -1},
                                {"3.0.8-r0", "3.0.12-r0", -1},
                                {"1.36.1-r15", "1.36.1-r2", 1},
                                {"2.9.14-r1", "2.10.3-r0", -1},
                                {"20230311", "20230101", 1},
                                {"1.2.3", "1.2.3_git20230101", -1},
                                {"1.2.3_git20230101", "1.2.3_git20230102", -1},
                                {"99999999999999999999999", "100000000000000000000000", -1},
                                // from apk-tools' test/version.data
                                {"1.06-r6", "006", -1},
                                {"2.01.01_alpha10", "0.94", 1},
                                {"1.07-r1", "1.07.5", -1},
                                {"0.9.28.1", "087-r1", -1},
                                {"2.12r-r4", "2.12r-r5", -1},
                                {"3.0.20060720", "20060720", -1},
                                {"1.3_pre1-r1", "1.3.2", -1},
                                {"0.1.0_alpha_pre2", "0.1.0_alpha", -1},
                                {"1.0.0_pre20191002222144-r0", "1.0.0_pre20210530193627-r0", -1},
                                {"4.5_p1-r1", "4.5_p1", 1},
                                {"0.10.0", "0.10.1_rc1", -1},
                                {"0.10.0-r1", "0.10.0", 1},
                                {"1.7", "1.7b", -1},
                                {"1.8.5", "1.8.5_p2", -1},
                                {"2.5.1-r8", "2.5.1a-r1", -1},
                                {"0.20070118", "0.20070207_rc1", -1},
                                {"1.2.12.04", "1.2.12.05", -1},
                                {"1.2.07.8", "1.2.12.04", -1},
                            });
}

TEST(ApkVersion, RejectsWhatApkRejects) {
  expect_invalid(Scheme::Apk, {"", "1.0_foo", "1.0-1", "1.0a.1", "1.0-r1.2", "1.0-r1_p1", "1.0 ", "1.0-",
                               std::string_view("1.0\0", 4)});
  EXPECT_TRUE(is_valid(Scheme::Apk, "1.2.3_alpha4_p5-r6"));
}

}  // namespace
}  // namespace moat::version::testing
