#include "image/image.h"

#include <sys/stat.h>

#include "base/error.h"
#include "base/sha256.h"

namespace moat::image {

using nlohmann::json;

namespace {

constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";
constexpr const char* kDockerList = "application/vnd.docker.distribution.manifest.list.v2+json";
constexpr size_t kMaxIndexDepth = 4;

json parse_json(const std::string& text, const std::string& what) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    fail(what, std::string("malformed JSON: ") + e.what());
  }
}

std::string str_field(const json& j, const char* key, const std::string& what, bool required = true) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) fail(what, std::string("missing \"") + key + "\"");
    return {};
  }
  if (!it->is_string()) fail(what, std::string("\"") + key + "\" is not a string");
  return it->get<std::string>();
}

std::string blob_name(const std::string& digest, const std::string& what) {
  if (!is_sha256_digest(digest)) fail(what, "unsupported or malformed digest '" + digest + "'");
  return "blobs/sha256/" + digest.substr(7);
}

// Reads a blob named by a descriptor and checks its digest, so metadata can't be swapped silently.
std::string read_verified(const BlobStore& store, const std::string& digest, const std::string& what) {
  std::string name = blob_name(digest, what);
  if (!store.exists(name)) fail(what, "blob " + digest + " is missing from the layout");
  std::string data = store.read_small(name);
  if (sha256_digest(data) != digest) fail(store.describe(name), "content does not match its digest");
  return data;
}

void fill_from_config(ImageMetadata& meta, const std::string& config_text, const std::string& what) {
  meta.config = parse_json(config_text, what);
  if (!meta.config.is_object()) fail(what, "image config is not a JSON object");
  meta.image_id = sha256_digest(config_text);
  meta.architecture = str_field(meta.config, "architecture", what, false);
  meta.os = str_field(meta.config, "os", what, false);
  meta.variant = str_field(meta.config, "variant", what, false);
  auto rootfs = meta.config.find("rootfs");
  if (rootfs == meta.config.end() || !rootfs->is_object() || !rootfs->contains("diff_ids") ||
      !(*rootfs)["diff_ids"].is_array())
    fail(what, "image config has no rootfs.diff_ids");
  const json& diff_ids = (*rootfs)["diff_ids"];
  if (diff_ids.size() != meta.layers.size())
    fail(what, "image config lists " + std::to_string(diff_ids.size()) + " layers but the manifest " +
                   std::to_string(meta.layers.size()));
  for (size_t i = 0; i < diff_ids.size(); ++i) {
    if (!diff_ids[i].is_string() || !is_sha256_digest(diff_ids[i].get<std::string>()))
      fail(what, "malformed diff id at index " + std::to_string(i));
    meta.layers[i].diff_id = diff_ids[i].get<std::string>();
  }
  // History entries marked empty_layer made no layer; the rest pair with layers in order.
  auto history = meta.config.find("history");
  if (history != meta.config.end() && history->is_array()) {
    size_t layer = 0;
    for (const auto& h : *history) {
      if (!h.is_object()) continue;
      if (h.value("empty_layer", false)) continue;
      if (layer >= meta.layers.size()) break;
      if (h.contains("created_by") && h["created_by"].is_string())
        meta.layers[layer].created_by = h["created_by"].get<std::string>();
      ++layer;
    }
  }
}

void check_platform(const ImageMetadata& meta, const Platform& want, const std::string& what) {
  if (!want.explicit_choice) return;
  if (meta.os != want.os || meta.architecture != want.architecture ||
      (!want.variant.empty() && meta.variant != want.variant))
    fail(what, "image is " + meta.os + "/" + meta.architecture + ", not the requested " + want.str());
}

bool starts_compressed(const BlobStore& store, const std::string& name) {
  auto r = store.open(name);
  unsigned char head[4] = {0, 0, 0, 0};
  size_t got = 0;
  while (got < sizeof head) {
    size_t n = r->read(reinterpret_cast<char*>(head) + got, sizeof head - got);
    if (n == 0) break;
    got += n;
  }
  bool gzip = head[0] == 0x1f && head[1] == 0x8b;
  bool zstd = head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd;
  bool bzip2 = head[0] == 'B' && head[1] == 'Z' && head[2] == 'h';
  bool xz = head[0] == 0xfd && head[1] == '7' && head[2] == 'z' && head[3] == 'X';
  return gzip || zstd || bzip2 || xz;
}

