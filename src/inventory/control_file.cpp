#include "inventory/control_file.h"

namespace moat::inventory {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

void for_each_stanza(std::string_view content, const std::function<void(const Stanza&)>& each) {
  Stanza stanza;
  size_t pos = 0;
  while (pos <= content.size()) {
    size_t nl = content.find('\n', pos);
    if (nl == std::string_view::npos) nl = content.size();
    std::string_view line = content.substr(pos, nl - pos);
    pos = nl + 1;
    if (trim(line).empty()) {
      if (!stanza.empty()) each(stanza);
      stanza.clear();
      continue;
    }
    if (line.front() == ' ' || line.front() == '\t' || line.front() == '#') continue;  // continuation
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    stanza.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
  if (!stanza.empty()) each(stanza);
}

std::string_view field(const Stanza& s, std::string_view name) {
  for (const auto& [k, v] : s)
    if (k.size() == name.size()) {
      bool same = true;
      for (size_t i = 0; i < k.size() && same; ++i) same = (k[i] | 0x20) == (name[i] | 0x20);
      if (same) return v;
    }
  return {};
}

}  // namespace moat::inventory
