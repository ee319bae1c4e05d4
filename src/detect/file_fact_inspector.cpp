#include "detect/file_fact_inspector.h"

#include "misconfig/file_facts.h"

namespace moat::detect {

std::string FileFactInspector::fingerprint() const { return std::string("file facts moat ") + MOAT_VERSION; }

void FileFactInspector::entry(const image::FileEntry& e, std::vector<inventory::FileFinding>& out) const {
  misconfig::EntryType type;
  switch (e.kind) {
    case image::EntryKind::File:
    case image::EntryKind::Hardlink:  // a hard link carries its target's mode
      type = misconfig::EntryType::File;
      break;
    case image::EntryKind::Directory:
      type = misconfig::EntryType::Directory;
      break;
    case image::EntryKind::Symlink:
      type = misconfig::EntryType::Symlink;
      break;
    default:
      return;
  }
  auto fact = misconfig::file_fact(e.path, e.mode, type);
  if (!fact) return;
  inventory::FileFinding f;
  f.scanner = "file";
  f.rule_id = std::move(fact->rule_id);
  f.path = e.path;
  f.detail = std::move(fact->detail);
  out.push_back(std::move(f));
}

}  // namespace moat::detect
