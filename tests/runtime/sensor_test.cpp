// The eBPF sensor on the live kernel (root + BTF; skipped otherwise), and its record decoder on
// hand-made and hostile records.
#include "runtime/sensor.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/error.h"
#include "runtime/bpf/sensor_wire.h"
#include "runtime/sensor_decode.h"
#include "support/mounts.h"
#include "support/temp_dir.h"

extern char** environ;

namespace moat::runtime {
namespace {

using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------- decoder, no kernel needed

std::vector<uint8_t> record(const moat_wire_hdr& h, const std::vector<std::string>& slots) {
  std::vector<uint8_t> out(sizeof(h));
  std::memcpy(out.data(), &h, sizeof(h));
  for (const auto& s : slots) out.insert(out.end(), s.begin(), s.end());
  return out;
}

moat_wire_hdr header(uint8_t kind) {
  moat_wire_hdr h{};
  h.version = MOAT_WIRE_VERSION;
  h.kind = kind;
  h.pid = 42;
  h.tid = 43;
  h.uid = 1000;
  h.arg_uid = h.arg_gid = 0xffffffff;
  std::memcpy(h.comm, "bash", 4);
  return h;
}

TEST(SensorDecode, ExecSplitsArgvAndKeepsEmptyArguments) {
  moat_wire_hdr h = header(MW_EXEC);
  std::string exe("/usr/bin/env\0", 13), argv("env\0A=1\0\0last\0", 14), cwd("/tmp\0", 5);
  h.len[0] = exe.size();
  h.len[1] = argv.size();
  h.len[2] = cwd.size();
  h.bits = MW_BIT_MEMFD | MW_BIT_TTY;
  h.ts_boot_ns = 1000;
  Event e = decode_event(record(h, {exe, argv, cwd}), 5);
  EXPECT_EQ(e.type, EventType::Exec);
  EXPECT_EQ(e.exe, "/usr/bin/env");
  EXPECT_EQ(e.argv, (std::vector<std::string>{"env", "A=1", "", "last"}));
  EXPECT_EQ(e.cwd, "/tmp");
  EXPECT_TRUE(e.exe_from_memfd);
  EXPECT_FALSE(e.exe_upper_layer);
  EXPECT_TRUE(e.tty);
  EXPECT_EQ(e.comm, "bash");
  EXPECT_EQ(e.ts_ns, 1005u);
  EXPECT_EQ(e.pid, 42);
}

TEST(SensorDecode, ConnectTakesDestinationFromSockaddrAndSourceFromSocket) {
  moat_wire_hdr h = header(MW_CONNECT);
  sockaddr_in6 sin6{};
  sin6.sin6_family = AF_INET6;
  sin6.sin6_port = htons(443);
  inet_pton(AF_INET6, "2001:db8::1", &sin6.sin6_addr);
  std::string raw(reinterpret_cast<const char*>(&sin6), sizeof(sin6));
  h.len[0] = raw.size();
  h.bits = MW_BIT_SLOT0_RAW | MW_BIT_SOCK;
  h.family = AF_INET6;
  h.l4proto = IPPROTO_TCP;
  inet_pton(AF_INET6, "2001:db8::2", h.saddr);
  h.sport = 50000;
  Event e = decode_event(record(h, {raw}));
  EXPECT_EQ(e.family, AF_INET6);
  EXPECT_EQ(e.dst_addr, "2001:db8::1");
  EXPECT_EQ(e.dst_port, 443);
  EXPECT_EQ(e.src_addr, "2001:db8::2");
  EXPECT_EQ(e.src_port, 50000);
  EXPECT_EQ(e.l4proto, IPPROTO_TCP);
}

TEST(SensorDecode, UnixSockaddrsIncludingAbstractOnes) {
  moat_wire_hdr h = header(MW_CONNECT);
  h.bits = MW_BIT_SLOT0_RAW;
  std::string raw("\x01\x00/run/docker.sock\0", 19);
  h.len[0] = raw.size();
  EXPECT_EQ(decode_event(record(h, {raw})).dst_addr, "/run/docker.sock");
  std::string abstract("\x01\x00\0name", 7);
  h.len[0] = abstract.size();
  Event e = decode_event(record(h, {abstract}));
  EXPECT_EQ(e.dst_addr, "@name");
  EXPECT_EQ(e.family, AF_UNIX);
}

TEST(SensorDecode, OddSockaddrFromTheTracedProcessIsNotAnError) {
  moat_wire_hdr h = header(MW_BIND);
  h.bits = MW_BIT_SLOT0_RAW;
  std::string raw("\x02\x00\x01", 3);  // AF_INET, but too short
  h.len[0] = raw.size();
  Event e = decode_event(record(h, {raw}));
  EXPECT_EQ(e.type, EventType::Bind);
  EXPECT_EQ(e.dst_addr, "");
}

TEST(SensorDecode, StringWithoutNulIsKeptWhole) {
  moat_wire_hdr h = header(MW_RENAME);
  h.len[0] = 4;
  h.len[1] = 5;
  Event e = decode_event(record(h, {"/old", std::string("/new\0", 5)}));
  EXPECT_EQ(e.path, "/old");
  EXPECT_EQ(e.path2, "/new");
}

TEST(SensorDecode, MalformedRecordsAreErrors) {
  moat_wire_hdr h = header(MW_OPEN);
  auto ok = record(h, {});
  EXPECT_NO_THROW(decode_event(ok));
  // truncated header
  EXPECT_THROW(decode_event(std::span<const uint8_t>(ok.data(), sizeof(h) - 1)), Error);
  EXPECT_THROW(decode_event(std::span<const uint8_t>()), Error);
  // other version
  moat_wire_hdr v = h;
  v.version = 99;
  EXPECT_THROW(decode_event(record(v, {})), Error);
  // unknown kinds
  for (uint8_t kind : {uint8_t{0}, uint8_t{MW_KIND_COUNT}, uint8_t{255}}) {
    moat_wire_hdr k = h;
    k.kind = kind;
    EXPECT_THROW(decode_event(record(k, {})), Error) << int(kind);
  }
  // a slot that runs past the end, and one longer than the bound
  moat_wire_hdr s = h;
  s.len[0] = 10;
  EXPECT_THROW(decode_event(record(s, {"short"})), Error);
  s.len[0] = MOAT_STR_MAX + 1;
  EXPECT_THROW(decode_event(record(s, {std::string(MOAT_STR_MAX + 1, 'a')})), Error);
  s.len[0] = 0xffff;
  s.len[1] = 0xffff;
  s.len[2] = 0xffff;
  EXPECT_THROW(decode_event(record(s, {std::string(100, 'a')})), Error);
}

TEST(SensorDecode, EveryKindDecodesToItsType) {
  for (uint8_t kind = 1; kind < MW_KIND_COUNT; kind++) EXPECT_NO_THROW(decode_event(record(header(kind), {})));
}

// ---------------------------------------------------------------- live kernel

std::string skip_reason() {
  if (geteuid() != 0) return "needs root (or CAP_BPF+CAP_PERFMON) to load eBPF programs";
  if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) return "kernel has no BTF at /sys/kernel/btf/vmlinux";
  return {};
}

// The cgroup v2 id of this process: the inode of its cgroup directory in a cgroup2 mount (one is
// mounted in a temp dir when the host has none, as on a cgroup v1 machine).
uint64_t own_cgroup_id() {
  std::ifstream in("/proc/self/cgroup");
  std::string line, path;
  while (std::getline(in, line))
    if (line.rfind("0::", 0) == 0) path = line.substr(3);
  std::vector<std::string> mounts = test::mount_points("cgroup2");
  std::string mount_point = mounts.empty() ? "" : mounts.back();
  struct stat st {};
  if (!mount_point.empty()) {
    if (stat((mount_point + path).c_str(), &st) != 0) return 0;
    return st.st_ino;
  }
  test::TempDir dir;
  if (mount("none", dir.str().c_str(), "cgroup2", 0, nullptr) != 0) return 0;
  uint64_t id = stat((dir.str() + path).c_str(), &st) == 0 ? st.st_ino : 0;
  umount(dir.str().c_str());
  return id;
}

class LiveSensor : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string why = skip_reason(); !why.empty()) GTEST_SKIP() << why;
  }

  // The test process does the work itself, so it asks not to be ignored (-1).
  // Each test attaches only the groups it needs: detaching a syscall tracepoint waits for an RCU
  // grace period, so a sensor with every group takes seconds to close.
  std::unique_ptr<Sensor> start(SensorOptions options) {
    if (options.ignore_pid == 0) options.ignore_pid = -1;
    return Sensor::open(options);
  }
  std::unique_ptr<Sensor> start(uint32_t groups) {
    SensorOptions options;
    options.groups = groups;
    return start(options);
  }

  // The first event, in arrival order, that matches: from those already received, else polled
  // for up to 5 s. Every event received is kept (up to kKeep) so one wait does not lose another's.
  template <typename Pred>
  std::optional<Event> wait_for(Sensor& sensor, Pred pred) {
    for (const Event& e : seen_)
      if (pred(e)) return e;
    auto deadline = Clock::now() + std::chrono::seconds(5);
    std::optional<Event> found;
    while (!found && Clock::now() < deadline) {
      sensor.poll(100, [&](const Event& e) {
        if (!found && pred(e)) found = e;
        if (seen_.size() < kKeep) seen_.push_back(e);
      });
    }
    return found;
  }

 private:
  static constexpr std::size_t kKeep = 200'000;
  std::vector<Event> seen_;
};

