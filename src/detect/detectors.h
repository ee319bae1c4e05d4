#pragma once
// The secret, malware and image-configuration scanners of an image or directory scan: compiled
// once, handed to the layer pass as file inspectors, then turned with the image config into
// findings in the shape every report writer takes.
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "detect/detection_policy.h"
#include "detect/scanners.h"
#include "inventory/file_inspector.h"
#include "inventory/scan.h"
#include "misconfig/config_scan.h"

namespace moat::detect {

struct DetectOptions {
  Scanners scanners;
  std::vector<std::string> secret_rule_files;  // user rule files added to the built-in secret rules
  std::vector<std::string> yara_rule_paths;    // user YARA files or directories
  std::string clamav_database;                 // empty: ClamAV is not used
  std::filesystem::path cache_dir;             // compiled rules kept between runs; empty: none
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();  // image age, OS end of life
};

class Detectors {
 public:
  // Compiles the rules; a bad user rule file fails here, before any layer is read.
  explicit Detectors(const DetectOptions& options);
  ~Detectors();
  Detectors(const Detectors&) = delete;
  Detectors& operator=(const Detectors&) = delete;

  std::vector<const inventory::FileInspector*> inspectors() const;

  // What the user should know about the rules before the scan: a YARA rule set that keeps every file
  // going through libyara whole.
  std::vector<std::string> warnings() const;

  // Secrets and malware from every layer (files deleted later included, said so in the message),
  // file-mode and tool facts of the files still visible, and the image config's own problems.
  misconfig::ConfigReport assess(const inventory::ScanResult& scan) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace moat::detect
