// Rule file semantics (append, override, enabled, exceptions), load and compile errors with their
// file:line, and field extraction through small rule sets written for each case.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "runtime/falco_test_support.h"

namespace moat::runtime::falco::test {
namespace {

std::vector<std::string> names(const RuleSet& rs, const Event& ev, const EvalContext& ctx) {
  std::vector<const Rule*> hits;
  rs.match(ev, ctx, hits);
  std::vector<std::string> out;
  for (const Rule* r : hits) out.push_back(r->name);
  return out;
}

RuleSet compiled(const std::string& yaml) {
  RuleSet rs;
  rs.load(yaml, "rules.yaml");
  rs.compile();
  return rs;
}

std::string load_error(const std::string& yaml) {
  try {
    compiled(yaml);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// A rule "r" on exec events with the given condition; true when it fires.
bool fires(const std::string& condition, const Event& ev, const EvalContext& ctx) {
  RuleSet rs = compiled("- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: " + condition + "\n");
  return !names(rs, ev, ctx).empty();
}

const char* kBase = R"(
- list: shells
  items: [bash, sh]
- list: all_shells
  items: [shells, zsh]
- macro: spawned_process
  condition: evt.type in (execve, execveat)
- macro: shell_procs
  condition: proc.name in (all_shells)
- rule: Shell
  desc: a shell ran
  condition: spawned_process and shell_procs
  output: shell %proc.name
  priority: WARNING
  tags: [shell]
)";

TEST(FalcoRules, ListsOfListsAndMacrosOfMacros) {
  RuleSet rs = compiled(kBase);
  EvalContext ctx;
  EXPECT_EQ(names(rs, exec_event("/bin/zsh", {"zsh"}), ctx), std::vector<std::string>{"Shell"});
  EXPECT_EQ(names(rs, exec_event("/bin/sh", {"sh"}), ctx), std::vector<std::string>{"Shell"});
  EXPECT_TRUE(names(rs, exec_event("/bin/ls", {"ls"}), ctx).empty());
  // Not an exec: the index never offers the rule.
  EXPECT_TRUE(names(rs, open_event("/etc/passwd", 0, "bash"), ctx).empty());
}

TEST(FalcoRules, OldStyleAppend) {
  RuleSet rs;
  rs.load(kBase, "base.yaml");
  rs.load(R"(
- list: shells
  items: [fish]
  append: true
- macro: shell_procs
  condition: or proc.name = tcsh
  append: true
- rule: Shell
  condition: and not proc.pname = sshd
  append: true
)",
          "local.yaml");
  rs.compile();
  FakeProcesses procs;
  procs.add(50, 1, "sshd");
  procs.add(51, 1, "login");
  EvalContext ctx;
  ctx.processes = &procs;
  EXPECT_FALSE(names(rs, exec_event("/bin/fish", {"fish"}, 100, 51), ctx).empty());
  EXPECT_FALSE(names(rs, exec_event("/bin/tcsh", {"tcsh"}, 100, 51), ctx).empty());
  EXPECT_TRUE(names(rs, exec_event("/bin/bash", {"bash"}, 100, 50), ctx).empty());
  EXPECT_EQ(rs.rules().at(0).condition, "spawned_process and shell_procs and not proc.pname = sshd");
}

TEST(FalcoRules, OverrideAppendAndReplace) {
  RuleSet rs;
  rs.load(kBase, "base.yaml");
  rs.load(R"(
- list: shells
  items: [ksh]
  override:
    items: replace
- rule: Shell
  priority: CRITICAL
  tags: [extra]
  output: by %proc.pname
  override:
    priority: replace
    tags: append
    output: append
)",
          "local.yaml");
  rs.compile();
  EvalContext ctx;
  EXPECT_TRUE(names(rs, exec_event("/bin/bash", {"bash"}), ctx).empty());  // bash was replaced
  EXPECT_FALSE(names(rs, exec_event("/bin/ksh", {"ksh"}), ctx).empty());
  const Rule& r = rs.rules().at(0);
  EXPECT_EQ(r.priority, Priority::Critical);
  EXPECT_EQ(r.tags, (std::vector<std::string>{"shell", "extra"}));
  EXPECT_EQ(r.output, "shell %proc.name by %proc.pname");
}

TEST(FalcoRules, EnabledToggles) {
  RuleSet rs;
  rs.load(kBase, "base.yaml");
  rs.load("- rule: Shell\n  enabled: false\n", "off.yaml");
  rs.compile();
  EXPECT_EQ(rs.compiled_rule_count(), 0u);
  EXPECT_TRUE(names(rs, exec_event("/bin/bash", {"bash"}), EvalContext{}).empty());
  rs.load("- rule: Shell\n  enabled: true\n  override:\n    enabled: replace\n", "on.yaml");
  rs.compile();
  EXPECT_FALSE(names(rs, exec_event("/bin/bash", {"bash"}), EvalContext{}).empty());
  // A disabled rule may name things that do not exist: it is never compiled.
  RuleSet lazy = compiled(
      "- rule: Off\n  desc: d\n  output: o\n  priority: INFO\n  enabled: false\n"
      "  condition: no_such_macro and proc.name in (no_such_list)\n");
  EXPECT_EQ(lazy.compiled_rule_count(), 0u);
}

TEST(FalcoRules, Exceptions) {
  RuleSet rs;
  rs.load(std::string(kBase) + R"(
- rule: Write below etc
  desc: d
  condition: evt.type in (open, openat) and evt.is_open_write=true and fd.name startswith /etc
  output: "%fd.name"
  priority: ERROR
  exceptions:
    - name: known_writers
      fields: [proc.name, fd.name]
      comps: [=, startswith]
      values:
        - [dpkg, /etc/apt]
    - name: pkg_managers
      fields: proc.name
      values: [apt, yum]
)",
          "base.yaml");
  rs.load(R"(
- rule: Write below etc
  exceptions:
    - name: known_writers
      values:
        - [vim, /etc/hosts]
  override:
    exceptions: append
)",
          "local.yaml");
  rs.compile();
  EvalContext ctx;
  const uint64_t kWrite = 01;
  EXPECT_FALSE(names(rs, open_event("/etc/shadow", kWrite, "python3"), ctx).empty());
  EXPECT_TRUE(names(rs, open_event("/etc/apt/sources.list", kWrite, "dpkg"), ctx).empty());
  EXPECT_FALSE(names(rs, open_event("/etc/shadow", kWrite, "dpkg"), ctx).empty());  // both fields must match
  EXPECT_TRUE(names(rs, open_event("/etc/hosts", kWrite, "vim"), ctx).empty());     // appended value
  EXPECT_TRUE(names(rs, open_event("/etc/shadow", kWrite, "yum"), ctx).empty());    // single-field form
  EXPECT_TRUE(names(rs, open_event("/etc/shadow", 0, "python3"), ctx).empty());     // a read
}

