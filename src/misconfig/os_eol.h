#pragma once
// End-of-life dates of base OS releases (Debian, Alpine, Ubuntu) and the check that reports an
// image built on a release that is, or soon will be, without security support.
//
// "End of life" is the last day fixes reach the release through its ordinary package sources:
// for Debian the end of LTS (its updates come from the usual security archive); for Ubuntu the
// end of standard support (ESM needs an Ubuntu Pro subscription); for Alpine the branch's end of
// support. Paid extensions (Debian ELTS, Ubuntu ESM/Legacy) are not counted.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "misconfig/check_result.h"

namespace moat::misconfig {

struct OsRelease {
  std::string_view os_id;              // os-release ID: "debian", "alpine", "ubuntu"
  std::string_view cycle;              // "12", "3.19", "22.04"
  std::string_view codename;           // "bookworm"; "" for Alpine
  std::chrono::sys_days security_end;  // end of regular security support
  std::chrono::sys_days eol;           // end of all free support (== security_end without an LTS phase)
};

// The whole table, oldest first per distribution.
const std::vector<OsRelease>& os_releases();

// The release an os-release ID and VERSION_ID name ("debian" "12", "alpine" "3.19.1",
// "ubuntu" "22.04"), or nullopt for a distribution or version the table does not know.
std::optional<OsRelease> find_os_release(std::string_view os_id, std::string_view version_id);

// Within this many days of the end of life, MOAT-IMG-021 warns.
inline constexpr std::chrono::days kEolWarning{90};

// MOAT-IMG-020 (past end of life), MOAT-IMG-021 (ends within kEolWarning) and MOAT-IMG-022 (Debian:
// past regular security support, LTS only). An unknown distribution or version gives no finding.
std::vector<ConfigFinding> check_base_os(std::string_view os_id, std::string_view version_id,
                                         std::chrono::system_clock::time_point now);

}  // namespace moat::misconfig
