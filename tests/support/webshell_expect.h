#pragma once
// Assertions shared by the webshell detector's unit tests: a page is a webshell carrying a named
// signal, or it is clean; failures print the verdict's score and every signal.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "malware/webshell.h"

namespace moat::test {

inline bool has_signal(const malware::WebshellVerdict& v, std::string_view prefix) {
  for (const auto& s : v.signals)
    if (s.rfind(prefix, 0) == 0) return true;
  return false;
}

inline std::string dump(const malware::WebshellVerdict& v) {
  std::string s = "score " + std::to_string(v.score) + ":";
  for (const auto& x : v.signals) s += "\n  " + x;
  return s;
}

}  // namespace moat::test

#define EXPECT_SHELL(path, content, signal)                                                     \
  do {                                                                                          \
    auto v_ = ::moat::malware::score_webshell(path, content);                                   \
    EXPECT_TRUE(v_.webshell) << path << " " << ::moat::test::dump(v_);                          \
    EXPECT_TRUE(::moat::test::has_signal(v_, signal)) << path << " " << ::moat::test::dump(v_); \
  } while (0)

#define EXPECT_CLEAN(path, content)                                     \
  do {                                                                  \
    auto v_ = ::moat::malware::score_webshell(path, content);           \
    EXPECT_FALSE(v_.webshell) << path << " " << ::moat::test::dump(v_); \
  } while (0)
