// Cases after golang.org/x/mod/semver's semver_test.go, with OSV's spelling without the "v".
#include "base/error.h"
#include "version/order_table.h"

namespace moat::version::testing {
namespace {

TEST(GoVersion, SortsLikeXModSemver) {
  // The order of x/mod/semver's test table, duplicates folded.
  expect_ascending(Scheme::Go, {"v0.0.0", "v0.1.0", "v0.1.1-0.20230101120000-abcdef123456", "v0.1.1", "v1.0.0-alpha",
                                "v1.0.0-alpha.1", "v1.0.0-alpha.beta", "v1.0.0-beta", "v1.0.0-beta.2",
                                "v1.0.0-beta.11", "v1.0.0-rc.1", "v1", "v1.2", "v1.2.3-456", "v1.2.3-456.789",
                                "v1.2.3-456-789", "v1.2.3-456a", "v1.2.3-pre", "v1.2.3-pre.1", "v1.2.3",
                                "v1.2.4", "v2.0.0+incompatible", "v2.1.0"});
}

TEST(GoVersion, HandlesShorthandsBuildsAndPseudoVersions) {
  expect_order(Scheme::Go, {
                               {"v1", "v1.0.0", 0},
                               {"v1.2", "v1.2.0", 0},
                               {"v2.0.0+incompatible", "v2.0.0", 0},
                               {"v1.2.3+meta", "v1.2.3+other", 0},
                               {"1.2.3", "v1.2.3", 0},  // OSV omits the "v"
                               {"0", "v0.0.0", 0},      // OSV's "introduced": "0"
                               {"v0.0.0-20210101000000-abcdefabcdef", "v0.0.0-20220101000000-abcdefabcdef", -1},
                               {"v0.0.0-20210101000000-abcdefabcdef", "v0.0.1", -1},
                               {"v1.2.4-0.20230101000000-abcdefabcdef", "v1.2.3", 1},  // after its base
                               {"v1.2.4-0.20230101000000-abcdefabcdef", "v1.2.4", -1},
                               {"v1.2.4-pre.0.20230101000000-abcdefabcdef", "v1.2.4-pre", 1},
                               {"v1.10.0", "v1.9.0", 1},
                               {"v0.17.0", "v0.23.0", -1},
                               {"v1.0.0-rc.1", "v1.0.0-rc.10", -1},
                           });
}

TEST(GoVersion, RejectsWhatXModRejects) {
  expect_invalid(Scheme::Go, {"", "bad", "v1-alpha.beta.gamma", "v1-pre", "v1+meta", "v1.2-pre", "v1.2+meta",
                              "v1.2.3.4", "v01.2.3", "v1.02.3", "v1.2.03", "v1.2.3-01", "v1.2.3-", "v1.2.3+",
                              "v1.2.3-a..b", "V1.2.3", "vv1.2.3", "v"});
}

}  // namespace
}  // namespace moat::version::testing
