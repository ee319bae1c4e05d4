#pragma once
// SPDX licence expressions (SPDX 2.3 Annex D): which declared licences the SBOM writers may emit as
// expressions and which must stay free text.
#include <optional>
#include <string>
#include <string_view>

namespace moat::report {

// The canonical form of `text` when it is a valid SPDX licence expression over the SPDX License
// List (identifiers in their listed case, operators upper-cased, single spaces), else nullopt.
// LicenseRef-/DocumentRef- references are accepted as they are.
std::optional<std::string> spdx_expression(std::string_view text);

// True when `expression` (canonical, from spdx_expression) is one listed licence identifier with no
// operator, "+" or reference: the form CycloneDX records as license.id.
bool is_single_license_id(std::string_view expression);

}  // namespace moat::report
