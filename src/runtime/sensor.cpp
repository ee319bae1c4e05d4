#include "runtime/sensor.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>

#include "base/error.h"
#include "runtime/bpf/sensor_syscalls.h"
#include "runtime/bpf/sensor_wire.h"
#include "runtime/sensor_decode.h"
// The skeleton embeds the BPF object as one long string literal.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverlength-strings"
#include "sensor.skel.h"
#pragma GCC diagnostic pop

namespace moat::runtime {
namespace {

static_assert(MNR_openat == SYS_openat && MNR_connect == SYS_connect && MNR_setresuid == SYS_setresuid &&
                  MNR_memfd_create == SYS_memfd_create && MNR_bpf == SYS_bpf && MNR_renameat2 == SYS_renameat2 &&
                  MNR_openat2 == SYS_openat2 && MNR_umount2 == SYS_umount2 && MNR_finit_module == SYS_finit_module &&
                  MNR_socket == SYS_socket && MNR_dup == SYS_dup && MNR_dup2 == SYS_dup2 && MNR_dup3 == SYS_dup3,
              "sensor_syscalls.h is for x86_64");
static_assert(kGroupProcess == MW_GROUP_PROCESS && kGroupFile == MW_GROUP_FILE && kGroupNetwork == MW_GROUP_NETWORK &&
              kGroupPrivilege == MW_GROUP_PRIVILEGE);

constexpr const char* kBtfPath = "/sys/kernel/btf/vmlinux";
constexpr const char* kInput = "eBPF sensor";

enum class ExitProg { Open, File, File2, Net, Priv };
struct Hook {
  const char* tracepoint;  // syscalls/sys_exit_<tracepoint>, and sys_enter_<tracepoint> when `enter`
  uint32_t group;
  ExitProg exit;
  bool enter = false;      // the address argument is copied before the call can block (connect, bind)
};
constexpr Hook kHooks[] = {
    {"open", kGroupFile, ExitProg::Open},          {"openat", kGroupFile, ExitProg::Open},
    {"openat2", kGroupFile, ExitProg::Open},       {"creat", kGroupFile, ExitProg::Open},
    {"unlink", kGroupFile, ExitProg::File},        {"unlinkat", kGroupFile, ExitProg::File},
    {"rmdir", kGroupFile, ExitProg::File},         {"mkdir", kGroupFile, ExitProg::File},
    {"mkdirat", kGroupFile, ExitProg::File},       {"chmod", kGroupFile, ExitProg::File},
    {"fchmod", kGroupFile, ExitProg::File},        {"fchmodat", kGroupFile, ExitProg::File},
    {"fchmodat2", kGroupFile, ExitProg::File},     {"chown", kGroupFile, ExitProg::File},
    {"fchown", kGroupFile, ExitProg::File},        {"lchown", kGroupFile, ExitProg::File},
    {"fchownat", kGroupFile, ExitProg::File},      {"rename", kGroupFile, ExitProg::File2},
    {"renameat", kGroupFile, ExitProg::File2},     {"renameat2", kGroupFile, ExitProg::File2},
    {"symlink", kGroupFile, ExitProg::File2},      {"symlinkat", kGroupFile, ExitProg::File2},
    {"link", kGroupFile, ExitProg::File2},         {"linkat", kGroupFile, ExitProg::File2},
    {"connect", kGroupNetwork, ExitProg::Net, true}, {"accept", kGroupNetwork, ExitProg::Net},
    {"accept4", kGroupNetwork, ExitProg::Net},     {"bind", kGroupNetwork, ExitProg::Net, true},
    {"listen", kGroupNetwork, ExitProg::Net},      {"socket", kGroupNetwork, ExitProg::Net},
    {"dup", kGroupNetwork, ExitProg::Net},         {"dup2", kGroupNetwork, ExitProg::Net},
    {"dup3", kGroupNetwork, ExitProg::Net},        {"mount", kGroupPrivilege, ExitProg::File2},
    {"umount", kGroupPrivilege, ExitProg::Priv},  // umount2's tracepoint carries the kernel's name
    {"setuid", kGroupPrivilege, ExitProg::Priv},   {"setgid", kGroupPrivilege, ExitProg::Priv},
    {"setreuid", kGroupPrivilege, ExitProg::Priv}, {"setregid", kGroupPrivilege, ExitProg::Priv},
    {"setresuid", kGroupPrivilege, ExitProg::Priv}, {"setresgid", kGroupPrivilege, ExitProg::Priv},
    {"capset", kGroupPrivilege, ExitProg::Priv},   {"ptrace", kGroupPrivilege, ExitProg::Priv},
    {"init_module", kGroupPrivilege, ExitProg::Priv}, {"finit_module", kGroupPrivilege, ExitProg::Priv},
    {"memfd_create", kGroupPrivilege, ExitProg::Priv}, {"unshare", kGroupPrivilege, ExitProg::Priv},
    {"setns", kGroupPrivilege, ExitProg::Priv},    {"bpf", kGroupPrivilege, ExitProg::Priv},
};

// libbpf reports through one process-wide print callback; while a sensor loads, its output (the
// verifier log among it) is kept, bounded, to quote in the error.
std::mutex g_log_mutex;
std::atomic<std::string*> g_log{nullptr};
std::thread::id g_log_thread;  // only the loading thread's messages are the load's
constexpr std::size_t kLogKeep = 64 * 1024;

int capture_libbpf_log(enum libbpf_print_level level, const char* format, va_list args) {
  std::string* log = g_log.load();
  if (level == LIBBPF_DEBUG || !log || std::this_thread::get_id() != g_log_thread) return 0;
  char line[1024];
  int n = vsnprintf(line, sizeof(line), format, args);
  if (n > 0) {
    log->append(line, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof(line) - 1));
    if (log->size() > kLogKeep) log->erase(0, log->size() - kLogKeep);
  }
  return 0;
}

std::string log_tail(const std::string& log, std::size_t keep = 1500) {
  std::string tail = log.size() > keep ? "..." + log.substr(log.size() - keep) : log;
  for (char& c : tail)
    if (c == '\n') c = ' ';
  return tail;
}

std::string why(int err) {
  err = err < 0 ? -err : err;
  if (err == EPERM || err == EACCES) return "not permitted: needs root or CAP_BPF+CAP_PERFMON";
  return std::strerror(err);
}

// libbpf reads tracepoint ids under tracefs; mount it where libbpf looks when nothing is there.
std::string tracefs_dir() {
  if (access("/sys/kernel/debug/tracing/events", F_OK) == 0) return "/sys/kernel/debug/tracing";
  if (access("/sys/kernel/tracing/events", F_OK) == 0) return "/sys/kernel/tracing";
  if (errno == EACCES) fail("/sys/kernel/tracing", why(errno));
  if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, nullptr) != 0)
    fail("/sys/kernel/tracing", std::string("tracefs is not mounted and mounting it failed: ") + why(errno));
  return "/sys/kernel/tracing";
}

}  // namespace

