#pragma once
// Opening a container image from a docker-archive tar (legacy and OCI-in-docker layouts) or an OCI
// image layout (directory or tar): its metadata, and each layer's bytes as a stream.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "image/blob_store.h"
#include "image/reader.h"

namespace moat::image {

struct Platform {
  std::string os = "linux";
  std::string architecture = "amd64";
  std::string variant;
  bool explicit_choice = false;  // the user asked for it, rather than the default

  // "linux/arm64/v8", "linux/amd64"; fails with a clear error on anything else.
  static Platform parse(const std::string& text);
  std::string str() const;
};

struct LayerInfo {
  std::string diff_id;     // sha256 of the uncompressed layer tar, from the image config
  std::string blob;        // member name in the store
  std::string blob_digest; // digest the blob must have, empty when the layout does not name one
  std::string media_type;
  uint64_t size = 0;       // blob size
  std::string created_by;  // matching history entry
};

struct ImageMetadata {
  std::string format;                   // "docker-archive" or "oci-layout"
  std::string image_id;                 // sha256 digest of the config blob
  std::string manifest_digest;          // OCI layouts only
  std::vector<std::string> repo_tags;
  std::string architecture, os, variant;
  std::vector<LayerInfo> layers;        // bottom to top
  nlohmann::json config;                // the whole image config document
};

class Image {
 public:
  // Recognises target: a tar with manifest.json (docker-archive) or oci-layout (OCI layout tar), or
  // a directory with oci-layout. Fails with a clear error for anything else or for a malformed image.
  static std::unique_ptr<Image> open(const std::string& target, const Platform& platform);

  const ImageMetadata& metadata() const { return meta_; }
  // The raw (possibly compressed) bytes of layer i; the stream fails at its end if they do not match
  // the digest the layout names for them.
  std::unique_ptr<Reader> open_layer(size_t i) const;

 private:
  Image(std::unique_ptr<BlobStore> store, ImageMetadata meta) : store_(std::move(store)), meta_(std::move(meta)) {}
  std::unique_ptr<BlobStore> store_;
  ImageMetadata meta_;
};

// True when path is a directory that is an OCI layout, or any regular file (an archive to try).
bool looks_like_image(const std::string& path);

}  // namespace moat::image
