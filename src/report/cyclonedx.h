#pragma once
// CycloneDX 1.5 JSON (https://cyclonedx.org/docs/1.5/json/).
//
// Shape of the document:
// - metadata.component is the target: type "container" with a pkg:oci purl for an image,
//   "application" for a directory; metadata.tools.components names moat and its version.
// - One "operating-system" component for the OS from os-release, then one "library" component per
//   package, sorted. bom-ref is "<ecosystem>:<name>@<version>#<16 hex>", the hex a hash of the
//   package's identity (ecosystem, name, version, arch, found_in, layer): unique in the document
//   and the same for the same package in every scan.
// - A language package owned by an OS package (its files belong to, say, a deb) is nested in that
//   OS package's "components": CycloneDX's way to say a component is included in another (an
//   assembly), as opposed to "dependencies", which says one needs another. An owner missing from
//   the inventory leaves the package at the top level with its moat:owner property.
// - "dependencies" has one entry: the target depends on every top-level component.
// - Licences: a valid SPDX expression over the SPDX License List becomes license.id when it is a
//   single listed identifier and "expression" otherwise; anything else is kept as license.name.
// - Facts CycloneDX has no field for are properties in moat's namespace, "moat:" (see
//   sbom::facts): moat:found_in, moat:layer, moat:source_name, moat:source_version, moat:owner,
//   moat:dev.
#include <ostream>

#include "inventory/inventory.h"
#include "report/sbom_options.h"

namespace moat::report {

void write_cyclonedx(const inventory::Inventory& inv, std::ostream& out, const SbomOptions& options = {});

}  // namespace moat::report
