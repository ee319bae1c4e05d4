#include "inventory/purl_parse.h"

#include <string>
#include <vector>

#include "base/error.h"
#include "base/text.h"

namespace moat::inventory {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reports errors against the whole purl, cut short: a purl in a hostile SBOM can be any length.
class Parser {
 public:
  explicit Parser(std::string_view purl) : purl_(purl) {}

  [[noreturn]] void fail(const std::string& what) const {
    const std::string shown = purl_.size() > 200 ? std::string(purl_.substr(0, 200)) + "..." : std::string(purl_);
    moat::fail("purl '" + shown + "'", what);
  }

  // '+' stays '+': purls are not form-encoded, and versions such as "1.0+b1" are common unencoded.
  std::string decode(std::string_view s) const {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
      const char c = s[i];
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) fail("contains a control character");
      if (c != '%') {
        out += c;
        continue;
      }
      const int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
      const int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
      if (lo < 0) fail("has a '%' not followed by two hex digits");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    return out;
  }

  // '/'-separated segments, each decoded; empty ones (and, for subpaths, "." and "..") dropped.
  std::string segments(std::string_view path, bool drop_dots) const {
    std::string out;
    while (!path.empty()) {
      const auto slash = path.find('/');
      const std::string segment = decode(path.substr(0, slash));
      path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
      if (segment.empty() || (drop_dots && (segment == "." || segment == ".."))) continue;
      if (!out.empty()) out += '/';
      out += segment;
    }
    return out;
  }

  std::map<std::string, std::string> qualifiers(std::string_view text) const {
    std::map<std::string, std::string> out;
    while (!text.empty()) {
      const auto amp = text.find('&');
      const std::string_view pair = text.substr(0, amp);
      text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
      if (pair.empty()) continue;
      const auto eq = pair.find('=');
      if (eq == std::string_view::npos) fail("has a qualifier without '='");
      const std::string key = ascii_lower(pair.substr(0, eq));
      if (key.empty() || is_digit(key[0])) fail("has an invalid qualifier key '" + key + "'");
      for (char c : key) {
        if (!(is_alpha(c) || is_digit(c) || c == '.' || c == '-' || c == '_'))
          fail("has an invalid qualifier key '" + key + "'");
      }
      std::string value = decode(pair.substr(eq + 1));
      if (out.count(key) != 0) fail("repeats the qualifier '" + key + "'");
      if (!value.empty()) out.emplace(key, std::move(value));
    }
    return out;
  }

  PurlParts parse() const {
    std::string_view rest = purl_;
    PurlParts parts;
    // The spec's order: subpath from the right, then qualifiers from the right, then the scheme
    // and type from the left, then the version from the right, then name and namespace.
    if (const auto hash = rest.rfind('#'); hash != std::string_view::npos) {
      parts.subpath = segments(rest.substr(hash + 1), true);
      rest = rest.substr(0, hash);
    }
    if (const auto question = rest.rfind('?'); question != std::string_view::npos) {
      parts.qualifiers = qualifiers(rest.substr(question + 1));
      rest = rest.substr(0, question);
    }
    const auto colon = rest.find(':');
    if (colon == std::string_view::npos || ascii_lower(rest.substr(0, colon)) != "pkg")
      fail("does not start with 'pkg:'");
    rest = rest.substr(colon + 1);
    while (rest.starts_with('/')) rest.remove_prefix(1);  // "pkg://type/..." is tolerated by the spec

    const auto type_end = rest.find('/');
    if (type_end == std::string_view::npos) fail("has no name");
    parts.type = ascii_lower(rest.substr(0, type_end));
    if (parts.type.empty()) fail("has no type");
    if (is_digit(parts.type[0])) fail("has a type that starts with a digit");
    for (char c : parts.type) {
      if (!(is_alpha(c) || is_digit(c) || c == '.' || c == '+' || c == '-')) fail("has an invalid type");
    }
    rest = rest.substr(type_end + 1);
    while (rest.ends_with('/')) rest.remove_suffix(1);

    // The last '@' separates the version only when it follows the last '/': an npm scope written
    // unencoded ("pkg:npm/@babel/core") has no version.
    const auto at = rest.rfind('@');
    const auto last_slash = rest.rfind('/');
    if (at != std::string_view::npos && (last_slash == std::string_view::npos || at > last_slash)) {
      parts.version = decode(rest.substr(at + 1));
      rest = rest.substr(0, at);
    }
    const auto name_start = rest.rfind('/');
    parts.name = decode(name_start == std::string_view::npos ? rest : rest.substr(name_start + 1));
    if (parts.name.empty()) fail("has no name");
    if (name_start != std::string_view::npos) parts.ns = segments(rest.substr(0, name_start), false);
    return parts;
  }

