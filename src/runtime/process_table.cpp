#include "runtime/process_table.h"

#include <unistd.h>

#include <charconv>
#include <fstream>
#include <system_error>

#include "runtime/sensor_decode.h"

namespace moat::runtime {

namespace {

constexpr size_t kMaxArgs = 256;
constexpr size_t kMaxProcFile = 64 << 10;

std::string read_small(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string out(kMaxProcFile, '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  out.resize(static_cast<size_t>(in.gcount()));
  return out;
}

template <typename T>
bool parse_int(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::string_view base_name(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

// /proc/<pid>/stat: "pid (comm) state ppid pgrp session tty_nr ...". The comm may hold spaces and
// parentheses, so it ends at the last ')'.
std::optional<ProcessInfo> process_from_proc(int32_t pid, std::string_view stat, std::string_view cmdline,
                                             std::string_view exe_link, int64_t boot_to_realtime_ns) {
  size_t open = stat.find('('), close = stat.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return std::nullopt;
  ProcessInfo p;
  p.pid = pid;
  p.vpid = pid;
  p.comm = std::string(stat.substr(open + 1, close - open - 1));
  std::string_view rest = stat.substr(close + 1);
  std::vector<std::string_view> fields;
  while (!rest.empty() && fields.size() < 20) {
    size_t b = rest.find_first_not_of(' ');
    if (b == std::string_view::npos) break;
    rest.remove_prefix(b);
    size_t e = rest.find(' ');
    fields.push_back(rest.substr(0, e));
    rest.remove_prefix(e == std::string_view::npos ? rest.size() : e);
  }
  // state, ppid, pgrp, session, tty_nr
  if (fields.size() < 5 || !parse_int(fields[1], p.ppid) || !parse_int(fields[2], p.vpgid) ||
      !parse_int(fields[3], p.sid) || !parse_int(fields[4], p.tty))
    return std::nullopt;
  // starttime, in clock ticks after boot; without it the start stays unknown (0)
  static const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  uint64_t ticks = 0;
  if (fields.size() > 19 && ticks_per_second > 0 && parse_int(fields[19], ticks))
    p.start_ns = ticks * (1000000000 / static_cast<uint64_t>(ticks_per_second)) +
                 static_cast<uint64_t>(boot_to_realtime_ns);  // unsigned: hostile text wraps, never overflows
  std::vector<std::string> argv;
  for (size_t start = 0; start < cmdline.size() && argv.size() <= kMaxArgs;) {
    size_t end = cmdline.find('\0', start);
    if (end == std::string_view::npos) end = cmdline.size();
    argv.emplace_back(cmdline.substr(start, end - start));
    start = end + 1;
  }
  if (!argv.empty()) {
    p.exe = argv.front();
    p.args.assign(argv.begin() + 1, argv.end());
  }
  p.exepath = std::string(exe_link);
  if (p.exe.empty()) p.exe = std::string(base_name(exe_link.empty() ? p.comm : exe_link));  // kernel threads
  return p;
}

void ProcessTable::scan_proc(const std::filesystem::path& proc_root) {
  const int64_t boot_offset = boot_to_realtime_ns();
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(proc_root, ec)) {
    int32_t pid = 0;
    if (!parse_int(entry.path().filename().string(), pid)) continue;
    std::string stat = read_small(entry.path() / "stat");
    std::string cmdline = read_small(entry.path() / "cmdline");
    std::error_code link_ec;
    std::string exe = std::filesystem::read_symlink(entry.path() / "exe", link_ec).string();
    if (auto p = process_from_proc(pid, stat, cmdline, exe, boot_offset)) put(std::move(*p));
  }
}

void ProcessTable::put(ProcessInfo info) {
  int32_t pid = info.pid;
  auto [it, added] = by_pid_.insert_or_assign(pid, std::move(info));
  if (added) order_.push_back(pid);
  while (by_pid_.size() > max_entries_ && !order_.empty()) {
    by_pid_.erase(order_.front());
    order_.pop_front();
  }
  // Exited pids leave stale entries in order_; compact when they dominate.
  if (order_.size() > 2 * by_pid_.size() + 1024) {
    std::deque<int32_t> live;
    for (int32_t p : order_)
      if (by_pid_.count(p)) live.push_back(p);
    order_ = std::move(live);
  }
}

void ProcessTable::apply(const Event& ev) {
  if (ev.type == EventType::Fork) {
    ProcessInfo child;
    if (const ProcessInfo* parent = find(ev.ppid)) child = *parent;
    child.pid = ev.pid;
    child.vpid = ev.vpid ? ev.vpid : ev.pid;
    child.ppid = ev.ppid;
    child.start_ns = ev.ts_ns;
    if (child.comm.empty()) child.comm = ev.comm;
    put(std::move(child));
    return;
  }
  if (ev.type != EventType::Exec) return;
  ProcessInfo p;
  if (const ProcessInfo* known = find(ev.pid)) p = *known;  // keeps session, group, start time
  p.pid = ev.pid;
  p.vpid = ev.vpid ? ev.vpid : ev.pid;
  p.ppid = ev.ppid;
  p.comm = ev.comm;
  p.exepath = ev.exe;
  p.exe = ev.argv.empty() ? ev.exe : ev.argv.front();
  p.args.assign(ev.argv.size() > 1 ? ev.argv.begin() + 1 : ev.argv.end(), ev.argv.end());
  if (!ev.tty) p.tty = 0;
  else if (p.tty == 0) p.tty = 1;  // a terminal, device unknown
  put(std::move(p));
}

void ProcessTable::retire(const Event& ev) {
  if (ev.type == EventType::Exit && ev.pid == ev.tid) by_pid_.erase(ev.pid);
}

const ProcessInfo* ProcessTable::find(int32_t pid) const {
  auto it = by_pid_.find(pid);
  return it == by_pid_.end() ? nullptr : &it->second;
}

}  // namespace moat::runtime
