#include "report/vuln_common.h"

#include "base/sha256.h"

namespace moat::report::vuln {
namespace {

// Length of the UTF-8 sequence starting at s[i], or 0 when it is not a valid one.
std::size_t sequence_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

}  // namespace

std::string fingerprint(const match::Finding& f) {
  Sha256 h;
  for (const std::string* field : {&f.id, &f.package.ecosystem, &f.package.name, &f.package.version, &f.package.found_in}) {
    h.update(field->data(), field->size());
    h.update("\0", 1);  // separator: ("ab","c") and ("a","bc") differ
  }
  return h.hex();
}

std::string printable(std::string_view s, std::size_t max_chars) {
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size();) {
    if (chars == max_chars) {
      // Make room for the ellipsis, and end on a word boundary when one is near.
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
      if (!out.empty()) out.pop_back();
      if (const auto space = out.rfind(' '); space != std::string::npos && out.size() - space < 16) out.resize(space);
      while (!out.empty() && (out.back() == ' ' || out.back() == ',' || out.back() == ':')) out.pop_back();
      return out + "…";
    }
    const std::size_t n = sequence_length(s, i);
    const auto c = static_cast<unsigned char>(s[i]);
    if (n == 0 || c < 0x20 || c == 0x7F) {
      out += '?';
      i += n == 0 ? 1 : n;
    } else if (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
      out += '?';  // U+0080..U+009F, the C1 controls
      i += 2;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
    ++chars;
  }
  return out;
}

std::size_t display_width(std::string_view s) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < s.size(); ++width) {
    const std::size_t n = sequence_length(s, i);
    i += n == 0 ? 1 : n;
  }
  return width;
}

std::string lower_severity(match::Severity s) {
  switch (s) {
    case match::Severity::Critical: return "critical";
    case match::Severity::High: return "high";
    case match::Severity::Medium: return "medium";
    case match::Severity::Low: return "low";
    case match::Severity::None: return "none";
    default: return "unknown";
  }
}

}  // namespace moat::report::vuln
