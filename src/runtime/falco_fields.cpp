// The field table: every Falco field the upstream rules use, each bound to a captureless function
// over Env. Fields whose data our events do not carry (inode times, DNS names) are known names
// that extract nothing, so rules using them load and the checks on them are simply false.
#include "runtime/falco_fields.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <ctime>
#include <unordered_map>

#include "base/error.h"
#include "runtime/falco_event_args.h"

namespace moat::runtime::falco {
namespace {

using VT = ValueType;

// ---------------------------------------------------------------------------------------------
// Extractors. Each is `bool(const BoundField&, Env&, uint32_t index, Value&, std::string& buf)`.

// Extractors share one signature and most use only some of its parameters.
#pragma GCC diagnostic ignored "-Wunused-parameter"

bool str(Value& out, std::string_view s) {
  out.s = s;
  return true;
}
bool num(Value& out, int64_t i) {
  out.i = i;
  return true;
}

std::string_view event_proc_name(const Event& ev) {
  return ev.comm.empty() ? basename_of(ev.exe) : std::string_view(ev.comm);
}

void info_cmdline(const ProcessInfo& p, std::string& out) {
  out += p.comm;
  if (!p.args.empty()) {
    out += ' ';
    join_args(p.args, 0, out);
  }
}

using EndFn = bool (*)(const Event&, std::string_view&, uint16_t&);

bool memo_ip(Env& env, EndFn end, IpAddr& ip, uint8_t& state, Value& out) {
  if (state == 0) {
    std::string_view a;
    uint16_t p = 0;
    state = end(*env.ev, a, p) && parse_ip(a, ip) ? 1 : 2;
  }
  if (state != 1) return false;
  out.ip = ip;
  return true;
}
bool client_ip(Env& env, Value& out) { return memo_ip(env, client_end, env.client_ip, env.client_ip_state, out); }
bool server_ip(Env& env, Value& out) { return memo_ip(env, server_end, env.server_ip, env.server_ip_state, out); }

// The local end is the server for accepted and bound sockets, the client for connects.
template <EndFn End>
bool end_ip(Env& env, Value& out) {
  const bool server = End == server_end || (End == local_end && is_server_side(*env.ev)) ||
                      (End == remote_end && !is_server_side(*env.ev));
  return server ? server_ip(env, out) : client_ip(env, out);
}
template <EndFn End>
bool end_port(Env& env, Value& out) {
  std::string_view a;
  uint16_t p = 0;
  if (!End(*env.ev, a, p)) return false;
  out.i = p;
  return true;
}

bool user_name_of(Env& env, uint32_t uid, Value& out) {
  if (env.ctx->users != nullptr) {
    const std::string_view n = env.ctx->users->user_name(uid);
    if (!n.empty()) return str(out, n);
  }
  if (uid == 0) return str(out, "root");
  return false;
}

bool group_name_of(Env& env, uint32_t gid, Value& out) {
  if (env.ctx->users != nullptr) {
    const std::string_view n = env.ctx->users->group_name(gid);
    if (!n.empty()) return str(out, n);
  }
  if (gid == 0) return str(out, "root");
  return false;
}

std::string_view k8s_label(Env& env, std::string_view key) {
  const ContainerInfo* c = env.ctx->container;
  return c == nullptr ? std::string_view() : c->label(key);
}

bool nonempty(Value& out, std::string_view s) { return !s.empty() && str(out, s); }

// ---------------------------------------------------------------------------------------------
// The table.

enum class Arg : uint8_t { None, OptionalIndex, RequiredKey, OptionalKey };

struct FieldDef {
  ValueType type;
  Arg arg;
  ExtractFn fn;
};

bool absent(const BoundField&, Env&, uint32_t, Value&, std::string&) { return false; }

const std::unordered_map<std::string_view, FieldDef>& field_table() {
  static const std::unordered_map<std::string_view, FieldDef>
      table =
          {
              // evt.*
              {"evt.type",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && str(out, syscall_name(env.ev->type));
                }}},
              {"evt.dir",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && str(out, "<");
                }}},
              {"evt.num",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && num(out, static_cast<int64_t>(env.ctx->event_number));
                }}},
              {"evt.rawtime",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && num(out, static_cast<int64_t>(env.ev->ts_ns));
                }}},
              {"evt.time",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  if (idx != 0) return false;
                  const time_t secs = static_cast<time_t>(env.ev->ts_ns / 1000000000ULL);
                  struct tm tm {};
                  gmtime_r(&secs, &tm);
                  char tmp[48];
                  const int n =
                      std::snprintf(tmp, sizeof tmp, "%02d:%02d:%02d.%09llu", tm.tm_hour, tm.tm_min, tm.tm_sec,
                                    static_cast<unsigned long long>(env.ev->ts_ns % 1000000000ULL));
                  buf.assign(tmp, static_cast<size_t>(n));
                  return str(out, buf);
                }}},
              {"evt.res",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  if (idx != 0) return false;
                  if (env.ev->ret >= 0) return str(out, "SUCCESS");
                  if (env.ev->ret >= -4095) {
                    if (const char* n = strerrorname_np(static_cast<int>(-env.ev->ret))) return str(out, n);
                  }
                  buf.clear();
                  append_int(buf, env.ev->ret);
                  return str(out, buf);
                }}},
              {"evt.rawres",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && num(out, env.ev->ret);
                }}},
              {"evt.failed",
               {VT::Bool, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && num(out, env.ev->ret < 0);
                }}},
              {"evt.is_open_read",
               {VT::Bool, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const uint64_t acc = env.ev->flags & 3;
                  return idx == 0 && env.ev->type == EventType::Open && num(out, acc == 0 || acc == 2);
                }}},
              {"evt.is_open_write",
               {VT::Bool, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const uint64_t acc = env.ev->flags & 3;
                  return idx == 0 && env.ev->type == EventType::Open && num(out, acc == 1 || acc == 2);
                }}},
              {"evt.is_open_create",
               {VT::Bool, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && env.ev->type == EventType::Open && num(out, (env.ev->flags & 0100) != 0);
                }}},
              {"evt.is_open_exec",
               {VT::Bool, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && env.ev->type == EventType::Open && num(out, (env.ev->mode & 0111) != 0);
                }}},
              {"evt.arg",
               {VT::String, Arg::RequiredKey,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  if (idx != 0) return false;
                  if (f.num >= 0) {
                    const auto& params = event_params(env.ev->type);
                    if (static_cast<size_t>(f.num) >= params.size()) return false;
                    return event_arg(*env.ev, params[static_cast<size_t>(f.num)], buf, out.s);
                  }
                  return event_arg(*env.ev, f.str, buf, out.s);
                }}},
              {"evt.rawarg",
               {VT::Int, Arg::RequiredKey,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && event_rawarg(*env.ev, f.str, out.i);
                }}},
              {"evt.args",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  if (idx != 0) return false;
                  std::string& joined = env.tmp_buf;
                  joined.clear();
                  for (std::string_view p : event_params(env.ev->type)) {
                    Value v;
                    if (!event_arg(*env.ev, p, buf, v.s)) continue;
                    if (!joined.empty()) joined += ' ';
                    joined += p;
                    joined += '=';
                    joined += v.s;
                  }
                  buf = joined;
                  return str(out, buf);
                }}},
              {"evt.hostname",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && nonempty(out, env.ctx->hostname);
                }}},
              {"evt.source",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && str(out, "syscall");
                }}},

              // proc.* of the acting process
              {"proc.name",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && str(out, event_proc_name(*env.ev));
                }}},
              {"proc.exe",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && str(out, event_proc_exe(*env.ev));
                }}},
              {"proc.exepath",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && nonempty(out, env.ev->exe);
                }}},
              {"proc.cmdline",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && str(out, env.cmdline());
                }}},
              {"proc.exeline",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  if (idx != 0) return false;
                  buf.assign(event_proc_exe(*env.ev));
                  if (env.ev->argv.size() > 1) {
                    buf += ' ';
                    join_args(env.ev->argv, 1, buf);
                  }
                  return str(out, buf);
                }}},
              {"proc.args",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && str(out, env.args());
                }}},
              {"proc.cmdnargs",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && num(out, env.ev->argv.empty() ? 0 : static_cast<int64_t>(env.ev->argv.size() - 1));
                }}},
              {"proc.cmdlenargs",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && num(out, static_cast<int64_t>(env.args().size()));
                }}},
              {"proc.pid",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && num(out, env.ev->pid);
                }}},
              {"proc.vpid",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && num(out, env.ev->vpid);
                }}},
              {"proc.ppid",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && num(out, env.ev->ppid);
                }}},
              {"proc.cwd",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && nonempty(out, env.ev->cwd);
                }}},
              {"proc.tty",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  if (idx != 0) return false;
                  const ProcessInfo* self = env.self();
                  if (self != nullptr && self->tty != 0) return num(out, self->tty);
                  return num(out, env.ev->tty ? 1 : 0);
                }}},
              {"proc.env",
               {VT::String, Arg::OptionalKey,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  if (idx != 0 || env.ev->env.empty()) return false;
                  if (!f.str.empty()) {
                    for (const auto& kv : env.ev->env) {
                      if (kv.size() > f.str.size() && kv.starts_with(f.str) && kv[f.str.size()] == '=')
                        return str(out, std::string_view(kv).substr(f.str.size() + 1));
                    }
                    return false;
                  }
                  buf.clear();
                  join_args(env.ev->env, 0, buf);
                  return str(out, buf);
                }}},
              {"proc.is_exe_upper_layer",
               {VT::Bool, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && num(out, env.ev->exe_upper_layer);
                }}},
              {"proc.is_exe_from_memfd",
               {VT::Bool, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && num(out, env.ev->exe_from_memfd);
                }}},
              {"proc.duration",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const ProcessInfo* self = env.self();
                  if (idx != 0 || self == nullptr || self->start_ns == 0 || env.ev->ts_ns < self->start_ns)
                    return false;
                  return num(out, static_cast<int64_t>(env.ev->ts_ns - self->start_ns));
                }}},
              {"proc.ppid.duration",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const ProcessInfo* p = env.ancestor(1);
                  if (idx != 0 || p == nullptr || p->start_ns == 0 || env.ev->ts_ns < p->start_ns) return false;
                  return num(out, static_cast<int64_t>(env.ev->ts_ns - p->start_ns));
                }}},
              {"proc.sid",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const ProcessInfo* s = env.self();
                  return idx == 0 && s != nullptr && num(out, s->sid);
                }}},
              {"proc.sname",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const ProcessInfo* s = env.self();
                  if (idx != 0 || s == nullptr || s->sid <= 0 || env.ctx->processes == nullptr) return false;
                  const ProcessInfo* leader = s->sid == env.ev->pid ? s : env.ctx->processes->find(s->sid);
                  return leader != nullptr && str(out, leader->comm);
                }}},
              {"proc.is_sid_leader",
               {VT::Bool, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const ProcessInfo* s = env.self();
                  return idx == 0 && s != nullptr && num(out, s->sid == s->pid);
                }}},
              {"proc.vpgid",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const ProcessInfo* s = env.self();
                  return idx == 0 && s != nullptr && num(out, s->vpgid);
                }}},
              {"proc.is_vpgid_leader",
               {VT::Bool, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const ProcessInfo* s = env.self();
                  return idx == 0 && s != nullptr && s->vpgid > 0 &&
                         num(out, s->vpgid == (s->vpid ? s->vpid : env.ev->vpid));
                }}},
              // proc.vpgid.name / .exe / .exepath are bound below (they search the group leader).

              // proc.p* : the parent
              {"proc.pname",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const ProcessInfo* p = env.ancestor(1);
                  return idx == 0 && p != nullptr && str(out, p->comm);
                }}},
              {"proc.pexe",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const ProcessInfo* p = env.ancestor(1);
                  return idx == 0 && p != nullptr && str(out, p->exe);
                }}},
              {"proc.pexepath",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const ProcessInfo* p = env.ancestor(1);
                  return idx == 0 && p != nullptr && str(out, p->exepath);
                }}},
              {"proc.pcmdline",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const ProcessInfo* p = env.ancestor(1);
                  if (idx != 0 || p == nullptr) return false;
                  buf.clear();
                  info_cmdline(*p, buf);
                  return str(out, buf);
                }}},
              {"proc.pvpid",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const ProcessInfo* p = env.ancestor(1);
                  return idx == 0 && p != nullptr && num(out, p->vpid);
                }}},

              // proc.a*[N]: ancestors; N=0 is the process itself, no N means any ancestor
              {"proc.aname",
               {VT::String, Arg::OptionalIndex,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const int level = f.num >= 0 ? static_cast<int>(f.num) : static_cast<int>(idx) + 1;
                  if (f.num >= 0 && idx != 0) return false;
                  if (level == 0) return str(out, event_proc_name(*env.ev));
                  const ProcessInfo* a = env.ancestor(level);
                  return a != nullptr && str(out, a->comm);
                }}},
              {"proc.apid",
               {VT::Int, Arg::OptionalIndex,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const int level = f.num >= 0 ? static_cast<int>(f.num) : static_cast<int>(idx) + 1;
                  if (f.num >= 0 && idx != 0) return false;
                  if (level == 0) return num(out, env.ev->pid);
                  const ProcessInfo* a = env.ancestor(level);
                  return a != nullptr && num(out, a->pid);
                }}},
              {"proc.aexe",
               {VT::String, Arg::OptionalIndex,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const int level = f.num >= 0 ? static_cast<int>(f.num) : static_cast<int>(idx) + 1;
                  if (f.num >= 0 && idx != 0) return false;
                  if (level == 0) return str(out, event_proc_exe(*env.ev));
                  const ProcessInfo* a = env.ancestor(level);
                  return a != nullptr && str(out, a->exe);
                }}},
              {"proc.aexepath",
               {VT::String, Arg::OptionalIndex,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const int level = f.num >= 0 ? static_cast<int>(f.num) : static_cast<int>(idx) + 1;
                  if (f.num >= 0 && idx != 0) return false;
                  if (level == 0) return nonempty(out, env.ev->exe);
                  const ProcessInfo* a = env.ancestor(level);
                  return a != nullptr && str(out, a->exepath);
                }}},
              {"proc.acmdline",
               {VT::String, Arg::OptionalIndex,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const int level = f.num >= 0 ? static_cast<int>(f.num) : static_cast<int>(idx) + 1;
                  if (f.num >= 0 && idx != 0) return false;
                  if (level == 0) return str(out, env.cmdline());
                  const ProcessInfo* a = env.ancestor(level);
                  if (a == nullptr) return false;
                  buf.clear();
                  info_cmdline(*a, buf);
                  return str(out, buf);
                }}},

              // Known fields whose data the sensor does not collect: they load, and extract nothing.
              {"proc.exe_ino", {VT::Int, Arg::None, absent}},
              {"proc.exe_ino.ctime", {VT::Int, Arg::None, absent}},
              {"proc.exe_ino.mtime", {VT::Int, Arg::None, absent}},
              {"proc.exe_ino.ctime_duration_proc_start", {VT::Int, Arg::None, absent}},
              {"proc.exe_ino.ctime_duration_pidns_start", {VT::Int, Arg::None, absent}},
              {"proc.is_exe_writable", {VT::Bool, Arg::None, absent}},
              {"proc.is_container_healthcheck", {VT::Bool, Arg::None, absent}},
              {"proc.is_container_liveness_probe", {VT::Bool, Arg::None, absent}},
              {"proc.is_container_readiness_probe", {VT::Bool, Arg::None, absent}},
              {"proc.loginshellid", {VT::Int, Arg::None, absent}},
              {"proc.nthreads", {VT::Int, Arg::None, absent}},
              {"proc.pidns_init_start_ts", {VT::Int, Arg::None, absent}},
              {"fd.cip.name", {VT::String, Arg::None, absent}},
              {"fd.sip.name", {VT::String, Arg::None, absent}},
              {"fd.lip.name", {VT::String, Arg::None, absent}},
              {"fd.rip.name", {VT::String, Arg::None, absent}},
              {"fd.name_changed", {VT::Bool, Arg::None, absent}},
              {"fd.dev", {VT::Int, Arg::None, absent}},
              {"fd.ino", {VT::Int, Arg::None, absent}},
              {"user.homedir", {VT::String, Arg::None, absent}},
              {"user.shell", {VT::String, Arg::None, absent}},

              // thread.*
              {"thread.tid",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && num(out, env.ev->tid);
                }}},
              {"thread.cap_effective",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  if (idx != 0 || !env.ev->caps_known) return false;
                  buf.clear();
                  render_caps(env.ev->cap_effective, buf);
                  return str(out, buf);
                }}},
              {"thread.cap_permitted",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  if (idx != 0 || !env.ev->caps_known) return false;
                  buf.clear();
                  render_caps(env.ev->cap_permitted, buf);
                  return str(out, buf);
                }}},
              {"thread.cap_inheritable",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  if (idx != 0 || !env.ev->caps_known) return false;
                  buf.clear();
                  render_caps(env.ev->cap_inheritable, buf);
                  return str(out, buf);
                }}},

              // user.* / group.*
              {"user.uid",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && num(out, env.ev->uid);
                }}},
              {"user.name",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && user_name_of(env, env.ev->uid, out);
                }}},
              {"user.loginuid",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 &&
                         num(out, env.ev->loginuid == UINT32_MAX ? -1 : static_cast<int64_t>(env.ev->loginuid));
                }}},
              {"user.loginname",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && env.ev->loginuid != UINT32_MAX && user_name_of(env, env.ev->loginuid, out);
                }}},
              {"group.gid",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && num(out, env.ev->gid);
                }}},
              {"group.name",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && group_name_of(env, env.ev->gid, out);
                }}},

              // fd.*
              {"fd.num",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const Event& ev = *env.ev;
                  if (idx != 0 || !(ev.type == EventType::Open || ev.type == EventType::Accept ||
                                    ev.type == EventType::MemfdCreate))
                    return false;
                  return num(out, ev.ret < 0 ? -1 : ev.ret);
                }}},
              {"fd.name",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && fd_name(*env.ev, buf, out.s);
                }}},
              {"fd.nameraw",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && fd_name(*env.ev, buf, out.s);
                }}},
              {"fd.directory",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && env.ev->type == EventType::Open && str(out, dirname_of(env.ev->path));
                }}},
              {"fd.filename",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && env.ev->type == EventType::Open && str(out, basename_of(env.ev->path));
                }}},
              {"fd.containername",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  Value name;
                  if (idx != 0 || !fd_name(*env.ev, env.tmp_buf, name.s)) return false;
                  buf.assign(env.ctx->container ? std::string_view(env.ctx->container->id) : "host");
                  buf += ':';
                  buf += name.s;
                  return str(out, buf);
                }}},
              {"fd.type",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && nonempty(out, fd_type(*env.ev));
                }}},
              {"fd.typechar",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const std::string_view t = fd_type(*env.ev);
                  if (idx != 0 || t.empty()) return false;
                  return str(out, t == "file"        ? "f"
                                  : t == "directory" ? "d"
                                  : t == "ipv4"      ? "4"
                                  : t == "ipv6"      ? "6"
                                  : t == "unix"      ? "u"
                                                     : "m");
                }}},
              {"fd.sockfamily",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const Event& ev = *env.ev;
                  if (idx != 0 || !is_net(ev.type)) return false;
                  if (ev.family == AF_UNIX) return str(out, "unix");
                  return (ev.family == AF_INET || ev.family == AF_INET6) && str(out, "ip");
                }}},
              {"fd.l4proto",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  if (idx != 0 || !is_ip_event(*env.ev)) return false;
                  switch (env.ev->l4proto) {
                    case 6:
                      return str(out, "tcp");
                    case 17:
                      return str(out, "udp");
                    case 1:
                    case 58:
                      return str(out, "icmp");
                    case 255:
                      return str(out, "raw");
                    default:
                      return false;
                  }
                }}},
              {"fd.is_server",
               {VT::Bool, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && is_net(env.ev->type) && num(out, is_server_side(*env.ev));
                }}},
              {"fd.connected",
               {VT::Bool, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const Event& ev = *env.ev;
                  if (idx != 0 || !is_net(ev.type)) return false;
                  return num(out, (ev.type == EventType::Connect || ev.type == EventType::Accept) && ev.ret >= 0);
                }}},
              {"fd.cip",
               {VT::Ip, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && end_ip<client_end>(env, out);
                }}},
              {"fd.sip",
               {VT::Ip, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && end_ip<server_end>(env, out);
                }}},
              {"fd.lip",
               {VT::Ip, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && end_ip<local_end>(env, out);
                }}},
              {"fd.rip",
               {VT::Ip, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && end_ip<remote_end>(env, out);
                }}},
              {"fd.ip",
               {VT::Ip, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 ? end_ip<client_end>(env, out) || end_ip<server_end>(env, out)
                                  : idx == 1 && end_ip<client_end>(env, out) && end_ip<server_end>(env, out);
                }}},
              {"fd.cnet",
               {VT::Net, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && end_ip<client_end>(env, out);
                }}},
              {"fd.snet",
               {VT::Net, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && end_ip<server_end>(env, out);
                }}},
              {"fd.lnet",
               {VT::Net, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && end_ip<local_end>(env, out);
                }}},
              {"fd.rnet",
               {VT::Net, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && end_ip<remote_end>(env, out);
                }}},
              {"fd.net",
               {VT::Net, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 ? end_ip<client_end>(env, out) || end_ip<server_end>(env, out)
                                  : idx == 1 && end_ip<client_end>(env, out) && end_ip<server_end>(env, out);
                }}},
              {"fd.cport",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && end_port<client_end>(env, out);
                }}},
              {"fd.sport",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && end_port<server_end>(env, out);
                }}},
              {"fd.lport",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && end_port<local_end>(env, out);
                }}},
              {"fd.rport",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && end_port<remote_end>(env, out);
                }}},
              {"fd.port",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 ? end_port<client_end>(env, out) || end_port<server_end>(env, out)
                                  : idx == 1 && end_port<client_end>(env, out) && end_port<server_end>(env, out);
                }}},

              // container.* (host events: id and name are "host", the rest absent)
              {"container.id",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && str(out, env.ctx->container ? std::string_view(env.ctx->container->id) : "host");
                }}},
              {"container.name",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && str(out, env.ctx->container ? std::string_view(env.ctx->container->name) : "host");
                }}},
              {"container.image",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && env.ctx->container && str(out, env.ctx->container->image);
                }}},
              {"container.image.repository",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && env.ctx->container && str(out, env.ctx->container->image_repository);
                }}},
              {"container.image.tag",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && env.ctx->container && str(out, env.ctx->container->image_tag);
                }}},
              {"container.image.digest",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && env.ctx->container && str(out, env.ctx->container->image_digest);
                }}},
              {"container.type",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && str(out, env.ctx->container ? std::string_view(env.ctx->container->type) : "host");
                }}},
              {"container.privileged",
               {VT::Bool, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && env.ctx->container && num(out, env.ctx->container->privileged);
                }}},
              {"container.start_ts",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && env.ctx->container && env.ctx->container->start_ns &&
                         num(out, static_cast<int64_t>(env.ctx->container->start_ns));
                }}},
              {"container.duration",
               {VT::Int, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const ContainerInfo* c = env.ctx->container;
                  return idx == 0 && c && c->start_ns && env.ev->ts_ns >= c->start_ns &&
                         num(out, static_cast<int64_t>(env.ev->ts_ns - c->start_ns));
                }}},
              {"container.label",
               {VT::String, Arg::RequiredKey,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && nonempty(out, k8s_label(env, f.str));
                }}},
              {"container.labels",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const ContainerInfo* c = env.ctx->container;
                  if (idx != 0 || c == nullptr) return false;
                  buf.clear();
                  for (const auto& [k, v] : c->labels) {
                    if (!buf.empty()) buf += ", ";
                    buf += k;
                    buf += ':';
                    buf += v;
                  }
                  return str(out, buf);
                }}},

              // k8s.*, from the CRI labels a kubelet puts on every container of a pod
              {"k8s.ns.name",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && nonempty(out, k8s_label(env, "io.kubernetes.pod.namespace"));
                }}},
              {"k8s.pod.name",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && nonempty(out, k8s_label(env, "io.kubernetes.pod.name"));
                }}},
              {"k8s.pod.uid",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && nonempty(out, k8s_label(env, "io.kubernetes.pod.uid"));
                }}},
              {"k8s.pod.id",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && nonempty(out, k8s_label(env, "io.kubernetes.pod.uid"));
                }}},
              {"k8s.pod.sandbox_id",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && nonempty(out, k8s_label(env, "io.kubernetes.sandbox.id").substr(0, 12));
                }}},
              {"k8s.container.name",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && nonempty(out, k8s_label(env, "io.kubernetes.container.name"));
                }}},
              {"k8s.pod.label",
               {VT::String, Arg::RequiredKey,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  return idx == 0 && nonempty(out, k8s_label(env, f.str));
                }}},
              {"k8s.pod.labels",
               {VT::String, Arg::None,
                [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
                  const ContainerInfo* c = env.ctx->container;
                  if (idx != 0 || c == nullptr) return false;
                  buf.clear();
                  for (const auto& [k, v] : c->labels) {
                    if (k.starts_with("io.kubernetes.")) continue;
                    if (!buf.empty()) buf += ", ";
                    buf += k;
                    buf += ':';
                    buf += v;
                  }
                  return !buf.empty() && str(out, buf);
                }}},
          };
  return table;
}

