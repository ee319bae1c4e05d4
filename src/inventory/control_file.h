#pragma once
// The deb822 / RFC 822 stanza format shared by dpkg's status database and apk's installed file:
// "Field: value" lines, continuation lines starting with a space, stanzas split by blank lines.
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

namespace moat::inventory {

using Stanza = std::vector<std::pair<std::string_view, std::string_view>>;  // field, first-line value

// Calls each with every stanza in order; views point into content. separator is ':' for deb822,
// and apk's "K:value" lines use the same shape.
void for_each_stanza(std::string_view content, const std::function<void(const Stanza&)>& each);

std::string_view field(const Stanza& s, std::string_view name);  // "" when absent

}  // namespace moat::inventory
