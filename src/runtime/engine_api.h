#pragma once
// What a container engine knows about a container, read from its Docker-compatible Engine API
// (Docker's /var/run/docker.sock, podman's `podman system service` socket): the decoders of the
// engine's JSON and the two requests the agent makes.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moat::runtime {

struct ContainerMount {
  std::string type;         // "bind", "volume", "tmpfs"
  std::string source;       // host path (or volume name)
  std::string destination;  // path inside the container
  bool read_write = true;
};

struct ContainerMetadata {
  std::string id;            // 64 hex; always set, even when nothing else is known
  bool known = false;        // the engine answered for this id; the fields below are real
  std::string name;          // without Docker's leading '/'
  std::string image;         // as the user named it (Config.Image), e.g. "localhost/moat-test:bookworm"
  std::string image_id;      // "sha256:…" of the image config
  std::string image_digest;  // "sha256:…" repository (manifest) digest, when the engine has one
  std::map<std::string, std::string> labels;
  bool privileged = false;
  bool running = false;
  int64_t pid = 0;           // the container's init process on the host, 0 when not running
  std::vector<ContainerMount> mounts;
  // From the labels kubelet's CRI puts on every container; empty outside Kubernetes.
  std::string pod_name, pod_namespace, pod_uid, k8s_container_name;
};

// GET /containers/{id}/json. Throws moat::Error naming `source` when the text is not JSON, nests
// too deep, or lacks a 64-hex Id; fields of the wrong type are left empty.
ContainerMetadata parse_container_inspect(std::string_view json, std::string_view source);

// GET /images/{id}/json → the digest ("sha256:…") among RepoDigests whose repository is the one
// `image` names (else the first), or empty. Throws moat::Error when the text is not JSON.
std::string parse_image_digest(std::string_view json, std::string_view image, std::string_view source);

struct ImageReference {
  std::string repository;  // "registry:5000/ns/name" as written (no default registry added)
  std::string tag;         // empty when the reference has none
  std::string digest;      // "sha256:…" when written as name@digest
};
// Splits "host:5000/ns/name:tag@sha256:…" (the tag is after the last '/', not a port).
ImageReference split_image_reference(std::string_view reference);

struct EngineEvent {
  std::string action;  // "start", "die", "destroy" (Docker) / "remove" (podman), "rename", …
  std::string id;      // 64 hex
  std::string name;    // Actor.Attributes.name when present (the new name for rename)
  std::string image;   // Actor.Attributes.image when present
  int64_t time_ns = 0;
};

// One line of GET /events. nullopt for events that are not about a container or carry no valid
// id; throws moat::Error when the line is not JSON.
std::optional<EngineEvent> parse_engine_event(std::string_view line, std::string_view source);

// The Engine API version the requests name: understood by Docker 20.10+ and podman 3+.
inline constexpr std::string_view kEngineApiPrefix = "/v1.41";

// The engine's answer for one container: the metadata, or nullopt when the engine has no such
// container (404). Throws moat::Error when the engine cannot be reached, times out or answers
// with anything else. Also asks for the image's repository digest (one more request).
std::optional<ContainerMetadata> engine_inspect_container(const std::string& socket_path, std::string_view id,
                                                          std::chrono::milliseconds timeout);

}  // namespace moat::runtime
