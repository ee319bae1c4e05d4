#pragma once
// The inventory of an image or a directory: one pass per layer (cached by diff id), then the
// overlay merge that yields what a container would see.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "image/image.h"
#include "inventory/file_inspector.h"
#include "inventory/inventory.h"

namespace moat::inventory {

struct ScanOptions {
  image::Platform platform;
  std::filesystem::path cache_dir;  // empty: no layer cache
  unsigned jobs = 2;                // layers analysed at once
  std::function<void(const std::string&)> progress;  // called with short status lines; may be empty
  std::vector<const FileInspector*> inspectors;      // secret, malware, file-mode scanners to run too
};

struct ScanResult {
  Inventory inventory;
  std::vector<std::string> warnings;  // files skipped or unreadable manifests, one line each
  size_t layers_from_cache = 0;
  // From every layer, bottom to top, including files a later layer deletes (their bytes are still
  // in the image): each says its layer and whether the merged file system still shows it.
  std::vector<FileFinding> file_findings;
  nlohmann::json image_config;  // images only: the config document (environment, labels, history)
};

ScanResult scan_image(const std::string& target, const ScanOptions& options);
ScanResult scan_filesystem(const std::string& dir, const ScanOptions& options);

// Image when target is an archive file or an OCI layout directory, else a root-file-system directory.
ScanResult scan_target(const std::string& target, const ScanOptions& options);

}  // namespace moat::inventory
