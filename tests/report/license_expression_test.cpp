#include "report/license_expression.h"

#include <gtest/gtest.h>

namespace moat::report {
namespace {

TEST(SpdxExpression, CanonicalisesValidExpressions) {
  EXPECT_EQ(spdx_expression("MIT"), "MIT");
  EXPECT_EQ(spdx_expression("mit"), "MIT");
  EXPECT_EQ(spdx_expression(" apache-2.0 "), "Apache-2.0");
  EXPECT_EQ(spdx_expression("(MIT OR Apache-2.0) AND BSD-3-Clause"), "(MIT OR Apache-2.0) AND BSD-3-Clause");
  EXPECT_EQ(spdx_expression("MIT or Apache-2.0"), "MIT OR Apache-2.0");
  EXPECT_EQ(spdx_expression("( MIT  OR\tISC )"), "(MIT OR ISC)");
  EXPECT_EQ(spdx_expression("GPL-2.0+"), "GPL-2.0+");  // a deprecated listed identifier
  EXPECT_EQ(spdx_expression("LGPL-2.1-only+"), "LGPL-2.1-only+");
  EXPECT_EQ(spdx_expression("GPL-2.0-or-later WITH classpath-exception-2.0"),
            "GPL-2.0-or-later WITH Classpath-exception-2.0");
  EXPECT_EQ(spdx_expression("LicenseRef-my.licence-1"), "LicenseRef-my.licence-1");
  EXPECT_EQ(spdx_expression("DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2"),
            "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2");
  EXPECT_EQ(spdx_expression("MIT AND (LGPL-2.1-or-later OR BSD-3-Clause)"),
            "MIT AND (LGPL-2.1-or-later OR BSD-3-Clause)");
}

TEST(SpdxExpression, RejectsFreeTextAndBrokenSyntax) {
  for (const char* text : {"",
                           "   ",
                           "Apache License 2.0",
                           "GPL-2+",
                           "LGPL-2.1+ and GPL-2+",
                           "ASL 2.0",
                           "BSD",
                           "MIT AND",
                           "AND MIT",
                           "(MIT",
                           "MIT)",
                           "()",
                           "MIT WITH",
                           "MIT WITH MIT",
                           "(MIT) WITH Classpath-exception-2.0",
                           "LicenseRef-",
                           "LicenseRef-a_b",
                           "MIT/X11",
                           "DocumentRef-x LicenseRef-y",
                           "MIT OR OR ISC",
                           "Public Domain"}) {
    EXPECT_EQ(spdx_expression(text), std::nullopt) << text;
  }
}

TEST(SpdxExpression, BoundsHostileInput) {
  EXPECT_EQ(spdx_expression(std::string(100000, '(') + "MIT" + std::string(100000, ')')), std::nullopt);
  std::string nested = "MIT";
  for (int i = 0; i < 40; ++i) nested = "(" + nested + ")";
  EXPECT_EQ(spdx_expression(nested), std::nullopt);  // deeper than any real expression
  std::string long_or = "MIT";
  for (int i = 0; i < 200; ++i) long_or += " OR MIT";
  EXPECT_EQ(spdx_expression(long_or), std::nullopt);
  EXPECT_EQ(spdx_expression(std::string("MIT\0OR", 6)), std::nullopt);
}

TEST(SpdxExpression, SingleIdentifier) {
  EXPECT_TRUE(is_single_license_id("MIT"));
  EXPECT_TRUE(is_single_license_id("Apache-2.0"));
  EXPECT_FALSE(is_single_license_id("mit"));  // not canonical
  EXPECT_FALSE(is_single_license_id("GPL-2.0+"));
  EXPECT_FALSE(is_single_license_id("MIT OR ISC"));
  EXPECT_FALSE(is_single_license_id("LicenseRef-x"));
  EXPECT_FALSE(is_single_license_id("(MIT)"));
}

}  // namespace
}  // namespace moat::report
