#pragma once
// Shared check for the per-scheme tables: each case states the expected order of (a, b); the
// reverse comparison must give the opposite answer.
#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "version/version.h"

namespace moat::version::testing {

struct OrderCase {
  std::string_view a;
  std::string_view b;
  int expected;  // -1: a < b, 0: equal, 1: a > b
};

inline void expect_order(Scheme scheme, const std::vector<OrderCase>& cases) {
  for (const OrderCase& c : cases) {
    EXPECT_EQ(compare(scheme, c.a, c.b), c.expected) << scheme_name(scheme) << ": " << c.a << " vs " << c.b;
    EXPECT_EQ(compare(scheme, c.b, c.a), -c.expected) << scheme_name(scheme) << ": " << c.b << " vs " << c.a;
  }
}

// Every version sorts strictly after all the ones before it.
inline void expect_ascending(Scheme scheme, const std::vector<std::string_view>& versions) {
  for (std::size_t i = 0; i < versions.size(); ++i) {
    for (std::size_t j = i + 1; j < versions.size(); ++j) {
      EXPECT_LT(compare(scheme, versions[i], versions[j]), 0)
          << scheme_name(scheme) << ": " << versions[i] << " < " << versions[j];
      EXPECT_GT(compare(scheme, versions[j], versions[i]), 0)
          << scheme_name(scheme) << ": " << versions[j] << " > " << versions[i];
    }
  }
}

inline void expect_invalid(Scheme scheme, const std::vector<std::string_view>& versions) {
  for (std::string_view v : versions) {
    EXPECT_FALSE(is_valid(scheme, v)) << scheme_name(scheme) << ": " << v;
    EXPECT_THROW(compare(scheme, v, "1"), Error) << scheme_name(scheme) << ": " << v;
  }
}

}  // namespace moat::version::testing