ExtractFn vpgid_leader_field(int which) {
  switch (which) {
    case 0:
      return [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
        const ProcessInfo* s = env.self();
        if (idx != 0 || s == nullptr || s->vpgid <= 0) return false;
        // The group leader is the nearest ancestor (or self) whose vpid is the vpgid.
        if ((s->vpid ? s->vpid : env.ev->vpid) == s->vpgid) return str(out, s->comm);
        for (int level = 1; level <= kMaxAncestors; ++level) {
          const ProcessInfo* a = env.ancestor(level);
          if (a == nullptr) return false;
          if (a->vpid == s->vpgid) return str(out, a->comm);
        }
        return false;
      };
    case 1:
      return [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
        const ProcessInfo* s = env.self();
        if (idx != 0 || s == nullptr || s->vpgid <= 0) return false;
        if ((s->vpid ? s->vpid : env.ev->vpid) == s->vpgid) return str(out, s->exe);
        for (int level = 1; level <= kMaxAncestors; ++level) {
          const ProcessInfo* a = env.ancestor(level);
          if (a == nullptr) return false;
          if (a->vpid == s->vpgid) return str(out, a->exe);
        }
        return false;
      };
    default:
      return [](const BoundField& f, Env& env, uint32_t idx, Value& out, std::string& buf) -> bool {
        const ProcessInfo* s = env.self();
        if (idx != 0 || s == nullptr || s->vpgid <= 0) return false;
        if ((s->vpid ? s->vpid : env.ev->vpid) == s->vpgid) return str(out, s->exepath);
        for (int level = 1; level <= kMaxAncestors; ++level) {
          const ProcessInfo* a = env.ancestor(level);
          if (a == nullptr) return false;
          if (a->vpid == s->vpgid) return str(out, a->exepath);
        }
        return false;
      };
  }
}

