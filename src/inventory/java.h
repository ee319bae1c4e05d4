#pragma once
// Java archives (.jar .war .ear .jpi .hpi): the archive itself and every archive nested in it.
#include <string_view>
#include <vector>

#include "inventory/package.h"

namespace moat::inventory {

// True for the file names a Java analyzer claims (case-insensitive suffix match).
bool is_java_archive_path(std::string_view path);

// Identifies the zip archive in `zip_bytes` and, recursively, every Java archive inside it.
// Each archive is identified by, in order of trust:
//   1. every META-INF/maven/<g>/<a>/pom.properties it holds (a shaded "fat" jar holds several);
//   2. when none of those describes the archive itself (its file name does not start with any of
//      their artifactIds, nor do their versions equal the one below: guice.jar carries only a
//      shaded cglib's), its MANIFEST.MF main section, versioned by Implementation-Version,
//      Bundle-Version or Specification-Version, and named after the file;
//   3. else its file name "artifact-1.2.3.jar" alone.
// Names are "groupId:artifactId" (eco::kMaven); when only a manifest or the file name speaks, the
// groupId is Implementation-Vendor-Id, or Bundle-SymbolicName when that ends in ".<artifactId>",
// and the name is the bare artifactId when neither gives one (it will match no advisory, but the
// SBOM still lists it).
// found_in is `path` for the archive itself and "path!/WEB-INF/lib/inner.jar" for nested ones.
// Nesting depth, entry count and the bytes decompressed are bounded; a corrupt archive (at any
// depth) or one over a bound throws moat::Error naming it.
std::vector<Package> parse_java_archive(std::string_view zip_bytes, std::string_view path);

}  // namespace moat::inventory
