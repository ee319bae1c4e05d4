#pragma once
// Small file-system helpers shared by every module.
#include <cstdint>
#include <filesystem>
#include <string>

namespace moat {

// Reads a whole file; fails with a clear error when it is missing, unreadable or larger than limit.
std::string read_file(const std::filesystem::path& path, uint64_t limit);

// Writes content next to path and renames it into place, so readers never see a partial file.
void write_file_atomic(const std::filesystem::path& path, const std::string& content);

// $XDG_CACHE_HOME/moat, else ~/.cache/moat.
std::filesystem::path default_cache_dir();

}  // namespace moat
