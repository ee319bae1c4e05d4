// Alpine version ordering, after apk-tools 2.x: {digit}{.digit}...{letter}{_suffix{#}}...{-r#}.
// A version is read as a stream of typed tokens; two versions compare token by token, and where
// one runs out first the token that follows decides (a pre-release suffix sorts before the end).
#include <array>

#include "version/schemes.h"

namespace moat::version::detail {
namespace {

// The order matters: a token may only be followed by one of the same or a later kind (with the
// exceptions in next_kind), and when one version ends first, the later kind sorts lower.
enum Kind { kInvalid = -1, kDigitOrZero, kDigit, kLetter, kSuffix, kSuffixNo, kRevisionNo, kEnd };

// A token's value: a run of digits compared as an unbounded number, or a small integer
// (a letter's code, a suffix's rank, or minus the count of leading zeros after a dot).
struct Value {
  bool is_number = false;
  std::string_view digits;
  int small = 0;
};

int compare_values(const Value& a, const Value& b) {
  if (a.is_number && b.is_number) return compare_digits(a.digits, b.digits);
  // Mixed only after a dot: leading zeros (negative) against a plain number (never negative).
  if (a.is_number) return b.small < 0 ? 1 : compare_digits(a.digits, "");
  if (b.is_number) return a.small < 0 ? -1 : -compare_digits(b.digits, "");
  return (a.small > b.small) - (a.small < b.small);
}

// Pre-release suffixes rank below zero (below the version without them), the others above.
constexpr std::array<std::string_view, 4> kPreSuffixes{"alpha", "beta", "pre", "rc"};
constexpr std::array<std::string_view, 5> kPostSuffixes{"cvs", "svn", "git", "hg", "p"};

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }

// Decides the kind of the token that starts at s, consuming its separator.
void next_kind(Kind& kind, std::string_view& s) {
  Kind n = kInvalid;
  if (s.empty()) {
    n = kEnd;
  } else if ((kind == kDigit || kind == kDigitOrZero) && is_lower(s[0])) {
    n = kLetter;
  } else if (kind == kLetter && is_digit(s[0])) {
    n = kDigit;
  } else if (kind == kSuffix && is_digit(s[0])) {
    n = kSuffixNo;
  } else {
    if (s[0] == '.') {
      n = kDigitOrZero;
    } else if (s[0] == '_') {
      n = kSuffix;
    } else if (s[0] == '-' && s.size() > 1 && s[1] == 'r') {
      n = kRevisionNo;
      s.remove_prefix(1);
    }
    s.remove_prefix(1);
  }
  if (n < kind) {
    bool allowed = (n == kDigitOrZero && kind == kDigit) || (n == kSuffix && kind == kSuffixNo) ||
                   (n == kDigit && kind == kLetter);
    if (!allowed) n = kInvalid;
  }
  kind = n;
}

// Reads the token of the given kind at the start of s and moves kind on to the next token's.
Value take_token(Kind& kind, std::string_view& s) {
  Value v;
  if (s.empty()) {
    kind = kEnd;
    return v;
  }
  std::size_t len = 0;
  Kind forced_next = kInvalid;
  switch (kind) {
    case kDigitOrZero:
      if (s[0] == '0') {  // "1.01" < "1.1": leading zeros after a dot count as a negative value
        while (len < s.size() && s[len] == '0') ++len;
        v.small = -static_cast<int>(len);
        // Digits after the zeros are the next token. apk-tools 2.x also forces a digit token when
        // none follows, which makes "1.0_rc1" sort after "1.0"; we read the next token's kind
        // normally instead, so that pre-releases of x.0 sort before it.
        if (len < s.size() && is_digit(s[len])) forced_next = kDigit;
        else kind = kDigit;
        break;
      }
      [[fallthrough]];
    case kDigit:
    case kSuffixNo:
    case kRevisionNo:
      while (len < s.size() && is_digit(s[len])) ++len;
      v.is_number = true;
      v.digits = s.substr(0, len);
      break;
    case kLetter:
      v.small = static_cast<unsigned char>(s[0]);
      len = 1;
      break;
    case kSuffix: {
      bool found = false;
      for (std::size_t i = 0; i < kPreSuffixes.size() && !found; ++i) {
        if (s.starts_with(kPreSuffixes[i])) {
          v.small = static_cast<int>(i) - static_cast<int>(kPreSuffixes.size());
          len = kPreSuffixes[i].size();
          found = true;
        }
      }
      for (std::size_t i = 0; i < kPostSuffixes.size() && !found; ++i) {
        if (s.starts_with(kPostSuffixes[i])) {
          v.small = static_cast<int>(i);
          len = kPostSuffixes[i].size();
          found = true;
        }
      }
      if (found) break;
      kind = kInvalid;
      v.small = -1;
      return v;
    }
    default:
      kind = kInvalid;
      v.small = -1;
      return v;
  }
  s.remove_prefix(len);
  if (s.empty()) {
    kind = kEnd;
  } else if (forced_next != kInvalid) {
    kind = forced_next;
  } else {
    next_kind(kind, s);
  }
  return v;
}

void validate(std::string_view v) {
  for (char c : v) {
    if (c == '\0') fail_version("apk", v, "contains a NUL byte");
  }
  Kind kind = kDigit;
  std::string_view s = v;
  while (kind != kEnd && kind != kInvalid) take_token(kind, s);
  if (kind != kEnd) fail_version("apk", v, "not an apk version ({digit}{.digit}...{letter}{_suffix{#}}...{-r#})");
}

}  // namespace

int compare_apk(std::string_view a, std::string_view b) {
  validate(a);
  validate(b);
  Kind ak = kDigit, bk = kDigit;
  Value av, bv;
  int r = 0;
  while (ak == bk && ak != kEnd && ak != kInvalid && r == 0) {
    av = take_token(ak, a);
    bv = take_token(bk, b);
    r = compare_values(av, bv);
  }
  if (r != 0) return r;
  if (ak == bk) return 0;
  // Equal so far and one goes on: the longer one is newer unless what follows is a pre-release.
  Kind peek = ak;
  std::string_view rest = a;
  if (ak == kSuffix && take_token(peek, rest).small < 0) return -1;
  peek = bk;
  rest = b;
  if (bk == kSuffix && take_token(peek, rest).small < 0) return 1;
  if (ak > bk) return -1;
  if (bk > ak) return 1;
  return 0;
}

}  // namespace moat::version::detail