std::vector<std::string> default_read_prefixes() {
  return {"/etc/",  "/root/", "/boot/", "/run/secrets/", "/var/run/secrets/", "/proc/self/environ",
          "/dev/mem", "/dev/kmem", "/sys/kernel/"};
}

struct Sensor::Impl {
  sensor_bpf* skel = nullptr;
  std::vector<bpf_link*> links;
  ring_buffer* rb = nullptr;
  int64_t clock_offset = 0;
  uint64_t events = 0, decode_errors = 0;
  std::vector<std::string> unavailable;

  // The poll in progress (ring_buffer__poll calls back through C).
  const std::function<void(const Event&)>* on_event = nullptr;
  int handed = 0;
  std::exception_ptr error;

  ~Impl() {
    ring_buffer__free(rb);
    // Detaching a perf-event tracepoint waits for an RCU grace period (~75 ms here); one thread
    // per link lets the ~90 waits overlap instead of adding up to seconds.
    std::vector<std::thread> detach;
    for (auto* link : links) {
      try {
        detach.emplace_back([link] { bpf_link__destroy(link); });
      } catch (const std::system_error&) {
        bpf_link__destroy(link);
      }
    }
    for (auto& t : detach) t.join();
    sensor_bpf__destroy(skel);
  }

  static int on_record(void* ctx, void* data, size_t size) {
    auto* self = static_cast<Impl*>(ctx);
    Event event;
    try {
      event = decode_event({static_cast<const uint8_t*>(data), size}, self->clock_offset);
    } catch (const Error&) {
      self->decode_errors++;
      return 0;
    }
    self->events++;
    self->handed++;
    try {
      (*self->on_event)(event);
    } catch (...) {
      self->error = std::current_exception();
      return -ECANCELED;
    }
    return self->handed >= kPollBudget ? -ECANCELED : 0;
  }