TEST(FalcoRules, ErrorsNameFileAndLine) {
  EXPECT_EQ(load_error("- rule: x\n  desc: [unclosed\n"), "rules.yaml:3: invalid YAML: end of sequence flow not found")
      << load_error("- rule: x\n  desc: [unclosed\n");
  EXPECT_EQ(load_error("- list: a\n  items: [x]\n\n- plugin: y\n"),
            "rules.yaml:4: unknown item 'plugin', expected rule, macro, list, required_engine_version or "
            "required_plugin_versions");
  EXPECT_EQ(load_error("- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: spawned_process and nope\n"),
            "rules.yaml:1: rule 'r': undefined macro 'spawned_process'");
  EXPECT_EQ(load_error("- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: user.uid contains 0\n"),
            "rules.yaml:1: rule 'r': operator 'contains' is not supported on field user.uid");
  EXPECT_EQ(load_error("- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: proc.nme = bash\n"),
            "rules.yaml:1: rule 'r': unknown field proc.nme");
  EXPECT_EQ(load_error("- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: user.uid = root\n"),
            "rules.yaml:1: rule 'r': field user.uid needs a number, got 'root'");
  EXPECT_EQ(load_error("- rule: r\n  desc: d\n  output: o %proc.nme\n  priority: INFO\n  condition: proc.name = a\n"),
            "rules.yaml:1: rule 'r' output: unknown field proc.nme");
  EXPECT_NE(load_error("\n\n- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: proc.name = = a\n")
                .find("rules.yaml:3: rule 'r' condition: "),
            std::string::npos);
  EXPECT_EQ(load_error("- rule: r\n  condition: and x\n  append: true\n"),
            "rules.yaml:1: rule 'r': append/override of a rule that is not defined");
  EXPECT_EQ(load_error("- rule: r\n  desc: d\n  priority: INFO\n  condition: proc.name = a\n"),
            "rules.yaml:1: rule 'r': needs output");
  EXPECT_EQ(load_error("- rule: r\n  desc: d\n  output: o\n  priority: LOUD\n  condition: proc.name = a\n"),
            "rules.yaml:4: unknown priority 'LOUD'");
  EXPECT_EQ(load_error("- macro: a\n  condition: b\n- macro: b\n  condition: a\n"
                       "- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: a\n"),
            "rules.yaml:5: rule 'r': macro 'a' refers to itself");
  EXPECT_NE(load_error("- list: a\n  items: [b]\n- list: b\n  items: [a]\n"
                       "- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: proc.name in (a)\n")
                .find("nests too deep or refers to itself"),
            std::string::npos);
  EXPECT_EQ(load_error("rule: not a list\n"),
            "rules.yaml:1: a rules file must be a list of rule, macro and list items");
  EXPECT_NE(load_error("- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: proc.name = a\n"
                       "  exceptions:\n    - name: e\n      fields: [proc.name, fd.name]\n      comps: [=]\n")
                .find("has 2 fields but 1 comps"),
            std::string::npos);
  EXPECT_NE(load_error("- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: proc.name = a\n"
                       "  exceptions:\n    - name: e\n      fields: [proc.name]\n      comps: [~=]\n")
                .find("unknown comparison operator '~='"),
            std::string::npos);
  EXPECT_NE(load_error(std::string("- list: a\n  items: [x]\n  ") + '\0' + "\n").find("NUL"), std::string::npos);
}

