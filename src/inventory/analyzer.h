#pragma once
// The table of package analyzers: which files each one claims, and what it makes of them.
#include <cstdint>
#include <string_view>
#include <vector>

#include "inventory/layer_findings.h"

namespace moat::inventory {

// Lock files describe what a build *would* install; they count for directory scans, while an
// image reports what is installed.
enum class TargetKind { Image, Filesystem };

struct Analyzer {
  const char* name;
  // Decides from the path (and mode bits) alone whether the file is worth reading.
  bool (*claims)(std::string_view path, uint32_t mode, TargetKind kind);
  // For claims that depend on content (executables): decides from the first bytes; nullptr = yes.
  bool (*accepts_head)(std::string_view head);
  // Parses the whole content. Throws moat::Error for malformed input.
  void (*analyze)(std::string_view path, std::string_view content, LayerFindings& out);
  // A malformed OS package database fails the scan (its inventory would be wrong); a malformed
  // language manifest is reported as a warning and the scan goes on.
  bool fatal_errors;
};

const std::vector<Analyzer>& analyzers();

// Bump when any analyzer's output changes, so cached layer results are recomputed.
inline constexpr const char* kAnalyzerVersion = "2";

}  // namespace moat::inventory
