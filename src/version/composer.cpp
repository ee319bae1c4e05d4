// Packagist ordering, as composer/semver: VersionParser::normalize turns a version into
// "M.m.p.b[-stability[N]][-dev]" (or a date version, or "M.m.p.b-dev" for numeric "1.x-dev"
// branches), then the normalised strings are ordered by PHP's version_compare. Named branches
// ("dev-main") have no order and are rejected.
#include <array>
#include <string>

#include "version/schemes.h"

namespace moat::version::detail {
namespace {

bool word_at_ci(std::string_view s, std::size_t pos, std::string_view word) {
  if (pos + word.size() > s.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (to_lower(s[pos + i]) != to_lower(word[i])) return false;
  }
  return true;
}

bool ends_with_ci(std::string_view s, std::string_view word) {
  return s.size() >= word.size() && word_at_ci(s, s.size() - word.size(), word);
}

std::size_t digits_end(std::string_view s, std::size_t p) {
  while (p < s.size() && is_digit(s[p])) ++p;
  return p;
}

// composer's modifier: [._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+)*)?)?([.-]?dev)?
// matched against all of rest. On success appends the normalised suffix to version.
bool apply_modifier(std::string_view rest, std::string& version) {
  static constexpr std::array<std::string_view, 9> kLabels{"stable", "beta", "b",     "RC", "alpha",
                                                            "a",      "patch", "pl", "p"};
  auto dev_tail = [](std::string_view s) {  // ([.-]?dev)? then the end
    if (s.empty()) return 0;
    if (s[0] == '.' || s[0] == '-') s.remove_prefix(1);
    return (s.size() == 3 && word_at_ci(s, 0, "dev")) ? 1 : -1;
  };
  for (int skip_sep = 1; skip_sep >= 0; --skip_sep) {
    std::string_view s = rest;
    if (skip_sep) {
      if (s.empty() || (s[0] != '.' && s[0] != '_' && s[0] != '-')) continue;
      s.remove_prefix(1);
    }
    for (std::string_view label : kLabels) {
      if (!word_at_ci(s, 0, label)) continue;
      std::size_t p = label.size();
      std::size_t numbers_start = p;
      while (true) {  // (?:[.-]?\d+)*
        std::size_t q = p;
        if (q < s.size() && (s[q] == '.' || s[q] == '-')) ++q;
        std::size_t e = digits_end(s, q);
        if (e == q) break;
        p = e;
      }
      int dev = dev_tail(s.substr(p));
      if (dev < 0) continue;
      std::string_view matched = s.substr(0, label.size());
      if (matched == "stable") return true;  // composer compares this case-sensitively
      std::string stability;
      for (char c : matched) stability += to_lower(c);
      if (stability == "a") stability = "alpha";
      else if (stability == "b") stability = "beta";
      else if (stability == "p" || stability == "pl") stability = "patch";
      else if (stability == "rc") stability = "RC";
      std::string_view numbers = s.substr(numbers_start, p - numbers_start);
      while (!numbers.empty() && (numbers[0] == '.' || numbers[0] == '-')) numbers.remove_prefix(1);
      version += '-';
      version += stability;
      version += numbers;
      if (dev > 0) version += "-dev";
      return true;
    }
    int dev = dev_tail(s);
    if (dev >= 0) {
      if (dev > 0) version += "-dev";
      return true;
    }
  }
  return false;
}

bool classical(std::string_view s, std::string& out) {
  std::size_t p = 0;
  if (p < s.size() && (s[p] == 'v' || s[p] == 'V')) ++p;
  std::size_t e = digits_end(s, p);
  if (e == p || e - p > 5) return false;
  std::string version(s.substr(p, e - p));
  p = e;
  int parts = 1;
  while (parts < 4 && p + 1 < s.size() && s[p] == '.' && is_digit(s[p + 1])) {
    e = digits_end(s, p + 1);
    version += s.substr(p, e - p);
    p = e;
    ++parts;
  }
  for (; parts < 4; ++parts) version += ".0";
  if (!apply_modifier(s.substr(p), version)) return false;
  out = version;
  return true;
}

// \d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3}){0,2} matching exactly s[0, end).
bool date_core(std::string_view s, std::size_t p, int pairs, int tails) {
  if (p == s.size()) return pairs >= 1;
  std::size_t q = p;
  if (s[q] == '.' || s[q] == ':' || s[q] == '-') ++q;
  if (pairs < 6 && tails == 0 && q + 2 <= s.size() && is_digit(s[q]) && is_digit(s[q + 1]) &&
      date_core(s, q + 2, pairs + 1, 0)) {
    return true;
  }
  if (pairs >= 1 && tails < 2) {
    for (std::size_t n = 1; n <= 3 && q + n <= s.size() && is_digit(s[q + n - 1]); ++n) {
      if (date_core(s, q + n, pairs, tails + 1)) return true;
    }
  }
  return false;
}

bool date_version(std::string_view s, std::string& out) {
  std::size_t p = 0;
  if (p < s.size() && (s[p] == 'v' || s[p] == 'V')) ++p;
  if (digits_end(s, p) < p + 4) return false;
  // The regex is greedy: the longest date prefix after which the modifier matches wins.
  for (std::size_t end = s.size(); end >= p + 6; --end) {
    std::string_view core = s.substr(p + 4, end - p - 4);
    if (!date_core(core, 0, 0, 0)) continue;
    std::string version(s.substr(p, end - p));
    for (char& c : version) {
      if (!is_digit(c)) c = '.';
    }
    if (apply_modifier(s.substr(end), version)) {
      out = version;
      return true;
    }
  }
  return false;
}

// "1.x" or "v2.3.*" before "-dev": the numeric branch becomes "1.9999999.9999999.9999999-dev".
bool numeric_branch(std::string_view name, std::string& out) {
  name = trim_blanks(name);
  std::size_t p = 0;
  if (p < name.size() && (name[p] == 'v' || name[p] == 'V')) ++p;
  std::size_t e = digits_end(name, p);
  if (e == p) return false;
  std::string version(name.substr(p, e - p));
  p = e;
  int parts = 1;
  while (parts < 4 && p < name.size() && name[p] == '.') {
    ++p;
    if (p < name.size() && (name[p] == 'x' || name[p] == 'X' || name[p] == '*')) {
      version += ".9999999";
      ++p;
    } else {
      e = digits_end(name, p);
      if (e == p) return false;
      version += '.';
      version += name.substr(p, e - p);
      p = e;
    }
    ++parts;
  }
  if (p != name.size()) return false;
  for (; parts < 4; ++parts) version += ".9999999";
  out = version + "-dev";
  return true;
}

std::string normalize(std::string_view v) {
  std::string_view s = trim_blanks(v);
  // "1.0 as 2.0" aliases
  if (auto as = s.find(" as "); as != std::string_view::npos) s = trim_blanks(s.substr(0, as));
  for (std::string_view flag : {"@stable", "@rc", "@beta", "@alpha", "@dev"}) {
    if (ends_with_ci(s, flag)) {
      s.remove_suffix(flag.size());
      break;
    }
  }
  if (s == "master" || s == "trunk" || s == "default" || word_at_ci(s, 0, "dev-")) {
    fail_version("composer", v, "is a branch, which has no version order");
  }
  if (auto plus = s.find('+'); plus != std::string_view::npos && plus > 0) s = s.substr(0, plus);
  std::string out;
  if (classical(s, out) || date_version(s, out)) return out;
  if (ends_with_ci(s, "dev")) {
    std::string_view name = s.substr(0, s.size() - 3);
    if (!name.empty() && (name.back() == '.' || name.back() == '-')) name.remove_suffix(1);
    if (numeric_branch(name, out)) return out;
  }
  fail_version("composer", v, "invalid version string");
}

// PHP's version_compare() --------------------------------------------------------------------

bool php_digit(char c) { return is_digit(c); }
bool php_nondigit(char c) { return !is_digit(c) && c != '.'; }

// Inserts '.' between runs of digits and non-digits and turns separators into '.'.
std::string php_canonicalize(std::string_view v) {
  std::string out;
  out.reserve(v.size() * 2);
  out += v[0];
  char last = v[0];
  for (std::size_t i = 1; i < v.size(); ++i) {
    char c = v[i];
    if (c == '-' || c == '_' || c == '+') {
      if (out.back() != '.') out += '.';
    } else if ((php_nondigit(last) && php_digit(c)) || (php_digit(last) && php_nondigit(c))) {
      if (out.back() != '.') out += '.';
      out += c;
    } else if (!is_alnum(c)) {
      if (out.back() != '.') out += '.';
    } else {
      out += c;
    }
    last = c;
  }
  return out;
}

int special_form(std::string_view form) {
  struct Form {
    std::string_view prefix;
    int order;
  };
  static constexpr std::array<Form, 10> kForms{{{"dev", 0},
                                                {"alpha", 1},
                                                {"a", 1},
                                                {"beta", 2},
                                                {"b", 2},
                                                {"RC", 3},
                                                {"rc", 3},
                                                {"#", 4},
                                                {"pl", 5},
                                                {"p", 5}}};
  for (const Form& f : kForms) {
    if (form.starts_with(f.prefix)) return f.order;
  }
  return -6;
}

int compare_forms(std::string_view a, std::string_view b) { return sign(special_form(a) - special_form(b)); }

int php_version_compare(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return static_cast<int>(!a.empty()) - static_cast<int>(!b.empty());
  std::string ca = a[0] == '#' ? std::string(a) : php_canonicalize(a);
  std::string cb = b[0] == '#' ? std::string(b) : php_canonicalize(b);
  std::string_view s1 = ca, s2 = cb;
  std::size_t p1 = 0, p2 = 0;
  std::size_t n1 = 0, n2 = 0;  // npos once there is no further '.'
  int r = 0;
  while (p1 < s1.size() && p2 < s2.size() && n1 != std::string_view::npos && n2 != std::string_view::npos) {
    n1 = s1.find('.', p1);
    n2 = s2.find('.', p2);
    std::string_view e1 = s1.substr(p1, n1 == std::string_view::npos ? std::string_view::npos : n1 - p1);
    std::string_view e2 = s2.substr(p2, n2 == std::string_view::npos ? std::string_view::npos : n2 - p2);
    bool d1 = !e1.empty() && is_digit(e1[0]), d2 = !e2.empty() && is_digit(e2[0]);
    if (d1 && d2) {
      r = compare_digits(e1.substr(0, digits_end(e1, 0)), e2.substr(0, digits_end(e2, 0)));
    } else if (!d1 && !d2) {
      r = compare_forms(e1, e2);
    } else {
      r = d1 ? compare_forms("#N#", e2) : compare_forms(e1, "#N#");
    }
    if (r != 0) break;
    if (n1 != std::string_view::npos) p1 = n1 + 1;
    if (n2 != std::string_view::npos) p2 = n2 + 1;
  }
  if (r == 0) {
    if (n1 != std::string_view::npos) {
      std::string_view rest = s1.substr(p1);
      r = (!rest.empty() && is_digit(rest[0])) ? 1 : php_version_compare(rest, "#N#");
    } else if (n2 != std::string_view::npos) {
      std::string_view rest = s2.substr(p2);
      r = (!rest.empty() && is_digit(rest[0])) ? -1 : php_version_compare("#N#", rest);
    }
  }
  return r;
}

}  // namespace

int compare_composer(std::string_view a, std::string_view b) {
  return php_version_compare(normalize(a), normalize(b));
}

}  // namespace moat::version::detail
