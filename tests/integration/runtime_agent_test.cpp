// The runtime agent end to end: the real `moat agent` on the live kernel (eBPF), real podman
// containers acting out each attack from tests/data/runtime/attack-image, alerts read back from the
// agent's file output. Each rule must fire with the right container id, image and process; a benign
// web server and build must fire nothing; the agent must stop cleanly, keep its rules when a reload
// brings a broken file, and run without the engine socket.
// Needs root, eBPF with BTF, podman and the fixtures; says which is missing when it skips.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "fixture_support.h"
#include "support/podman.h"

namespace {

using namespace std::chrono_literals;
using moat::test::sh;
using nlohmann::json;
namespace fs = std::filesystem;

const std::string kAttackImage = "localhost/moat-attack:test";

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// `moat agent` as a child process, writing alerts to a file and its log to another.
class AgentProcess {
 public:
  AgentProcess(const fs::path& dir, std::vector<std::string> args) : alerts_(dir / "alerts.json"), log_(dir / "agent.log") {
    args.insert(args.begin(), {std::string(MOAT_BINARY_DIR) + "/moat", "agent", "--output", "file:" + alerts_.string()});
    pid_ = ::fork();
    if (pid_ == 0) {
      int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(fd, 2);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  ~AgentProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  // True once the agent says it is watching (programs attached), false if it died or took too long.
  bool wait_ready() {
    for (auto deadline = std::chrono::steady_clock::now() + 60s; std::chrono::steady_clock::now() < deadline;) {
      if (log().find("watching with") != std::string::npos) return true;
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }
  void signal(int sig) { ::kill(pid_, sig); }
  // The exit status after SIGTERM, or -1 when it did not exit within 20 s.
  int stop() {
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 200; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(100ms);
    }
    return -1;
  }
  std::string log() const { return slurp(log_); }
  std::vector<json> alerts() const {
    std::vector<json> out;
    std::ifstream in(alerts_);
    for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
    return out;
  }
  // Waits until an alert of `rule` for the container shows up; returns it or null.
  json wait_alert(const std::string& rule, const std::string& container_id) const {
    for (auto deadline = std::chrono::steady_clock::now() + 15s; std::chrono::steady_clock::now() < deadline;) {
      for (const auto& a : alerts())
        if (a.value("rule", "") == rule && a["output_fields"].value("container.id", "") == container_id.substr(0, 12))
          return a;
      std::this_thread::sleep_for(100ms);
    }
    return nullptr;
  }

 private:
  fs::path alerts_, log_;
  pid_t pid_ = -1;
};

std::string dump(const std::vector<json>& alerts) {
  std::string all = "\nalerts:\n";
  for (const auto& a : alerts) all += a.dump() + "\n";
  return all;
}

std::string skip_reason() {
  if (auto why = moat::test::podman_skip_reason(); !why.empty()) return why;
  if (!fs::exists("/sys/kernel/btf/vmlinux")) return "the kernel has no BTF (/sys/kernel/btf/vmlinux)";
  return "";
}

class RuntimeAgent : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!skip_reason().empty()) return;
    dir_ = new moat::test::TempDir();
    service_ = new moat::test::PodmanService(*dir_);
    ASSERT_TRUE(service_->start()) << "scripts/podman-service.sh start failed";
    ASSERT_TRUE(service_->ensure_image(moat::test::fixtures_dir()));
    std::string context = std::string(MOAT_SOURCE_DIR) + "/tests/data/runtime/attack-image";
    ASSERT_TRUE(sh(podman("build -q -t " + kAttackImage + " " + context)).first) << "podman build " << context;
  }
  static void TearDownTestSuite() {
    if (service_) sh(podman("rm -f -t 0 " + name("attack") + " " + name("benign") + " " + name("socket")));
    delete service_;
    delete dir_;
    service_ = nullptr;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (auto why = skip_reason(); !why.empty()) GTEST_SKIP() << why;
  }
  static std::string podman(const std::string& args) { return service_->podman(args); }
  // Container names of this process: ctest runs each test in its own process, maybe side by side.
  static std::string name(const std::string& role) { return "moat-" + role + "-" + std::to_string(::getpid()); }
  // Starts a long-running container and returns its full id.
  static std::string start(const std::string& container, const std::string& extra = "") {
    sh(podman("rm -f -t 0 " + container));
    auto [ok, id] = sh(podman("run -d --name " + container + " " + extra + " " + kAttackImage + " sleep 600"));
    EXPECT_TRUE(ok) << "podman run " << container;
    return id;
  }
  static void exec(const std::string& container, const std::string& command) {
    sh(podman("exec " + container + " " + command));
  }