TEST(FalcoRules, VersionItemsAccepted) {
  RuleSet rs = compiled(
      "- required_engine_version: 0.57.0\n"
      "- required_plugin_versions:\n    - name: container\n      version: 0.4.0\n"
      "      alternatives:\n        - name: k8smeta\n          version: 0.1.0\n");
  EXPECT_EQ(rs.rules().size(), 0u);
}

TEST(FalcoRules, ManyRules) {
  std::string yaml = "- macro: spawned_process\n  condition: evt.type = execve\n";
  for (int i = 0; i < 3000; ++i) {
    yaml += "- rule: r" + std::to_string(i) +
            "\n  desc: d\n  output: o\n  priority: INFO\n  condition: "
            "spawned_process and proc.name = bin" +
            std::to_string(i) + "\n";
  }
  RuleSet rs = compiled(yaml);
  EXPECT_EQ(rs.compiled_rule_count(), 3000u);
  EXPECT_EQ(names(rs, exec_event("/x/bin2999", {"bin2999"}), EvalContext{}), std::vector<std::string>{"r2999"});
  EXPECT_TRUE(names(rs, exec_event("/x/bin3000", {"bin3000"}), EvalContext{}).empty());
}

TEST(FalcoFields, ProcessAncestry) {
  FakeProcesses procs;
  procs.add(1, 0, "systemd");
  procs.add(10, 1, "sshd");
  procs.add(20, 10, "bash", "/bin/bash", {"-l"});
  procs.add(30, 20, "sudo", "/usr/bin/sudo", {"-i"});
  EvalContext ctx;
  ctx.processes = &procs;
  const Event ev = exec_event("/usr/bin/id", {"id", "-u"}, 40, 30);
  EXPECT_TRUE(fires("proc.pname = sudo and proc.aname[2] = bash and proc.aname[3] = sshd", ev, ctx));
  EXPECT_TRUE(fires("proc.aname[0] = id and proc.apid[1] = 30 and proc.aname[4] = systemd", ev, ctx));
  EXPECT_TRUE(fires("proc.aname = sshd", ev, ctx));  // any ancestor
  EXPECT_FALSE(fires("proc.aname = cron", ev, ctx));
  EXPECT_TRUE(fires("proc.pcmdline = \"sudo -i\" and proc.cmdline = \"id -u\" and proc.args = -u", ev, ctx));
  EXPECT_TRUE(fires("proc.pexepath = /usr/bin/sudo and proc.aexepath[2] endswith bash", ev, ctx));
  EXPECT_FALSE(fires("proc.aname[9] exists", ev, ctx));
  EXPECT_TRUE(fires("not proc.aname[9] = x", ev, ctx));
  // A process table that loops back on itself ends the walk.
  FakeProcesses loop;
  loop.add(5, 6, "a");
  loop.add(6, 5, "b");
  ctx.processes = &loop;
  EXPECT_FALSE(fires("proc.aname = nosuch", exec_event("/x", {"x"}, 7, 5), ctx));
}

