#pragma once
// Writes small images in the layouts moat reads (OCI layout directory, docker-archive tar) from
// layer tars built in the test, for cases the real fixtures cannot cover (hostile metadata).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/sha256.h"
#include "support/tar_builder.h"
#include "support/temp_dir.h"

namespace moat::test {

struct TestLayer {
  std::string tar;          // uncompressed layer tar
  std::string compression;  // "", "gzip" or "zstd": how the blob is stored
  TarBuilder builder;
};

inline nlohmann::json image_config(const std::vector<std::string>& diff_ids, const std::string& arch = "amd64") {
  nlohmann::json history = nlohmann::json::array();
  for (size_t i = 0; i < diff_ids.size(); ++i) history.push_back({{"created_by", "layer " + std::to_string(i + 1)}});
  return {{"architecture", arch},
          {"os", "linux"},
          {"config", {{"Env", {"PATH=/usr/bin"}}}},
          {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}},
          {"history", history}};
}

// An OCI layout in dir; returns the manifest JSON text. Layers are given as builders.
inline std::string write_oci_layout(const TempDir& dir, const std::string& sub, const std::vector<TarBuilder>& layers,
                                    const std::string& compression = "gzip", const std::string& arch = "amd64",
                                    bool write_index = true) {
  std::vector<std::string> diff_ids;
  nlohmann::json layer_descs = nlohmann::json::array();
  for (const auto& l : layers) {
    std::string raw = l.build();
    diff_ids.push_back(sha256_digest(raw));
    std::string blob = compression.empty() ? raw : l.build(compression);
    std::string digest = sha256_digest(blob);
    dir.write(sub + "/blobs/sha256/" + digest.substr(7), blob);
    std::string media = "application/vnd.oci.image.layer.v1.tar" + (compression.empty() ? std::string() : "+" + compression);
    layer_descs.push_back({{"mediaType", media}, {"digest", digest}, {"size", blob.size()}});
  }
  std::string config = image_config(diff_ids, arch).dump();
  std::string config_digest = sha256_digest(config);
  dir.write(sub + "/blobs/sha256/" + config_digest.substr(7), config);
  nlohmann::json manifest = {{"schemaVersion", 2},
                             {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                             {"config",
                              {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                               {"digest", config_digest},
                               {"size", config.size()}}},
                             {"layers", layer_descs}};
  std::string text = manifest.dump();
  std::string digest = sha256_digest(text);
  dir.write(sub + "/blobs/sha256/" + digest.substr(7), text);
  dir.write(sub + "/oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  if (write_index) {
    nlohmann::json index = {{"schemaVersion", 2},
                            {"manifests",
                             {{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                               {"digest", digest},
                               {"size", text.size()},
                               {"annotations", {{"org.opencontainers.image.ref.name", "test:latest"}}}}}}};
    dir.write(sub + "/index.json", index.dump());
  }
  return text;
}

// A legacy docker-archive (what `docker save` wrote before Docker 25) as a tar file at dir/name.
inline std::string write_docker_archive(const TempDir& dir, const std::string& name, const std::vector<TarBuilder>& layers,
                                        const std::string& tag = "test:latest") {
  TarBuilder outer;
  std::vector<std::string> diff_ids, layer_names;
  for (size_t i = 0; i < layers.size(); ++i) {
    std::string raw = layers[i].build();
    diff_ids.push_back(sha256_digest(raw));
    std::string id = diff_ids.back().substr(7);
    outer.file(id + "/layer.tar", raw);
    layer_names.push_back(id + "/layer.tar");
  }
  std::string config = image_config(diff_ids).dump();
  std::string config_name = sha256_digest(config).substr(7) + ".json";
  outer.file(config_name, config);
  nlohmann::json manifest = nlohmann::json::array(
      {{{"Config", config_name}, {"RepoTags", {tag}}, {"Layers", layer_names}}});
  outer.file("manifest.json", manifest.dump());
  return dir.write(name, outer.build()).string();
}

}  // namespace moat::test
