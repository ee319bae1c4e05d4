#pragma once
// Per-layer analysis results on disk, keyed by the layer's diff id and the analyzers' version.
#include <filesystem>
#include <optional>
#include <string>

#include "inventory/layer_findings.h"

namespace moat::inventory {

class LayerCache {
 public:
  explicit LayerCache(std::filesystem::path dir) : dir_(std::move(dir)) {}
  // nullopt when absent, from another analyzer version, or unreadable (it is then recomputed).
  std::optional<LayerFindings> load(const std::string& diff_id) const;
  // Best effort: a cache that cannot be written only costs time, so failures are ignored.
  void store(const std::string& diff_id, const LayerFindings& findings) const;

 private:
  std::filesystem::path file(const std::string& diff_id) const;
  std::filesystem::path dir_;
};

}  // namespace moat::inventory
