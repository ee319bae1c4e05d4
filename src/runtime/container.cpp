#include "runtime/container.h"

#include <array>
#include <vector>

namespace moat::runtime {
namespace {

constexpr size_t kIdLength = 64;

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool is_container_id(std::string_view s) {
  if (s.size() != kIdLength) return false;
  for (char c : s)
    if (!is_hex(c)) return false;
  return true;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// "<prefix><id><suffix>" → id, when the middle is a container id.
std::optional<std::string_view> id_between(std::string_view name, std::string_view prefix, std::string_view suffix) {
  if (!starts_with(name, prefix) || !ends_with(name, suffix)) return std::nullopt;
  if (name.size() != prefix.size() + kIdLength + suffix.size()) return std::nullopt;
  std::string_view id = name.substr(prefix.size(), kIdLength);
  if (!is_container_id(id)) return std::nullopt;
  return id;
}

// A pod uid as kubelet writes it in cgroup names: a UUID (dashes, or underscores in systemd slice
// names, where '-' separates levels) or the 32 hex digits of a static pod's manifest hash.
std::optional<std::string> pod_uid_from(std::string_view raw) {
  if (raw.size() != 36 && raw.size() != 32) return std::nullopt;
  std::string uid;
  uid.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    bool separator_slot = raw.size() == 36 && (i == 8 || i == 13 || i == 18 || i == 23);
    if (separator_slot) {
      if (c != '-' && c != '_') return std::nullopt;
      uid.push_back('-');
    } else {
      if (!is_hex(c)) return std::nullopt;
      uid.push_back(c);
    }
  }
  return uid;
}

// "pod<uid>" (cgroupfs driver) or "kubepods[-<qos>]-pod<uid>.slice" (systemd driver).
std::optional<std::string> pod_uid_of_component(std::string_view name) {
  if (starts_with(name, "pod")) return pod_uid_from(name.substr(3));
  if (starts_with(name, "kubepods") && ends_with(name, ".slice")) {
    std::string_view inner = name.substr(0, name.size() - 6);
    size_t at = inner.rfind("-pod");
    if (at == std::string_view::npos) return std::nullopt;
    return pod_uid_from(inner.substr(at + 4));
  }
  return std::nullopt;
}

struct Match {
  ContainerRuntime runtime;
  std::string_view id;
};

// The container a single path component names, given the component before it.
std::optional<Match> match_component(std::string_view name, std::string_view parent, bool under_pod) {
  // Engine monitors sit in their own scopes beside the container: never the container.
  if (starts_with(name, "crio-conmon-") || starts_with(name, "libpod-conmon-")) return std::nullopt;
  struct Pattern {
    std::string_view prefix, suffix;
    ContainerRuntime runtime;
  };
  static constexpr std::array<Pattern, 9> patterns{{
      {"docker-", ".scope", ContainerRuntime::Docker},
      {"cri-containerd-", ".scope", ContainerRuntime::Containerd},
      {"nerdctl-", ".scope", ContainerRuntime::Containerd},
      {"crio-", ".scope", ContainerRuntime::CriO},
      {"crio-", "", ContainerRuntime::CriO},
      {"libpod-", ".scope", ContainerRuntime::Podman},
      {"libpod-", "", ContainerRuntime::Podman},
      {"cri-dockerd-", ".scope", ContainerRuntime::Docker},
      {"containerd-", ".scope", ContainerRuntime::Containerd},
  }};
  for (const auto& p : patterns)
    if (auto id = id_between(name, p.prefix, p.suffix)) return Match{p.runtime, *id};
  if (is_container_id(name)) {
    if (parent == "docker") return Match{ContainerRuntime::Docker, name};
    // kubelet's cgroupfs layout: kubepods[/<qos>]/pod<uid>/<id>, created by containerd (CRI).
    if (under_pod) return Match{ContainerRuntime::Containerd, name};
    return Match{ContainerRuntime::Unknown, name};
  }
  return std::nullopt;
}

std::string_view trim_line(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  constexpr std::string_view deleted = " (deleted)";
  if (ends_with(s, deleted)) s.remove_suffix(deleted.size());
  return s;
}

// "12:memory:/docker/x" → "/docker/x"; a bare path is returned as it is.
std::string_view path_of_line(std::string_view line) {
  if (line.empty() || line[0] < '0' || line[0] > '9') return line;
  size_t first = line.find(':');
  if (first == std::string_view::npos) return line;
  for (size_t i = 0; i < first; ++i)
    if (line[i] < '0' || line[i] > '9') return line;
  size_t second = line.find(':', first + 1);
  if (second == std::string_view::npos) return line;
  return line.substr(second + 1);
}

}  // namespace

std::string_view runtime_name(ContainerRuntime runtime) {
  switch (runtime) {
    case ContainerRuntime::Docker: return "docker";
    case ContainerRuntime::Containerd: return "containerd";
    case ContainerRuntime::CriO: return "cri-o";
    case ContainerRuntime::Podman: return "podman";
    case ContainerRuntime::Unknown: break;
  }
  return "unknown";
}

std::optional<ContainerRef> container_from_cgroup_path(std::string_view path) {
  path = path_of_line(trim_line(path));
  std::optional<Match> found;
  std::string pod_uid, found_pod_uid;
  bool under_kubepods = false;
  std::string_view parent;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    std::string_view name = path.substr(pos, end - pos);
    pos = end + 1;
    if (name.empty()) continue;
    if (starts_with(name, "kubepods")) under_kubepods = true;
    if (under_kubepods) {
      if (auto uid = pod_uid_of_component(name)) {
        pod_uid = std::move(*uid);
        parent = name;
        continue;
      }
    }
    if (auto m = match_component(name, parent, !pod_uid.empty())) {
      found = m;  // keep going: the innermost container wins
      found_pod_uid = pod_uid;
    }
    parent = name;
  }
  if (!found) return std::nullopt;
  return ContainerRef{found->runtime, std::string(found->id), std::move(found_pod_uid)};
}

std::optional<ContainerRef> container_from_proc_cgroup(std::string_view content) {
  std::vector<std::string_view> v1_lines;
  size_t pos = 0;
  while (pos < content.size()) {
    size_t end = content.find('\n', pos);
    if (end == std::string_view::npos) end = content.size();
    std::string_view line = content.substr(pos, end - pos);
    pos = end + 1;
    if (starts_with(line, "0::")) {
      if (auto ref = container_from_cgroup_path(line)) return ref;
    } else if (!line.empty()) {
      v1_lines.push_back(line);
    }
  }
  for (std::string_view line : v1_lines)
    if (auto ref = container_from_cgroup_path(line)) return ref;
  return std::nullopt;
}

}  // namespace moat::runtime