 private:
  std::string_view purl_;
};

std::string qualifier(const PurlParts& purl, const char* key) {
  const auto it = purl.qualifiers.find(key);
  return it == purl.qualifiers.end() ? std::string() : it->second;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

// upstream= as moat ("NAME", "NAME@VERSION") and syft ("NAME", "NAME@VERSION", rpm's source rpm
// file "NAME-VERSION-RELEASE.src.rpm", whose version carries the binary's epoch) write it.
void set_upstream(Package& p, std::string_view upstream, std::string_view epoch_prefix) {
  if (p.ecosystem == eco::kRpm && upstream.ends_with(".src.rpm")) {
    const std::string_view nvr = upstream.substr(0, upstream.size() - 8);
    const auto release = nvr.rfind('-');
    const auto version = release == std::string_view::npos ? release : nvr.rfind('-', release - 1);
    if (version != std::string_view::npos && version > 0) {
      p.source_name = nvr.substr(0, version);
      p.source_version = std::string(epoch_prefix) + std::string(nvr.substr(version + 1));
      return;
    }
  }
  const auto at = upstream.find('@');
  p.source_name = upstream.substr(0, at);
  if (at != std::string_view::npos) p.source_version = upstream.substr(at + 1);
}

}  // namespace

PurlParts parse_purl(std::string_view purl) { return Parser(purl).parse(); }

std::optional<Package> package_from_purl(std::string_view purl) { return package_from_purl(parse_purl(purl)); }

std::optional<Package> package_from_purl(const PurlParts& purl) {
  const std::string& type = purl.type;
  Package p;
  p.version = purl.version;
  const auto joined = [&](const std::string& separator) {
    return purl.ns.empty() ? purl.name : purl.ns + separator + purl.name;
  };
  if (type == eco::kDeb || type == eco::kApk || type == eco::kRpm) {
    p.ecosystem = type;
    p.name = purl.name;
    p.arch = qualifier(purl, "arch");
    // epoch= is how the deb and rpm types carry an epoch; moat's versions spell it "EPOCH:".
    const std::string epoch = qualifier(purl, "epoch");
    std::string epoch_prefix;
    if (type != eco::kApk && all_digits(epoch) && epoch.find_first_not_of('0') != std::string::npos) {
      epoch_prefix = epoch + ":";
      if (!p.version.empty() && p.version.find(':') == std::string::npos) p.version = epoch_prefix + p.version;
    }
    if (const std::string upstream = qualifier(purl, "upstream"); !upstream.empty())
      set_upstream(p, upstream, epoch_prefix);
    if (p.source_name.empty()) p.source_name = p.name;
    if (p.source_version == p.version) p.source_version.clear();
  } else if (type == eco::kNpm) {
    p.ecosystem = type;
    if (purl.ns.empty()) {
      p.name = purl.name;
    } else {
      p.name = (purl.ns.starts_with('@') ? "" : "@") + purl.ns + "/" + purl.name;
    }
  } else if (type == eco::kMaven) {
    p.ecosystem = type;
    p.name = joined(":");
  } else if (type == eco::kComposer) {
    p.ecosystem = type;
    p.name = joined("/");
  } else if (type == eco::kGolang) {
    p.ecosystem = type;
    p.name = joined("/");
    // Go spells module versions "v1.2.3"; some writers (Trivy) drop the "v" in purls.
    if (!p.version.empty() && is_digit(p.version[0])) p.version = "v" + p.version;
  } else if (type == eco::kPypi || type == eco::kGem || type == eco::kCargo) {
    p.ecosystem = type;
    p.name = purl.name;
  } else {
    return std::nullopt;
  }
  return p;
}

}  // namespace moat::inventory