ImageMetadata read_docker_archive(const BlobStore& store, const std::string& target, const Platform& platform) {
  std::string what = target + ":manifest.json";
  json manifest = parse_json(store.read_small("manifest.json"), what);
  if (!manifest.is_array() || manifest.empty()) fail(what, "expected a non-empty array of images");
  for (const auto& entry : manifest) {
    if (!entry.is_object()) fail(what, "image entry is not an object");
    ImageMetadata meta;
    meta.format = "docker-archive";
    std::string config_name = str_field(entry, "Config", what);
    if (!entry.contains("Layers") || !entry["Layers"].is_array()) fail(what, "missing \"Layers\"");
    for (const auto& l : entry["Layers"]) {
      if (!l.is_string()) fail(what, "layer name is not a string");
      LayerInfo info;
      info.blob = l.get<std::string>();
      if (!store.exists(info.blob)) fail(what, "layer '" + info.blob + "' is missing from the archive");
      info.size = store.size(info.blob);
      // The OCI-in-docker layout names blobs by digest; the legacy one leaves the check to diff ids.
      if (info.blob.rfind("blobs/sha256/", 0) == 0) info.blob_digest = "sha256:" + info.blob.substr(13);
      meta.layers.push_back(std::move(info));
    }
    if (entry.contains("RepoTags") && entry["RepoTags"].is_array())
      for (const auto& t : entry["RepoTags"])
        if (t.is_string()) meta.repo_tags.push_back(t.get<std::string>());
    std::string config_text = store.read_small(config_name);
    fill_from_config(meta, config_text, store.describe(config_name));
    if (config_name.rfind("blobs/sha256/", 0) == 0 && meta.image_id != "sha256:" + config_name.substr(13))
      fail(store.describe(config_name), "content does not match its digest");
    // An uncompressed legacy layer.tar must hash to its diff id; compressed ones are checked by name.
    for (auto& l : meta.layers)
      if (l.blob_digest.empty() && !starts_compressed(store, l.blob)) l.blob_digest = l.diff_id;
    if (manifest.size() == 1) {
      check_platform(meta, platform, target);
      return meta;
    }
    if (meta.os == platform.os && meta.architecture == platform.architecture) return meta;
  }
  fail(target, "archive holds several images and none is " + platform.str());
}

// Walks OCI/docker indexes down to the image manifest for the platform.
json select_manifest(const BlobStore& store, const json& index, const Platform& platform, const std::string& what,
                     std::string& manifest_digest, std::vector<std::string>& tags, size_t depth) {
  if (depth > kMaxIndexDepth) fail(what, "image indexes nested too deeply");
  if (!index.is_object() || !index.contains("manifests") || !index["manifests"].is_array())
    fail(what, "index has no \"manifests\" array");
  std::vector<const json*> candidates;
  std::vector<std::string> offered;
  for (const auto& d : index["manifests"]) {
    if (!d.is_object()) fail(what, "descriptor is not an object");
    auto p = d.find("platform");
    if (p == d.end() || !p->is_object()) {
      candidates.push_back(&d);
      continue;
    }
    std::string os = p->value("os", ""), arch = p->value("architecture", ""), variant = p->value("variant", "");
    if (os == "unknown") continue;  // build attestations stored beside images
    offered.push_back(os + "/" + arch + (variant.empty() ? "" : "/" + variant));
    if (os == platform.os && arch == platform.architecture && (platform.variant.empty() || variant == platform.variant))
      candidates.insert(candidates.begin(), &d);
  }
  if (candidates.empty()) {
    std::string list;
    for (const auto& o : offered) list += (list.empty() ? "" : ", ") + o;
    fail(what, "no image for platform " + platform.str() + " (offered: " + list + ")");
  }
  const json& d = *candidates.front();
  std::string digest = str_field(d, "digest", what);
  std::string media = str_field(d, "mediaType", what, false);
  if (d.contains("annotations") && d["annotations"].is_object()) {
    auto ref = d["annotations"].find("org.opencontainers.image.ref.name");
    if (ref != d["annotations"].end() && ref->is_string()) tags.push_back(ref->get<std::string>());
  }
  json doc = parse_json(read_verified(store, digest, what), store.describe(blob_name(digest, what)));
  if (media == kOciIndex || media == kDockerList || (media.empty() && doc.contains("manifests")))
    return select_manifest(store, doc, platform, what, manifest_digest, tags, depth + 1);
  manifest_digest = digest;
  return doc;
}

