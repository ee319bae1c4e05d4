#pragma once
// One thing a process did, as the sensor decoded it and the rule engine reads it. The contract
// between the eBPF side (runtime/sensor*) and the rules side (runtime/rule*): both may add fields,
// neither renames one.
#include <cstdint>
#include <string>
#include <vector>

namespace moat::runtime {

enum class EventType : uint8_t {
  Exec,        // execve/execveat returned (proc.* describe the new image)
  Fork,        // sched_process_fork (clone/fork/vfork); pid = child
  Exit,
  Open,        // open/openat/openat2 that succeeded, fd.name = path, flags/mode set
  Unlink,      // unlink/unlinkat/rmdir; fd.name = path
  Rename,      // rename/renameat/renameat2; path = old, path2 = new
  Chmod,       // chmod/fchmod/fchmodat; mode
  Chown,       // chown/fchown/lchown/fchownat; uid/gid in arg_uid/arg_gid
  Connect,     // connect (IPv4/IPv6/unix)
  Accept,      // accept/accept4
  Bind,
  Listen,
  SetUid,      // setuid/setreuid/setresuid; arg_uid = new uid
  SetGid,      // setgid/setregid/setresgid
  Capset,
  Ptrace,      // arg_pid = traced pid, request in flags
  Mount,       // path = target, path2 = source, fstype in extra
  Umount,
  InitModule,  // init_module/finit_module
  MemfdCreate, // extra = name
  Unshare,     // flags
  Setns,       // flags = nstype
  Bpf,         // flags = cmd
  Symlink,     // symlink/symlinkat; path = link, path2 = target
  Link,        // link/linkat; path = new, path2 = old
  Mkdir,
  Socket,      // socket() of a family other than unix/inet/inet6; family = domain, flags = type, mode = protocol
  Dup,         // dup/dup2/dup3 of a socket; ret = the new descriptor, network fields = the socket's
};
// New types go at the end, and this names the last one: the rule engine indexes rules by type.
constexpr int kEventTypeCount = static_cast<int>(EventType::Dup) + 1;

struct Event {
  EventType type = EventType::Exec;
  uint64_t ts_ns = 0;     // CLOCK_REALTIME nanoseconds
  int64_t ret = 0;        // syscall return value (fd for open/accept, 0 or -errno otherwise)

  // The acting process (for Exec: after the exec).
  int32_t pid = 0, tid = 0, ppid = 0;
  uint32_t uid = 0, gid = 0, euid = 0, egid = 0, loginuid = UINT32_MAX;
  uint64_t cgroup_id = 0;
  uint32_t pid_ns = 0;     // pid namespace inode; differs from the host's inside containers
  int32_t vpid = 0;        // pid as seen inside its pid namespace
  std::string comm;        // task comm (15 chars)
  std::string exe;         // executable path
  std::vector<std::string> argv;
  std::string cwd;
  bool exe_from_memfd = false;     // the executable is a memfd (fileless execution)
  bool exe_upper_layer = false;    // the executable lives in an overlayfs upper dir (drift)
  bool tty = false;
  // Capability sets of the acting thread (thread.cap_*); meaningful only when caps_known.
  uint64_t cap_effective = 0, cap_permitted = 0, cap_inheritable = 0;
  bool caps_known = false;
  std::vector<std::string> env;  // Exec: environment "K=V" entries when the sensor captures them (proc.env)

  // Arguments, meaning per type (see EventType).
  std::string path, path2, extra;
  uint64_t flags = 0;
  uint32_t mode = 0;
  uint32_t arg_uid = UINT32_MAX, arg_gid = UINT32_MAX;
  int32_t arg_pid = 0;

  // Network (Connect/Accept/Bind/Listen/Dup; family alone for Socket).
  uint16_t family = 0;     // AF_INET, AF_INET6, AF_UNIX
  uint8_t l4proto = 0;     // IPPROTO_TCP/UDP, 0 unknown
  std::string src_addr, dst_addr;  // text form; unix socket path in dst_addr
  uint16_t src_port = 0, dst_port = 0;
};

}  // namespace moat::runtime
