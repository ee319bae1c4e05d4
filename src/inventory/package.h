#pragma once
// What an analyzer reports about one installed package.
#include <string>
#include <vector>

namespace moat::inventory {

// Ecosystem names follow the purl type where one exists.
namespace eco {
inline constexpr const char* kDeb = "deb";
inline constexpr const char* kApk = "apk";
inline constexpr const char* kRpm = "rpm";
inline constexpr const char* kPypi = "pypi";
inline constexpr const char* kNpm = "npm";
inline constexpr const char* kGem = "gem";
inline constexpr const char* kComposer = "composer";
inline constexpr const char* kGolang = "golang";
inline constexpr const char* kMaven = "maven";
inline constexpr const char* kCargo = "cargo";
}  // namespace eco

struct Package {
  std::string ecosystem;  // one of eco::k*
  std::string name;       // as the ecosystem spells it (npm "@scope/name", maven "group:artifact")
  std::string version;
  std::string source_name;     // OS packages: the source package advisories are keyed by
  std::string source_version;  // empty when equal to version
  std::string arch;
  std::string license;     // declared licence, as written by the package
  std::string found_in;    // the file that proved the package (absolute path in the image)
  std::string layer;       // diff id of the layer that introduced it; empty for a directory scan
  std::string owner;       // for language packages: "deb:NAME"/"rpm:NAME"/"apk:NAME" owning found_in
  std::vector<std::string> files;  // OS packages: files the package owns (used for ownership)
  bool dev = false;                // a lock file's development-only dependency
};

}  // namespace moat::inventory
