#pragma once
// SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/).
//
// Shape of the document:
// - One package for the target (SPDXRef-Image, purpose CONTAINER, with a pkg:oci purl; or
//   SPDXRef-Filesystem, purpose APPLICATION), which the document DESCRIBES.
// - One package for the OS from os-release (SPDXRef-OperatingSystem, purpose OPERATING_SYSTEM).
// - One package per installed package, sorted, SPDXID "SPDXRef-Package-<ecosystem>-<name>-<16 hex>"
//   (name reduced to [A-Za-z0-9.-], the hex a hash of the package's identity: unique and stable),
//   purpose LIBRARY, downloadLocation NOASSERTION, filesAnalyzed false, the purl as a
//   PACKAGE-MANAGER external reference, supplier "Organization: <os id>" for OS packages.
// - licenseDeclared: a valid SPDX expression over the SPDX License List in canonical form; free
//   text becomes a LicenseRef-<text reduced to [A-Za-z0-9.-]> defined in hasExtractedLicensingInfos
//   with the text itself; NOASSERTION when nothing was declared.
// - Relationships: the document DESCRIBES the target; the target CONTAINS the OS and every package;
//   an OS package CONTAINS each language package it owns (whose files belong to it).
// - moat-specific facts are annotations (type OTHER, by the tool) whose comment is
//   "moat:<fact>=<value>", the same names as the CycloneDX properties (see sbom::facts).
// - documentNamespace: https://spdx.org/spdxdocs/moat-<target reduced>-<uuid>, the form SPDX
//   suggests for creators without their own web space.
#include <ostream>

#include "inventory/inventory.h"
#include "report/sbom_options.h"

namespace moat::report {

void write_spdx(const inventory::Inventory& inv, std::ostream& out, const SbomOptions& options = {});

}  // namespace moat::report