TEST(FalcoFields, UsersContainersAndK8s) {
  const PasswdUserLookup users("root:x:0:0::/root:/bin/sh\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\nbad line\n",
                               "root:x:0:\nwww-data:x:33:\n");
  ContainerInfo c = nginx_container();
  c.privileged = true;
  EvalContext ctx;
  ctx.users = &users;
  ctx.container = &c;
  Event ev = exec_event("/bin/sh", {"sh"});
  ev.uid = ev.gid = 33;
  ev.loginuid = 0;
  EXPECT_TRUE(fires("user.name = www-data and group.name = www-data and user.loginname = root", ev, ctx));
  EXPECT_TRUE(fires("container.id = 0123456789ab and container.privileged = true", ev, ctx));
  EXPECT_TRUE(
      fires("container.image.repository = docker.io/library/nginx and container.image.tag = \"1.25\"", ev, ctx));
  EXPECT_TRUE(fires("k8s.ns.name = shop and k8s.pod.name startswith web-", ev, ctx));
  EXPECT_TRUE(fires("container.label[io.kubernetes.pod.name] = web-7d9f", ev, ctx));
  EvalContext host;
  EXPECT_TRUE(fires("container.id = host and not container.privileged = true and not k8s.ns.name exists", ev, host));
  ev.uid = 0;
  EXPECT_TRUE(fires("user.name = root", ev, host));  // uid 0 needs no lookup
  ev.uid = 1000;
  EXPECT_FALSE(fires("user.name exists", ev, host));
}

TEST(FalcoFields, FilesNetworkAndArguments) {
  EvalContext ctx;
  const Event wr = open_event("/etc/cron.d/job", 01 | 0100 | 01000, "sh");
  EXPECT_TRUE(fires("evt.type = openat and evt.is_open_write = true and evt.is_open_read = false", wr, ctx));
  EXPECT_TRUE(fires("fd.directory = /etc/cron.d and fd.filename = job and fd.typechar = f and fd.num = 3", wr, ctx));
  EXPECT_TRUE(fires(
      "evt.arg.flags contains O_TRUNC and evt.arg.flags contains O_CREAT and evt.arg[1] = /etc/cron.d/job", wr, ctx));
  EXPECT_TRUE(fires("fd.name pmatch (/etc/cron.d) and not fd.name pmatch (/etc/cron)", wr, ctx));
  EXPECT_TRUE(fires("evt.res = SUCCESS and evt.rawres = 3", wr, ctx));
  Event failed = wr;
  failed.ret = -2;
  EXPECT_TRUE(fires("evt.res = ENOENT and evt.failed = true and fd.num = -1", failed, ctx));

  Event conn;
  conn.type = EventType::Connect;
  conn.family = 2;
  conn.l4proto = 6;
  conn.src_addr = "10.1.0.7";
  conn.src_port = 40000;
  conn.dst_addr = "192.168.1.20";
  conn.dst_port = 22;
  EXPECT_TRUE(
      fires("fd.sip = 192.168.1.20 and fd.sport = 22 and fd.cip = \"10.1.0.7\" and fd.lport = 40000", conn, ctx));
  EXPECT_TRUE(
      fires("fd.snet in (\"192.168.0.0/16\") and fd.net = \"10.0.0.0/8\" and fd.rip = 192.168.1.20", conn, ctx));
  EXPECT_TRUE(
      fires("fd.name = \"10.1.0.7:40000->192.168.1.20:22\" and fd.l4proto = tcp and fd.type = ipv4", conn, ctx));
  EXPECT_FALSE(fires("fd.snet = \"10.0.0.0/8\"", conn, ctx));

  Event caps = exec_event("/bin/x", {"x"});
  caps.caps_known = true;
  caps.cap_effective = (1ULL << 21) | (1ULL << 16);  // CAP_SYS_ADMIN, CAP_SYS_MODULE
  EXPECT_TRUE(
      fires("thread.cap_effective contains CAP_SYS_ADMIN and thread.cap_effective icontains sys_module", caps, ctx));
  EXPECT_FALSE(fires("thread.cap_permitted contains CAP_SYS_ADMIN", caps, ctx));

  Event pt;
  pt.type = EventType::Ptrace;
  pt.flags = 0x4206;
  EXPECT_TRUE(fires("evt.type = ptrace and evt.arg.request contains PTRACE_SEIZE", pt, ctx));
}