  void attach(bpf_program* prog, const char* category, const std::string& name) {
    bpf_link* link = bpf_program__attach_tracepoint(prog, category, name.c_str());
    if (!link) fail(kInput, "attaching to tracepoint " + std::string(category) + "/" + name + ": " + why(errno));
    links.push_back(link);
  }
  void attach(bpf_program* prog, const char* what) {
    bpf_link* link = bpf_program__attach(prog);
    if (!link) fail(kInput, std::string("attaching to ") + what + ": " + why(errno));
    links.push_back(link);
  }
};

Sensor::Sensor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Sensor::~Sensor() = default;

std::unique_ptr<Sensor> Sensor::open(const SensorOptions& options) {
  const std::size_t rb = options.ring_buffer_bytes;
  if (rb < 4096 || rb > (std::size_t{1} << 30) || (rb & (rb - 1)) != 0)
    fail(kInput, "ring buffer size " + std::to_string(rb) + " is not a power of two between 4 KiB and 1 GiB");
  if (options.read_prefixes.size() > MOAT_PREFIXES)
    fail(kInput, "more than " + std::to_string(MOAT_PREFIXES) + " read prefixes");
  for (const auto& prefix : options.read_prefixes)
    if (prefix.empty() || prefix.size() >= MOAT_PREFIX_LEN)
      fail(kInput, "read prefix '" + prefix + "' is empty or not shorter than " + std::to_string(MOAT_PREFIX_LEN));
  struct stat st;
  if (::stat(kBtfPath, &st) != 0)
    fail(kBtfPath, "missing: the kernel has no BTF (CONFIG_DEBUG_INFO_BTF), which the CO-RE sensor needs");
  // Every group attaches tracepoints (the process group's sched_process_exec/exit too), and libbpf
  // reads their ids under tracefs: a fresh host may not have it mounted yet.
  const std::string tracefs = tracefs_dir();

  auto impl = std::make_unique<Impl>();
  std::string log;
  {
    std::lock_guard<std::mutex> lock(g_log_mutex);
    g_log_thread = std::this_thread::get_id();
    g_log = &log;
    libbpf_print_fn_t previous = libbpf_set_print(capture_libbpf_log);
    impl->skel = sensor_bpf__open();
    int err = impl->skel ? 0 : -errno;
    if (!err) {
      auto& p = impl->skel->progs;
      bpf_map__set_max_entries(impl->skel->maps.events, static_cast<uint32_t>(rb));
      const bool process = options.groups & kGroupProcess;
      bpf_program__set_autoload(p.on_exec, process);
      bpf_program__set_autoload(p.on_fork, process);
      bpf_program__set_autoload(p.on_exit, process);
      bpf_program__set_autoload(p.sys_enter, options.groups & kGroupNetwork);
      bpf_program__set_autoload(p.sys_exit_open, options.groups & kGroupFile);
      bpf_program__set_autoload(p.sys_exit_file, options.groups & kGroupFile);
      bpf_program__set_autoload(p.sys_exit_file2, options.groups & (kGroupFile | kGroupPrivilege));
      bpf_program__set_autoload(p.sys_exit_net, options.groups & kGroupNetwork);
      bpf_program__set_autoload(p.sys_exit_priv, options.groups & kGroupPrivilege);
      err = sensor_bpf__load(impl->skel);
    }
    libbpf_set_print(previous);
    g_log = nullptr;
    if (err) {
      std::string msg = "loading the BPF programs failed: " + why(err);
      if (-err != EPERM && !log.empty()) msg += "; libbpf/verifier log: " + log_tail(log);
      fail(kInput, msg);
    }
  }

  moat_wire_config cfg{};
  cfg.ignore_tgid = static_cast<uint32_t>(options.ignore_pid ? options.ignore_pid : getpid());
  cfg.groups = options.groups;
  cfg.all_opens = options.all_opens ? 1 : 0;
  cfg.nprefixes = static_cast<uint32_t>(options.read_prefixes.size());
  cfg.wakeup_bytes = static_cast<uint32_t>(rb / 16);
  for (std::size_t i = 0; i < options.read_prefixes.size(); i++) {
    cfg.prefix_len[i] = static_cast<uint8_t>(options.read_prefixes[i].size());
    std::memcpy(cfg.prefix[i], options.read_prefixes[i].data(), options.read_prefixes[i].size());
  }
  uint32_t zero = 0;
  if (bpf_map__update_elem(impl->skel->maps.config_map, &zero, sizeof(zero), &cfg, sizeof(cfg), BPF_ANY) != 0)
    fail(kInput, "writing the sensor configuration: " + why(errno));

  auto& p = impl->skel->progs;
  if (options.groups & kGroupProcess) {
    impl->attach(p.on_exec, "sched/sched_process_exec");
    impl->attach(p.on_fork, "sched/sched_process_fork");
    impl->attach(p.on_exit, "sched/sched_process_exit");
  }
  for (const Hook& hook : kHooks) {
    if (!(options.groups & hook.group)) continue;
    std::string enter = std::string("sys_enter_") + hook.tracepoint, exit = std::string("sys_exit_") + hook.tracepoint;
    if (access((tracefs + "/events/syscalls/" + enter).c_str(), F_OK) != 0) {
      impl->unavailable.push_back(hook.tracepoint);
      continue;
    }
    bpf_program* exit_prog = hook.exit == ExitProg::Open    ? p.sys_exit_open
                             : hook.exit == ExitProg::File  ? p.sys_exit_file
                             : hook.exit == ExitProg::File2 ? p.sys_exit_file2
                             : hook.exit == ExitProg::Net   ? p.sys_exit_net
                                                            : p.sys_exit_priv;
    // The exit side first, so no enter is stashed that no exit would take.
    impl->attach(exit_prog, "syscalls", exit);
    if (hook.enter) impl->attach(p.sys_enter, "syscalls", enter);
  }

  impl->rb = ring_buffer__new(bpf_map__fd(impl->skel->maps.events), Impl::on_record, impl.get(), nullptr);
  if (!impl->rb) fail(kInput, "opening the ring buffer: " + why(errno));
  impl->clock_offset = boot_to_realtime_ns();
  return std::unique_ptr<Sensor>(new Sensor(std::move(impl)));
}

