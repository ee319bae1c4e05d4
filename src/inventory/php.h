#pragma once
// PHP packages installed or locked by Composer.
#include <string_view>
#include <vector>

#include "inventory/package.h"

namespace moat::inventory {

// vendor/composer/installed.json: Composer 1 writes a bare array of packages, Composer 2 an object
// {"packages": [...], "dev-package-names": [...]}; packages named there are marked dev.
//
// Versions: Composer keeps the tag as written ("v1.4.2") beside "version_normalized" ("1.4.2.0").
// moat reports the written version with one leading "v"/"V" dropped when a digit follows, because
// advisories (OSV, GitHub) key Packagist versions without it and the four-part normalised form
// matches nothing; branch versions such as "dev-main" are kept as they are.
// license: Composer's array means a choice between licences, so it is joined with " OR ".
std::vector<Package> parse_composer_installed(std::string_view content, std::string_view path);

// composer.lock: "packages" and "packages-dev" (dev = true), versions and licences as above.
std::vector<Package> parse_composer_lock(std::string_view content, std::string_view path);

}  // namespace moat::inventory