ImageMetadata read_oci_layout(const BlobStore& store, const std::string& target, const Platform& platform) {
  json layout = parse_json(store.read_small("oci-layout"), target + ":oci-layout");
  if (!layout.is_object() || !layout.contains("imageLayoutVersion"))
    fail(target + ":oci-layout", "missing imageLayoutVersion");
  std::string what = target + ":index.json";
  json index = parse_json(store.read_small("index.json"), what);
  ImageMetadata meta;
  meta.format = "oci-layout";
  json manifest = select_manifest(store, index, platform, what, meta.manifest_digest, meta.repo_tags, 0);
  std::string mwhat = target + ":" + blob_name(meta.manifest_digest, what);
  if (!manifest.is_object() || !manifest.contains("config") || !manifest["config"].is_object())
    fail(mwhat, "manifest has no config descriptor");
  if (!manifest.contains("layers") || !manifest["layers"].is_array()) fail(mwhat, "manifest has no layers array");
  for (const auto& l : manifest["layers"]) {
    if (!l.is_object()) fail(mwhat, "layer descriptor is not an object");
    LayerInfo info;
    info.blob_digest = str_field(l, "digest", mwhat);
    info.blob = blob_name(info.blob_digest, mwhat);
    info.media_type = str_field(l, "mediaType", mwhat, false);
    if (!store.exists(info.blob)) fail(mwhat, "layer blob " + info.blob_digest + " is missing from the layout");
    info.size = store.size(info.blob);
    meta.layers.push_back(std::move(info));
  }
  std::string config_digest = str_field(manifest["config"], "digest", mwhat);
  fill_from_config(meta, read_verified(store, config_digest, mwhat), target + ":" + blob_name(config_digest, mwhat));
  check_platform(meta, platform, target);
  return meta;
}

}  // namespace

Platform Platform::parse(const std::string& text) {
  Platform p;
  p.explicit_choice = true;
  size_t a = text.find('/');
  if (a == std::string::npos || a == 0) fail("--platform", "expected OS/ARCH[/VARIANT], got '" + text + "'");
  p.os = text.substr(0, a);
  size_t b = text.find('/', a + 1);
  p.architecture = text.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
  if (b != std::string::npos) p.variant = text.substr(b + 1);
  if (p.architecture.empty() || p.variant.find('/') != std::string::npos)
    fail("--platform", "expected OS/ARCH[/VARIANT], got '" + text + "'");
  return p;
}

std::string Platform::str() const { return os + "/" + architecture + (variant.empty() ? "" : "/" + variant); }

std::unique_ptr<Image> Image::open(const std::string& target, const Platform& platform) {
  struct stat st;
  if (::stat(target.c_str(), &st) != 0) fail(target, "no such file or directory");
  std::unique_ptr<BlobStore> store =
      S_ISDIR(st.st_mode) ? open_directory_store(target) : open_tar_store(target);
  ImageMetadata meta;
  if (store->exists("manifest.json"))
    meta = read_docker_archive(*store, target, platform);
  else if (store->exists("oci-layout"))
    meta = read_oci_layout(*store, target, platform);
  else
    fail(target, "not a container image (no manifest.json or oci-layout)");
  return std::unique_ptr<Image>(new Image(std::move(store), std::move(meta)));
}

std::unique_ptr<Reader> Image::open_layer(size_t i) const {
  const LayerInfo& l = meta_.layers.at(i);
  auto r = store_->open(l.blob);
  if (!l.blob_digest.empty()) return verify_digest(std::move(r), l.blob_digest, store_->describe(l.blob));
  return r;
}

bool looks_like_image(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return false;
  if (S_ISREG(st.st_mode)) return true;
  return S_ISDIR(st.st_mode) && ::stat((path + "/oci-layout").c_str(), &st) == 0;
}

}  // namespace moat::image
