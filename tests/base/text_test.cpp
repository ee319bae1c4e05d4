#include "base/text.h"

#include <gtest/gtest.h>

namespace moat {
namespace {

// Evidence such as a YARA match of `"donate-level"` must read back unambiguously inside the quotes.
TEST(QuotedExcerpt, EscapesQuotesAndBackslashes) {
  EXPECT_EQ(quoted_excerpt("\"donate-level\""), R"("\"donate-level\"")");
  EXPECT_EQ(quoted_excerpt(R"(C:\temp)"), R"("C:\\temp")");
}

TEST(QuotedExcerpt, StaysOneShortLine) {
  EXPECT_EQ(quoted_excerpt("a\nb\x7f"), "\"a?b?\"");
  EXPECT_EQ(quoted_excerpt("abcdef", 3), "\"abc...\"");
}

}  // namespace
}  // namespace moat