pid_t spawn(const std::vector<std::string>& argv) {
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

template <typename F>
pid_t run_child(F body) {
  pid_t pid = fork();
  if (pid == 0) _exit(body());
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string cwd() {
  char buf[4096];
  return getcwd(buf, sizeof(buf)) ? buf : "";
}

TEST_F(LiveSensor, ExecForkExitOfShell) {
  auto sensor = start(kGroupProcess);
  pid_t child = spawn({"/bin/sh", "-c", "exit 3"});
  ASSERT_EQ(wait_exit(child), 3);

  auto fork_ev = wait_for(*sensor, [&](const Event& e) { return e.type == EventType::Fork && e.pid == child; });
  ASSERT_TRUE(fork_ev);
  EXPECT_EQ(fork_ev->ppid, getpid());

  auto exec = wait_for(*sensor, [&](const Event& e) { return e.type == EventType::Exec && e.pid == child; });
  ASSERT_TRUE(exec);
  char real[4096];
  ASSERT_TRUE(realpath("/bin/sh", real));
  EXPECT_EQ(exec->exe, real);
  EXPECT_EQ(exec->argv, (std::vector<std::string>{"/bin/sh", "-c", "exit 3"}));
  EXPECT_EQ(exec->cwd, cwd());
  EXPECT_EQ(exec->uid, getuid());
  EXPECT_EQ(exec->euid, geteuid());
  EXPECT_EQ(exec->gid, getgid());
  EXPECT_EQ(exec->ppid, getpid());
  EXPECT_EQ(exec->tid, child);
  EXPECT_EQ(exec->comm, "sh");
  EXPECT_TRUE(exec->caps_known);
  EXPECT_TRUE(exec->cap_effective & (uint64_t{1} << 21)) << "root has CAP_SYS_ADMIN";
  EXPECT_EQ(exec->cap_permitted & exec->cap_effective, exec->cap_effective);
  EXPECT_FALSE(exec->exe_from_memfd);
  uint64_t cgroup = own_cgroup_id();
  if (cgroup != 0) {
    EXPECT_EQ(exec->cgroup_id, cgroup);
  }
  EXPECT_NE(exec->pid_ns, 0u);
  EXPECT_EQ(exec->vpid, child);  // the test runs in the host pid namespace
  EXPECT_GT(exec->ts_ns, 1'600'000'000'000'000'000ull);

  auto exit_ev = wait_for(*sensor, [&](const Event& e) { return e.type == EventType::Exit && e.pid == child; });
  ASSERT_TRUE(exit_ev);
  EXPECT_EQ(exit_ev->ret, 3);
  EXPECT_EQ(exit_ev->flags, 0u);
}

TEST_F(LiveSensor, ExecChainKeepsExactArgv) {
  auto sensor = start(kGroupProcess);
  pid_t child = spawn({"/usr/bin/env", "A=1", "/bin/true", "arg1", "arg with space"});
  ASSERT_EQ(wait_exit(child), 0);
  auto env = wait_for(*sensor, [&](const Event& e) {
    return e.type == EventType::Exec && e.pid == child && e.exe == "/usr/bin/env";
  });
  ASSERT_TRUE(env);
  EXPECT_EQ(env->argv, (std::vector<std::string>{"/usr/bin/env", "A=1", "/bin/true", "arg1", "arg with space"}));
  auto tru = wait_for(*sensor, [&](const Event& e) {
    return e.type == EventType::Exec && e.pid == child && e.exe == "/usr/bin/true";
  });
  ASSERT_TRUE(tru);
  EXPECT_EQ(tru->argv, (std::vector<std::string>{"/bin/true", "arg1", "arg with space"}));
  EXPECT_NE(std::find(tru->env.begin(), tru->env.end(), "A=1"), tru->env.end());
}

TEST_F(LiveSensor, ExecCarriesTheEnvironmentCutToWhatARecordHolds) {
  auto sensor = start(kGroupProcess);
  const std::string big(3000, 'x');
  pid_t child = run_child([&] {
    std::vector<std::string> vars = {"HTTP_PROXY=http://10.0.0.1:3128", "LD_PRELOAD=/tmp/x.so"};
    for (int i = 0; i < 10; i++) vars.push_back("BIG" + std::to_string(i) + "=" + big);
    std::vector<char*> envp;
    for (auto& v : vars) envp.push_back(v.data());
    envp.push_back(nullptr);
    char* argv[] = {const_cast<char*>("true"), nullptr};
    execve("/bin/true", argv, envp.data());
    return 127;
  });
  ASSERT_EQ(wait_exit(child), 0);
  auto ev = wait_for(*sensor, [&](const Event& e) { return e.type == EventType::Exec && e.pid == child; });
  ASSERT_TRUE(ev);
  ASSERT_GE(ev->env.size(), 3u);
  EXPECT_EQ(ev->env[0], "HTTP_PROXY=http://10.0.0.1:3128");
  EXPECT_EQ(ev->env[1], "LD_PRELOAD=/tmp/x.so");
  size_t bytes = 0;  // the entries and the NULs between them; the last one was cut, without its NUL
  for (const auto& v : ev->env) bytes += v.size() + 1;
  EXPECT_EQ(bytes - 1, static_cast<size_t>(MOAT_STR_MAX));
  EXPECT_EQ(ev->argv, (std::vector<std::string>{"true"}));
  EXPECT_EQ(ev->exe, "/usr/bin/true");
}

TEST_F(LiveSensor, KilledProcessReportsTheSignal) {
  auto sensor = start(kGroupProcess);
  pid_t child = spawn({"/bin/sleep", "30"});
  usleep(100'000);
  kill(child, SIGKILL);
  wait_exit(child);
  auto ev = wait_for(*sensor, [&](const Event& e) { return e.type == EventType::Exit && e.pid == child; });
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->flags, uint64_t{SIGKILL});
}

TEST_F(LiveSensor, FileOperations) {
  auto sensor = start(kGroupFile);
  test::TempDir dir;
  std::string a = dir.str() + "/a.txt", b = dir.str() + "/b.txt";
  int fd = ::open(a.c_str(), O_CREAT | O_WRONLY, 0600);
  ASSERT_GE(fd, 0);
  close(fd);
  ASSERT_EQ(rename(a.c_str(), b.c_str()), 0);
  ASSERT_EQ(chmod(b.c_str(), 0640), 0);
  ASSERT_EQ(unlink(b.c_str()), 0);
  ASSERT_EQ(mkdir((dir.str() + "/d").c_str(), 0700), 0);
  ASSERT_EQ(symlink("/etc/passwd", (dir.str() + "/l").c_str()), 0);

  auto open_ev = wait_for(*sensor, [&](const Event& e) { return e.type == EventType::Open && e.path == a; });
  ASSERT_TRUE(open_ev);
  EXPECT_EQ(open_ev->pid, getpid());
  EXPECT_EQ(open_ev->ret, fd);
  EXPECT_TRUE(open_ev->flags & O_CREAT);
  EXPECT_EQ(open_ev->mode, 0600u);
  auto ren = wait_for(*sensor, [&](const Event& e) { return e.type == EventType::Rename && e.path == a; });
  ASSERT_TRUE(ren);
  EXPECT_EQ(ren->path2, b);
  EXPECT_EQ(ren->ret, 0);
  auto chm = wait_for(*sensor, [&](const Event& e) { return e.type == EventType::Chmod && e.path == b; });
  ASSERT_TRUE(chm);
  EXPECT_EQ(chm->mode, 0640u);
  EXPECT_TRUE(wait_for(*sensor, [&](const Event& e) { return e.type == EventType::Unlink && e.path == b; }));
  auto mk = wait_for(*sensor, [&](const Event& e) { return e.type == EventType::Mkdir && e.path == dir.str() + "/d"; });
  ASSERT_TRUE(mk);
  EXPECT_EQ(mk->mode, 0700u);
  auto sl = wait_for(*sensor, [&](const Event& e) { return e.type == EventType::Symlink && e.path2 == "/etc/passwd"; });
  ASSERT_TRUE(sl);
  EXPECT_EQ(sl->path, dir.str() + "/l");
}

TEST_F(LiveSensor, ReadOpensPassOnlyUnderAPrefixAndRelativePathsAreResolved) {
  auto sensor = start(kGroupFile | kGroupProcess);
  test::TempDir dir;
  std::string plain = dir.write("plain.txt", "x").string();
  int fd = ::open(plain.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  close(fd);
  fd = ::open("/etc/passwd", O_RDONLY);
  ASSERT_GE(fd, 0);
  close(fd);
  // a relative create from another directory comes back absolute
  pid_t child = run_child([&] {
    if (chdir(dir.str().c_str()) != 0) return 1;
    int f = ::open("rel.txt", O_CREAT | O_WRONLY, 0600);
    return f >= 0 ? 0 : 1;
  });
  ASSERT_EQ(wait_exit(child), 0);

  bool saw_plain = false;
  auto passwd = wait_for(*sensor, [&](const Event& e) {
    if (e.type == EventType::Open && e.path == plain && !(e.flags & (O_WRONLY | O_RDWR | O_CREAT))) saw_plain = true;
    return e.type == EventType::Open && e.path == "/etc/passwd" && e.pid == getpid();
  });
  ASSERT_TRUE(passwd);
  auto rel = wait_for(*sensor, [&](const Event& e) {
    if (e.type == EventType::Open && e.path == plain && !(e.flags & (O_WRONLY | O_RDWR | O_CREAT))) saw_plain = true;
    return e.type == EventType::Open && e.pid == child;
  });
  ASSERT_TRUE(rel);
  EXPECT_EQ(rel->path, dir.str() + "/rel.txt");
  EXPECT_FALSE(saw_plain) << "a read-only open outside the prefixes was reported";
}

TEST_F(LiveSensor, OwnActivityIsIgnored) {
  SensorOptions options;
  options.ignore_pid = getpid();
  options.groups = kGroupFile;
  auto sensor = Sensor::open(options);
  test::TempDir dir;
  std::string mine = dir.str() + "/mine", theirs = dir.str() + "/theirs";
  close(::open(mine.c_str(), O_CREAT | O_WRONLY, 0600));
  pid_t child = run_child([&] { return ::open(theirs.c_str(), O_CREAT | O_WRONLY, 0600) >= 0 ? 0 : 1; });
  ASSERT_EQ(wait_exit(child), 0);
  bool saw_mine = false;
  auto ev = wait_for(*sensor, [&](const Event& e) {
    if (e.pid == getpid()) saw_mine = true;
    return e.type == EventType::Open && e.path == theirs;
  });
  ASSERT_TRUE(ev);
  EXPECT_FALSE(saw_mine);
}

struct Listener {
  int fd = -1;
  uint16_t port = 0;
};

Listener listen_on(int family, const char* addr) {
  Listener l;
  l.fd = socket(family, SOCK_STREAM, 0);
  sockaddr_storage ss{};
  socklen_t len;
  if (family == AF_INET) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    sin->sin_family = AF_INET;
    inet_pton(AF_INET, addr, &sin->sin_addr);
    len = sizeof(*sin);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    sin6->sin6_family = AF_INET6;
    inet_pton(AF_INET6, addr, &sin6->sin6_addr);
    len = sizeof(*sin6);
  }
  if (bind(l.fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || listen(l.fd, 8) != 0) return {};
  getsockname(l.fd, reinterpret_cast<sockaddr*>(&ss), &len);
  l.port = ntohs(family == AF_INET ? reinterpret_cast<sockaddr_in*>(&ss)->sin_port
                                   : reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  return l;
}

int connect_to(int family, const char* addr, uint16_t port) {
  int fd = socket(family, SOCK_STREAM, 0);
  sockaddr_storage ss{};
  socklen_t len;
  if (family == AF_INET) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    inet_pton(AF_INET, addr, &sin->sin_addr);
    len = sizeof(*sin);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    inet_pton(AF_INET6, addr, &sin6->sin6_addr);
    len = sizeof(*sin6);
  }
  if (connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

using Wait = std::function<std::optional<Event>(std::function<bool(const Event&)>)>;

void check_tcp(int family, const char* addr, const Wait& wait) {
  Listener l = listen_on(family, addr);
  ASSERT_GE(l.fd, 0);
  int c = connect_to(family, addr, l.port);
  ASSERT_GE(c, 0);
  int s = accept(l.fd, nullptr, nullptr);
  ASSERT_GE(s, 0);
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  getsockname(c, reinterpret_cast<sockaddr*>(&ss), &len);
  uint16_t client_port = ntohs(family == AF_INET ? reinterpret_cast<sockaddr_in*>(&ss)->sin_port
                                                 : reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  close(c);
  close(s);
  close(l.fd);

  auto bind_ev = wait([&](const Event& e) { return e.type == EventType::Bind && e.pid == getpid() && e.family == family; });
  ASSERT_TRUE(bind_ev);
  EXPECT_EQ(bind_ev->dst_addr, addr);
  auto listen_ev = wait([&](const Event& e) {
    return e.type == EventType::Listen && e.pid == getpid() && e.dst_port == l.port;
  });
  ASSERT_TRUE(listen_ev);
  EXPECT_EQ(listen_ev->dst_addr, addr);
  EXPECT_EQ(listen_ev->flags, 8u);
  auto conn = wait([&](const Event& e) { return e.type == EventType::Connect && e.dst_port == l.port; });
  ASSERT_TRUE(conn);
  EXPECT_EQ(conn->ret, 0);
  EXPECT_EQ(conn->family, family);
  EXPECT_EQ(conn->l4proto, IPPROTO_TCP);
  EXPECT_EQ(conn->dst_addr, addr);
  EXPECT_EQ(conn->src_addr, addr);
  EXPECT_EQ(conn->src_port, client_port);
  auto acc = wait([&](const Event& e) { return e.type == EventType::Accept && e.dst_port == l.port; });
  ASSERT_TRUE(acc);
  EXPECT_EQ(acc->src_addr, addr);
  EXPECT_EQ(acc->src_port, client_port);
  EXPECT_EQ(acc->dst_addr, addr);
}

TEST_F(LiveSensor, TcpOverIpv4AndIpv6) {
  auto sensor = start(kGroupNetwork);
  auto wait = [&](std::function<bool(const Event&)> pred) { return wait_for(*sensor, pred); };
  check_tcp(AF_INET, "127.0.0.1", wait);
  check_tcp(AF_INET6, "::1", wait);
}

TEST_F(LiveSensor, UnixSocketConnect) {
  auto sensor = start(kGroupNetwork);
  test::TempDir dir;
  std::string path = dir.str() + "/s.sock";
  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  std::strncpy(sun.sun_path, path.c_str(), sizeof(sun.sun_path) - 1);
  ASSERT_EQ(bind(l, reinterpret_cast<sockaddr*>(&sun), sizeof(sun)), 0);
  ASSERT_EQ(listen(l, 1), 0);
  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_EQ(connect(c, reinterpret_cast<sockaddr*>(&sun), sizeof(sun)), 0);
  close(c);
  close(l);
  auto ev = wait_for(*sensor, [&](const Event& e) { return e.type == EventType::Connect && e.dst_addr == path; });
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->family, AF_UNIX);
}

TEST_F(LiveSensor, PacketSocketsAndSocketsPutOnOtherDescriptors) {
  auto sensor = start(kGroupNetwork);
  int packet = socket(AF_PACKET, SOCK_RAW, 0);  // root: allowed; a failed one would be reported too
  int inet = socket(AF_INET, SOCK_DGRAM, 0);     // an IP socket is left to connect/bind/accept
  Listener l = listen_on(AF_INET, "127.0.0.1");
  ASSERT_GE(l.fd, 0);
  int c = connect_to(AF_INET, "127.0.0.1", l.port);
  ASSERT_GE(c, 0);
  int file = open("/dev/null", O_RDONLY);
  ASSERT_EQ(dup2(file, 100), 100);  // a file: not reported
  ASSERT_EQ(dup2(c, 101), 101);     // a connected socket: reported, as a shell's stdout would be
  for (int fd : {packet, inet, l.fd, c, file, 100, 101}) close(fd);

  auto sock = wait_for(*sensor, [&](const Event& e) { return e.type == EventType::Socket && e.pid == getpid(); });
  ASSERT_TRUE(sock);
  EXPECT_EQ(sock->family, AF_PACKET);
  EXPECT_EQ(sock->flags, static_cast<uint64_t>(SOCK_RAW));
  EXPECT_EQ(sock->ret, packet);
  auto dup = wait_for(*sensor, [&](const Event& e) { return e.type == EventType::Dup && e.pid == getpid(); });
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->ret, 101);
  EXPECT_EQ(dup->family, AF_INET);
  EXPECT_EQ(dup->dst_addr, "127.0.0.1");
  EXPECT_EQ(dup->dst_port, l.port);
  EXPECT_FALSE(wait_for(*sensor, [&](const Event& e) {
    return e.pid == getpid() && ((e.type == EventType::Socket && e.family != AF_PACKET) ||
                                 (e.type == EventType::Dup && e.ret != 101));
  }));
}

TEST_F(LiveSensor, SetuidAndUnshareInAChild) {
  auto sensor = start(kGroupPrivilege);
  pid_t child = run_child([] { return setuid(65534) == 0 ? 0 : 1; });
  ASSERT_EQ(wait_exit(child), 0);
  pid_t child2 = run_child([] { return unshare(CLONE_NEWUTS) == 0 ? 0 : 1; });
  ASSERT_EQ(wait_exit(child2), 0);
  auto su = wait_for(*sensor, [&](const Event& e) { return e.type == EventType::SetUid && e.pid == child; });
  ASSERT_TRUE(su);
  EXPECT_EQ(su->arg_uid, 65534u);
  EXPECT_EQ(su->ret, 0);
  EXPECT_EQ(su->uid, 65534u);  // taken at the call's exit: the credentials are already the new ones
  EXPECT_EQ(su->cap_effective, 0u);  // setuid away from root drops the capabilities
  auto un = wait_for(*sensor, [&](const Event& e) { return e.type == EventType::Unshare && e.pid == child2; });
  ASSERT_TRUE(un);
  EXPECT_EQ(un->flags, uint64_t{CLONE_NEWUTS});
  EXPECT_EQ(un->ret, 0);
}

TEST_F(LiveSensor, FilelessExecFromMemfd) {
  auto sensor = start(kGroupProcess | kGroupPrivilege);
  pid_t child = run_child([] {
    int fd = memfd_create("moat-test", 0);
    int src = ::open("/usr/bin/true", O_RDONLY);
    if (fd < 0 || src < 0) return 10;
    char buf[65536];
    for (ssize_t n; (n = read(src, buf, sizeof(buf))) > 0;)
      if (write(fd, buf, static_cast<size_t>(n)) != n) return 11;
    char arg0[] = "fileless";
    char* argv[] = {arg0, nullptr};
    fexecve(fd, argv, environ);
    return 12;
  });
  ASSERT_EQ(wait_exit(child), 0);
  auto mc = wait_for(*sensor, [&](const Event& e) { return e.type == EventType::MemfdCreate && e.pid == child; });
  ASSERT_TRUE(mc);
  EXPECT_EQ(mc->extra, "moat-test");
  EXPECT_GE(mc->ret, 0);
  auto exec = wait_for(*sensor, [&](const Event& e) { return e.type == EventType::Exec && e.pid == child; });
  ASSERT_TRUE(exec);
  EXPECT_TRUE(exec->exe_from_memfd);
  EXPECT_EQ(exec->exe.rfind("/memfd:moat-test", 0), 0u) << exec->exe;
  EXPECT_EQ(exec->argv, std::vector<std::string>{"fileless"});
}

// A container's root is an overlay: a binary from the image (lower layer) is not drift, one
// written inside the container (upper layer) is.
TEST_F(LiveSensor, OverlayUpperLayerExecutableIsFlagged) {
  test::TempDir dir;
  for (const char* d : {"lower", "upper", "work", "merged"}) std::filesystem::create_directory(dir.path() / d);
  std::filesystem::copy_file("/usr/bin/true", dir.path() / "lower/from-image");
  std::filesystem::copy_file("/usr/bin/true", dir.path() / "upper/dropped");
  std::string opts = "lowerdir=" + dir.str() + "/lower,upperdir=" + dir.str() + "/upper,workdir=" + dir.str() + "/work";
  std::string merged = dir.str() + "/merged";
  if (mount("overlay", merged.c_str(), "overlay", 0, opts.c_str()) != 0)
    GTEST_SKIP() << "cannot mount overlayfs here: " << std::strerror(errno);
  auto sensor = start(kGroupProcess);
  pid_t image = spawn({merged + "/from-image"});
  pid_t dropped = spawn({merged + "/dropped"});
  EXPECT_EQ(wait_exit(image), 0);
  EXPECT_EQ(wait_exit(dropped), 0);
  auto low = wait_for(*sensor, [&](const Event& e) { return e.type == EventType::Exec && e.pid == image; });
  auto up = wait_for(*sensor, [&](const Event& e) { return e.type == EventType::Exec && e.pid == dropped; });
  umount(merged.c_str());
  ASSERT_TRUE(low);
  ASSERT_TRUE(up);
  EXPECT_EQ(low->exe, merged + "/from-image");
  EXPECT_FALSE(low->exe_upper_layer);
  EXPECT_EQ(up->exe, merged + "/dropped");
  EXPECT_TRUE(up->exe_upper_layer);
}

TEST_F(LiveSensor, FloodIsCountedNotLost) {
  SensorOptions options;
  options.ring_buffer_bytes = 64 * 1024;
  options.groups = kGroupFile;
  auto sensor = start(options);
  test::TempDir dir;
  std::string path = dir.str() + "/flood";
  constexpr int kOpens = 200'000;
  for (int i = 0; i < kOpens; i++) close(::open(path.c_str(), O_CREAT | O_WRONLY, 0600));
  uint64_t ours = 0;
  for (int idle = 0; idle < 3;) {  // drain: stop after three empty polls
    int n = sensor->poll(50, [&](const Event& e) { ours += e.type == EventType::Open && e.path == path; });
    idle = n == 0 ? idle + 1 : 0;
  }
  SensorStats s = sensor->stats();
  std::printf("flood: %d opens, %llu delivered, %llu dropped (all processes), %llu dropped opens\n", kOpens,
              static_cast<unsigned long long>(ours), static_cast<unsigned long long>(s.drops),
              static_cast<unsigned long long>(s.drops_by_type[EventType::Open]));
  EXPECT_GT(s.drops, 0u);
  EXPECT_GT(ours, 0u);
  EXPECT_LE(ours, uint64_t{kOpens});
  // Drops count every process's opens, so they can only cover ours or more.
  EXPECT_GE(ours + s.drops_by_type[EventType::Open], uint64_t{kOpens});
  EXPECT_EQ(s.decode_errors, 0u);
  EXPECT_EQ(s.missed, 0u);
  EXPECT_GE(s.events, ours);
}

TEST_F(LiveSensor, BadOptionsAreErrors) {
  SensorOptions odd;
  odd.ring_buffer_bytes = 3 * 4096;
  EXPECT_THROW(Sensor::open(odd), Error);
  SensorOptions prefixes;
  prefixes.read_prefixes.assign(17, "/etc/");
  EXPECT_THROW(Sensor::open(prefixes), Error);
  SensorOptions long_prefix;
  long_prefix.read_prefixes = {std::string(64, 'a')};
  EXPECT_THROW(Sensor::open(long_prefix), Error);
}

// Without privileges the error says what is missing (an unprivileged child of the root test).
TEST_F(LiveSensor, UnprivilegedOpenSaysWhatIsNeeded) {
  for (uint32_t groups : {uint32_t{kGroupProcess}, uint32_t{kGroupAll}}) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t child = fork();
    if (child == 0) {
      close(fds[0]);
      std::string message = "opened";
      if (setgid(65534) == 0 && setuid(65534) == 0) {
        try {
          SensorOptions options;
          options.groups = groups;
          Sensor::open(options);
        } catch (const Error& e) {
          message = e.what();
        }
      }
      if (write(fds[1], message.data(), message.size()) < 0) _exit(2);
      _exit(0);
    }
    close(fds[1]);
    std::string message;
    char buf[512];
    for (ssize_t n; (n = read(fds[0], buf, sizeof(buf))) > 0;) message.append(buf, static_cast<size_t>(n));
    close(fds[0]);
    wait_exit(child);
    EXPECT_NE(message.find("needs root or CAP_BPF+CAP_PERFMON"), std::string::npos) << message;
  }
}

TEST_F(LiveSensor, CallbackExceptionPropagates) {
  auto sensor = start(kGroupProcess);
  pid_t child = spawn({"/bin/true"});
  wait_exit(child);
  bool thrown = false;
  for (int i = 0; i < 50 && !thrown; i++) {
    try {
      sensor->poll(100, [](const Event&) { throw std::runtime_error("stop"); });
    } catch (const std::runtime_error&) {
      thrown = true;
    }
  }
  EXPECT_TRUE(thrown);
}

}  // namespace
}  // namespace moat::runtime
