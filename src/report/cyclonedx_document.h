#pragma once
// The CycloneDX document as JSON before it is written, for writers that extend it: the SBOM with
// vulnerabilities (cyclonedx_vex.h) is this document plus a "vulnerabilities" array.
#include <nlohmann/json.hpp>
#include <string>

#include "inventory/inventory.h"
#include "report/sbom_common.h"
#include "report/sbom_options.h"

namespace moat::report::cyclonedx {

nlohmann::ordered_json document(const inventory::Inventory& inv, const SbomOptions& options);

// The bom-ref the document gives the component of `entry` (see cyclonedx.h).
std::string bom_ref(const sbom::Entry& entry);

}  // namespace moat::report::cyclonedx
