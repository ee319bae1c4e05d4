#pragma once
// The advisory store's schema, its migrations and the compact encodings of its JSON columns.
// Internal to vulndb: the importer writes with these, Store reads with them.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vulndb/osv.h"
#include "vulndb/sqlite.h"

namespace moat::vulndb::schema {

// PRAGMA user_version of a database this build writes; bumped with every migration.
inline constexpr int kVersion = 1;
// PRAGMA application_id: "moat", so that any other SQLite file is recognised as foreign.
inline constexpr int kApplicationId = 0x6d6f6174;

// Brings a database from its user_version up to kVersion, one transaction per step.
void migrate(sql::Database& db);

// Fails clearly unless db was written by moat with exactly this schema.
void check_readable(sql::Database& db);

// The schema version of an existing file, or nullopt when it is not a readable moat database.
std::optional<int> version_of(const std::filesystem::path& path);

std::string encode_strings(const std::vector<std::string>& values);
std::vector<std::string> decode_strings(std::string_view json, const std::string& origin);
std::string encode_severities(const std::vector<Severity>& values);
std::vector<Severity> decode_severities(std::string_view json, const std::string& origin);
std::string encode_references(const std::vector<Reference>& values);
std::string encode_ranges(const std::vector<Range>& ranges);
std::vector<Range> decode_ranges(std::string_view json, const std::string& origin);

}  // namespace moat::vulndb::schema
