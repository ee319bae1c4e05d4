// Events per second through the Falco rule engine with the upstream rules files, on one core.
// The mix imitates a busy container host: execs of common binaries from shells, opens of /etc and
// /proc files (reads and writes), and outbound connects. Usage:
//   bench_rules [rules.yaml ...]   (default: ../shared/rules/falco_rules.yaml and the incubating file)
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "base/error.h"
#include "runtime/falco_rules.h"

using moat::runtime::ContainerInfo;
using moat::runtime::EvalContext;
using moat::runtime::Event;
using moat::runtime::EventType;
using moat::runtime::ProcessInfo;
using moat::runtime::ProcessLookup;

#if defined(MOAT_SOURCE_DIR)
#define MOAT_RULES_DIR_DEFAULT MOAT_SOURCE_DIR "/../shared/rules"
#else
#define MOAT_RULES_DIR_DEFAULT "../shared/rules"
#endif

namespace {

class Processes final : public ProcessLookup {
 public:
  void add(int32_t pid, int32_t ppid, const std::string& comm, const std::string& path) {
    ProcessInfo& p = table_[pid];
    p.pid = pid;
    p.ppid = ppid;
    p.vpid = pid;
    p.sid = 10;
    p.comm = comm;
    p.exe = comm;
    p.exepath = path;
  }
  const ProcessInfo* find(int32_t pid) const override {
    auto it = table_.find(pid);
    return it == table_.end() ? nullptr : &it->second;
  }

 private:
  std::map<int32_t, ProcessInfo> table_;
};

std::vector<Event> make_events() {
  std::vector<Event> events;
  const std::vector<std::vector<std::string>> execs = {
      {"/bin/bash", "bash", "-c", "ls -la /var/www"},
      {"/usr/bin/ls", "ls", "-la", "/var/www"},
      {"/usr/bin/cat", "cat", "/etc/hosts"},
      {"/usr/bin/python3", "python3", "manage.py", "runserver"},
      {"/usr/bin/curl", "curl", "-s", "http://localhost:8080/health"},
      {"/bin/sh", "sh", "-c", "sleep 1"},
      {"/usr/bin/grep", "grep", "-r", "TODO", "src"},
      {"/usr/sbin/nginx", "nginx", "-g", "daemon off;"},
      {"/usr/bin/find", "find", "/tmp", "-name", "*.log"},
      {"/usr/bin/sed", "sed", "-i", "s/a/b/", "/tmp/x"},
  };
  int32_t pid = 1000;
  for (const auto& argv : execs) {
    Event e;
    e.type = EventType::Exec;
    e.ts_ns = 1'700'000'000'000'000'000ULL;
    e.pid = e.tid = e.vpid = pid++;
    e.ppid = 300;
    e.exe = argv[0];
    e.comm = argv[1];
    e.argv.assign(argv.begin() + 1, argv.end());
    e.cwd = "/app";
    events.push_back(e);
  }
  const std::vector<std::pair<std::string, uint64_t>> opens = {
      {"/etc/ld.so.cache", 02000000},
      {"/etc/passwd", 0},
      {"/proc/self/status", 0},
      {"/proc/meminfo", 0},
      {"/etc/nsswitch.conf", 0},
      {"/usr/lib/x86_64-linux-gnu/libc.so.6", 0},
      {"/var/log/nginx/access.log", 02101},
      {"/tmp/upload-123", 01101},
      {"/etc/resolv.conf", 0},
      {"/proc/1/cgroup", 0},
      {"/app/config.yaml", 0},
      {"/var/www/index.html", 0},
      {"/dev/null", 01},
      {"/etc/localtime", 0},
      {"/proc/self/maps", 0},
  };
  for (const auto& [path, flags] : opens) {
    Event e;
    e.type = EventType::Open;
    e.ts_ns = 1'700'000'000'000'000'000ULL;
    e.pid = e.tid = e.vpid = 400;
    e.ppid = 300;
    e.comm = "nginx";
    e.exe = "/usr/sbin/nginx";
    e.argv = {"nginx"};
    e.path = path;
    e.flags = flags;
    e.ret = 5;
    events.push_back(e);
  }
  const std::vector<std::pair<std::string, uint16_t>> connects = {
      {"10.0.0.12", 5432}, {"10.0.0.13", 6379}, {"93.184.216.34", 443}, {"127.0.0.1", 8080}, {"10.96.0.10", 53}};
  for (const auto& [addr, port] : connects) {
    Event e;
    e.type = EventType::Connect;
    e.ts_ns = 1'700'000'000'000'000'000ULL;
    e.pid = e.tid = e.vpid = 500;
    e.ppid = 300;
    e.comm = "python3";
    e.exe = "/usr/bin/python3";
    e.argv = {"python3", "app.py"};
    e.family = 2;
    e.l4proto = port == 53 ? 17 : 6;
    e.src_addr = "10.1.0.7";
    e.src_port = 41000;
    e.dst_addr = addr;
    e.dst_port = port;
    events.push_back(e);
  }
  return events;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) moat::fail(path, "cannot read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) files.emplace_back(argv[i]);
    if (files.empty()) {
      const std::string dir = std::string(MOAT_RULES_DIR_DEFAULT);
      files = {dir + "/falco_rules.yaml", dir + "/falco-incubating_rules.yaml"};
    }
    moat::runtime::falco::RuleSet rules;
    const auto t0 = std::chrono::steady_clock::now();
    for (const auto& f : files) rules.load(read_file(f), f);
    rules.compile();
    const auto t1 = std::chrono::steady_clock::now();
    std::printf("loaded %zu rules (%zu enabled), %zu macros, %zu lists in %.1f ms\n", rules.rules().size(),
                rules.compiled_rule_count(), rules.macro_count(), rules.list_count(),
                std::chrono::duration<double, std::milli>(t1 - t0).count());

    Processes procs;
    procs.add(1, 0, "systemd", "/usr/lib/systemd/systemd");
    procs.add(200, 1, "containerd-shim", "/usr/bin/containerd-shim-runc-v2");
    procs.add(300, 200, "bash", "/bin/bash");
    procs.add(400, 300, "nginx", "/usr/sbin/nginx");
    procs.add(500, 300, "python3", "/usr/bin/python3");
    ContainerInfo container;
    container.id = "0123456789ab";
    container.name = "web";
    container.image_repository = "docker.io/library/nginx";
    container.image_tag = "1.25";
    EvalContext in_container;
    in_container.processes = &procs;
    in_container.container = &container;
    EvalContext on_host;
    on_host.processes = &procs;

    const std::vector<Event> events = make_events();
    std::vector<const moat::runtime::falco::Rule*> hits;
    hits.reserve(64);
    size_t matched = 0;
    // Warm up, then run for about two seconds.
    for (const auto& e : events) rules.match(e, in_container, hits);
    uint64_t count = 0;
    const auto start = std::chrono::steady_clock::now();
    double elapsed = 0;
    while (elapsed < 2.0) {
      for (size_t round = 0; round < 1000; ++round) {
        for (size_t k = 0; k < events.size(); ++k) {
          hits.clear();
          rules.match(events[k], (k & 1) ? in_container : on_host, hits);
          matched += hits.size();
        }
        count += events.size();
      }
      elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    std::printf("%llu events in %.2f s: %.0f events/s per core (%zu alerts)\n", static_cast<unsigned long long>(count),
                elapsed, static_cast<double>(count) / elapsed, matched);
  } catch (const moat::Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
