// Cases after dpkg's lib/dpkg/t/t-version.c and Debian Policy 5.6.12.
#include "base/error.h"
#include "version/order_table.h"

namespace moat::version::testing {
namespace {

TEST(DpkgVersion, OrdersLikeDpkg) {
  expect_order(Scheme::Dpkg, {
                                 {"0", "0", 0},
                                 {"0", "00", 0},
                                 {"1.0", "1.0", 0},
                                 {"1.0", "1.0-0", 0},  // a missing revision is "0"
                                 {"0:1.0", "1.0", 0},  // a missing epoch is 0
                                 {"00:1.0", "0:1.0", 0},
                                 {"1:0", "0:9", 1},
                                 {"1:1.0", "2.0", 1},  // the epoch wins over everything
                                 {"2:1.0", "10:0.1", -1},
                                 {"1.0", "1.1", -1},
                                 {"1.2", "1.10", -1},  // numerically, not lexically
                                 {"1.0", "1.0.1", -1},
                                 {"1.0-1", "1.0-2", -1},
                                 {"1.0-10", "1.0-9", 1},
                                 {"1.0-1", "1.1-0", -1},
                                 {"1.0~rc1", "1.0", -1},  // tilde sorts before the end
                                 {"1.0~rc1", "1.0~rc2", -1},
                                 {"1.0~~", "1.0~", -1},
                                 {"1.0~~a", "1.0~", -1},
                                 {"1.0~", "1.0", -1},
                                 {"1.0~beta", "1.0~rc", -1},
                                 {"1.0a", "1.0", 1},  // letters sort after the end
                                 {"1.0a", "1.0b", -1},
                                 {"1.0a", "1.0+", -1},  // non-letters after letters
                                 {"1.0+", "1.0.", -1},  // then by ASCII
                                 {"1.0.", "1.0", 1},
                                 {"1.0+dfsg", "1.0", 1},
                                 {"1.0+dfsg-1", "1.0-1", 1},
                                 {"1.0-1+deb11u1", "1.0-1", 1},
                                 {"1.0-1+deb11u1", "1.0-1+deb11u2", -1},
                                 {"1.0-1~bpo11+1", "1.0-1", -1},
                                 {"2.36-9+deb12u4", "2.36-9+deb12u10", -1},
                                 {"7.88.1-10+deb12u5", "7.88.1-10+deb12u12", -1},
                                 {"1.1.1n-0+deb11u5", "1.1.1w-0+deb11u1", -1},
                                 {"A", "a", -1},  // upper case before lower case
                                 {"1.0-a-b", "1.0-a", 1},  // the revision starts at the last hyphen
                                 {"1:1.0-1", "1:1.0-1", 0},
                                 {"1.0.0001", "1.0.1", 0},
                                 {"1.000000000000000000000000000001", "1.2", -1},
                                 {"99999999999999999999999999", "100000000000000000000000000", -1},
                             });
}

TEST(DpkgVersion, AcceptsWhatDpkgAccepts) {
  EXPECT_TRUE(is_valid(Scheme::Dpkg, "1.2.3-4"));
  EXPECT_TRUE(is_valid(Scheme::Dpkg, "1:2.30-r1"));
  EXPECT_TRUE(is_valid(Scheme::Dpkg, "a-b"));  // dpkg only warns when upstream lacks a leading digit
  EXPECT_TRUE(is_valid(Scheme::Dpkg, " 1.0 "));
}

TEST(DpkgVersion, RejectsMalformed) {
  expect_invalid(Scheme::Dpkg, {"", "a:1.0", ":1.0", "1:", "1.0-", "1 0", "-1"});
}

}  // namespace
}  // namespace moat::version::testing
