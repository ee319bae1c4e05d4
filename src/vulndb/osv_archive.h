#pragma once
// Reads an OSV all.zip: every regular file in it is one document. The central directory is
// required (seekable ZIP only), so a truncated download is an error rather than a short import.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace moat::vulndb {

inline constexpr uint64_t kMaxArchiveDocuments = 5'000'000;

// Called once per document: its name inside the zip and its bytes (at most kMaxOsvDocumentBytes).
using DocumentVisitor = std::function<void(std::string_view name, std::string_view content)>;

// origin names the archive in errors (its URL). Fails on anything the zip reader reports.
void read_osv_archive(const std::filesystem::path& zip, const std::string& origin, const DocumentVisitor& visit);
void read_osv_archive_bytes(std::string_view zip, const std::string& origin, const DocumentVisitor& visit);

}  // namespace moat::vulndb
