// RubyGems ordering, as Gem::Version (rubygems 3.x): every "-" means ".pre.", runs of digits and
// of letters are segments, a letter segment makes a pre-release, and trailing zeros of the release
// part and of the pre-release part do not count (1.0.a == 1.a, 1.0.0 == 1).
#include <string>
#include <vector>

#include "version/schemes.h"

namespace moat::version::detail {
namespace {

struct Segment {
  bool numeric;
  std::string_view text;
};

bool is_zero(const Segment& s) {
  if (!s.numeric) return false;
  for (char c : s.text) {
    if (c != '0') return false;
  }
  return true;
}

// Checks Gem::Version's grammar: digits, then "." followed by alphanumerics, then optionally
// "-" and dot-separated [0-9A-Za-z-] parts.
void validate(std::string_view v, std::string_view s) {
  std::size_t p = 0;
  while (p < s.size() && is_digit(s[p])) ++p;
  if (p == 0) fail_version("gem", v, "does not start with a number");
  while (p < s.size() && s[p] == '.') {
    std::size_t start = ++p;
    while (p < s.size() && is_alnum(s[p])) ++p;
    if (p == start) fail_version("gem", v, "malformed version number string");
  }
  if (p < s.size() && s[p] == '-') {
    while (true) {
      std::size_t start = ++p;
      while (p < s.size() && (is_alnum(s[p]) || s[p] == '-')) ++p;
      if (p == start) fail_version("gem", v, "malformed version number string");
      if (p < s.size() && s[p] == '.') continue;
      break;
    }
  }
  if (p != s.size()) fail_version("gem", v, "malformed version number string");
}

std::vector<Segment> canonical_segments(std::string_view v) {
  std::string_view s = trim_blanks(v);
  if (s.empty()) s = "0";  // Gem::Version treats a blank version as "0"
  validate(v, s);
  std::vector<Segment> out;
  for (std::size_t p = 0; p < s.size();) {
    if (s[p] == '-') {  // Gem::Version rewrites every "-" as ".pre."
      out.push_back({false, "pre"});
      ++p;
    } else if (is_digit(s[p]) || is_alpha(s[p])) {
      std::size_t start = p;
      bool numeric = is_digit(s[p]);
      while (p < s.size() && (numeric ? is_digit(s[p]) : is_alpha(s[p]))) ++p;
      out.push_back({numeric, s.substr(start, p - start)});
    } else {
      ++p;
    }
  }
  // Trailing zeros are dropped from the release part (before the first letter segment) and from
  // the pre-release part.
  std::size_t first_string = 0;
  while (first_string < out.size() && out[first_string].numeric) ++first_string;
  while (!out.empty() && out.size() > first_string && is_zero(out.back())) out.pop_back();
  std::size_t zeros = first_string;
  while (zeros > 0 && is_zero(out[zeros - 1])) --zeros;
  out.erase(out.begin() + static_cast<std::ptrdiff_t>(zeros), out.begin() + static_cast<std::ptrdiff_t>(first_string));
  return out;
}

}  // namespace

int compare_gem(std::string_view a, std::string_view b) {
  std::vector<Segment> x = canonical_segments(a), y = canonical_segments(b);
  static const Segment kZero{true, "0"};
  for (std::size_t i = 0; i < x.size() || i < y.size(); ++i) {
    const Segment& l = i < x.size() ? x[i] : kZero;
    const Segment& r = i < y.size() ? y[i] : kZero;
    if (l.numeric != r.numeric) return l.numeric ? 1 : -1;
    int c = l.numeric ? compare_digits(l.text, r.text) : sign(l.text.compare(r.text));
    if (c != 0) return c;
  }
  return 0;
}

}  // namespace moat::version::detail