bool parse_index(std::string_view s, int64_t& out) {
  if (s.empty() || s.size() > 6) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && out >= 0;
}

bool b64_decode(std::string_view in, std::string& out) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  out.clear();
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    const int v = val(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return true;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

bool parse_ip(std::string_view text, IpAddr& out) {
  char tmp[64];
  if (text.empty() || text.size() >= sizeof tmp) return false;
  if (text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  std::memcpy(tmp, text.data(), text.size());
  tmp[text.size()] = '\0';
  out = IpAddr{};
  if (inet_pton(AF_INET, tmp, out.bytes.data()) == 1) {
    out.family = 4;
    return true;
  }
  if (inet_pton(AF_INET6, tmp, out.bytes.data()) == 1) {
    out.family = 6;
    return true;
  }
  return false;
}

bool parse_cidr(std::string_view text, Cidr& out) {
  const size_t slash = text.find('/');
  if (!parse_ip(text.substr(0, slash), out.addr)) return false;
  const int max = out.addr.family == 4 ? 32 : 128;
  if (slash == std::string_view::npos) {
    out.prefix = max;
    return true;
  }
  int64_t p = 0;
  if (!parse_index(text.substr(slash + 1), p) || p > max) return false;
  out.prefix = static_cast<int>(p);
  return true;
}

bool Cidr::contains(const IpAddr& ip) const {
  if (ip.family != addr.family) return false;
  const int full = prefix / 8, rest = prefix % 8;
  if (std::memcmp(ip.bytes.data(), addr.bytes.data(), static_cast<size_t>(full)) != 0) return false;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (ip.bytes[static_cast<size_t>(full)] & mask) == (addr.bytes[static_cast<size_t>(full)] & mask);
}

const ProcessInfo* Env::self() {
  if (!self_resolved) {
    self_resolved = true;
    self_info = ctx->processes != nullptr && ev->pid > 0 ? ctx->processes->find(ev->pid) : nullptr;
  }
  return self_info;
}

const ProcessInfo* Env::ancestor(int level) {
  if (level < 1 || level > kMaxAncestors || ctx->processes == nullptr) return nullptr;
  while (ancestors_resolved < level && !ancestors_done) {
    int32_t next_pid = 0;
    if (ancestors_resolved == 0) {
      next_pid = ev->ppid;
    } else {
      const ProcessInfo* prev = ancestors[static_cast<size_t>(ancestors_resolved)];
      next_pid = prev->ppid == prev->pid ? 0 : prev->ppid;
    }
    const ProcessInfo* p = next_pid > 0 ? ctx->processes->find(next_pid) : nullptr;
    if (p == nullptr) {
      ancestors_done = true;
      break;
    }
    ancestors[static_cast<size_t>(++ancestors_resolved)] = p;
  }
  return level <= ancestors_resolved ? ancestors[static_cast<size_t>(level)] : nullptr;
}

std::string_view Env::args() {
  if (!args_ready) {
    args_buf.clear();
    join_args(ev->argv, 1, args_buf);
    args_ready = true;
  }
  return args_buf;
}

std::string_view Env::cmdline() {
  if (!cmdline_ready) {
    cmdline_buf.assign(event_proc_name(*ev));
    const std::string_view a = args();
    if (!a.empty()) {
      cmdline_buf += ' ';
      cmdline_buf += a;
    }
    cmdline_ready = true;
  }
  return cmdline_buf;
}

bool BoundField::get(Env& env, uint32_t index, Value& out, std::string& buf) const {
  if (!extract(*this, env, index, out, buf)) return false;
  if (transformers.empty()) return true;
  std::string& work = env.tmp_buf;  // bind_field allows transformers on string fields only
  work.assign(out.s);
  for (auto it = transformers.rbegin(); it != transformers.rend(); ++it) {
    if (*it == "tolower") {
      for (char& c : work) c = static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c);
    } else if (*it == "toupper") {
      for (char& c : work) c = static_cast<char>((c >= 'a' && c <= 'z') ? c - 32 : c);
    } else if (*it == "basename") {
      work = std::string(basename_of(work));
    } else if (*it == "b64") {
      std::string decoded;
      if (!b64_decode(work, decoded)) return false;
      work = std::move(decoded);
    }
  }
  buf.swap(work);
  out.s = buf;
  return true;
}

BoundField bind_field(const FieldRef& ref, const std::string& where) {
  const auto& table = field_table();
  BoundField f;
  f.name = ref.text();
  f.num = -1;
  std::string base = ref.name;
  std::string key;
  bool has_key = ref.has_arg;
  if (ref.has_arg) key = ref.arg;
  // Dotted argument forms: evt.arg.flags, evt.rawarg.res, container.label.app, k8s.pod.label.app
  for (std::string_view prefix : {"evt.arg.", "evt.rawarg.", "container.label.", "k8s.pod.label."}) {
    if (!ref.has_arg && base.size() > prefix.size() && base.starts_with(prefix)) {
      key = base.substr(prefix.size());
      base = std::string(prefix.substr(0, prefix.size() - 1));
      has_key = true;
      break;
    }
  }
  if (base == "proc.vpgid.name" || base == "proc.vpgid.exe" || base == "proc.vpgid.exepath") {
    if (has_key) fail(where, "field " + f.name + " takes no argument");
    f.type = ValueType::String;
    f.extract = vpgid_leader_field(base == "proc.vpgid.name" ? 0 : base == "proc.vpgid.exe" ? 1 : 2);
  } else {
    auto it = table.find(base);
    if (it == table.end()) fail(where, "unknown field " + f.name);
    const FieldDef& def = it->second;
    f.type = def.type;
    f.extract = def.fn;
    switch (def.arg) {
      case Arg::None:
        if (has_key) fail(where, "field " + base + " takes no argument");
        break;
      case Arg::OptionalIndex:
        if (!has_key) break;
        if (!parse_index(key, f.num)) fail(where, "field " + f.name + " needs a number as index");
        break;
      case Arg::RequiredKey:
        if (!has_key || key.empty()) fail(where, "field " + base + " needs an argument");
        f.str = key;
        if (base == "evt.arg") {
          int64_t n = 0;
          if (parse_index(key, n)) f.num = n;
        }
        break;
      case Arg::OptionalKey:
        if (has_key) f.str = key;
        break;
    }
  }
  for (const auto& t : ref.transformers) {
    if (f.type != ValueType::String) fail(where, "transformer " + t + "() needs a string field, " + base + " is not");
  }
  f.transformers = ref.transformers;
  return f;
}

TypeMask types_for_syscall(std::string_view name) {
  static const std::unordered_map<std::string_view, EventType> table = {
      {"execve", EventType::Exec},
      {"execveat", EventType::Exec},
      {"clone", EventType::Fork},
      {"clone3", EventType::Fork},
      {"fork", EventType::Fork},
      {"vfork", EventType::Fork},
      {"procexit", EventType::Exit},
      {"open", EventType::Open},
      {"openat", EventType::Open},
      {"openat2", EventType::Open},
      {"unlink", EventType::Unlink},
      {"unlinkat", EventType::Unlink},
      {"rmdir", EventType::Unlink},
      {"rename", EventType::Rename},
      {"renameat", EventType::Rename},
      {"renameat2", EventType::Rename},
      {"chmod", EventType::Chmod},
      {"fchmod", EventType::Chmod},
      {"fchmodat", EventType::Chmod},
      {"chown", EventType::Chown},
      {"fchown", EventType::Chown},
      {"lchown", EventType::Chown},
      {"fchownat", EventType::Chown},
      {"connect", EventType::Connect},
      {"accept", EventType::Accept},
      {"accept4", EventType::Accept},
      {"bind", EventType::Bind},
      {"listen", EventType::Listen},
      {"socket", EventType::Socket},
      {"dup", EventType::Dup},
      {"dup2", EventType::Dup},
      {"dup3", EventType::Dup},
      {"setuid", EventType::SetUid},
      {"setreuid", EventType::SetUid},
      {"setresuid", EventType::SetUid},
      {"setgid", EventType::SetGid},
      {"setregid", EventType::SetGid},
      {"setresgid", EventType::SetGid},
      {"capset", EventType::Capset},
      {"ptrace", EventType::Ptrace},
      {"mount", EventType::Mount},
      {"umount", EventType::Umount},
      {"umount2", EventType::Umount},
      {"init_module", EventType::InitModule},
      {"finit_module", EventType::InitModule},
      {"memfd_create", EventType::MemfdCreate},
      {"unshare", EventType::Unshare},
      {"setns", EventType::Setns},
      {"bpf", EventType::Bpf},
      {"symlink", EventType::Symlink},
      {"symlinkat", EventType::Symlink},
      {"link", EventType::Link},
      {"linkat", EventType::Link},
      {"mkdir", EventType::Mkdir},
      {"mkdirat", EventType::Mkdir},
  };
  auto it = table.find(name);
  return it == table.end() ? 0 : type_bit(it->second);
}

std::string_view syscall_name(EventType t) {
  switch (t) {
    case EventType::Exec:
      return "execve";
    case EventType::Fork:
      return "clone";
    case EventType::Exit:
      return "procexit";
    case EventType::Open:
      return "openat";
    case EventType::Unlink:
      return "unlinkat";
    case EventType::Rename:
      return "renameat2";
    case EventType::Chmod:
      return "fchmodat";
    case EventType::Chown:
      return "fchownat";
    case EventType::Connect:
      return "connect";
    case EventType::Accept:
      return "accept4";
    case EventType::Bind:
      return "bind";
    case EventType::Listen:
      return "listen";
    case EventType::SetUid:
      return "setuid";
    case EventType::SetGid:
      return "setgid";
    case EventType::Capset:
      return "capset";
    case EventType::Ptrace:
      return "ptrace";
    case EventType::Mount:
      return "mount";
    case EventType::Umount:
      return "umount2";
    case EventType::InitModule:
      return "init_module";
    case EventType::MemfdCreate:
      return "memfd_create";
    case EventType::Unshare:
      return "unshare";
    case EventType::Setns:
      return "setns";
    case EventType::Bpf:
      return "bpf";
    case EventType::Symlink:
      return "symlinkat";
    case EventType::Link:
      return "linkat";
    case EventType::Mkdir:
      return "mkdirat";
    case EventType::Socket:
      return "socket";
    case EventType::Dup:
      return "dup2";  // dup and dup3 too: the sensor does not tell them apart
  }
  return "unknown";
}

void render_value(const BoundField& f, const Value& v, std::string& out) {
  switch (f.transformers.empty() ? f.type : ValueType::String) {
    case ValueType::String:
      out += v.s;
      break;
    case ValueType::Int:
      append_int(out, v.i);
      break;
    case ValueType::Bool:
      out += v.i ? "true" : "false";
      break;
    case ValueType::Ip:
    case ValueType::Net: {
      char tmp[INET6_ADDRSTRLEN] = {};
      inet_ntop(v.ip.family == 4 ? AF_INET : AF_INET6, v.ip.bytes.data(), tmp, sizeof tmp);
      out += tmp;
      break;
    }
  }
}

}  // namespace moat::runtime::falco
