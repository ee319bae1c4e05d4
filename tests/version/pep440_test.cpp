// Cases after pypa/packaging's tests/test_version.py and the examples of PEP 440.
#include "base/error.h"
#include "version/order_table.h"

namespace moat::version::testing {
namespace {

TEST(Pep440Version, SortsThePep440Sequence) {
  // PEP 440's own summary ordering, from dev releases of a pre-release up to a later epoch.
  expect_ascending(Scheme::Pep440, {
                                       "1.0.dev456",
                                       "1.0a1",
                                       "1.0a2.dev456",
                                       "1.0a12.dev456",
                                       "1.0a12",
                                       "1.0b1.dev456",
                                       "1.0b2",
                                       "1.0b2.post345.dev456",
                                       "1.0b2.post345",
                                       "1.0rc1.dev456",
                                       "1.0rc1",
                                       "1.0",
                                       "1.0+abc.5",
                                       "1.0+abc.7",
                                       "1.0+5",
                                       "1.0.post456.dev34",
                                       "1.0.post456",
                                       "1.0.15",
                                       "1.1.dev1",
                                       "1!0.1",
                                   });
}

TEST(Pep440Version, NormalisesSpellings) {
  expect_order(Scheme::Pep440, {
                                   {"1.0", "1.0.0", 0},  // trailing zeros do not count
                                   {"1.0", "1.0.0.0.0", 0},
                                   {"1.0", "v1.0", 0},
                                   {"1.0", "V1.0", 0},
                                   {"1.0", " 1.0\n", 0},
                                   {"0!1.0", "1.0", 0},
                                   {"1.0a1", "1.0alpha1", 0},
                                   {"1.0a1", "1.0.a.1", 0},
                                   {"1.0a1", "1.0-a-1", 0},
                                   {"1.0a1", "1.0_a_1", 0},
                                   {"1.0a", "1.0a0", 0},  // an implicit number is 0
                                   {"1.0b2", "1.0beta2", 0},
                                   {"1.0rc1", "1.0c1", 0},
                                   {"1.0rc1", "1.0pre1", 0},
                                   {"1.0rc1", "1.0preview1", 0},
                                   {"1.0RC1", "1.0rc1", 0},
                                   {"1.0.post1", "1.0post1", 0},
                                   {"1.0.post1", "1.0-1", 0},  // implicit post-release
                                   {"1.0.post1", "1.0.rev1", 0},
                                   {"1.0.post1", "1.0-r1", 0},
                                   {"1.0.post", "1.0.post0", 0},
                                   {"1.0.dev", "1.0.dev0", 0},
                                   {"1.0-dev1", "1.0.dev1", 0},
                                   {"1.0+ubuntu-1", "1.0+ubuntu.1", 0},
                                   {"1.0+ABC", "1.0+abc", 0},
                                   {"01.02", "1.2", 0},
                               });
}

TEST(Pep440Version, OrdersTheTrickyCases) {
  expect_order(Scheme::Pep440, {
                                   {"1.0.dev1", "1.0a1", -1},  // a dev release sorts before pre-releases
                                   {"1.0a1.dev1", "1.0a1", -1},
                                   {"1.0a1.post1", "1.0a2", -1},
                                   {"1.0.post1.dev1", "1.0.post1", -1},
                                   {"1.0.post1.dev1", "1.0", 1},
                                   {"1.0+local", "1.0", 1},
                                   {"1.0+local", "1.0.post1", -1},
                                   {"1.0+1", "1.0+a", 1},  // numeric local segments above letters
                                   {"1.0+a.1", "1.0+a", 1},
                                   {"1.0+a.1", "1.0+a.b", 1},
                                   {"1.0+a.10", "1.0+a.9", 1},
                                   {"2!1.0", "1!9.0", 1},
                                   {"1!1.0", "2.0", 1},
                                   {"1.10", "1.9", 1},
                                   {"1.0.0.1", "1.0", 1},
                                   {"2.0.0rc1", "2.0.0", -1},
                                   {"2.31.0", "2.32.0", -1},
                                   {"1.26.18", "1.26.5", 1},
                                   {"41.0.6", "41.0.7", -1},
                                   {"1.0b1", "1.0a99", 1},
                                   {"1.0rc1", "1.0b99", 1},
                                   {"1.0.dev99", "1.0.dev100", -1},
                                   {"99999999999999999999.0", "100000000000000000000.0", -1},
                               });
}

TEST(Pep440Version, RejectsLegacyVersions) {
  // packaging >= 22 no longer orders these (LegacyVersion is gone); we refuse them too.
  expect_invalid(Scheme::Pep440, {"", "french toast", "1.0+", "1.0+a..b", "1.0a1a", "1.0.x",
                                  "1!", "!1.0", "v", "1.0_", "1.0dev1post1", "1.0.dev1.a1", "1.0 1"});
}

}  // namespace
}  // namespace moat::version::testing
