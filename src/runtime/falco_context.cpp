#include "runtime/falco_context.h"

#include <charconv>

namespace moat::runtime {
namespace {

// passwd and group lines share the shape name:x:id:...; malformed lines are skipped.
void read_ids(std::string_view text, std::unordered_map<uint32_t, std::string>& out) {
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty() || line.front() == '#') continue;
    const size_t c1 = line.find(':');
    if (c1 == std::string_view::npos || c1 == 0) continue;
    const size_t c2 = line.find(':', c1 + 1);
    if (c2 == std::string_view::npos) continue;
    const size_t c3 = line.find(':', c2 + 1);
    const std::string_view id_text = line.substr(c2 + 1, c3 == std::string_view::npos ? c3 : c3 - c2 - 1);
    uint32_t id = 0;
    auto r = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    if (r.ec != std::errc() || r.ptr != id_text.data() + id_text.size()) continue;
    out.try_emplace(id, line.substr(0, c1));  // the first entry for an id wins, as in getpwuid
  }
}

}  // namespace

PasswdUserLookup::PasswdUserLookup(std::string_view passwd_text, std::string_view group_text) {
  read_ids(passwd_text, users_);
  read_ids(group_text, groups_);
}

std::string_view PasswdUserLookup::user_name(uint32_t uid) const {
  auto it = users_.find(uid);
  return it == users_.end() ? std::string_view() : std::string_view(it->second);
}

std::string_view PasswdUserLookup::group_name(uint32_t gid) const {
  auto it = groups_.find(gid);
  return it == groups_.end() ? std::string_view() : std::string_view(it->second);
}

}  // namespace moat::runtime
