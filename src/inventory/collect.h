#pragma once
// One pass over the entries of a layer or directory, offering each file to the analyzers that claim it.
#include <string>
#include <vector>

#include "image/entries.h"
#include "inventory/analyzer.h"
#include "inventory/file_inspector.h"
#include "inventory/layer_findings.h"

namespace moat::inventory {

struct CollectLimits {
  uint64_t max_file = 1ull << 30;        // larger claimed files are skipped with a warning
  uint64_t max_in_memory = 32ull << 20;  // larger ones are staged in an unlinked temporary file
};

// what names the layer or directory in errors and warnings. The inspectors see every entry and
// the content of the files they want; their findings go to file_findings, their errors to warnings.
LayerFindings collect(image::EntrySource& entries, TargetKind kind, const std::string& what,
                      const std::vector<const FileInspector*>& inspectors = {}, CollectLimits limits = {});

}  // namespace moat::inventory
