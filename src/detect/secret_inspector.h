#pragma once
// Secrets in the content of every file of every layer: the pattern rules (built-in plus the user's
// rule files) and the sensitive-file checks (shadow, SSH keys, credential files, histories).
#include <filesystem>
#include <string>
#include <vector>

#include "inventory/file_inspector.h"
#include "secret/scanner.h"

namespace moat::detect {

struct SecretInspectorOptions {
  std::vector<std::string> rule_files;  // user rule files, merged into the built-in rules
  uint64_t max_file = 16ull << 20;      // larger files hold data, not configuration: not scanned
  std::filesystem::path cache_dir;      // where the compiled rules are kept between runs; empty: none
};

class SecretInspector : public inventory::FileInspector {
 public:
  explicit SecretInspector(const SecretInspectorOptions& options);
  std::string fingerprint() const override;
  bool wants(const image::FileEntry& file) const override;
  void inspect(const image::FileEntry& file, std::string_view content,
               std::vector<inventory::FileFinding>& out) const override;

  // The pattern rules alone over text that is not a file (the image config's environment, labels
  // and history); `name` stands for the file in findings.
  std::vector<inventory::FileFinding> scan_text(const std::string& name, std::string_view text) const;

 private:
  secret::SecretScanner scanner_;
  uint64_t max_file_;
};

}  // namespace moat::detect
