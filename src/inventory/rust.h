#pragma once
// Rust crates: from a Cargo.lock, and from the dependency list cargo-auditable embeds in binaries.
#include <string_view>
#include <vector>

#include "inventory/package.h"

namespace moat::inventory {

// Every [[package]] of a Cargo.lock (format v1 to v4, including v1's [root] table), in ecosystem
// eco::kCargo with found_in = path. Workspace members and path crates are reported too: the lock
// file does not say which crates ship, and an SBOM should name the project's own crates. Reads
// the TOML subset Cargo writes (tables, arrays of tables, strings, integers, arrays); anything
// else, or a package without a name or version, throws moat::Error.
std::vector<Package> parse_cargo_lock(std::string_view content, std::string_view path);

// The crates listed in an ELF binary's .dep-v0 section (zlib-compressed JSON written by
// cargo-auditable), in ecosystem eco::kCargo with found_in = path. Build-time dependencies
// ("kind": "build": build scripts and proc macros) are left out because their code is not in the
// binary. Bytes that are not ELF, or an ELF without the section, give no packages; a corrupt
// section, or one that inflates past 8 MiB, throws moat::Error.
std::vector<Package> parse_cargo_auditable(std::string_view elf_bytes, std::string_view path);

}  // namespace moat::inventory
