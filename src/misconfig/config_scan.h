#pragma once
// `moat config`: walks files and directories, recognises Dockerfiles, Kubernetes manifests and
// Compose files by name and content, checks each file, and keeps going past files it cannot read.
#include <string>
#include <vector>

#include "misconfig/check_result.h"

namespace moat::misconfig {

enum class FileKind { Dockerfile, Kubernetes, Compose, Unknown };

// By name first (Dockerfile, Containerfile, *.Dockerfile; compose.yaml, docker-compose*.yml),
// then by content for YAML/JSON: "apiVersion" and "kind" make a Kubernetes manifest, a top-level
// "services" map of images or builds a Compose file.
FileKind classify(const std::string& path, std::string_view head);

struct ConfigReport {
  std::vector<std::string> files;  // checked, in walk order
  std::vector<ConfigFinding> findings;
  std::vector<FileError> errors;
  size_t suppressed = 0;
};

struct ConfigScanOptions {
  uint64_t max_file_bytes = 16ull << 20;  // larger files are reported, not read
  // Custom policy files or directories of them (docs/policies.md), loaded once before the walk; a
  // bad policy fails the scan.
  std::vector<std::string> policy_paths;
};

// Paths may be files or directories; directories are walked without following symlinks, skipping
// VCS and dependency folders (.git, node_modules, vendor). A path that does not exist fails.
ConfigReport scan_config(const std::vector<std::string>& paths, const ConfigScanOptions& options = {});

const char* level_name(Level level);  // "LOW" ... "CRITICAL"

}  // namespace moat::misconfig
