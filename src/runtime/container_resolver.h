#pragma once
// From what an event carries (cgroup id, pid) to the container it came from. A cgroup v2 id is the
// inode number of the cgroup's directory in the unified hierarchy, so the resolver keeps an
// id → path map of that hierarchy, rescans it on a miss (bounded and rate-limited, since a miss
// usually means a container just started), and falls back to /proc/<pid>/cgroup.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "runtime/container.h"

namespace moat::runtime {

struct Cgroup2Mount {
  std::string mount_point;  // where the unified hierarchy is mounted, e.g. /sys/fs/cgroup/unified
  std::string root;         // the hierarchy path mounted there ("/" unless inside a cgroup namespace)
};

// The first cgroup2 mount in the text of /proc/<pid>/mountinfo, octal escapes (\040) decoded.
// Malformed lines are skipped; nullopt when there is none (a cgroup v1-only host).
std::optional<Cgroup2Mount> cgroup2_mount_from_mountinfo(std::string_view mountinfo);

struct CgroupResolverOptions {
  // Empty: found from /proc/self/mountinfo when the resolver is made.
  std::string mount_point;
  std::string mount_root = "/";
  std::filesystem::path proc_root = "/proc";
  size_t max_directories = 100000;  // a rescan stops after this many cgroups
  int max_depth = 32;
  std::chrono::milliseconds min_rescan_interval{1000};
};

// Thread-safe. Lookups that hit the cache take a mutex and a hash lookup; a miss may rescan the
// hierarchy (at most once per min_rescan_interval) or read one /proc file.
class CgroupPathResolver {
 public:
  explicit CgroupPathResolver(CgroupResolverOptions options = {});

  // The hierarchy path ("/libpod_parent/libpod-<id>") of a cgroup v2 id, or nullopt when no such
  // cgroup is known even after a rescan (if one is allowed now).
  std::optional<std::string> path_of(uint64_t cgroup_id);

  // The mount point in use; empty when the host has no cgroup v2 hierarchy.
  const std::string& mount_point() const { return options_.mount_point; }

  // Rescans now (ignoring the rate limit); returns how many cgroups the map holds.
  size_t rescan();

 private:
  size_t rescan_locked();
  std::optional<std::string> path_by_handle(uint64_t cgroup_id) const;

  CgroupResolverOptions options_;
  std::mutex mutex_;
  std::unordered_map<uint64_t, std::string> paths_;
  std::chrono::steady_clock::time_point last_scan_{};
  bool scanned_ = false;
};

struct ContainerResolverOptions {
  CgroupResolverOptions cgroups;
  // Also read /proc/<pid>/cgroup when the unified path names no container. Needed only on
  // hybrid hosts whose engine moves containers in the v1 hierarchies alone; costs one small
  // /proc read per host-process event.
  bool check_proc_for_host_paths = false;
};

class ContainerResolver {
 public:
  explicit ContainerResolver(ContainerResolverOptions options = {});

  // The container of an event's process, or nullopt for the host. pid <= 0 disables the /proc
  // fallback. Never throws: unreadable /proc entries (the process exited) mean "not known".
  std::optional<ContainerRef> resolve(uint64_t cgroup_id, int32_t pid);

  CgroupPathResolver& paths() { return paths_; }

 private:
  std::optional<ContainerRef> from_proc(int32_t pid) const;

  ContainerResolverOptions options_;
  CgroupPathResolver paths_;
};

}  // namespace moat::runtime
