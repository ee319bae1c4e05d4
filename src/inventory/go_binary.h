#pragma once
// Go module build info read from an ELF executable, the same data `go version -m` prints.
#include <string>
#include <string_view>
#include <vector>

#include "inventory/package.h"

namespace moat::inventory {

// Packages compiled into a Go executable, all in ecosystem eco::kGolang with found_in = path:
//  - "stdlib" at the toolchain's version as a module version ("go1.19.8" -> "v1.19.8",
//    "go1.21rc2" -> "v1.21.0-rc.2"), so it orders with the same semver rules as the modules;
//    a development toolchain ("devel ...") gives an empty version;
//  - the main module (the "mod" line); its "(devel)" version, which only says "built from a
//    working tree", is reported as an empty version, like every other unknown version;
//  - every "dep" line. A "=>" replacement by another module is reported as that module at its
//    version; a replacement by a local directory keeps the required module's path with an empty
//    version, since the code is a local copy whose version nobody can know.
// Reads the .go.buildinfo section, or when section headers are stripped, the writable data
// segments; both the inline layout of Go >= 1.18 and the older pointer layout (4- or 8-byte
// pointers, either byte order). Bytes that are not ELF, or an ELF without Go build info, give
// no packages; a malformed ELF or corrupt build info throws moat::Error.
std::vector<Package> parse_go_binary(std::string_view elf_bytes, std::string_view path);

// The toolchain version as a module version: "go1.19.8" -> "v1.19.8"; "" when it is not a release.
std::string go_toolchain_semver(std::string_view toolchain);

}  // namespace moat::inventory