  static moat::test::TempDir* dir_;
  static moat::test::PodmanService* service_;
};
moat::test::TempDir* RuntimeAgent::dir_ = nullptr;
moat::test::PodmanService* RuntimeAgent::service_ = nullptr;

TEST_F(RuntimeAgent, EachAttackFiresItsRuleAndTheBenignWorkloadNothing) {
  moat::test::TempDir work;
  AgentProcess agent(work.path(), {"--engine-socket", service_->socket()});
  ASSERT_TRUE(agent.wait_ready()) << agent.log();

  std::string attack = start(name("attack"));
  std::string benign = start(name("benign"));
  std::string socket = start(name("socket"), "-v " + service_->socket() + ":/var/run/docker.sock");

  // The benign workload first: a web server answering requests, then a build.
  sh(podman("exec -d " + name("benign") + " httpd /opt/t/webapp.py"));
  exec(name("benign"), "python3 /opt/t/get.py / 20");
  exec(name("benign"), "sh -c 'python3 -m compileall -q /usr/lib/python3/dist-packages >/dev/null; "
                      "tar czf /var/tmp/doc.tgz /usr/share/doc; gzip -t /var/tmp/doc.tgz'");

  // The attacks.
  sh(podman("exec -d " + name("attack") + " httpd /opt/t/webapp.py"));
  exec(name("attack"), "python3 /opt/t/get.py /run?c=id");
  exec(name("attack"), "script -qc 'bash -c true' /dev/null");
  exec(name("attack"), "bash /opt/t/reverse_shell.sh");
  exec(name("attack"), "sh -c 'cp /bin/sleep /tmp/xmrig && /tmp/xmrig 0.1'");
  exec(name("attack"), "sh -c 'echo intruder:x:0:0::/:/bin/sh >> /etc/passwd'");
  exec(name("attack"), "cat /etc/shadow");
  exec(name("attack"), "apt-get --version");
  exec(name("attack"), "python3 /opt/t/fileless.py");
  exec(name("attack"), "unshare --user true");
  exec(name("attack"), "mount -t tmpfs none /mnt");
  exec(name("attack"), "python3 /opt/t/ptrace.py");
  exec(name("attack"), "python3 /opt/t/packet_socket.py");
  exec(name("attack"), "env LD_PRELOAD=/tmp/libhide.so true");
  exec(name("socket"), "python3 /opt/t/engine_socket.py");

  struct Expect {
    std::string rule, container, process;
  };
  const std::vector<Expect> expected = {
      {"moat: Web server spawned a shell or interpreter", attack, "sh"},
      {"moat: Interactive shell in container", attack, "sh"},
      {"moat: Reverse shell", attack, "bash"},
      {"moat: Crypto miner started", attack, "xmrig"},
      {"moat: Executable not from the image", attack, "xmrig"},
      {"moat: Write to password or sudoers files", attack, "sh"},
      {"moat: Sensitive file read", attack, "cat"},
      {"moat: Package manager in a running container", attack, "apt-get"},
      {"moat: Fileless execution", attack, ""},
      {"moat: Namespace change in container", attack, "unshare"},
      {"moat: Mount in container", attack, "mount"},
      {"moat: Ptrace of another process", attack, "python3"},
      {"moat: Raw packet socket in container", attack, "python3"},
      {"moat: Library preloaded from a writable directory", attack, "true"},
      {"moat: Container engine socket used", socket, "python3"},
  };
  for (const auto& e : expected) {
    json a = agent.wait_alert(e.rule, e.container);
    if (a.is_null()) {
      std::string all;
      for (const auto& x : agent.alerts()) all += x.dump() + "\n";
      ADD_FAILURE() << e.rule << " did not fire for " << e.container.substr(0, 12) << "\nlog:\n" << agent.log()
                    << "\nalerts:\n" << all;
      continue;
    }
    EXPECT_EQ(a["source"], "syscall");
    EXPECT_FALSE(a["output"].get<std::string>().empty());
    const json& f = a["output_fields"];
    if (f.contains("container.image.repository")) {
      EXPECT_EQ(f["container.image.repository"], "localhost/moat-attack") << e.rule << ": " << a.dump();
    }
    if (!e.process.empty() && f.contains("proc.name")) {
      EXPECT_EQ(f["proc.name"], e.process) << e.rule << ": " << a.dump();
    }
  }
  for (const auto& a : agent.alerts())
    EXPECT_NE(a["output_fields"].value("container.id", ""), benign.substr(0, 12)) << "benign workload fired: " << a.dump();

  EXPECT_EQ(agent.stop(), 0) << agent.log();
  EXPECT_NE(agent.log().find("stopped:"), std::string::npos) << agent.log();
}

