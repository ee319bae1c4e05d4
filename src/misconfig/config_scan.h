#pragma once
// `moat config`: walks files and directories, recognises Dockerfiles and Kubernetes manifests by
// name and content, checks each file, and keeps going past files it cannot read.
#include <string>
#include <vector>

#include "misconfig/check_result.h"

namespace moat::misconfig {

enum class FileKind { Dockerfile, Kubernetes, Unknown };

// By name first (Dockerfile, Containerfile, *.Dockerfile), then by content for YAML/JSON
// ("apiVersion" and "kind" at the top level of a document).
FileKind classify(const std::string& path, std::string_view head);

struct ConfigReport {
  std::vector<std::string> files;  // checked, in walk order
  std::vector<ConfigFinding> findings;
  std::vector<FileError> errors;
  size_t suppressed = 0;
};

struct ConfigScanOptions {
  uint64_t max_file_bytes = 16ull << 20;  // larger files are reported, not read
};

// Paths may be files or directories; directories are walked without following symlinks, skipping
// VCS and dependency folders (.git, node_modules, vendor). A path that does not exist fails.
ConfigReport scan_config(const std::vector<std::string>& paths, const ConfigScanOptions& options = {});

const char* level_name(Level level);  // "LOW" ... "CRITICAL"

}  // namespace moat::misconfig
