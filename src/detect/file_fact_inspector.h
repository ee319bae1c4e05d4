#pragma once
// Names and modes of every entry: setuid/setgid and world-writable files, shells, package managers,
// compilers and network tools (misconfig/file_facts). Reads no content.
#include "inventory/file_inspector.h"

namespace moat::detect {

class FileFactInspector : public inventory::FileInspector {
 public:
  std::string fingerprint() const override;
  void entry(const image::FileEntry& e, std::vector<inventory::FileFinding>& out) const override;
  bool wants(const image::FileEntry&) const override { return false; }
  void inspect(const image::FileEntry&, std::string_view, std::vector<inventory::FileFinding>&) const override {}
};

}  // namespace moat::detect
