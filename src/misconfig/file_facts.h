#pragma once
// Hardening facts about single files of an image: setuid/setgid executables, world-writable files,
// world-writable directories without the sticky bit, and tools an intruder would use (shells,
// package managers, compilers, network tools). The image walk asks file_fact() once per entry and
// keeps the facts of the files still visible in the final image; summarize_file_facts() turns them
// into findings. Both are pure: no file-system access.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "misconfig/check_result.h"

namespace moat::misconfig {

enum class EntryType { File, Directory, Symlink };

struct FileFact {
  std::string rule_id;  // MOAT-IMG-030 ... MOAT-IMG-037
  std::string detail;   // "setuid 4755", "shell bash", "world-writable 0666"
};

// The most severe fact about one entry, or nullopt. `path` may be written "usr/bin/x", "./usr/bin/x"
// or "/usr/bin/x". `mode` holds the permission bits with setuid (04000), setgid (02000) and sticky
// (01000); when it also carries S_IFMT type bits (a full st_mode) they decide the type. Symlinks
// only count as tools (their 0777 says nothing); tools count only in /bin, /sbin, /usr/bin,
// /usr/sbin, /usr/local/bin and /usr/local/sbin, and a regular file there only when executable.
// One fact per entry, in this order: world-writable, setuid/setgid, tool.
std::optional<FileFact> file_fact(std::string_view path, uint32_t mode, EntryType type);

// The same for a walk that only knows directory or not; pass symlinks to the overload above.
std::optional<FileFact> file_fact(std::string_view path, uint32_t mode, bool is_directory);

// Per-file rules (setuid, world-writable) give one finding per file, this many per rule at most,
// then one finding counting the rest.
inline constexpr size_t kFileFindingsPerRule = 50;
// Tool rules give one finding per rule listing this many paths at most, with the total count.
inline constexpr size_t kListedPaths = 30;

// Findings for the facts of the files visible in the final image (path, fact), ordered by rule id
// then path; a path given twice counts once. `file` is left empty for the caller to name the image;
// `object` is the file's path (or "" for an aggregate).
std::vector<ConfigFinding> summarize_file_facts(const std::vector<std::pair<std::string, FileFact>>& visible);

}  // namespace moat::misconfig
