#pragma once
// Everything moat found installed in one target: the input of every SBOM writer and, later, of matching.
#include <optional>
#include <string>
#include <vector>

#include "inventory/package.h"

namespace moat::inventory {

struct OsRelease {
  std::string id;          // os-release ID: "debian", "alpine", "rhel", ...
  std::string version_id;  // "12", "3.19.1"
  std::string pretty_name;
  std::string codename;  // VERSION_CODENAME where present
};

struct Layer {
  std::string diff_id;     // sha256:... of the uncompressed layer
  std::string created_by;  // history command, when the image config has one
};

struct Inventory {
  std::string target;  // what the user named
  std::string kind;    // "image", "rootfs" (a directory holding an OS) or "filesystem" (a project)
  std::string image_id;                  // sha256 of the image config, images only
  std::vector<std::string> repo_tags;    // e.g. "docker.io/library/debian:12"
  std::vector<std::string> repo_digests;
  std::string architecture;  // "amd64"
  std::string os_name;       // "linux"
  std::vector<Layer> layers;  // bottom to top
  std::optional<OsRelease> os;
  std::vector<Package> packages;
};

}  // namespace moat::inventory
