#pragma once
// Which container a process belongs to, read from its cgroup path alone. The agent sees a cgroup
// id (or a pid) on every event; the path that id names tells the engine and the container id by
// the naming conventions each engine and systemd use, so no engine needs to be asked.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace moat::runtime {

enum class ContainerRuntime : uint8_t { Unknown, Docker, Containerd, CriO, Podman };

// "docker", "containerd", "cri-o", "podman", "unknown" (Falco's container.type spelling).
std::string_view runtime_name(ContainerRuntime runtime);

struct ContainerRef {
  ContainerRuntime runtime = ContainerRuntime::Unknown;
  std::string id;       // 64 lowercase hex
  std::string pod_uid;  // Kubernetes pod uid with dashes, when the path is under kubepods; else empty

  bool operator==(const ContainerRef&) const = default;
};

// The container whose cgroup `path` is, or nullopt for a host process (and for anything that
// does not look like a container, e.g. an engine's conmon monitor). Accepts a bare path
// ("/docker/<id>"), a line of /proc/<pid>/cgroup ("12:memory:/docker/<id>", "0::/…"), with or
// without the kernel's " (deleted)" suffix. Sub-cgroups a container makes inside its own cgroup
// ("…/libpod-<id>.scope/container", "/docker/<id>/init.scope") belong to that container; when
// containers nest (docker in docker) the innermost wins. Pure: no I/O, linear in the input.
std::optional<ContainerRef> container_from_cgroup_path(std::string_view path);

// The container named by the whole text of a /proc/<pid>/cgroup file (cgroup v1, v2 or hybrid):
// the unified ("0::") line first, then the v1 lines in order.
std::optional<ContainerRef> container_from_proc_cgroup(std::string_view content);

}  // namespace moat::runtime
