#include "inventory/purl.h"

#include <string_view>
#include <vector>

#include "base/error.h"

namespace moat::inventory {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// ECMA-427 "Character encoding": only the alphanumerics, the punctuation ".-_~" and the colon stay
// as they are; every other octet of the UTF-8 string becomes an uppercase %XX triplet.
std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (is_alpha(c) || is_digit(c) || c == '.' || c == '-' || c == '_' || c == '~' || c == ':') {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto at = s.find(sep);
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + 1);
  }
}

// Namespace and subpath segments are joined by unencoded '/'; empty segments carry no meaning.
std::string encode_segments(std::string_view path, bool drop_dots) {
  std::string out;
  for (auto segment : split(path, '/')) {
    if (segment.empty() || (drop_dots && (segment == "." || segment == ".."))) continue;
    if (!out.empty()) out += '/';
    out += percent_encode(segment);
  }
  return out;
}

bool valid_qualifier_key(std::string_view key) {
  if (key.empty() || !(key[0] >= 'a' && key[0] <= 'z')) return false;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '.' || c == '-' || c == '_')) return false;
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// PEP 503 normalisation, which the pypi purl type requires: lowercase, runs of "-_." become "-".
std::string pypi_name(std::string_view name) {
  std::string out;
  bool in_run = false;
  for (char c : lower(name)) {
    if (c == '-' || c == '_' || c == '.') {
      if (!in_run) out += '-';
      in_run = true;
    } else {
      out += c;
      in_run = false;
    }
  }
  return out;
}

// "debian-12", "alpine-3.19.1": the distribution and release the OS package was built for.
std::string distro(const std::optional<OsRelease>& os) {
  if (!os || os->id.empty()) return {};
  const std::string& release = os->version_id.empty() ? os->codename : os->version_id;
  return release.empty() ? lower(os->id) : lower(os->id) + "-" + release;
}

// The source package the binary was built from, when it differs: NAME, or NAME@VERSION when the
// source version differs from the binary's too.
std::string upstream(const Package& p) {
  const std::string& source = p.source_name.empty() ? p.name : p.source_name;
  if (!p.source_version.empty() && p.source_version != p.version) return source + "@" + p.source_version;
  if (source != p.name) return source;
  return {};
}

PurlParts os_package(const Package& p, const std::optional<OsRelease>& os, std::string_view default_vendor) {
  PurlParts parts{.type = p.ecosystem};
  parts.ns = os && !os->id.empty() ? lower(os->id) : std::string(default_vendor);
  parts.version = p.version;
  parts.qualifiers = {{"arch", p.arch}, {"distro", distro(os)}, {"upstream", upstream(p)}};
  return parts;
}

// "group/name" at the last '/', as golang module paths and composer's vendor/name split.
void split_last_slash(std::string_view full, PurlParts& parts) {
  const auto at = full.rfind('/');
  if (at == std::string_view::npos) {
    parts.name = full;
  } else {
    parts.ns = full.substr(0, at);
    parts.name = full.substr(at + 1);
  }
}

}  // namespace

std::string build_purl(const PurlParts& parts) {
  if (parts.type.empty() || parts.name.empty()) fail("purl", "a purl needs a type and a name");
  std::string out = "pkg:" + lower(parts.type) + "/";
  const std::string ns = encode_segments(parts.ns, false);
  if (!ns.empty()) out += ns + "/";
  out += percent_encode(parts.name);
  if (!parts.version.empty()) out += "@" + percent_encode(parts.version);
  char separator = '?';
  for (const auto& [key, value] : parts.qualifiers) {  // std::map iterates in key order
    if (!valid_qualifier_key(key)) fail("purl", "invalid qualifier key '" + key + "'");
    if (value.empty()) continue;
    out += separator + key + "=" + percent_encode(value);
    separator = '&';
  }
  const std::string subpath = encode_segments(parts.subpath, true);
  if (!subpath.empty()) out += "#" + subpath;
  return out;
}

std::string purl(const Package& p, const std::optional<OsRelease>& os) {
  if (p.name.empty()) return {};
  PurlParts parts{.type = p.ecosystem, .version = p.version};
  const std::string_view eco = p.ecosystem;
  if (eco == eco::kDeb) {
    parts = os_package(p, os, "debian");
    parts.name = lower(p.name);
  } else if (eco == eco::kApk) {
    parts = os_package(p, os, "alpine");
    parts.name = lower(p.name);
  } else if (eco == eco::kRpm) {
    // The rpm type has no default vendor, and it carries the epoch as a qualifier: "1:2.0-3" is
    // version "2.0-3" with epoch=1.
    parts = os_package(p, os, "");
    parts.name = p.name;
    const auto colon = p.version.find(':');
    if (colon != std::string::npos && colon > 0 && p.version.find_first_not_of("0123456789") == colon) {
      parts.qualifiers["epoch"] = p.version.substr(0, colon);
      parts.version = p.version.substr(colon + 1);
    }
  } else if (eco == eco::kPypi) {
    parts.name = pypi_name(p.name);
  } else if (eco == eco::kNpm) {
    // "@scope/name": the scope is the namespace, its '@' percent-encoded like any other.
    const auto slash = p.name.find('/');
    if (p.name[0] == '@' && slash != std::string::npos) {
      parts.ns = lower(std::string_view(p.name).substr(0, slash));
      parts.name = lower(std::string_view(p.name).substr(slash + 1));
    } else {
      parts.name = lower(p.name);
    }
  } else if (eco == eco::kComposer) {
    split_last_slash(lower(p.name), parts);
  } else if (eco == eco::kGolang) {
    split_last_slash(lower(p.name), parts);
  } else if (eco == eco::kMaven) {
    const auto colon = p.name.find(':');
    if (colon == std::string::npos) {
      parts.name = p.name;
    } else {
      parts.ns = p.name.substr(0, colon);
      parts.name = p.name.substr(colon + 1, p.name.find(':', colon + 1) - colon - 1);
    }
  } else if (eco == eco::kGem || eco == eco::kCargo) {
    parts.name = p.name;
  } else {
    return {};
  }
  if (parts.name.empty()) return {};
  return build_purl(parts);
}

}  // namespace moat::inventory
