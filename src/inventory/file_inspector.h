#pragma once
// Scanners that look at every file of a layer rather than the package databases the analyzers
// claim — secrets, malware, file modes — riding the same single pass over the layer.
#include <string>
#include <string_view>
#include <vector>

#include "image/entries.h"

namespace moat::inventory {

struct FileFinding {
  std::string scanner;   // "secret", "malware" or "file" (facts about names and modes)
  std::string rule_id;   // the scanner's own rule id
  std::string title;
  std::string severity;  // "LOW" ... "CRITICAL"
  std::string path;      // the file in the image or directory
  int line = 0;          // 1-based, 0 when unknown
  std::string detail;    // the redacted secret, the detection's reason, the mode found
  // Set by the merge of layers:
  std::string layer;     // diff id of the layer holding these bytes (empty for a directory scan)
  bool visible = true;   // false when a later layer deletes or replaces the file
};

// Shared by the threads that read layers side by side, so every method must be safe to call
// concurrently.
class FileInspector {
 public:
  virtual ~FileInspector() = default;
  // Changes whenever what the inspector reports could change (rules, settings): cached layer
  // results are only reused for the same fingerprints.
  virtual std::string fingerprint() const = 0;
  // Every entry of every kind, judged by its name and mode alone.
  virtual void entry(const image::FileEntry&, std::vector<FileFinding>&) const {}
  // Whether a regular file's content is worth reading.
  virtual bool wants(const image::FileEntry& file) const = 0;
  virtual void inspect(const image::FileEntry& file, std::string_view content, std::vector<FileFinding>& out) const = 0;
};

}  // namespace moat::inventory