TEST(FalcoFields, OperatorSemantics) {
  EvalContext ctx;
  const Event ev = exec_event("/usr/bin/Python3", {"Python3", "-c", "import os"});
  EXPECT_TRUE(fires("proc.name icontains python and proc.name iglob 'py*3'", ev, ctx));
  EXPECT_TRUE(fires("proc.cmdline bcontains 2d63 and proc.name bstartswith 5079", ev, ctx));  // "-c", "Py"
  EXPECT_TRUE(fires("proc.name regex 'Py.*[0-9]'", ev, ctx));
  EXPECT_TRUE(fires("tolower(proc.name) = python3 and basename(proc.exepath) = Python3", ev, ctx));
  EXPECT_TRUE(fires("proc.name = val(proc.aname[0])", ev, ctx));
  EXPECT_TRUE(fires("proc.name intersects (Python3, x) and proc.args contains \"-c \"", ev, ctx));
  EXPECT_TRUE(
      fires("proc.name != bash and user.uid <= 0 and user.uid < 1 and user.uid >= 0 and user.uid > -1", ev, ctx));
  // A field the event lacks makes both = and != false, and `not` true.
  EXPECT_FALSE(fires("fd.name = x", ev, ctx));
  EXPECT_FALSE(fires("fd.name != x", ev, ctx));
  EXPECT_TRUE(fires("not fd.name = x", ev, ctx));
  EXPECT_NE(load_error("- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: proc.name bcontains zz\n")
                .find("invalid hex"),
            std::string::npos);
  EXPECT_NE(load_error("- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: proc.name regex '('\n")
                .find("invalid regex"),
            std::string::npos);
  // Counts libstdc++ would overflow reading (fuzz_falco_condition found \1111...1), and counts
  // above RE2's 1000, are refused by name; 1000 itself and plain digits are fine.
  EXPECT_NE(load_error("- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: proc.name regex "
                       "'(a)\\\\11111111111111111111'\n")
                .find("back-reference 11111111111111111111 is larger than 1000"),
            std::string::npos);
  EXPECT_NE(
      load_error("- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: proc.name regex 'a{2,1001}'\n")
          .find("1001 is larger than 1000"),
      std::string::npos);
  EXPECT_TRUE(fires("proc.name regex 'P{1,1000}y.*3' and proc.name regex 'Python12345678901|Python3'", ev, ctx));
}

TEST(FalcoOutput, FormatsFieldsAndMissingValues) {
  RuleSet rs = compiled(
      "- rule: r\n  desc: d\n  priority: ERROR\n  tags: [a, b]\n  condition: evt.type = execve\n"
      "  output: \"%proc.name ran (parent=%proc.pname gp=%proc.aname[2] uid=%user.uid) 100% sure. %container.info\"\n");
  const Event ev = exec_event("/bin/ls", {"ls"});
  EvalContext ctx;
  std::vector<const Rule*> hits;
  rs.match(ev, ctx, hits);
  ASSERT_EQ(hits.size(), 1u);
  const auto alert = nlohmann::json::parse(rs.alert_json(*hits[0], ev, ctx));
  EXPECT_EQ(
      alert["output"],
      "22:13:20.123456789: Error ls ran (parent=<NA> gp=<NA> uid=0) 100% sure. container_id=host container_name=host");
  EXPECT_TRUE(alert["output_fields"]["proc.pname"].is_null());
  EXPECT_EQ(alert["output_fields"]["user.uid"], 0);
  EXPECT_EQ(alert["tags"], nlohmann::json::array({"a", "b"}));
  // Invalid UTF-8 in event data does not break the JSON line.
  Event odd = exec_event("/bin/\xff\xfe", {"\xff\xfe"});
  hits.clear();
  rs.match(odd, ctx, hits);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_NO_THROW(nlohmann::json::parse(rs.alert_json(*hits[0], odd, ctx)));
}

}  // namespace
}  // namespace moat::runtime::falco::test
