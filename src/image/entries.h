#pragma once
// The file entries of one layer (a tar stream, possibly compressed) or of a root-file-system
// directory, offered one at a time in a single forward pass.
#include <cstdint>
#include <memory>
#include <string>

#include "image/reader.h"

namespace moat::image {

enum class EntryKind { File, Directory, Symlink, Hardlink, Whiteout, Opaque, Other };

struct FileEntry {
  std::string path;  // normalized absolute path in the image ("/usr/bin/ls")
  EntryKind kind = EntryKind::Other;
  uint64_t size = 0;  // File only
  uint32_t mode = 0;  // permission bits and setuid/setgid/sticky
  std::string link;   // Symlink: the target as written; Hardlink: the normalized path it names
};

class EntrySource {
 public:
  virtual ~EntrySource() = default;
  // Advances to the next entry; false at the end. Whiteout entries come as Whiteout (path = the
  // deleted path) and Opaque (path = the directory whose lower contents are hidden).
  virtual bool next(FileEntry& entry) = 0;
  // Reads the current File entry's content; 0 at its end.
  virtual size_t read(char* buf, size_t n) = 0;
};

struct LayerLimits {
  uint64_t max_uncompressed = 64ull << 30;  // one layer, whatever its compression
  uint64_t bomb_floor = 1ull << 30;         // below this, any ratio is accepted
  uint64_t max_ratio = 200;                 // uncompressed:compressed beyond bomb_floor
  uint64_t max_entries = 5'000'000;
};

// what names the layer in error messages. Compression (gzip, zstd, bzip2, xz or none) is detected.
std::unique_ptr<EntrySource> open_layer_entries(std::unique_ptr<Reader> blob, std::string what,
                                                LayerLimits limits = {});

// Walks a directory tree without following symlinks or leaving its file system.
std::unique_ptr<EntrySource> open_directory_entries(const std::string& root);

}  // namespace moat::image
