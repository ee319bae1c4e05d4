#pragma once
// What the CycloneDX and SPDX writers share: package order, identities, ownership and the target.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "inventory/inventory.h"
#include "report/sbom_options.h"

namespace moat::report::sbom {

// One package in output order, with what both documents say about it.
struct Entry {
  const inventory::Package* package;
  std::string purl;                  // "" when the ecosystem has no purl type
  std::string key;                   // unique and stable: the same package gives the same key in every scan
  std::optional<std::size_t> owner;  // index in the entries of the OS package that owns this one
};

// The packages sorted by (ecosystem, name, version, arch, found_in), so that the documents do not
// depend on the order analyzers ran in, and each language package linked to the OS package named
// by its `owner` ("deb:NAME"). Owners are only ever OS packages without an owner themselves, so
// ownership is one level deep.
std::vector<Entry> entries(const inventory::Inventory& inv);

// The scanned target as a package: an image or a directory.
struct Root {
  std::string name;     // repository ("docker.io/library/debian") or the target as named
  std::string version;  // tag, else the image digest; empty for a directory
  std::string purl;     // pkg:oci/... for an image with a digest; else ""
};
Root root(const inventory::Inventory& inv);

std::string uuid(const SbomOptions& options);       // options.uuid or a random v4 UUID
std::string timestamp(const SbomOptions& options);  // options.timestamp or now, UTC

// The moat-specific facts about a package, as (name, value) pairs named "moat:<fact>"; both
// writers emit exactly these (CycloneDX properties, SPDX annotations).
std::vector<std::pair<std::string, std::string>> facts(const inventory::Package& p);

}  // namespace moat::report::sbom
