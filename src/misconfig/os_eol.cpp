#include "misconfig/os_eol.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "misconfig/image_checks.h"

namespace moat::misconfig {
namespace {

using namespace std::chrono;

constexpr sys_days d(int y, unsigned m, unsigned day) { return sys_days(year(y) / month(m) / std::chrono::day(day)); }

// Public dates: Debian's release notes and wiki.debian.org/LTS, alpinelinux.org/releases,
// wiki.ubuntu.com/Releases. Dates after today's are the projects' announced plans.
const std::vector<OsRelease> kReleases = {
    // Debian: regular security support (security team) and the end of LTS.
    {"debian", "7", "wheezy", d(2016, 4, 25), d(2018, 5, 31)},
    {"debian", "8", "jessie", d(2018, 6, 17), d(2020, 6, 30)},
    {"debian", "9", "stretch", d(2020, 7, 6), d(2022, 6, 30)},
    {"debian", "10", "buster", d(2022, 9, 10), d(2024, 6, 30)},
    {"debian", "11", "bullseye", d(2024, 8, 14), d(2026, 8, 31)},
    {"debian", "12", "bookworm", d(2026, 6, 10), d(2028, 6, 30)},
    {"debian", "13", "trixie", d(2028, 8, 9), d(2030, 6, 30)},
    // Alpine: end of support of each stable branch.
    {"alpine", "3.0", "", d(2016, 5, 1), d(2016, 5, 1)},
    {"alpine", "3.1", "", d(2016, 11, 1), d(2016, 11, 1)},
    {"alpine", "3.2", "", d(2017, 5, 1), d(2017, 5, 1)},
    {"alpine", "3.3", "", d(2017, 11, 1), d(2017, 11, 1)},
    {"alpine", "3.4", "", d(2018, 5, 1), d(2018, 5, 1)},
    {"alpine", "3.5", "", d(2018, 11, 1), d(2018, 11, 1)},
    {"alpine", "3.6", "", d(2019, 5, 1), d(2019, 5, 1)},
    {"alpine", "3.7", "", d(2019, 11, 1), d(2019, 11, 1)},
    {"alpine", "3.8", "", d(2020, 5, 1), d(2020, 5, 1)},
    {"alpine", "3.9", "", d(2020, 11, 1), d(2020, 11, 1)},
    {"alpine", "3.10", "", d(2021, 5, 1), d(2021, 5, 1)},
    {"alpine", "3.11", "", d(2021, 11, 1), d(2021, 11, 1)},
    {"alpine", "3.12", "", d(2022, 5, 1), d(2022, 5, 1)},
    {"alpine", "3.13", "", d(2022, 11, 1), d(2022, 11, 1)},
    {"alpine", "3.14", "", d(2023, 5, 1), d(2023, 5, 1)},
    {"alpine", "3.15", "", d(2023, 11, 1), d(2023, 11, 1)},
    {"alpine", "3.16", "", d(2024, 5, 23), d(2024, 5, 23)},
    {"alpine", "3.17", "", d(2024, 11, 22), d(2024, 11, 22)},
    {"alpine", "3.18", "", d(2025, 5, 9), d(2025, 5, 9)},
    {"alpine", "3.19", "", d(2025, 11, 1), d(2025, 11, 1)},
    {"alpine", "3.20", "", d(2026, 4, 1), d(2026, 4, 1)},
    {"alpine", "3.21", "", d(2026, 11, 1), d(2026, 11, 1)},
    {"alpine", "3.22", "", d(2027, 5, 1), d(2027, 5, 1)},
    {"alpine", "3.23", "", d(2027, 11, 1), d(2027, 11, 1)},
    // Ubuntu: end of standard support (LTS five years, interim nine months); ESM not counted.
    {"ubuntu", "14.04", "trusty", d(2019, 4, 2), d(2019, 4, 2)},
    {"ubuntu", "16.04", "xenial", d(2021, 4, 2), d(2021, 4, 2)},
    {"ubuntu", "18.04", "bionic", d(2023, 5, 31), d(2023, 5, 31)},
    {"ubuntu", "20.04", "focal", d(2025, 5, 31), d(2025, 5, 31)},
    {"ubuntu", "20.10", "groovy", d(2021, 7, 22), d(2021, 7, 22)},
    {"ubuntu", "21.04", "hirsute", d(2022, 1, 20), d(2022, 1, 20)},
    {"ubuntu", "21.10", "impish", d(2022, 7, 14), d(2022, 7, 14)},
    {"ubuntu", "22.04", "jammy", d(2027, 4, 1), d(2027, 4, 1)},
    {"ubuntu", "22.10", "kinetic", d(2023, 7, 20), d(2023, 7, 20)},
    {"ubuntu", "23.04", "lunar", d(2024, 1, 20), d(2024, 1, 20)},
    {"ubuntu", "23.10", "mantic", d(2024, 7, 12), d(2024, 7, 12)},
    {"ubuntu", "24.04", "noble", d(2029, 5, 31), d(2029, 5, 31)},
    {"ubuntu", "24.10", "oracular", d(2025, 7, 10), d(2025, 7, 10)},
    {"ubuntu", "25.04", "plucky", d(2026, 1, 17), d(2026, 1, 17)},
    {"ubuntu", "25.10", "questing", d(2026, 7, 1), d(2026, 7, 1)},
    {"ubuntu", "26.04", "resolute", d(2031, 4, 30), d(2031, 4, 30)},
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The leading numeric components of a version: "3.19.1" -> {"3","19","1"}; "3.21_alpha2024" -> {"3","21"}.
std::vector<std::string_view> numeric_parts(std::string_view v) {
  std::vector<std::string_view> out;
  while (!v.empty() && out.size() < 4) {
    size_t n = 0;
    while (n < v.size() && std::isdigit(static_cast<unsigned char>(v[n]))) ++n;
    if (n == 0 || n > 6) break;
    out.push_back(v.substr(0, n));
    if (n == v.size() || v[n] != '.') break;
    v.remove_prefix(n + 1);
  }
  return out;
}

std::string format(sys_days day) {
  year_month_day ymd(day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

}  // namespace

const std::vector<OsRelease>& os_releases() { return kReleases; }

std::optional<OsRelease> find_os_release(std::string_view os_id, std::string_view version_id) {
  std::string id = lower(os_id);
  auto parts = numeric_parts(version_id);
  if (parts.empty()) return std::nullopt;
  std::string cycle;
  if (id == "debian") {
    cycle = std::string(parts[0]);  // "12" or a point release "12.5"
  } else if (id == "alpine" || id == "ubuntu") {
    if (parts.size() < 2) return std::nullopt;
    // Ubuntu's VERSION_ID is "22.04"; its minor keeps the leading zero, Alpine's has none.
    cycle = std::string(parts[0]) + "." + std::string(parts[1]);
  } else {
    return std::nullopt;
  }
  for (const auto& r : kReleases) {
    if (r.os_id == id && r.cycle == cycle) return r;
  }
  return std::nullopt;
}

std::vector<ConfigFinding> check_base_os(std::string_view os_id, std::string_view version_id,
                                         system_clock::time_point now) {
  std::vector<ConfigFinding> out;
  auto r = find_os_release(os_id, version_id);
  if (!r) return out;
  std::string name = std::string(r->os_id) + " " + std::string(r->cycle) +
                     (r->codename.empty() ? std::string() : " (" + std::string(r->codename) + ")");
  std::string object = "base OS " + name;
  bool lts = r->eol != r->security_end;
  std::string support = r->os_id == "ubuntu" ? "standard support" : lts ? "LTS support" : "security support";
  if (now >= r->eol) {
    out.push_back(
        image_finding("MOAT-IMG-020", name + " reached the end of " + support + " on " + format(r->eol), object));
    return out;
  }
  if (r->eol - now <= kEolWarning)
    out.push_back(
        image_finding("MOAT-IMG-021", name + " reaches the end of " + support + " on " + format(r->eol), object));
  if (lts && now >= r->security_end)
    out.push_back(image_finding("MOAT-IMG-022",
                                name + " left regular security support on " + format(r->security_end) +
                                    "; Debian LTS covers it until " + format(r->eol),
                                object));
  return out;
}

}  // namespace moat::misconfig
