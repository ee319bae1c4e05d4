#pragma once
// What a Falco rule may ask about an event beyond the event itself: the process tree (proc.pname,
// proc.aname[N], proc.sname...), the container the process runs in (container.*, k8s.*) and the
// names of user and group ids. The agent's process table, container resolver and per-container
// passwd readers implement these interfaces; the rule engine only reads through them.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace moat::runtime {

struct ProcessInfo {
  int32_t pid = 0, ppid = 0;
  int32_t sid = 0;    // session id (pid of the session leader)
  int32_t vpgid = 0;  // process group id as seen in its pid namespace
  int32_t vpid = 0;
  std::string comm;               // task comm, Falco's proc.name
  std::string exe;                // argv[0], Falco's proc.exe
  std::string exepath;            // full executable path
  std::vector<std::string> args;  // argv[1..]
  uint32_t tty = 0;               // controlling tty device number, 0 = none
  uint64_t start_ns = 0;          // CLOCK_REALTIME of the clone that created it, 0 = unknown
};

class ProcessLookup {
 public:
  virtual ~ProcessLookup() = default;
  // The process with this host pid, or nullptr when unknown (exited before we saw it).
  virtual const ProcessInfo* find(int32_t pid) const = 0;
};

struct ContainerInfo {
  std::string id;  // 12-hex short id as Falco prints it
  std::string name;
  std::string image;  // as the engine reports it, e.g. "docker.io/library/nginx:1.25"
  std::string image_repository, image_tag, image_digest;
  std::string type;  // docker, podman, containerd, cri-o
  bool privileged = false;
  uint64_t start_ns = 0;
  std::vector<std::pair<std::string, std::string>> labels;  // engine labels (CRI pods: io.kubernetes.*)

  std::string_view label(std::string_view key) const {
    for (const auto& [k, v] : labels) {
      if (k == key) return v;
    }
    return {};
  }
};

class UserLookup {
 public:
  virtual ~UserLookup() = default;
  // Name for a uid/gid inside the event's mount namespace; empty when unknown.
  virtual std::string_view user_name(uint32_t uid) const = 0;
  virtual std::string_view group_name(uint32_t gid) const = 0;
};

// Names from passwd/group file text (the host's, or a container's read from its root fs).
class PasswdUserLookup final : public UserLookup {
 public:
  PasswdUserLookup(std::string_view passwd_text, std::string_view group_text);
  std::string_view user_name(uint32_t uid) const override;
  std::string_view group_name(uint32_t gid) const override;

 private:
  std::unordered_map<uint32_t, std::string> users_, groups_;
};

struct EvalContext {
  const ProcessLookup* processes = nullptr;  // null: proc.p* and proc.a* fields are absent
  const ContainerInfo* container = nullptr;  // null: the event came from the host
  const UserLookup* users = nullptr;         // null: only uid/gid 0 have a name (root)
  std::string_view hostname;
  uint64_t event_number = 1;  // evt.num
};

}  // namespace moat::runtime
