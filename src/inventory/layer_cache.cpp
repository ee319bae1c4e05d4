#include "inventory/layer_cache.h"

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/files.h"
#include "base/sha256.h"
#include "inventory/analyzer.h"

namespace moat::inventory {

namespace {
constexpr uint64_t kMaxCacheFile = 512ull << 20;
}

// CBOR rather than JSON text: a re-scan of an unchanged image is mostly this load, and binary
// strings with length prefixes parse several times faster.

std::filesystem::path LayerCache::file(const std::string& diff_id) const {
  std::string variant = inspectors_.empty() ? "" : "-" + sha256_digest(inspectors_).substr(7, 16);
  return dir_ / "layers" / (diff_id.substr(7) + variant + ".cbor");
}

std::optional<LayerFindings> LayerCache::load(const std::string& diff_id) const {
  if (dir_.empty() || !is_sha256_digest(diff_id)) return std::nullopt;
  std::error_code ec;
  if (!std::filesystem::exists(file(diff_id), ec)) return std::nullopt;
  try {
    auto j = nlohmann::json::from_cbor(read_file(file(diff_id), kMaxCacheFile));
    if (j.value("analyzers", "") != kAnalyzerVersion || j.value("diff_id", "") != diff_id ||
        j.value("inspectors", "") != inspectors_)
      return std::nullopt;
    return j.at("findings").get<LayerFindings>();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void LayerCache::store(const std::string& diff_id, const LayerFindings& findings) const {
  if (dir_.empty() || !is_sha256_digest(diff_id)) return;
  try {
    std::filesystem::create_directories(dir_ / "layers");
    nlohmann::json j{
        {"analyzers", kAnalyzerVersion}, {"inspectors", inspectors_}, {"diff_id", diff_id}, {"findings", findings}};
    auto bytes = nlohmann::json::to_cbor(j);
    write_file_atomic(file(diff_id), std::string(bytes.begin(), bytes.end()));
  } catch (const std::exception&) {
  }
}

}  // namespace moat::inventory
