// RPM version ordering: [epoch:]version[-release], each part compared with rpmvercmp.
#include "version/schemes.h"

namespace moat::version::detail {
namespace {

struct Evr {
  std::string_view epoch;  // digits; empty means 0
  std::string_view version;
  std::string_view release;  // empty when absent
  bool has_release = false;
};

Evr parse(std::string_view v) {
  std::string_view s = trim_blanks(v);
  if (s.empty()) fail_version("rpm", v, "empty version");
  Evr out;
  if (auto colon = s.find(':'); colon != std::string_view::npos) {
    out.epoch = s.substr(0, colon);
    for (char c : out.epoch) {
      if (!is_digit(c)) fail_version("rpm", v, "epoch is not a number");
    }
    s.remove_prefix(colon + 1);
  }
  if (auto hyphen = s.rfind('-'); hyphen != std::string_view::npos) {
    out.release = s.substr(hyphen + 1);
    out.has_release = true;
    s = s.substr(0, hyphen);
  }
  if (s.empty()) fail_version("rpm", v, "version part is empty");
  out.version = s;
  return out;
}

// rpmvercmp: alternating runs of digits and letters, everything else a separator; '~' sorts before
// anything (even the end), '^' after the end but before anything else.
int rpmvercmp(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  std::size_t i = 0, j = 0;
  auto separator = [](char c) { return !is_alnum(c) && c != '~' && c != '^'; };
  while (i < a.size() || j < b.size()) {
    while (i < a.size() && separator(a[i])) ++i;
    while (j < b.size() && separator(b[j])) ++j;
    bool a_end = i >= a.size(), b_end = j >= b.size();
    if ((!a_end && a[i] == '~') || (!b_end && b[j] == '~')) {
      if (a_end || a[i] != '~') return 1;
      if (b_end || b[j] != '~') return -1;
      ++i;
      ++j;
      continue;
    }
    if ((!a_end && a[i] == '^') || (!b_end && b[j] == '^')) {
      if (a_end) return -1;
      if (b_end) return 1;
      if (a[i] != '^') return 1;
      if (b[j] != '^') return -1;
      ++i;
      ++j;
      continue;
    }
    if (a_end || b_end) break;
    std::size_t ai = i, bj = j;
    bool numeric = is_digit(a[i]);
    if (numeric) {
      while (i < a.size() && is_digit(a[i])) ++i;
      while (j < b.size() && is_digit(b[j])) ++j;
    } else {
      while (i < a.size() && is_alpha(a[i])) ++i;
      while (j < b.size() && is_alpha(b[j])) ++j;
    }
    // Segments of different types: a number is newer than letters.
    if (j == bj) return numeric ? 1 : -1;
    std::string_view sa = a.substr(ai, i - ai), sb = b.substr(bj, j - bj);
    int r = numeric ? compare_digits(sa, sb) : sign(sa.compare(sb));
    if (r != 0) return r;
  }
  bool a_end = i >= a.size(), b_end = j >= b.size();
  if (a_end && b_end) return 0;
  return a_end ? -1 : 1;
}

}  // namespace

int compare_rpm(std::string_view a, std::string_view b) {
  Evr va = parse(a), vb = parse(b);
  if (int r = compare_digits(va.epoch, vb.epoch)) return r;
  if (int r = rpmvercmp(va.version, vb.version)) return r;
  if (!va.has_release && !vb.has_release) return 0;
  if (!va.has_release) return -1;
  if (!vb.has_release) return 1;
  return rpmvercmp(va.release, vb.release);
}

}  // namespace moat::version::detail
