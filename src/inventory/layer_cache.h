#pragma once
// Per-layer analysis results on disk, keyed by the layer's diff id, the analyzers' version and the
// file inspectors' fingerprints (a scan for secrets must not reuse a layer read without them).
#include <filesystem>
#include <optional>
#include <string>

#include "inventory/layer_findings.h"

namespace moat::inventory {

class LayerCache {
 public:
  explicit LayerCache(std::filesystem::path dir, std::string inspectors = {})
      : dir_(std::move(dir)), inspectors_(std::move(inspectors)) {}
  // nullopt when absent, from another analyzer version, or unreadable (it is then recomputed).
  std::optional<LayerFindings> load(const std::string& diff_id) const;
  // Best effort: a cache that cannot be written only costs time, so failures are ignored.
  void store(const std::string& diff_id, const LayerFindings& findings) const;

 private:
  std::filesystem::path file(const std::string& diff_id) const;
  std::filesystem::path dir_;
  std::string inspectors_;
};

}  // namespace moat::inventory
