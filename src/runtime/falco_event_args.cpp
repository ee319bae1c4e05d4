// How Falco renders a syscall's arguments (flags, modes, requests, capability sets) and an
// event's descriptor (file path or connection tuple), per event type.
#include "runtime/falco_event_args.h"

#include <sys/socket.h>

#include <charconv>
#include <unordered_map>

namespace moat::runtime::falco {

static bool str(std::string_view& out, std::string_view s) {
  out = s;
  return true;
}

static bool num(int64_t& out, int64_t v) {
  out = v;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Small renderers: flags and enums the way Falco prints them.

struct FlagName {
  uint64_t bit;
  const char* name;
};

static void append_flags(std::string& out, uint64_t value, const FlagName* table, size_t n) {
  bool first = out.empty();
  for (size_t k = 0; k < n; ++k) {
    if ((value & table[k].bit) == table[k].bit && table[k].bit != 0) {
      if (!first) out += '|';
      out += table[k].name;
      first = false;
    }
  }
}

constexpr FlagName kOpenFlags[] = {
    {0100, "O_CREAT"},        {0200, "O_EXCL"},         {0400, "O_NOCTTY"},       {01000, "O_TRUNC"},
    {02000, "O_APPEND"},      {04000, "O_NONBLOCK"},    {010000, "O_DSYNC"},      {020000, "FASYNC"},
    {040000, "O_DIRECT"},     {0100000, "O_LARGEFILE"}, {0200000, "O_DIRECTORY"}, {0400000, "O_NOFOLLOW"},
    {01000000, "O_NOATIME"},  {02000000, "O_CLOEXEC"},  {04010000, "O_SYNC"},     {010000000, "O_PATH"},
    {020200000, "O_TMPFILE"},
};

static void render_open_flags(uint64_t flags, std::string& out) {
  const uint64_t acc = flags & 3;
  out += acc == 1 ? "O_WRONLY" : acc == 2 ? "O_RDWR" : "O_RDONLY";
  append_flags(out, flags, kOpenFlags, std::size(kOpenFlags));
}

constexpr FlagName kModeFlags[] = {
    {04000, "S_ISUID"}, {02000, "S_ISGID"}, {01000, "S_ISVTX"}, {0400, "S_IRUSR"}, {0200, "S_IWUSR"}, {0100, "S_IXUSR"},
    {040, "S_IRGRP"},   {020, "S_IWGRP"},   {010, "S_IXGRP"},   {04, "S_IROTH"},   {02, "S_IWOTH"},   {01, "S_IXOTH"},
};

constexpr FlagName kNsFlags[] = {
    {0x00020000, "CLONE_NEWNS"},  {0x02000000, "CLONE_NEWCGROUP"}, {0x04000000, "CLONE_NEWUTS"},
    {0x08000000, "CLONE_NEWIPC"}, {0x10000000, "CLONE_NEWUSER"},   {0x20000000, "CLONE_NEWPID"},
    {0x40000000, "CLONE_NEWNET"}, {0x00000080, "CLONE_NEWTIME"},
};

constexpr FlagName kMountFlags[] = {
    {1, "RDONLY"},  {2, "NOSUID"},  {4, "NODEV"},   {8, "NOEXEC"},        {16, "SYNCHRONOUS"}, {32, "REMOUNT"},
    {4096, "BIND"}, {8192, "MOVE"}, {16384, "REC"}, {1 << 18, "PRIVATE"}, {1 << 20, "SHARED"},
};

static const char* ptrace_request_name(uint64_t r) {
  switch (r) {
    case 0:
      return "PTRACE_TRACEME";
    case 1:
      return "PTRACE_PEEKTEXT";
    case 2:
      return "PTRACE_PEEKDATA";
    case 3:
      return "PTRACE_PEEKUSR";
    case 4:
      return "PTRACE_POKETEXT";
    case 5:
      return "PTRACE_POKEDATA";
    case 6:
      return "PTRACE_POKEUSR";
    case 7:
      return "PTRACE_CONT";
    case 8:
      return "PTRACE_KILL";
    case 9:
      return "PTRACE_SINGLESTEP";
    case 12:
      return "PTRACE_GETREGS";
    case 13:
      return "PTRACE_SETREGS";
    case 14:
      return "PTRACE_GETFPREGS";
    case 15:
      return "PTRACE_SETFPREGS";
    case 16:
      return "PTRACE_ATTACH";
    case 17:
      return "PTRACE_DETACH";
    case 24:
      return "PTRACE_SYSCALL";
    case 0x4200:
      return "PTRACE_SETOPTIONS";
    case 0x4201:
      return "PTRACE_GETEVENTMSG";
    case 0x4202:
      return "PTRACE_GETSIGINFO";
    case 0x4203:
      return "PTRACE_SETSIGINFO";
    case 0x4204:
      return "PTRACE_GETREGSET";
    case 0x4205:
      return "PTRACE_SETREGSET";
    case 0x4206:
      return "PTRACE_SEIZE";
    case 0x4207:
      return "PTRACE_INTERRUPT";
    case 0x4208:
      return "PTRACE_LISTEN";
    default:
      return nullptr;
  }
}

// Socket families by number, as Falco names them in socket's domain argument.
static const char* socket_family_name(uint64_t family) {
  switch (family) {
    case 1: return "AF_UNIX";
    case 2: return "AF_INET";
    case 10: return "AF_INET6";
    case 16: return "AF_NETLINK";
    case 17: return "AF_PACKET";
    case 31: return "AF_BLUETOOTH";
    case 38: return "AF_ALG";
    case 40: return "AF_VSOCK";
    case 44: return "AF_XDP";
    default: return nullptr;
  }
}

constexpr const char* kBpfCmds[] = {
    "BPF_MAP_CREATE",        "BPF_MAP_LOOKUP_ELEM",
    "BPF_MAP_UPDATE_ELEM",   "BPF_MAP_DELETE_ELEM",
    "BPF_MAP_GET_NEXT_KEY",  "BPF_PROG_LOAD",
    "BPF_OBJ_PIN",           "BPF_OBJ_GET",
    "BPF_PROG_ATTACH",       "BPF_PROG_DETACH",
    "BPF_PROG_TEST_RUN",     "BPF_PROG_GET_NEXT_ID",
    "BPF_MAP_GET_NEXT_ID",   "BPF_PROG_GET_FD_BY_ID",
    "BPF_MAP_GET_FD_BY_ID",  "BPF_OBJ_GET_INFO_BY_FD",
    "BPF_PROG_QUERY",        "BPF_RAW_TRACEPOINT_OPEN",
    "BPF_BTF_LOAD",          "BPF_BTF_GET_FD_BY_ID",
    "BPF_TASK_FD_QUERY",     "BPF_MAP_LOOKUP_AND_DELETE_ELEM",
    "BPF_MAP_FREEZE",        "BPF_BTF_GET_NEXT_ID",
    "BPF_MAP_LOOKUP_BATCH",  "BPF_MAP_LOOKUP_AND_DELETE_BATCH",
    "BPF_MAP_UPDATE_BATCH",  "BPF_MAP_DELETE_BATCH",
    "BPF_LINK_CREATE",       "BPF_LINK_UPDATE",
    "BPF_LINK_GET_FD_BY_ID", "BPF_LINK_GET_NEXT_ID",
    "BPF_ENABLE_STATS",      "BPF_ITER_CREATE",
    "BPF_LINK_DETACH",       "BPF_PROG_BIND_MAP",
};

constexpr const char* kCapNames[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

void render_caps(uint64_t caps, std::string& out) {
  for (size_t k = 0; k < std::size(kCapNames); ++k) {
    if (caps & (uint64_t{1} << k)) {
      if (!out.empty()) out += ' ';
      out += kCapNames[k];
    }
  }
}

void append_int(std::string& out, int64_t v) {
  char tmp[24];
  auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
  out.append(tmp, r.ptr);
}

static void append_octal(std::string& out, uint64_t v) {
  char tmp[24];
  auto r = std::to_chars(tmp, tmp + sizeof tmp, v, 8);
  out += '0';
  out.append(tmp, r.ptr);
}

std::string_view basename_of(std::string_view p) {
  const size_t slash = p.rfind('/');
  return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

std::string_view dirname_of(std::string_view p) {
  const size_t slash = p.rfind('/');
  if (slash == std::string_view::npos) return {};
  return slash == 0 ? std::string_view("/") : p.substr(0, slash);
}

void join_args(const std::vector<std::string>& args, size_t from, std::string& out) {
  for (size_t k = from; k < args.size(); ++k) {
    if (k > from) out += ' ';
    out += args[k];
  }
}

std::string_view event_proc_exe(const Event& ev) {
  return ev.argv.empty() ? std::string_view(ev.exe) : std::string_view(ev.argv[0]);
}

bool is_net(EventType t) {
  return t == EventType::Connect || t == EventType::Accept || t == EventType::Bind || t == EventType::Listen ||
         t == EventType::Dup;
}
bool is_ip_event(const Event& ev) { return is_net(ev.type) && (ev.family == AF_INET || ev.family == AF_INET6); }
// A duplicated socket is read as the connecting end (see sensor_decode).
bool is_server_side(const Event& ev) { return ev.type != EventType::Connect && ev.type != EventType::Dup; }

// Client and server ends of a connection. Convention shared with the sensor: src_* is the client
// (the connecting side), dst_* the server; Bind/Listen carry their local address in src_*.
bool client_end(const Event& ev, std::string_view& addr, uint16_t& port) {
  if (!is_ip_event(ev) || ev.type == EventType::Bind || ev.type == EventType::Listen) return false;
  addr = ev.src_addr;
  port = ev.src_port;
  return !addr.empty();
}
bool server_end(const Event& ev, std::string_view& addr, uint16_t& port) {
  if (!is_ip_event(ev)) return false;
  const bool local_only = ev.type == EventType::Bind || ev.type == EventType::Listen;
  addr = local_only ? ev.src_addr : ev.dst_addr;
  port = local_only ? ev.src_port : ev.dst_port;
  return !addr.empty();
}
bool local_end(const Event& ev, std::string_view& a, uint16_t& p) {
  return is_server_side(ev) ? server_end(ev, a, p) : client_end(ev, a, p);
}
bool remote_end(const Event& ev, std::string_view& a, uint16_t& p) {
  return is_server_side(ev) ? client_end(ev, a, p) : server_end(ev, a, p);
}

std::string_view fd_type(const Event& ev) {
  if (ev.type == EventType::Open) return (ev.flags & 0200000) ? "directory" : "file";
  if (ev.type == EventType::MemfdCreate) return "memfd";
  if (ev.family == AF_INET) return "ipv4";
  if (ev.family == AF_INET6) return "ipv6";
  if (ev.family == AF_UNIX) return "unix";
  return {};
}

static void render_ip_port(std::string& out, std::string_view addr, uint16_t port) {
  out += addr;
  out += ':';
  append_int(out, port);
}

bool fd_name(const Event& ev, std::string& buf, std::string_view& out) {
  switch (ev.type) {
    case EventType::Open:
      return str(out, ev.path);
    case EventType::MemfdCreate:
      buf = "memfd:";
      buf += ev.extra;
      return str(out, buf);
    default:
      break;
  }
  if (!is_net(ev.type)) return false;
  if (ev.family == AF_UNIX) return str(out, ev.dst_addr.empty() ? ev.src_addr : ev.dst_addr);
  std::string_view ca, sa;
  uint16_t cp = 0, sp = 0;
  buf.clear();
  if (client_end(ev, ca, cp)) {
    render_ip_port(buf, ca, cp);
    buf += "->";
  }
  if (server_end(ev, sa, sp)) render_ip_port(buf, sa, sp);
  return str(out, buf);
}

// evt.arg.<name>: the syscall argument rendered as text, per event type.
bool event_arg(const Event& ev, std::string_view name, std::string& buf, std::string_view& out) {
  buf.clear();
  if (name == "res" || name == "res_or_fd") {
    append_int(buf, ev.ret);
    return str(out, buf);
  }
  switch (ev.type) {
    case EventType::Exec:
      if (name == "exe") return str(out, event_proc_exe(ev));
      if (name == "args") {
        join_args(ev.argv, 1, buf);
        return str(out, buf);
      }
      if (name == "cwd") return str(out, ev.cwd);
      if (name == "comm") return str(out, ev.comm);
      if (name == "pid" || name == "tid" || name == "ptid") {
        append_int(buf, name == "pid" ? ev.pid : name == "tid" ? ev.tid : ev.ppid);
        return str(out, buf);
      }
      if (name == "flags") {
        if (ev.exe_upper_layer) buf += "EXE_UPPER_LAYER";
        if (ev.exe_from_memfd) buf += buf.empty() ? "EXE_FROM_MEMFD" : "|EXE_FROM_MEMFD";
        if (buf.empty()) buf = "0";
        return str(out, buf);
      }
      if (name == "env") {
        join_args(ev.env, 0, buf);
        return str(out, buf);
      }
      return false;
    case EventType::Open:
      if (name == "name" || name == "path") return str(out, ev.path);
      if (name == "fd") {
        append_int(buf, ev.ret);
        return str(out, buf);
      }
      if (name == "flags") {
        render_open_flags(ev.flags, buf);
        return str(out, buf);
      }
      if (name == "mode") {
        append_octal(buf, ev.mode);
        return str(out, buf);
      }
      return false;
    case EventType::Unlink:
      if (name == "name" || name == "path") return str(out, ev.path);
      return false;
    case EventType::Rename:
      if (name == "oldpath") return str(out, ev.path);
      if (name == "newpath") return str(out, ev.path2);
      return false;
    case EventType::Symlink:
      if (name == "linkpath") return str(out, ev.path);
      if (name == "target") return str(out, ev.path2);
      return false;
    case EventType::Link:
      if (name == "newpath") return str(out, ev.path);
      if (name == "oldpath") return str(out, ev.path2);
      return false;
    case EventType::Chmod:
    case EventType::Mkdir:
      if (name == "filename" || name == "path") return str(out, ev.path);
      if (name == "mode") {
        append_flags(buf, ev.mode, kModeFlags, std::size(kModeFlags));
        if (buf.empty()) buf = "0";
        return str(out, buf);
      }
      return false;
    case EventType::Chown:
      if (name == "path" || name == "filename") return str(out, ev.path);
      if (name == "uid" || name == "gid") {
        const uint32_t v = name == "uid" ? ev.arg_uid : ev.arg_gid;
        append_int(buf, v == UINT32_MAX ? -1 : static_cast<int64_t>(v));
        return str(out, buf);
      }
      return false;
    case EventType::SetUid:
    case EventType::SetGid:
      if (name == "uid" || name == "ruid" || name == "euid" || name == "suid" || name == "gid" || name == "rgid" ||
          name == "egid" || name == "sgid") {
        const uint32_t v = ev.type == EventType::SetUid ? ev.arg_uid : ev.arg_gid;
        if (v == UINT32_MAX) return false;
        append_int(buf, v);
        return str(out, buf);
      }
      return false;
    case EventType::Ptrace:
      if (name == "request") {
        if (const char* n = ptrace_request_name(ev.flags)) return str(out, n);
        append_int(buf, static_cast<int64_t>(ev.flags));
        return str(out, buf);
      }
      if (name == "pid") {
        append_int(buf, ev.arg_pid);
        return str(out, buf);
      }
      return false;
    case EventType::Mount:
      if (name == "dir") return str(out, ev.path);
      if (name == "dev") return str(out, ev.path2);
      if (name == "type") return str(out, ev.extra);
      if (name == "flags") {
        append_flags(buf, ev.flags, kMountFlags, std::size(kMountFlags));
        return str(out, buf);
      }
      return false;
    case EventType::Umount:
      if (name == "name") return str(out, ev.path);
      return false;
    case EventType::InitModule:
      if (name == "uargs") return str(out, ev.extra);
      return false;
    case EventType::MemfdCreate:
      if (name == "name") return str(out, ev.extra);
      return false;
    case EventType::Unshare:
    case EventType::Setns:
      if (name == "flags" || name == "nstype") {
        append_flags(buf, ev.flags, kNsFlags, std::size(kNsFlags));
        if (buf.empty()) buf = "0";
        return str(out, buf);
      }
      return false;
    case EventType::Bpf:
      if (name == "cmd") {
        if (ev.flags < std::size(kBpfCmds)) return str(out, kBpfCmds[ev.flags]);
        append_int(buf, static_cast<int64_t>(ev.flags));
        return str(out, buf);
      }
      return false;
    case EventType::Socket:
      if (name == "domain") {
        if (const char* n = socket_family_name(ev.family)) return str(out, n);
        append_int(buf, ev.family);
        return str(out, buf);
      }
      if (name == "type" || name == "proto") {
        append_int(buf, name == "type" ? static_cast<int64_t>(ev.flags) : ev.mode);
        return str(out, buf);
      }
      return false;
    case EventType::Connect:
    case EventType::Accept:
    case EventType::Dup:
      if (name == "tuple") return fd_name(ev, buf, out);
      if (name == "addr") return str(out, ev.dst_addr);
      if (name == "fd") {
        append_int(buf, ev.ret);
        return str(out, buf);
      }
      return false;
    case EventType::Bind:
      if (name == "addr") {
        render_ip_port(buf, ev.src_addr, ev.src_port);
        return str(out, buf);
      }
      return false;
    default:
      return false;
  }
}

// evt.rawarg.<name>: numeric arguments as numbers.
bool event_rawarg(const Event& ev, std::string_view name, int64_t& out) {
  if (name == "res" || name == "res_or_fd" || (name == "fd" && (ev.type == EventType::Open || ev.type == EventType::Socket || is_net(ev.type))))
    return num(out, ev.ret);
  if (name == "flags" || name == "request" || name == "cmd" || name == "nstype")
    return num(out, static_cast<int64_t>(ev.flags));
  if (name == "mode") return num(out, ev.mode);
  if (name == "uid" && ev.arg_uid != UINT32_MAX) return num(out, ev.arg_uid);
  if (name == "gid" && ev.arg_gid != UINT32_MAX) return num(out, ev.arg_gid);
  if (name == "pid" && ev.type == EventType::Ptrace) return num(out, ev.arg_pid);
  return false;
}

// Parameter names per event type in Falco's order, for evt.arg[N] and evt.args.
const std::vector<std::string_view>& event_params(EventType t) {
  static const std::vector<std::string_view> kEmpty;
  static const std::unordered_map<int, std::vector<std::string_view>> table = {
      {static_cast<int>(EventType::Exec), {"res", "exe", "args", "tid", "pid", "ptid", "cwd", "comm", "flags"}},
      {static_cast<int>(EventType::Open), {"fd", "name", "flags", "mode"}},
      {static_cast<int>(EventType::Unlink), {"res", "name"}},
      {static_cast<int>(EventType::Rename), {"res", "oldpath", "newpath"}},
      {static_cast<int>(EventType::Chmod), {"res", "filename", "mode"}},
      {static_cast<int>(EventType::Chown), {"res", "path", "uid", "gid"}},
      {static_cast<int>(EventType::Connect), {"res", "tuple"}},
      {static_cast<int>(EventType::Accept), {"fd", "tuple"}},
      {static_cast<int>(EventType::Bind), {"res", "addr"}},
      {static_cast<int>(EventType::Listen), {"res"}},
      {static_cast<int>(EventType::SetUid), {"res", "uid"}},
      {static_cast<int>(EventType::SetGid), {"res", "gid"}},
      {static_cast<int>(EventType::Ptrace), {"res", "request", "pid"}},
      {static_cast<int>(EventType::Mount), {"res", "dev", "dir", "type", "flags"}},
      {static_cast<int>(EventType::Umount), {"res", "name"}},
      {static_cast<int>(EventType::InitModule), {"res", "uargs"}},
      {static_cast<int>(EventType::MemfdCreate), {"fd", "name"}},
      {static_cast<int>(EventType::Unshare), {"res", "flags"}},
      {static_cast<int>(EventType::Setns), {"res", "nstype"}},
      {static_cast<int>(EventType::Bpf), {"res_or_fd", "cmd"}},
      {static_cast<int>(EventType::Symlink), {"res", "target", "linkpath"}},
      {static_cast<int>(EventType::Link), {"res", "oldpath", "newpath"}},
      {static_cast<int>(EventType::Mkdir), {"res", "path", "mode"}},
      {static_cast<int>(EventType::Socket), {"fd", "domain", "type", "proto"}},
      {static_cast<int>(EventType::Dup), {"res", "tuple"}},
  };
  auto it = table.find(static_cast<int>(t));
  return it == table.end() ? kEmpty : it->second;
}

}  // namespace moat::runtime::falco
