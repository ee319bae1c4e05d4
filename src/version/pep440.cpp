// Python version ordering per PEP 440, parsed with the normalisations pypa/packaging accepts
// (case, "alpha"/"preview"/"rev" spellings, optional separators, implicit numbers, a leading "v").
// Versions outside PEP 440 are rejected: packaging >= 22 dropped LegacyVersion, and so has pip.
#include <vector>

#include "version/schemes.h"

namespace moat::version::detail {
namespace {

enum PreKind { kNoPre = -1, kAlpha = 0, kBeta = 1, kRc = 2 };

struct Pep440 {
  std::string_view epoch;  // digits, empty means 0
  std::vector<std::string_view> release;
  PreKind pre = kNoPre;
  std::string_view pre_n;
  bool post = false;
  std::string_view post_n;
  bool dev = false;
  std::string_view dev_n;
  std::vector<std::string_view> local;
};

bool is_sep(char c) { return c == '-' || c == '_' || c == '.'; }

// Case-insensitive match of a lowercase word at s[pos].
bool word_at(std::string_view s, std::size_t pos, std::string_view word) {
  if (pos + word.size() > s.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (to_lower(s[pos + i]) != word[i]) return false;
  }
  return true;
}

std::size_t digits_end(std::string_view s, std::size_t pos) {
  while (pos < s.size() && is_digit(s[pos])) ++pos;
  return pos;
}

struct Label {
  std::string_view word;
  int meaning;
};

// Tries "[sep]label[sep][N]" at pos; on success returns the position after it and sets label/number.
std::size_t take_labelled(std::string_view s, std::size_t pos, std::initializer_list<Label> labels, int& meaning,
                          std::string_view& number) {
  std::size_t p = pos;
  if (p < s.size() && is_sep(s[p])) ++p;
  for (const Label& l : labels) {
    if (!word_at(s, p, l.word)) continue;
    std::size_t q = p + l.word.size();
    std::size_t n = q;
    if (n < s.size() && is_sep(s[n]) && n + 1 < s.size() && is_digit(s[n + 1])) ++n;
    std::size_t e = digits_end(s, n);
    meaning = l.meaning;
    number = e > n ? s.substr(n, e - n) : std::string_view();
    return e > n ? e : q;
  }
  return std::string_view::npos;
}

Pep440 parse(std::string_view v) {
  std::string_view s = trim_blanks(v);
  Pep440 out;
  std::size_t p = 0;
  if (p < s.size() && (s[p] == 'v' || s[p] == 'V')) ++p;
  std::size_t e = digits_end(s, p);
  if (e == p) fail_version("PEP 440", v, "does not start with a release number");
  if (e < s.size() && s[e] == '!') {
    out.epoch = s.substr(p, e - p);
    p = e + 1;
    e = digits_end(s, p);
    if (e == p) fail_version("PEP 440", v, "no release number after the epoch");
  }
  out.release.push_back(s.substr(p, e - p));
  p = e;
  while (p + 1 < s.size() && s[p] == '.' && is_digit(s[p + 1])) {
    e = digits_end(s, p + 1);
    out.release.push_back(s.substr(p + 1, e - p - 1));
    p = e;
  }
  int meaning = 0;
  std::string_view number;
  std::size_t q = take_labelled(s, p,
                                {{"alpha", kAlpha}, {"a", kAlpha}, {"beta", kBeta}, {"b", kBeta},
                                 {"preview", kRc}, {"pre", kRc}, {"c", kRc}, {"rc", kRc}},
                                meaning, number);
  if (q != std::string_view::npos) {
    out.pre = static_cast<PreKind>(meaning);
    out.pre_n = number;
    p = q;
  }
  if (p + 1 < s.size() && s[p] == '-' && is_digit(s[p + 1])) {  // "1.0-1" is a post-release
    e = digits_end(s, p + 1);
    out.post = true;
    out.post_n = s.substr(p + 1, e - p - 1);
    p = e;
  } else if ((q = take_labelled(s, p, {{"post", 0}, {"rev", 0}, {"r", 0}}, meaning, number)) !=
             std::string_view::npos) {
    out.post = true;
    out.post_n = number;
    p = q;
  }
  if ((q = take_labelled(s, p, {{"dev", 0}}, meaning, number)) != std::string_view::npos) {
    out.dev = true;
    out.dev_n = number;
    p = q;
  }
  if (p < s.size() && s[p] == '+') {
    ++p;
    while (true) {
      std::size_t start = p;
      while (p < s.size() && is_alnum(s[p])) ++p;
      if (p == start) fail_version("PEP 440", v, "empty segment in the local version");
      out.local.push_back(s.substr(start, p - start));
      if (p < s.size() && is_sep(s[p])) {
        ++p;
        continue;
      }
      break;
    }
  }
  if (p != s.size()) fail_version("PEP 440", v, "not a PEP 440 version");
  return out;
}

int compare_release(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  // Trailing zeros do not count: 1.0 == 1.0.0.
  for (std::size_t i = 0; i < a.size() || i < b.size(); ++i) {
    std::string_view x = i < a.size() ? a[i] : "0";
    std::string_view y = i < b.size() ? b[i] : "0";
    if (int r = compare_digits(x, y)) return r;
  }
  return 0;
}

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

int compare_ci(std::string_view a, std::string_view b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    char x = to_lower(a[i]), y = to_lower(b[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  return (a.size() > b.size()) - (a.size() < b.size());
}

// Local labels: numeric segments above alphanumeric ones; a longer label is newer than its prefix.
int compare_local(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    bool an = all_digits(a[i]), bn = all_digits(b[i]);
    if (an != bn) return an ? 1 : -1;
    if (int r = an ? compare_digits(a[i], b[i]) : compare_ci(a[i], b[i])) return r;
  }
  return (a.size() > b.size()) - (a.size() < b.size());
}

// The phase rank of the pre-release part: a dev release of a final version sorts before its
// pre-releases, a version without pre-release after them.
int pre_rank(const Pep440& v) {
  if (v.pre == kNoPre) return (!v.post && v.dev) ? -1 : 3;
  return static_cast<int>(v.pre);
}

}  // namespace

int compare_pep440(std::string_view a, std::string_view b) {
  Pep440 x = parse(a), y = parse(b);
  if (int r = compare_digits(x.epoch, y.epoch)) return r;
  if (int r = compare_release(x.release, y.release)) return r;
  int xr = pre_rank(x), yr = pre_rank(y);
  if (xr != yr) return xr < yr ? -1 : 1;
  if (x.pre != kNoPre) {
    if (int r = compare_digits(x.pre_n, y.pre_n)) return r;
  }
  if (x.post != y.post) return x.post ? 1 : -1;
  if (x.post) {
    if (int r = compare_digits(x.post_n, y.post_n)) return r;
  }
  if (x.dev != y.dev) return x.dev ? -1 : 1;
  if (x.dev) {
    if (int r = compare_digits(x.dev_n, y.dev_n)) return r;
  }
  if (x.local.empty() != y.local.empty()) return x.local.empty() ? -1 : 1;
  return compare_local(x.local, y.local);
}

}  // namespace moat::version::detail
