#pragma once
// Turning the names found inside archives into safe absolute paths of the image's file system.
#include <string>
#include <string_view>

namespace moat::image {

// "./usr//bin/../bin/ls" -> "/usr/bin/ls"; "." -> "/". Names that climb above the root ("../x",
// "a/../../x") or are absolute ("/etc/passwd") are refused with moat::Error: an image builder never
// writes them, so they are evidence of a crafted archive.
std::string normalize_entry_path(std::string_view name, std::string_view archive);

// Joins a symlink target onto the directory holding the link, clamped at the root the way the
// kernel resolves paths inside a chroot (absolute targets start again at the image root).
std::string resolve_link_target(std::string_view link_path, std::string_view target);

std::string_view parent_path(std::string_view path);  // "/a/b" -> "/a", "/a" -> "/"
std::string_view base_name(std::string_view path);    // "/a/b" -> "b"

}  // namespace moat::image
