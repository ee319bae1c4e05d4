// SemVer 2.0.0 ordering (npm, crates.io): strict grammar, with node-semver's tolerance of a leading
// "=" or "v" and of surrounding blanks.
#include "version/schemes.h"
#include "version/semver_parts.h"

namespace moat::version::detail {
namespace {

// A numeric identifier: "0" or digits without a leading zero.
bool take_number(std::string_view& s, std::string_view& out) {
  std::size_t n = 0;
  while (n < s.size() && is_digit(s[n])) ++n;
  if (n == 0 || (n > 1 && s[0] == '0')) return false;
  out = s.substr(0, n);
  s.remove_prefix(n);
  return true;
}

bool ident_char(char c) { return is_alnum(c) || c == '-'; }

// Dot-separated non-empty identifiers of [0-9A-Za-z-]; in a pre-release, numeric ones have no
// leading zeros. Consumes up to the first character that cannot belong.
bool take_identifiers(std::string_view& s, bool prerelease, std::string_view& out) {
  std::size_t p = 0;
  while (true) {
    std::size_t start = p;
    bool numeric = true;
    while (p < s.size() && ident_char(s[p])) {
      numeric = numeric && is_digit(s[p]);
      ++p;
    }
    if (p == start) return false;
    if (prerelease && numeric && p - start > 1 && s[start] == '0') return false;
    if (p < s.size() && s[p] == '.') {
      ++p;
      continue;
    }
    break;
  }
  out = s.substr(0, p);
  s.remove_prefix(p);
  return true;
}

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

std::string_view next_identifier(std::string_view& s) {
  std::size_t dot = s.find('.');
  std::string_view id = s.substr(0, dot);
  s.remove_prefix(dot == std::string_view::npos ? s.size() : dot + 1);
  return id;
}

SemverParts parse_npm(std::string_view v) {
  std::string_view s = trim_blanks(v);
  if (!s.empty() && s[0] == '=') s.remove_prefix(1);
  if (!s.empty() && (s[0] == 'v' || s[0] == 'V')) s.remove_prefix(1);
  SemverParts parts;
  if (const char* why = parse_semver(s, false, parts)) fail_version("semver", v, why);
  return parts;
}

}  // namespace

const char* parse_semver(std::string_view s, bool allow_shorthand, SemverParts& out) {
  out = SemverParts{};
  if (!take_number(s, out.major)) return "major version is not a number without leading zeros";
  if (s.empty() && allow_shorthand) {
    out.minor = out.patch = "0";
    return nullptr;
  }
  if (s.empty() || s[0] != '.') return "expected MAJOR.MINOR.PATCH";
  s.remove_prefix(1);
  if (!take_number(s, out.minor)) return "minor version is not a number without leading zeros";
  if (s.empty() && allow_shorthand) {
    out.patch = "0";
    return nullptr;
  }
  if (s.empty() || s[0] != '.') return "expected MAJOR.MINOR.PATCH";
  s.remove_prefix(1);
  if (!take_number(s, out.patch)) return "patch version is not a number without leading zeros";
  if (!s.empty() && s[0] == '-') {
    s.remove_prefix(1);
    if (!take_identifiers(s, true, out.prerelease)) return "malformed pre-release";
  }
  if (!s.empty() && s[0] == '+') {
    s.remove_prefix(1);
    if (!take_identifiers(s, false, out.build)) return "malformed build metadata";
  }
  if (!s.empty()) return "unexpected characters after the version";
  return nullptr;
}

int compare_semver_parts(const SemverParts& a, const SemverParts& b) {
  if (int r = compare_digits(a.major, b.major)) return r;
  if (int r = compare_digits(a.minor, b.minor)) return r;
  if (int r = compare_digits(a.patch, b.patch)) return r;
  if (a.prerelease.empty() || b.prerelease.empty()) {
    return static_cast<int>(a.prerelease.empty()) - static_cast<int>(b.prerelease.empty());
  }
  std::string_view x = a.prerelease, y = b.prerelease;
  while (!x.empty() && !y.empty()) {
    std::string_view ix = next_identifier(x), iy = next_identifier(y);
    bool nx = all_digits(ix), ny = all_digits(iy);
    if (nx != ny) return nx ? -1 : 1;
    if (int r = nx ? compare_digits(ix, iy) : sign(ix.compare(iy))) return r;
  }
  return static_cast<int>(!x.empty()) - static_cast<int>(!y.empty());
}

int compare_semver(std::string_view a, std::string_view b) {
  return compare_semver_parts(parse_npm(a), parse_npm(b));
}

}  // namespace moat::version::detail
