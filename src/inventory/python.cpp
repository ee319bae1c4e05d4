#include "inventory/python.h"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "base/error.h"
#include "base/text.h"

namespace moat::inventory {
namespace {

struct Header {
  std::string name;
  std::string value;  // continuation lines joined with '\n'
};

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

bool is_field_name(std::string_view name) {
  return !name.empty() &&
         std::all_of(name.begin(), name.end(), [](unsigned char c) { return c > ' ' && c < 0x7f && c != ':'; });
}

// The header block the way Python's email parser (which importlib.metadata uses) reads it: it ends
// at the first blank line, or at the first line that is neither a header nor a continuation.
std::vector<Header> read_headers(std::string_view content) {
  if (content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);
  std::vector<Header> headers;
  for (size_t pos = 0; pos < content.size();) {
    auto end = content.find('\n', pos);
    if (end == std::string_view::npos) end = content.size();
    std::string_view line = content.substr(pos, end - pos);
    pos = end + 1;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') {
      // A continuation before any header has nothing to continue; Python drops it too.
      if (!headers.empty()) headers.back().value += "\n" + std::string(trim(line));
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || !is_field_name(line.substr(0, colon))) break;
    headers.push_back({std::string(line.substr(0, colon)), std::string(trim(line.substr(colon + 1)))});
  }
  return headers;
}

bool same_field(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// The first value of a field, as Python's Message.get returns it; empty when absent.
std::string first_value(const std::vector<Header>& headers, std::string_view field) {
  for (const auto& h : headers) {
    if (same_field(h.name, field)) return std::string(trim(h.value));
  }
  return {};
}

// PEP 508: letters and digits, with ".", "-" and "_" only inside.
bool is_project_name(std::string_view name) {
  const auto alnum = [](unsigned char c) { return std::isalnum(c) != 0; };
  return !name.empty() && alnum(name.front()) && alnum(name.back()) &&
         std::all_of(name.begin(), name.end(),
                     [&](unsigned char c) { return alnum(c) || c == '.' || c == '-' || c == '_'; });
}

bool has_control_or_space(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; });
}

// Many projects put the whole licence text in License; a classifier then names it better.
std::string declared_license(const std::vector<Header>& headers) {
  if (std::string expression = first_value(headers, "License-Expression"); !expression.empty()) {
    return expression;
  }
  const std::string license = first_value(headers, "License");
  const bool usable = !license.empty() && license != "UNKNOWN";
  if (usable && license.find('\n') == std::string::npos) return license;

  constexpr std::string_view kPrefix = "License ::";
  std::string from_classifiers;
  for (const auto& h : headers) {
    if (!same_field(h.name, "Classifier") || !h.value.starts_with(kPrefix)) continue;
    const std::string_view value = h.value;
    const std::string_view last = trim(value.substr(value.rfind("::") + 2));
    // "License :: OSI Approved" alone only says that a more precise classifier follows.
    if (last.empty() || value == "License :: OSI Approved") continue;
    if (!from_classifiers.empty()) from_classifiers += ", ";
    from_classifiers += last;
  }
  if (!from_classifiers.empty()) return from_classifiers;
  return usable ? std::string(trim(license.substr(0, license.find('\n')))) : std::string();
}

}  // namespace

std::string normalize_pypi_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool in_separator_run = false;
  for (const char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (!in_separator_run) out += '-';
      in_separator_run = true;
      continue;
    }
    in_separator_run = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::optional<Package> parse_python_metadata(std::string_view content, std::string_view path) {
  const std::vector<Header> headers = read_headers(content);
  const std::string name = first_value(headers, "Name");
  const std::string version = first_value(headers, "Version");
  const std::string where(path);
  if (name.empty()) fail(where, "no Name in the metadata headers");
  if (version.empty()) fail(where, "no Version in the metadata headers");
  if (name == "UNKNOWN") return std::nullopt;
  if (!is_project_name(name)) fail(where, "Name " + quoted_excerpt(name) + " is not a valid project name");
  if (has_control_or_space(version)) fail(where, "Version " + quoted_excerpt(version) + " contains blanks");
  Package p;
  p.ecosystem = eco::kPypi;
  p.name = normalize_pypi_name(name);
  p.version = version;
  p.license = declared_license(headers);
  p.found_in = where;
  return p;
}

}  // namespace moat::inventory
