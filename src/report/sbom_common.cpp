#include "report/sbom_common.h"

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <map>
#include <random>
#include <string_view>
#include <tuple>

#include "inventory/purl.h"

namespace moat::report::sbom {
namespace {

using inventory::Package;

// FNV-1a over the fields that tell two installed packages apart: a stable short identity, not a
// security property.
std::string identity_hash(const Package& p) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const std::string* field : {&p.ecosystem, &p.name, &p.version, &p.arch, &p.found_in, &p.layer}) {
    for (char c : *field) {
      h ^= static_cast<unsigned char>(c);
      h *= 0x100000001b3ULL;
    }
    h ^= 0xFF;  // field separator, so ("ab","c") and ("a","bc") differ
    h *= 0x100000001b3ULL;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = kHex[h & 0xF];
  return out;
}

bool is_os_ecosystem(std::string_view eco) {
  return eco == inventory::eco::kDeb || eco == inventory::eco::kApk || eco == inventory::eco::kRpm;
}

// "registry/repo:tag" or "registry/repo@sha256:..." → (repository, tag or digest). A ':' only
// starts a tag after the last '/', since a registry host may carry a port.
struct Reference {
  std::string repository;
  std::string tag;
  std::string digest;
};
Reference parse_reference(std::string_view ref) {
  Reference out;
  if (const auto at = ref.find('@'); at != std::string_view::npos) {
    out.digest = ref.substr(at + 1);
    ref = ref.substr(0, at);
  }
  const auto colon = ref.rfind(':');
  const auto slash = ref.rfind('/');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    out.tag = ref.substr(colon + 1);
    ref = ref.substr(0, colon);
  }
  out.repository = ref;
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

}  // namespace

std::vector<Entry> entries(const inventory::Inventory& inv) {
  std::vector<const Package*> sorted;
  sorted.reserve(inv.packages.size());
  for (const auto& p : inv.packages) sorted.push_back(&p);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Package* a, const Package* b) {
    return std::tie(a->ecosystem, a->name, a->version, a->arch, a->found_in, a->layer) <
           std::tie(b->ecosystem, b->name, b->version, b->arch, b->found_in, b->layer);
  });

  std::vector<Entry> out;
  out.reserve(sorted.size());
  std::map<std::string, int> seen;            // identity hash → times used, for exact duplicates
  std::map<std::string, std::size_t> owners;  // "deb:NAME" → first OS package of that name
  for (const Package* p : sorted) {
    std::string key = identity_hash(*p);
    if (const int n = ++seen[key]; n > 1) key += "-" + std::to_string(n);
    if (is_os_ecosystem(p->ecosystem) && p->owner.empty()) owners.emplace(p->ecosystem + ":" + p->name, out.size());
    out.push_back(Entry{p, inventory::purl(*p, inv.os), std::move(key), std::nullopt});
  }
  for (auto& entry : out) {
    if (entry.package->owner.empty() || is_os_ecosystem(entry.package->ecosystem)) continue;
    if (const auto it = owners.find(entry.package->owner); it != owners.end()) entry.owner = it->second;
  }
  return out;
}

Root root(const inventory::Inventory& inv) {
  Root out{.name = inv.target};
  if (inv.kind != "image") return out;
  Reference ref;
  if (!inv.repo_tags.empty()) ref = parse_reference(inv.repo_tags.front());
  if (!inv.repo_digests.empty()) {
    const Reference by_digest = parse_reference(inv.repo_digests.front());
    if (ref.repository.empty()) ref.repository = by_digest.repository;
    ref.digest = by_digest.digest;
  }
  // The oci purl names an image by its manifest digest; an image known only by its config (a
  // docker-archive without RepoDigests) is named by that instead, the closest identity it has.
  const std::string digest = !ref.digest.empty() ? ref.digest : inv.image_id;
  if (!ref.repository.empty()) out.name = ref.repository;
  out.version = !ref.tag.empty() ? ref.tag : digest;
  if (!digest.empty()) {
    const auto slash = out.name.rfind('/');
    inventory::PurlParts parts{
        .type = "oci", .name = lower(out.name.substr(slash == std::string::npos ? 0 : slash + 1)), .version = digest};
    parts.qualifiers = {{"arch", inv.architecture}, {"repository_url", ref.repository}, {"tag", ref.tag}};
    if (!parts.name.empty()) out.purl = inventory::build_purl(parts);
  }
  return out;
}

std::string uuid(const SbomOptions& options) {
  if (!options.uuid.empty()) return options.uuid;
  std::random_device random;
  std::uint8_t bytes[16];
  for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 0xF];
  }
  return out;
}

std::string timestamp(const SbomOptions& options) {
  if (!options.timestamp.empty()) return options.timestamp;
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

std::vector<std::pair<std::string, std::string>> facts(const Package& p) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto add = [&](const char* name, const std::string& value) {
    if (!value.empty()) out.emplace_back(name, value);
  };
  add("moat:found_in", p.found_in);
  add("moat:layer", p.layer);
  add("moat:source_name", p.source_name);
  add("moat:source_version", p.source_version);
  add("moat:owner", p.owner);
  if (p.dev) out.emplace_back("moat:dev", "true");
  return out;
}

}  // namespace moat::report::sbom
