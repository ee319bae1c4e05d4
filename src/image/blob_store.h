#pragma once
// Where an image's files live: an unpacked directory or an uncompressed tar, addressed by the names
// that manifests use ("manifest.json", "blobs/sha256/<hex>", "<id>/layer.tar").
#include <cstdint>
#include <memory>
#include <string>

#include "image/reader.h"

namespace moat::image {

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  virtual bool exists(const std::string& name) const = 0;
  virtual std::unique_ptr<Reader> open(const std::string& name) const = 0;  // fails when absent
  virtual uint64_t size(const std::string& name) const = 0;
  // Whole small member (manifests, configs); fails past limit.
  std::string read_small(const std::string& name, uint64_t limit = 16 << 20) const;
  virtual std::string describe(const std::string& name) const = 0;  // for error messages
};

std::unique_ptr<BlobStore> open_directory_store(const std::string& dir);
std::unique_ptr<BlobStore> open_tar_store(const std::string& tar_path);

}  // namespace moat::image
