#include "image/entry_path.h"

#include <vector>

#include "base/error.h"

namespace moat::image {

namespace {

// Splits on '/', drops empty and "." parts; ".." pops, and returns false if it would leave the root.
bool append_parts(std::vector<std::string_view>& parts, std::string_view path, bool clamp) {
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (part == "..") {
      if (parts.empty()) {
        if (!clamp) return false;
      } else {
        parts.pop_back();
      }
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  return true;
}

std::string join(const std::vector<std::string_view>& parts) {
  if (parts.empty()) return "/";
  std::string out;
  for (auto p : parts) {
    out += '/';
    out += p;
  }
  return out;
}

}  // namespace

std::string normalize_entry_path(std::string_view name, std::string_view archive) {
  if (!name.empty() && name.front() == '/')
    fail(std::string(archive), "entry with absolute path '" + std::string(name) + "'");
  if (name.find('\0') != std::string_view::npos)
    fail(std::string(archive), "entry name contains a NUL byte");
  std::vector<std::string_view> parts;
  if (!append_parts(parts, name, false))
    fail(std::string(archive), "entry path '" + std::string(name) + "' climbs out of the image root");
  return join(parts);
}

std::string resolve_link_target(std::string_view link_path, std::string_view target) {
  std::vector<std::string_view> parts;
  if (target.empty() || target.front() != '/') append_parts(parts, parent_path(link_path), true);
  append_parts(parts, target, true);
  return join(parts);
}

std::string_view parent_path(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return "/";
  return path.substr(0, slash);
}

std::string_view base_name(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace moat::image