TEST_F(RuntimeAgent, UpstreamFalcoRulesFireOnTheBehaviourTheyDescribe) {
  fs::path upstream = fs::path(MOAT_SOURCE_DIR) / "../shared/rules/falco_rules.yaml";
  if (!fs::exists(upstream)) GTEST_SKIP() << upstream << " is not present";
  moat::test::TempDir work;
  AgentProcess agent(work.path(),
                     {"--engine-socket", service_->socket(), "--no-default-rules", "--rules", upstream.string()});
  ASSERT_TRUE(agent.wait_ready()) << agent.log();
  std::string attack = start(name("attack"));
  std::string benign = start(name("benign"));
  sh(podman("exec -d " + name("benign") + " httpd /opt/t/webapp.py"));
  exec(name("benign"), "python3 /opt/t/get.py / 20");
  exec(name("benign"), "sh -c 'python3 -m compileall -q /usr/lib/python3/dist-packages >/dev/null; "
                       "tar czf /var/tmp/doc.tgz /usr/share/doc'");
  sh(podman("exec -d " + name("attack") + " httpd /opt/t/webapp.py"));
  exec(name("attack"), "python3 /opt/t/get.py /run?c=id");
  exec(name("attack"), "sh -c 'cp /bin/sleep /tmp/xmrig && /tmp/xmrig 0.1'");
  exec(name("attack"), "cat /etc/shadow");
  // Under a shell: the upstream rule excuses a process whose parent is runc, which a process that
  // podman exec starts directly may still have.
  exec(name("attack"), "sh -c 'python3 /opt/t/fileless.py; true'");
  exec(name("attack"), "find / -maxdepth 2 -name id_rsa");
  exec(name("attack"), "bash /opt/t/reverse_shell.sh");
  exec(name("attack"), "python3 /opt/t/packet_socket.py");
  for (const char* rule : {"Run shell untrusted", "Drop and execute new binary in container", "Read sensitive file untrusted",
                           "Fileless execution via memfd_create", "Search Private Keys or Passwords",
                           "Redirect STDOUT/STDIN to Network Connection in Container", "Packet socket created in container"})
    EXPECT_FALSE(agent.wait_alert(rule, attack).is_null()) << rule << "\nlog:\n" << agent.log() << dump(agent.alerts());
  for (const auto& a : agent.alerts())
    EXPECT_NE(a["output_fields"].value("container.id", ""), benign.substr(0, 12)) << "benign workload fired: " << a.dump();
  EXPECT_EQ(agent.stop(), 0);
}

TEST_F(RuntimeAgent, ABrokenRuleFileOnReloadKeepsThePreviousRules) {
  moat::test::TempDir work;
  fs::path rules = work.path() / "extra.yaml";
  std::ofstream(rules) << "- rule: cat of motd\n  desc: test\n  condition: evt.type in (open, openat) and fd.name = /etc/motd"
                          " and proc.name = cat\n  output: motd read by %proc.name\n  priority: NOTICE\n";
  AgentProcess agent(work.path(), {"--engine-socket", service_->socket(), "--rules", rules.string(), "--all-opens"});
  ASSERT_TRUE(agent.wait_ready()) << agent.log();
  std::string id = start(name("attack"));
  std::ofstream(rules) << "- rule: broken\n  condition: evt.type = = open\n";
  agent.signal(SIGHUP);
  for (int i = 0; i < 50 && agent.log().find("rules not reloaded") == std::string::npos; ++i) std::this_thread::sleep_for(100ms);
  EXPECT_NE(agent.log().find("extra.yaml:"), std::string::npos) << agent.log();  // file and line of the error
  exec(name("attack"), "cat /etc/motd");
  EXPECT_FALSE(agent.wait_alert("cat of motd", id).is_null()) << agent.log();
  EXPECT_EQ(agent.stop(), 0);
}

TEST_F(RuntimeAgent, WithoutTheEngineSocketContainersKeepTheirIds) {
  moat::test::TempDir work;
  AgentProcess agent(work.path(), {"--engine-socket", (work.path() / "absent.sock").string()});
  ASSERT_TRUE(agent.wait_ready()) << agent.log();
  std::string id = start(name("attack"));
  exec(name("attack"), "cat /etc/shadow");
  json a = agent.wait_alert("moat: Sensitive file read", id);
  ASSERT_FALSE(a.is_null()) << agent.log();
  EXPECT_EQ(a["output_fields"]["container.id"], id.substr(0, 12));
  EXPECT_EQ(agent.stop(), 0);
}

}  // namespace
