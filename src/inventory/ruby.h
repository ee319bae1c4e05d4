#pragma once
// Ruby gems: installed specifications and Bundler lock files.
#include <optional>
#include <string_view>
#include <vector>

#include "inventory/package.h"

namespace moat::inventory {

// A specifications/*.gemspec as RubyGems writes it on install (Ruby source). Nothing is executed:
// only literal assignments to the spec's name, version, license(s) and platform are read
// (  s.name = "rack".freeze  /  s.version = "2.2.4"  /  s.licenses = ["MIT".freeze]  ); a value that
// is not a literal is ignored. nullopt when no literal name and version are found.
// Several licences are joined with " OR ": gems that list more than one (Ruby's own: "Ruby",
// "BSD-2-Clause") are offered under either. A non-"ruby" platform becomes `arch`.
std::optional<Package> parse_gemspec(std::string_view content, std::string_view path);

// Gemfile.lock: every spec of the GEM, GIT, PATH and PLUGIN SOURCE sections. Bundler writes a
// platform-specific gem as "nokogiri (1.13.0-x86_64-linux)": the part after the first '-' is the
// platform (arch); one gem locked for several platforms is reported once, without arch.
std::vector<Package> parse_gemfile_lock(std::string_view content, std::string_view path);

}  // namespace moat::inventory
