#pragma once
// Shared helpers for the Falco rule engine tests: a process table, container and event builders,
// and the upstream rules files from ../shared/rules.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/event.h"
#include "runtime/falco_context.h"
#include "runtime/falco_rules.h"

namespace moat::runtime::falco::test {

class FakeProcesses final : public ProcessLookup {
 public:
  ProcessInfo& add(int32_t pid, int32_t ppid, std::string comm, std::string exepath = "",
                   std::vector<std::string> args = {}) {
    ProcessInfo& p = table_[pid];
    p.pid = pid;
    p.ppid = ppid;
    p.vpid = pid;
    p.comm = comm;
    p.exe = exepath.empty() ? comm : exepath;
    p.exepath = exepath.empty() ? "/usr/bin/" + comm : exepath;
    p.args = std::move(args);
    return p;
  }
  const ProcessInfo* find(int32_t pid) const override {
    auto it = table_.find(pid);
    return it == table_.end() ? nullptr : &it->second;
  }

 private:
  std::map<int32_t, ProcessInfo> table_;
};

inline Event exec_event(const std::string& exe, std::vector<std::string> argv, int32_t pid = 100, int32_t ppid = 50) {
  Event e;
  e.type = EventType::Exec;
  e.ts_ns = 1'700'000'000'123'456'789ULL;
  e.pid = e.tid = e.vpid = pid;
  e.ppid = ppid;
  e.exe = exe;
  e.comm = exe.substr(exe.rfind('/') + 1).substr(0, 15);
  e.argv = std::move(argv);
  e.cwd = "/";
  return e;
}

inline Event open_event(const std::string& path, uint64_t flags, const std::string& comm, int32_t pid = 100,
                        int32_t ppid = 50) {
  Event e;
  e.type = EventType::Open;
  e.ts_ns = 1'700'000'000'000'000'000ULL;
  e.pid = e.tid = e.vpid = pid;
  e.ppid = ppid;
  e.comm = comm;
  e.exe = "/usr/bin/" + comm;
  e.argv = {comm};
  e.path = path;
  e.flags = flags;
  e.ret = 3;
  return e;
}

// An event of `type` by process 100 (parent 50) running `exe`.
inline Event process_event(EventType type, const std::string& exe) {
  Event e;
  e.type = type;
  e.pid = e.tid = e.vpid = 100;
  e.ppid = 50;
  e.exe = exe;
  e.comm = exe.substr(exe.rfind('/') + 1).substr(0, 15);
  return e;
}

// A TCP/IPv4 event of `type` by process `exe`: src = the client end, dst = the server end.
inline Event tcp_event(EventType type, const std::string& exe, const std::string& src, uint16_t sport,
                       const std::string& dst, uint16_t dport) {
  Event e = process_event(type, exe);
  e.family = 2;  // AF_INET
  e.l4proto = 6;  // TCP
  e.src_addr = src;
  e.src_port = sport;
  e.dst_addr = dst;
  e.dst_port = dport;
  return e;
}

inline ContainerInfo nginx_container() {
  ContainerInfo c;
  c.id = "0123456789ab";
  c.name = "web";
  c.image = "docker.io/library/nginx:1.25";
  c.image_repository = "docker.io/library/nginx";
  c.image_tag = "1.25";
  c.type = "podman";
  c.labels = {{"io.kubernetes.pod.namespace", "shop"}, {"io.kubernetes.pod.name", "web-7d9f"}};
  return c;
}

inline std::string upstream_rules_dir() { return std::string(MOAT_SOURCE_DIR) + "/../shared/rules"; }

inline bool read_text(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = s.str();
  return true;
}

}  // namespace moat::runtime::falco::test
