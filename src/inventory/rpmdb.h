#pragma once
// Installed rpm packages, read from the rpm database of an image without librpm or libdb.
// Three containers hold the same header blobs (see rpm_header.h):
//   /var/lib/rpm/rpmdb.sqlite   sqlite      Fedora 33+, RHEL 9, openSUSE since 2023 (some images keep
//                                           the database under /usr/lib/sysimage/rpm)
//   /var/lib/rpm/Packages       Berkeley DB hash, RHEL/CentOS 5-8, Amazon Linux 2
//   /var/lib/rpm/Packages.db    NDB         SUSE Linux Enterprise 15, older openSUSE
// Each parser takes the file's bytes and the path they came from (for found_in and errors), and
// throws moat::Error on malformed input. gpg-pubkey pseudo packages (imported signing keys) are
// not reported.
#include <optional>
#include <string_view>
#include <vector>

#include "inventory/package.h"

namespace moat::inventory {

// Reads the Packages table; the bytes are opened in memory, read-only. A WAL file beside the
// database is not consulted: images ship checkpointed databases.
std::vector<Package> parse_rpmdb_sqlite(std::string_view db_bytes, std::string_view path);

std::vector<Package> parse_rpmdb_bdb(std::string_view db_bytes, std::string_view path);

std::vector<Package> parse_rpmdb_ndb(std::string_view db_bytes, std::string_view path);

// One header blob; nullopt for a gpg-pubkey pseudo package.
std::optional<Package> parse_rpm_header(std::string_view blob, std::string_view path);

}  // namespace moat::inventory
