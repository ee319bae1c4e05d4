// Debian version ordering: [epoch:]upstream[-revision], compared the way dpkg's verrevcmp does.
#include "version/schemes.h"

namespace moat::version::detail {
namespace {

struct DpkgVersion {
  std::string_view epoch;  // digits, empty means 0
  std::string_view upstream;
  std::string_view revision;  // empty when absent; dpkg treats that the same as "0"
};

DpkgVersion parse(std::string_view v) {
  std::string_view s = trim_blanks(v);
  if (s.empty()) fail_version("dpkg", v, "empty version");
  for (char c : s) {
    if (c == ' ' || c == '\t') fail_version("dpkg", v, "version has embedded spaces");
  }
  DpkgVersion out;
  if (auto colon = s.find(':'); colon != std::string_view::npos) {
    out.epoch = s.substr(0, colon);
    if (out.epoch.empty()) fail_version("dpkg", v, "epoch is empty");
    for (char c : out.epoch) {
      if (!is_digit(c)) fail_version("dpkg", v, "epoch is not a number");
    }
    s.remove_prefix(colon + 1);
  }
  if (auto hyphen = s.rfind('-'); hyphen != std::string_view::npos) {
    out.revision = s.substr(hyphen + 1);
    if (out.revision.empty()) fail_version("dpkg", v, "revision is empty");
    s = s.substr(0, hyphen);
  }
  if (s.empty()) fail_version("dpkg", v, "upstream version is empty");
  out.upstream = s;
  return out;
}

// Sort weight of a character in a non-digit run: '~' before the end of the string, the end before
// letters, letters before everything else.
int order(char c) {
  if (is_digit(c)) return 0;
  if (is_alpha(c)) return static_cast<unsigned char>(c);
  if (c == '~') return -1;
  return static_cast<unsigned char>(c) + 256;
}

int verrevcmp(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    while ((i < a.size() && !is_digit(a[i])) || (j < b.size() && !is_digit(b[j]))) {
      int ac = i < a.size() ? order(a[i]) : 0;
      int bc = j < b.size() ? order(b[j]) : 0;
      if (ac != bc) return ac - bc;
      if (i < a.size()) ++i;
      if (j < b.size()) ++j;
    }
    std::size_t ai = i, bj = j;
    while (i < a.size() && is_digit(a[i])) ++i;
    while (j < b.size() && is_digit(b[j])) ++j;
    if (int r = compare_digits(a.substr(ai, i - ai), b.substr(bj, j - bj))) return r;
  }
  return 0;
}

}  // namespace

int compare_dpkg(std::string_view a, std::string_view b) {
  DpkgVersion va = parse(a), vb = parse(b);
  if (int r = compare_digits(va.epoch, vb.epoch)) return r;
  if (int r = verrevcmp(va.upstream, vb.upstream)) return r;
  return verrevcmp(va.revision, vb.revision);
}

}  // namespace moat::version::detail
