#pragma once
// The eBPF sensor: loads moat's kernel programs (bpf/sensor.bpf.c), attaches them to the
// scheduler and per-syscall tracepoints, and hands every event of every process on the host to a
// callback as a runtime::Event. Needs root (or CAP_BPF + CAP_PERFMON) and kernel BTF.
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/event.h"

namespace moat::runtime {

// Event groups; a group that is off is not attached at all, so it costs nothing.
enum SensorGroup : uint32_t {
  kGroupProcess = 0x1,    // exec, fork, exit
  kGroupFile = 0x2,       // open, unlink, rename, chmod, chown, symlink, link, mkdir
  kGroupNetwork = 0x4,    // connect, accept, bind, listen
  kGroupPrivilege = 0x8,  // set*id, capset, ptrace, mount/umount, modules, memfd_create, unshare, setns, bpf
  kGroupAll = 0xf,
};

// Read-only opens under these prefixes are reported; opens for write, create or truncate always
// are. Chosen for the files Falco's default rules watch (credentials, keys, service-account tokens).
std::vector<std::string> default_read_prefixes();

struct SensorOptions {
  std::size_t ring_buffer_bytes = 16u << 20;  // a power of two, 4 KiB .. 1 GiB
  uint32_t groups = kGroupAll;
  pid_t ignore_pid = 0;                       // 0: this process (the agent never sees itself); -1: none
  bool all_opens = false;                     // report every successful open, reads included
  std::vector<std::string> read_prefixes = default_read_prefixes();  // at most 16, each < 64 bytes
};

struct SensorStats {
  uint64_t events = 0;         // records decoded and handed to the callback
  uint64_t drops = 0;          // records the kernel could not write: the ring buffer was full
  uint64_t decode_errors = 0;  // records that did not decode (should stay 0)
  uint64_t missed = 0;         // program runs the kernel skipped (a BPF program already running on that CPU)
  std::map<EventType, uint64_t> drops_by_type;
  std::vector<std::string> unavailable;  // syscalls this kernel has no tracepoint for
};

class Sensor {
 public:
  // Throws moat::Error with the cause: not permitted (needs root or CAP_BPF+CAP_PERFMON), no
  // kernel BTF, a verifier rejection (with the end of its log), a tracepoint that cannot attach.
  static std::unique_ptr<Sensor> open(const SensorOptions& options = {});
  ~Sensor();
  Sensor(const Sensor&) = delete;
  Sensor& operator=(const Sensor&) = delete;

  // Waits up to timeout_ms for records (the kernel wakes it early once 1/16 of the ring is
  // filled), then hands each waiting record to on_event, at most
  // kPollBudget per call so a flood cannot keep one call going forever. Returns how many were
  // handed over. An exception from on_event stops the call and propagates.
  int poll(int timeout_ms, const std::function<void(const Event&)>& on_event);
  static constexpr int kPollBudget = 65536;

  SensorStats stats() const;

 private:
  struct Impl;
  explicit Sensor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace moat::runtime