int Sensor::poll(int timeout_ms, const std::function<void(const Event&)>& on_event) {
  impl_->on_event = &on_event;
  impl_->handed = 0;
  impl_->error = nullptr;
  int err = ring_buffer__poll(impl_->rb, timeout_ms);
  // The kernel wakes the reader only once a batch is waiting; what came in below that is taken
  // when the wait times out.
  if (err == 0 && !impl_->error) err = ring_buffer__consume(impl_->rb);
  impl_->on_event = nullptr;
  if (impl_->error) std::rethrow_exception(impl_->error);
  if (err < 0 && err != -ECANCELED && err != -EINTR) fail(kInput, "polling the ring buffer: " + why(err));
  return impl_->handed;
}

SensorStats Sensor::stats() const {
  SensorStats s;
  s.events = impl_->events;
  s.decode_errors = impl_->decode_errors;
  s.unavailable = impl_->unavailable;
  bpf_program* prog;
  bpf_object__for_each_program(prog, impl_->skel->obj) {
    int fd = bpf_program__fd(prog);
    bpf_prog_info info{};
    uint32_t len = sizeof(info);
    if (fd >= 0 && bpf_obj_get_info_by_fd(fd, &info, &len) == 0) s.missed += info.recursion_misses;
  }
  int ncpu = libbpf_num_possible_cpus();
  if (ncpu <= 0) return s;
  std::vector<uint64_t> per_cpu(static_cast<std::size_t>(ncpu));
  for (uint32_t kind = 1; kind < MW_KIND_COUNT; kind++) {
    if (bpf_map__lookup_elem(impl_->skel->maps.drops, &kind, sizeof(kind), per_cpu.data(),
                             per_cpu.size() * sizeof(uint64_t), 0) != 0)
      continue;
    uint64_t n = 0;
    for (uint64_t v : per_cpu) n += v;
    if (n == 0) continue;
    // The decoder owns the kind → EventType mapping; a header-only record asks it.
    moat_wire_hdr h{};
    h.version = MOAT_WIRE_VERSION;
    h.kind = static_cast<uint8_t>(kind);
    s.drops_by_type[decode_event({reinterpret_cast<const uint8_t*>(&h), sizeof(h)}).type] += n;
    s.drops += n;
  }
  return s;
}

}  // namespace moat::runtime
