#include "runtime/sensor_decode.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include <array>
#include <cstring>
#include <string>
#include <string_view>

#include "base/error.h"
#include "runtime/bpf/sensor_wire.h"

namespace moat::runtime {
namespace {

constexpr const char* kInput = "sensor record";

// The BPF object (clang, BPF target) and this file (GCC, x86_64) lay the header out alike: natural
// alignment on both. A change to the header shows up here first.
static_assert(sizeof(moat_wire_hdr) == 184, "struct moat_wire_hdr changed: bump MOAT_WIRE_VERSION");

EventType event_type(uint8_t kind) {
  switch (kind) {
    case MW_EXEC: return EventType::Exec;
    case MW_FORK: return EventType::Fork;
    case MW_EXIT: return EventType::Exit;
    case MW_OPEN: return EventType::Open;
    case MW_UNLINK: return EventType::Unlink;
    case MW_RENAME: return EventType::Rename;
    case MW_CHMOD: return EventType::Chmod;
    case MW_CHOWN: return EventType::Chown;
    case MW_CONNECT: return EventType::Connect;
    case MW_ACCEPT: return EventType::Accept;
    case MW_BIND: return EventType::Bind;
    case MW_LISTEN: return EventType::Listen;
    case MW_SETUID: return EventType::SetUid;
    case MW_SETGID: return EventType::SetGid;
    case MW_CAPSET: return EventType::Capset;
    case MW_PTRACE: return EventType::Ptrace;
    case MW_MOUNT: return EventType::Mount;
    case MW_UMOUNT: return EventType::Umount;
    case MW_INIT_MODULE: return EventType::InitModule;
    case MW_MEMFD_CREATE: return EventType::MemfdCreate;
    case MW_UNSHARE: return EventType::Unshare;
    case MW_SETNS: return EventType::Setns;
    case MW_BPF: return EventType::Bpf;
    case MW_SYMLINK: return EventType::Symlink;
    case MW_LINK: return EventType::Link;
    case MW_MKDIR: return EventType::Mkdir;
    case MW_SOCKET: return EventType::Socket;
    case MW_DUP: return EventType::Dup;
    default: fail(kInput, "unknown event kind " + std::to_string(kind));
  }
}

// A string slot: up to its first NUL (the kernel includes the NUL in the length), or all of it.
std::string slot_string(std::string_view slot) { return std::string(slot.substr(0, slot.find('\0'))); }

std::string inet_text(int family, const uint8_t* addr) {
  char text[INET6_ADDRSTRLEN] = {};
  if (!inet_ntop(family, addr, text, sizeof(text))) return {};
  return text;
}

struct Endpoint {
  uint16_t family = 0;
  std::string addr;
  uint16_t port = 0;
};

// A sockaddr the traced process passed in. Whatever it holds is the process's business: an
// unknown family or a short length gives an empty endpoint, not an error.
Endpoint parse_sockaddr(std::string_view raw) {
  Endpoint ep;
  if (raw.size() < sizeof(sa_family_t)) return ep;
  sa_family_t family;
  std::memcpy(&family, raw.data(), sizeof(family));
  if (family == AF_INET && raw.size() >= sizeof(sockaddr_in)) {
    sockaddr_in sin;
    std::memcpy(&sin, raw.data(), sizeof(sin));
    ep = {AF_INET, inet_text(AF_INET, reinterpret_cast<const uint8_t*>(&sin.sin_addr)), ntohs(sin.sin_port)};
  } else if (family == AF_INET6 && raw.size() >= sizeof(sockaddr_in6)) {
    sockaddr_in6 sin6;
    std::memcpy(&sin6, raw.data(), sizeof(sin6));
    ep = {AF_INET6, inet_text(AF_INET6, sin6.sin6_addr.s6_addr), ntohs(sin6.sin6_port)};
  } else if (family == AF_UNIX) {
    std::string_view path = raw.substr(offsetof(sockaddr_un, sun_path));
    ep.family = AF_UNIX;
    if (!path.empty() && path[0] == '\0')  // abstract namespace, shown the way ss and Falco do
      ep.addr = "@" + std::string(path.substr(1, path.substr(1).find('\0')));
    else
      ep.addr = slot_string(path);
  }
  return ep;
}

// The socket's own view, read by the kernel from struct sock (local = s*, remote = d*).
Endpoint sock_endpoint(const moat_wire_hdr& h, bool local) {
  if (!(h.bits & MW_BIT_SOCK) || (h.family != AF_INET && h.family != AF_INET6)) return {};
  return {h.family, inet_text(h.family, local ? h.saddr : h.daddr), local ? h.sport : h.dport};
}

std::vector<std::string> split_argv(std::string_view raw) {
  std::vector<std::string> argv;
  while (!raw.empty()) {
    std::size_t nul = raw.find('\0');
    argv.emplace_back(raw.substr(0, nul));
    if (nul == std::string_view::npos) break;
    raw.remove_prefix(nul + 1);
  }
  return argv;
}

}  // namespace

int64_t boot_to_realtime_ns() {
  timespec real{}, boot{};
  clock_gettime(CLOCK_REALTIME, &real);
  clock_gettime(CLOCK_BOOTTIME, &boot);
  return (int64_t{real.tv_sec} - boot.tv_sec) * 1000000000 + (real.tv_nsec - boot.tv_nsec);
}

Event decode_event(std::span<const uint8_t> record, int64_t boot_to_realtime_ns) {
  moat_wire_hdr h;
  if (record.size() < sizeof(h))
    fail(kInput, "truncated: " + std::to_string(record.size()) + " bytes, header needs " + std::to_string(sizeof(h)));
  std::memcpy(&h, record.data(), sizeof(h));
  if (h.version != MOAT_WIRE_VERSION)
    fail(kInput, "wire version " + std::to_string(h.version) + ", expected " + std::to_string(MOAT_WIRE_VERSION));

  Event e;
  e.type = event_type(h.kind);

  std::array<std::string_view, MOAT_SLOTS> slots;
  std::string_view rest(reinterpret_cast<const char*>(record.data()) + sizeof(h), record.size() - sizeof(h));
  for (int i = 0; i < MOAT_SLOTS; i++) {
    if (h.len[i] > MOAT_STR_MAX) fail(kInput, "slot " + std::to_string(i) + " longer than " + std::to_string(MOAT_STR_MAX));
    if (h.len[i] > rest.size()) fail(kInput, "slot " + std::to_string(i) + " runs past the end of the record");
    slots[i] = rest.substr(0, h.len[i]);
    rest.remove_prefix(h.len[i]);
  }

  e.ts_ns = h.ts_boot_ns + static_cast<uint64_t>(boot_to_realtime_ns);
  e.ret = h.ret;
  e.pid = h.pid;
  e.tid = h.tid;
  e.ppid = h.ppid;
  e.uid = h.uid;
  e.gid = h.gid;
  e.euid = h.euid;
  e.egid = h.egid;
  e.loginuid = h.loginuid;
  e.cgroup_id = h.cgroup_id;
  e.pid_ns = h.pid_ns;
  e.vpid = h.vpid;
  e.comm = slot_string(std::string_view(h.comm, sizeof(h.comm)));
  e.tty = (h.bits & MW_BIT_TTY) != 0;
  e.cap_effective = h.cap_effective;
  e.cap_permitted = h.cap_permitted;
  e.cap_inheritable = h.cap_inheritable;
  e.caps_known = true;
  e.flags = h.flags;
  e.mode = h.mode;
  e.arg_uid = h.arg_uid;
  e.arg_gid = h.arg_gid;
  e.arg_pid = h.arg_pid;

  switch (e.type) {
    case EventType::Exec:
      e.exe = slot_string(slots[0]);
      e.argv = split_argv(slots[1]);
      e.cwd = slot_string(slots[2]);
      e.env = split_argv(slots[3]);
      e.exe_from_memfd = (h.bits & MW_BIT_MEMFD) != 0;
      e.exe_upper_layer = (h.bits & MW_BIT_UPPER) != 0;
      break;
    case EventType::Connect:
    case EventType::Accept:
    case EventType::Bind:
    case EventType::Listen:
    case EventType::Dup: {
      // Falco's tuple: src = the client side, dst = the server side.
      Endpoint given = (h.bits & MW_BIT_SLOT0_RAW) ? parse_sockaddr(slots[0]) : Endpoint{};
      Endpoint local = sock_endpoint(h, true), remote = sock_endpoint(h, false);
      Endpoint src, dst;
      // Which end of a duplicated socket connected is not known; a shell put on a connection is
      // usually a reverse shell, the connecting end, so it is read as a connect.
      if (e.type == EventType::Connect || e.type == EventType::Dup) {
        src = local;
        dst = given.family ? given : remote;
      } else if (e.type == EventType::Accept) {
        src = remote;
        dst = local;
      } else {
        dst = given.family ? given : local;
      }
      e.family = dst.family ? dst.family : (src.family ? src.family : h.family);
      e.l4proto = h.l4proto;
      e.src_addr = src.addr;
      e.src_port = src.port;
      e.dst_addr = dst.addr;
      e.dst_port = dst.port;
      break;
    }
    case EventType::Socket:
      e.family = h.family;
      break;
    case EventType::MemfdCreate:
    case EventType::InitModule:
      e.path = slot_string(slots[0]);
      e.extra = slot_string(slots[2]);
      break;
    default:
      e.path = slot_string(slots[0]);
      e.path2 = slot_string(slots[1]);
      e.extra = slot_string(slots[2]);
      break;
  }
  return e;
}

}  // namespace moat::runtime
