#pragma once
// Reading an SBOM written by moat or another tool (Trivy, Syft, cdxgen, ...) back into an
// Inventory, so that its packages can be matched like those of a scan:
// - CycloneDX JSON 1.2–1.6: components at any depth (and metadata.component), each read from its
//   purl; an "operating-system" component gives the OS.
// - SPDX 2.2/2.3 JSON: packages with a purl external reference (category PACKAGE-MANAGER, or 2.2's
//   PACKAGE_MANAGER); a package whose purpose is OPERATING-SYSTEM gives the OS.
// Where the purl says nothing, the facts other tools record about a package fill the Package:
// source package (moat:source_*, Trivy's aquasecurity:trivy:Src*, Syft's syft:metadata:source*,
// Trivy's SPDX sourceInfo "built package from: NAME VERSION"), the file that proved it
// (moat:found_in, aquasecurity:trivy:FilePath, syft:location:0:path, an SPDX CONTAINS relationship
// to a file), its layer, owner and licence. Without an OS component the OS comes from the distro=
// qualifier of the OS packages' purls ("debian-12", "alpine-3.19.1").
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "inventory/inventory.h"

namespace moat::inventory {

struct SbomContents {
  Inventory inventory;  // target: the SBOM's path; kind: "sbom"
  std::string format;   // as the document declares itself: "CycloneDX 1.5", "SPDX-2.3"
  // Packages not read, so that a scan can say what it did not look at:
  std::size_t without_purl = 0;       // a library or framework that carries no purl
  std::size_t unsupported_purl = 0;   // a purl of a type moat does not match (oci, github, nuget, ...)
  std::vector<std::string> warnings;  // one line per package whose purl is malformed
};

// Throws moat::Error naming `path` for anything that is not a well-formed CycloneDX or SPDX JSON
// document: bad JSON, more than 100 levels of nesting, an unsupported version, a required field
// missing or of the wrong type.
SbomContents read_sbom(std::string_view json_text, std::string_view path);

}  // namespace moat::inventory
