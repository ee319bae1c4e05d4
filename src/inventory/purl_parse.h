#pragma once
// Reading package URLs written by other tools (ECMA-427 / github.com/package-url/purl-spec), the
// inverse of purl.h's build_purl: what an SBOM says a component is, in moat's Package terms.
#include <optional>
#include <string_view>

#include "inventory/package.h"
#include "inventory/purl.h"

namespace moat::inventory {

// Splits a purl into its components as the spec's parsing rules say: the type lowercased and
// checked, every component percent-decoded, qualifier keys lowercased, empty qualifier values,
// empty namespace segments and "."/".." subpath segments dropped. Names are not otherwise
// normalised (no type-specific lowercasing): that is the writer's business. Throws moat::Error
// naming the purl for anything malformed: no "pkg:" scheme, no type or name, a bad type or
// qualifier key, a repeated qualifier, a bad %XX escape.
PurlParts parse_purl(std::string_view purl);

// The package a purl names, spelt as moat's analyzers spell it (package.h): npm "@scope/name",
// maven "group:artifact", composer "vendor/name", golang "module/path" with a "v" version, deb and
// rpm versions with their epoch= qualifier folded back in as "EPOCH:", arch= as arch, and the
// source package from the upstream= qualifier ("NAME", "NAME@VERSION", or syft's rpm
// "NAME-VERSION-RELEASE.src.rpm"). nullopt for types moat does not match (oci, github, generic,
// nuget, ...). Throws moat::Error for a malformed purl.
std::optional<Package> package_from_purl(std::string_view purl);
std::optional<Package> package_from_purl(const PurlParts& purl);

}  // namespace moat::inventory
