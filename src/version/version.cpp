#include "version/version.h"

#include <array>
#include <string>
#include <utility>

#include "base/error.h"
#include "version/schemes.h"

namespace moat::version {
namespace detail {

void fail_version(std::string_view scheme, std::string_view version, std::string_view what) {
  constexpr std::size_t kShown = 80;  // hostile versions can be long; the message stays one line
  std::string shown(version.substr(0, kShown));
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  if (version.size() > kShown) shown += "...";
  fail(std::string(scheme) + " version \"" + shown + "\"", std::string(what));
}

int compare_digits(std::string_view a, std::string_view b) {
  while (!a.empty() && a.front() == '0') a.remove_prefix(1);
  while (!b.empty() && b.front() == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return sign(a.compare(b));
}

std::string_view trim_blanks(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace detail

namespace {

void check_length(Scheme s, std::string_view v) {
  if (v.empty()) detail::fail_version(scheme_name(s), v, "empty version");
  if (v.size() > kMaxVersionLength) detail::fail_version(scheme_name(s), v, "version longer than 1024 bytes");
}

}  // namespace

int compare(Scheme s, std::string_view a, std::string_view b) {
  check_length(s, a);
  check_length(s, b);
  int r = 0;
  switch (s) {
    case Scheme::Dpkg: r = detail::compare_dpkg(a, b); break;
    case Scheme::Apk: r = detail::compare_apk(a, b); break;
    case Scheme::Rpm: r = detail::compare_rpm(a, b); break;
    case Scheme::Pep440: r = detail::compare_pep440(a, b); break;
    case Scheme::Semver: r = detail::compare_semver(a, b); break;
    case Scheme::Gem: r = detail::compare_gem(a, b); break;
    case Scheme::Composer: r = detail::compare_composer(a, b); break;
    case Scheme::Maven: r = detail::compare_maven(a, b); break;
    case Scheme::Go: r = detail::compare_go(a, b); break;
  }
  return detail::sign(r);
}

bool is_valid(Scheme s, std::string_view v) {
  try {
    compare(s, v, v);
    return true;
  } catch (const Error&) {
    return false;
  }
}

std::optional<Scheme> scheme_for_ecosystem(std::string_view osv_ecosystem) {
  // OSV appends a release to distribution ecosystems ("Debian:11", "Alpine:v3.18", "Ubuntu:22.04:LTS").
  std::string_view base = osv_ecosystem.substr(0, osv_ecosystem.find(':'));
  static constexpr std::array<std::pair<std::string_view, Scheme>, 24> kEcosystems{{
      {"Debian", Scheme::Dpkg},
      {"Ubuntu", Scheme::Dpkg},
      {"Alpine", Scheme::Apk},
      {"Wolfi", Scheme::Apk},
      {"Chainguard", Scheme::Apk},
      {"Red Hat", Scheme::Rpm},
      {"AlmaLinux", Scheme::Rpm},
      {"Rocky Linux", Scheme::Rpm},
      {"openSUSE", Scheme::Rpm},
      {"SUSE", Scheme::Rpm},
      {"Mageia", Scheme::Rpm},
      {"openEuler", Scheme::Rpm},
      {"Photon OS", Scheme::Rpm},
      {"Azure Linux", Scheme::Rpm},
      {"Oracle Linux", Scheme::Rpm},
      {"PyPI", Scheme::Pep440},
      {"npm", Scheme::Semver},
      {"crates.io", Scheme::Semver},
      {"Hex", Scheme::Semver},
      {"Go", Scheme::Go},
      {"RubyGems", Scheme::Gem},
      {"Packagist", Scheme::Composer},
      {"Maven", Scheme::Maven},
      {"Bitnami", Scheme::Semver},
  }};
  for (const auto& [name, scheme] : kEcosystems) {
    if (name == base) return scheme;
  }
  return std::nullopt;
}

std::string_view scheme_name(Scheme s) {
  switch (s) {
    case Scheme::Dpkg: return "dpkg";
    case Scheme::Apk: return "apk";
    case Scheme::Rpm: return "rpm";
    case Scheme::Pep440: return "PEP 440";
    case Scheme::Semver: return "semver";
    case Scheme::Gem: return "gem";
    case Scheme::Composer: return "composer";
    case Scheme::Maven: return "maven";
    case Scheme::Go: return "go";
  }
  return "unknown";
}

}  // namespace moat::version
