#include "misconfig/compose_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>

namespace moat::misconfig {
namespace {

using ::testing::Contains;
using ::testing::Not;

// A service that passes every rule; `extra` adds lines at the service's indentation (4 spaces).
std::string hardened(const std::string& extra = "", const std::string& image = "nginx:1.25.4") {
  return "services:\n"
         "  web:\n"
         "    image: " + image + "\n"
         "    user: \"101:101\"\n"
         "    read_only: true\n"
         "    deploy:\n"
         "      resources:\n"
         "        limits: {cpus: \"0.5\", memory: 128M}\n" + extra;
}

std::vector<ConfigFinding> check(const std::string& text) {
  std::vector<FileError> errors;
  auto findings = check_compose(text, "compose.yaml", errors);
  for (const FileError& error : errors) ADD_FAILURE() << error.message;
  return findings;
}

std::set<std::string> rule_ids(const std::vector<ConfigFinding>& findings) {
  std::set<std::string> ids;
  for (const ConfigFinding& finding : findings) ids.insert(finding.rule_id);
  return ids;
}

const ConfigFinding& only(const std::vector<ConfigFinding>& findings, const std::string& id) {
  const ConfigFinding* found = nullptr;
  for (const ConfigFinding& finding : findings) {
    if (finding.rule_id == id) {
      EXPECT_EQ(found, nullptr) << "more than one " << id;
      found = &finding;
    }
  }
  if (found == nullptr) throw std::runtime_error("no finding " + id);
  return *found;
}

TEST(ComposeChecks, HardenedServiceHasNoFindings) {
  EXPECT_TRUE(check(hardened()).empty());
  EXPECT_TRUE(check(hardened("    cap_drop: [ALL]\n    cap_add: [NET_BIND_SERVICE, CAP_CHOWN]\n")).empty());
}

TEST(ComposeChecks, EveryRuleIsDescribed) {
  std::string previous;
  for (const ComposeRule& rule : compose_rules()) {
    EXPECT_GT(std::string(rule.id), previous);
    EXPECT_FALSE(rule.title.empty());
    EXPECT_FALSE(rule.resolution.empty());
    previous = std::string(rule.id);
  }
}

// Each rule: the service line that makes it fire, and a near miss that must not.
struct RuleCase {
  std::string id;
  std::string positive;
  std::string negative;
};

TEST(ComposeChecks, EachRuleFiresAndStaysQuiet) {
  const std::vector<RuleCase> cases = {
      {"MOAT-DC-001", "    privileged: true\n", "    privileged: false\n"},
      {"MOAT-DC-002", "    network_mode: host\n", "    network_mode: \"service:db\"\n"},
      {"MOAT-DC-002", "    net: host\n", "    net: bridge\n"},
      {"MOAT-DC-003", "    pid: host\n", "    pid: \"service:db\"\n"},
      {"MOAT-DC-004", "    ipc: host\n", "    ipc: shareable\n"},
      {"MOAT-DC-005", "    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n",
       "    volumes:\n      - docker-sock:/var/run/docker.sock\n"},
      {"MOAT-DC-005", "    volumes:\n      - type: bind\n        source: /\n        target: /host\n",
       "    volumes:\n      - type: volume\n        source: data\n        target: /\n"},
      {"MOAT-DC-005", "    volumes:\n      - /run/containerd/containerd.sock:/c.sock\n",
       "    volumes:\n      - /run/user/1000/app:/app\n"},
      {"MOAT-DC-006", "    volumes:\n      - /etc/:/host/etc:ro\n",
       "    volumes:\n      - /etc/localtime:/etc/localtime:ro\n"},
      {"MOAT-DC-007", "    cap_add: [SYS_ADMIN]\n", "    cap_add: [NET_BIND_SERVICE]\n"},
      {"MOAT-DC-007", "    cap_add:\n      - cap_net_admin\n", "    cap_drop:\n      - NET_ADMIN\n"},
      {"MOAT-DC-010", "    environment:\n      - DB_PASSWORD=hunter2\n",
       "    environment:\n      - DB_PASSWORD=${DB_PASSWORD}\n"},
      {"MOAT-DC-010", "    environment:\n      API_TOKEN: abc123\n",
       "    environment:\n      API_TOKEN_FILE: /run/secrets/token\n"},
      {"MOAT-DC-010", "    environment:\n      AWS_SECRET_ACCESS_KEY: \"wJalrXUtnFEMI\"\n",
       "    environment:\n      SECRET_KEY:\n"},
      {"MOAT-DC-011", "    security_opt: [\"seccomp:unconfined\"]\n",
       "    security_opt: [\"seccomp:/etc/docker/seccomp.json\"]\n"},
      {"MOAT-DC-011", "    security_opt: [\"seccomp=unconfined\"]\n", "    security_opt: [\"no-new-privileges:true\"]\n"},
      {"MOAT-DC-012", "    security_opt: [\"apparmor:unconfined\"]\n", "    security_opt: [\"apparmor:docker-default\"]\n"},
      {"MOAT-DC-013", "    security_opt: [\"label:disable\"]\n", "    security_opt: [\"label:type:svirt_apache_t\"]\n"},
      {"MOAT-DC-017", "    ports:\n      - \"0.0.0.0:22:22\"\n", "    ports:\n      - \"127.0.0.1:22:22\"\n"},
      {"MOAT-DC-017", "    ports:\n      - \"5432:5432\"\n", "    ports:\n      - \"8080:80\"\n"},
      {"MOAT-DC-017", "    ports:\n      - 6379\n", "    ports:\n      - \"[::1]:6379:6379\"\n"},
      {"MOAT-DC-017", "    ports:\n      - \"33060:3306/tcp\"\n", "    ports:\n      - \"8000-8010:8000-8010\"\n"},
      {"MOAT-DC-017", "    ports:\n      - target: 27017\n        published: \"27017\"\n",
       "    ports:\n      - target: 27017\n        host_ip: 127.0.0.1\n        published: \"27017\"\n"},
      {"MOAT-DC-017", "    ports:\n      - \"2370-2380:2370-2380\"\n", "    expose: [\"2375\"]\n"},
      {"MOAT-DC-018", "    devices:\n      - /dev/ttyUSB0:/dev/ttyUSB0\n", "    device_cgroup_rules: []\n"},
      {"MOAT-DC-019", "    cgroup_parent: m-executor-abcd\n", "    cgroup: private\n"},
      {"MOAT-DC-019", "    cgroup: host\n", "    cgroup_parent: \"\"\n"},
      {"MOAT-DC-021", "    uts: host\n", ""},
      {"MOAT-DC-022", "    userns_mode: host\n", ""},
  };
  for (const RuleCase& c : cases) {
    EXPECT_EQ(rule_ids(check(hardened(c.positive))), (std::set<std::string>{c.id})) << c.positive;
    EXPECT_TRUE(check(hardened(c.negative)).empty()) << c.negative;
  }
}

TEST(ComposeChecks, UserRules) {
  auto with_user = [](const std::string& user) {
    return "services:\n  web:\n    image: nginx:1.25.4\n" + user +
           "    read_only: true\n    mem_limit: 64m\n    cpus: 0.5\n";
  };
  EXPECT_EQ(rule_ids(check(with_user(""))), (std::set<std::string>{"MOAT-DC-015"}));
  EXPECT_EQ(rule_ids(check(with_user("    user: \"\"\n"))), (std::set<std::string>{"MOAT-DC-015"}));
  for (const std::string user : {"root", "0", "\"0:0\"", "root:staff"}) {
    EXPECT_EQ(rule_ids(check(with_user("    user: " + user + "\n"))), (std::set<std::string>{"MOAT-DC-014"})) << user;
  }
  for (const std::string user : {"\"1000\"", "nobody", "\"1000:0\"", "${UID}"}) {
    EXPECT_TRUE(check(with_user("    user: " + user + "\n")).empty()) << user;
  }
}

TEST(ComposeChecks, ReadOnlyRootFileSystem) {
  const std::string base = "services:\n  web:\n    image: nginx:1.25.4\n    user: \"1\"\n    mem_limit: 1g\n    cpus: 1\n";
  EXPECT_EQ(rule_ids(check(base)), (std::set<std::string>{"MOAT-DC-016"}));
  EXPECT_EQ(rule_ids(check(base + "    read_only: false\n")), (std::set<std::string>{"MOAT-DC-016"}));
  EXPECT_EQ(only(check(base + "    read_only: false\n"), "MOAT-DC-016").where.line, 7);
  EXPECT_TRUE(check(base + "    read_only: yes\n").empty());
}

TEST(ComposeChecks, ResourceLimitsInEveryFileFormat) {
  const std::string base = "services:\n  web:\n    image: nginx:1.25.4\n    user: \"1\"\n    read_only: true\n";
  EXPECT_EQ(rule_ids(check(base)), (std::set<std::string>{"MOAT-DC-008", "MOAT-DC-009"}));
  EXPECT_EQ(rule_ids(check(base + "    mem_limit: 64m\n")), (std::set<std::string>{"MOAT-DC-009"}));
  EXPECT_EQ(rule_ids(check(base + "    cpus: 0.5\n")), (std::set<std::string>{"MOAT-DC-008"}));
  EXPECT_TRUE(check(base + "    mem_limit: 64m\n    cpu_shares: 256\n").empty());
  EXPECT_TRUE(check(base + "    deploy:\n      resources:\n        limits:\n          cpus: '1'\n          memory: 1G\n")
                  .empty());
  // Reservations are not limits.
  EXPECT_EQ(rule_ids(check(base + "    deploy:\n      resources:\n        reservations: {cpus: '1', memory: 1G}\n")),
            (std::set<std::string>{"MOAT-DC-008", "MOAT-DC-009"}));
  const auto findings = check(base);
  EXPECT_EQ(only(findings, "MOAT-DC-008").where.line, 2);
  EXPECT_EQ(only(findings, "MOAT-DC-008").where.column, 3);
}

TEST(ComposeChecks, ImageTags) {
  for (const std::string image : {"nginx", "nginx:latest", "registry.local:5000/team/app", "ghcr.io/o/app:latest"}) {
    EXPECT_EQ(rule_ids(check(hardened("", image))), (std::set<std::string>{"MOAT-DC-020"})) << image;
  }
  for (const std::string image : {"nginx:1.25", "registry.local:5000/team/app:1.2", "app@sha256:abcd",
                                  "\"${REGISTRY}/app\"", "\"app:${TAG:-latest}\""}) {
    EXPECT_TRUE(check(hardened("", image)).empty()) << image;
  }
  // A service built here has no image to pin.
  EXPECT_TRUE(check("services:\n  web:\n    build: .\n    user: \"1\"\n    read_only: true\n"
                    "    mem_limit: 1g\n    cpus: 1\n")
                  .empty());
}

TEST(ComposeChecks, FindingsCarryPositionObjectAndReferences) {
  const std::string text = hardened(
      "    privileged: true\n"                                  // line 9
      "    volumes:\n"                                          // 10
      "      - \"/var/run/docker.sock:/var/run/docker.sock\"\n"  // 11
      "      - type: bind\n"                                    // 12
      "        source: /proc\n"                                 // 13
      "        target: /host/proc\n"                            // 14
      "    ports:\n"                                            // 15
      "      - \"0.0.0.0:22:22\"\n"                             // 16
      "      - target: 5432\n"                                  // 17
      "        published: 5432\n"                               // 18
      "    environment:\n"                                      // 19
      "      - A=1\n"                                           // 20
      "      - REDIS_PASSWORD=x\n"                              // 21
      "    cap_add: [NET_ADMIN]\n");                            // 22
  const auto findings = check(text);
  const ConfigFinding& privileged = only(findings, "MOAT-DC-001");
  EXPECT_EQ(privileged.file, "compose.yaml");
  EXPECT_EQ(privileged.object, "service/web");
  EXPECT_EQ(privileged.where.line, 9);
  EXPECT_EQ(privileged.where.column, 5);
  EXPECT_EQ(privileged.level, Level::High);
  EXPECT_THAT(privileged.references, Contains("CIS Docker 5.4"));
  EXPECT_NE(privileged.message.find("service/web"), std::string::npos);
  const ConfigFinding& socket = only(findings, "MOAT-DC-005");
  EXPECT_EQ(socket.level, Level::Critical);
  EXPECT_EQ(socket.where.line, 11);
  EXPECT_EQ(socket.where.column, 9);
  EXPECT_THAT(socket.references, Contains("CIS Docker 5.31"));
  const ConfigFinding& proc = only(findings, "MOAT-DC-006");
  EXPECT_EQ(proc.where.line, 13);
  EXPECT_EQ(proc.where.column, 9);
  std::vector<int> port_lines;
  for (const ConfigFinding& finding : findings) {
    if (finding.rule_id == "MOAT-DC-017") port_lines.push_back(finding.where.line);
  }
  EXPECT_EQ(port_lines, (std::vector<int>{16, 17}));
  EXPECT_EQ(only(findings, "MOAT-DC-010").where.line, 21);
  EXPECT_EQ(only(findings, "MOAT-DC-010").where.column, 9);
  EXPECT_EQ(only(findings, "MOAT-DC-007").where.line, 22);
  EXPECT_EQ(only(findings, "MOAT-DC-007").where.column, 15);
}

TEST(ComposeChecks, MergeKeysAndExtensionFields) {
  const std::string text =
      "x-base: &base\n"
      "  privileged: true\n"
      "  environment: &env\n"
      "    DB_PASSWORD: s3cret\n"
      "services:\n"
      "  api:\n"
      "    <<: *base\n"
      "    image: api:1.0\n"
      "    user: \"1\"\n"
      "    read_only: true\n"
      "    mem_limit: 1g\n"
      "    cpus: 1\n";
  const auto findings = check(text);
  EXPECT_EQ(rule_ids(findings), (std::set<std::string>{"MOAT-DC-001", "MOAT-DC-010"}));
  EXPECT_EQ(only(findings, "MOAT-DC-001").where.line, 2);  // where the merged key is written
}

TEST(ComposeChecks, SuppressionWithReasonDropsTheRule) {
  const std::string text = hardened(
      "    pid: host\n"
      "    privileged: true\n"
      "    x-moat-ignore:\n"
      "      MOAT-DC-003: \"process monitor needs the host's processes\"\n");
  EXPECT_EQ(rule_ids(check(text)), (std::set<std::string>{"MOAT-DC-001"}));
}

TEST(ComposeChecks, SuppressionWithoutReasonIsReportedAndIgnored) {
  const std::string text = hardened(
      "    pid: host\n"
      "    x-moat-ignore: {MOAT-DC-003: \"\", MOAT-DC-001: }\n");
  const auto findings = check(text);
  EXPECT_EQ(rule_ids(findings), (std::set<std::string>{"MOAT-DC-003", "MOAT-DC-099"}));
  std::size_t unexplained = 0;
  for (const ConfigFinding& finding : findings) unexplained += finding.rule_id == "MOAT-DC-099";
  EXPECT_EQ(unexplained, 2u);
}

TEST(ComposeChecks, EveryServiceIsCheckedAndNamed) {
  const std::string text =
      "version: '3.8'\n"
      "services:\n"
      "  a: {image: 'x:1', privileged: true, user: '1', read_only: true, mem_limit: 1g, cpus: 1}\n"
      "  b: {image: 'x:1', pid: host, user: '1', read_only: true, mem_limit: 1g, cpus: 1}\n"
      "networks: {default: {}}\n";
  const auto findings = check(text);
  EXPECT_EQ(only(findings, "MOAT-DC-001").object, "service/a");
  EXPECT_EQ(only(findings, "MOAT-DC-003").object, "service/b");
  EXPECT_EQ(only(findings, "MOAT-DC-003").where.line, 4);
}

TEST(ComposeChecks, JsonComposeFile) {
  const std::string text = R"({"services": {"db": {"image": "postgres", "ports": ["5432:5432"]}}})";
  const auto ids = rule_ids(check(text));
  EXPECT_THAT(ids, Contains("MOAT-DC-017"));
  EXPECT_THAT(ids, Contains("MOAT-DC-020"));
}

TEST(ComposeRecognition, ByContentAndByName) {
  EXPECT_TRUE(looks_like_compose("services:\n  web:\n    image: nginx\n"));
  EXPECT_TRUE(looks_like_compose("version: '2'\nservices:\n  web:\n    build: .\n"));
  EXPECT_FALSE(looks_like_compose("apiVersion: v1\nkind: Service\nspec:\n  ports: []\n"));
  EXPECT_FALSE(looks_like_compose("services:\n  - web\n"));
  EXPECT_FALSE(looks_like_compose("services: [\n"));
  EXPECT_FALSE(looks_like_compose("services:\n  web:\n    ports: ['80:80']\n"));
  for (const char* name : {"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml",
                           "a/b/docker-compose.prod.yml", "compose.override.yaml", "Docker-Compose.YML"}) {
    EXPECT_TRUE(is_compose_file_name(name)) << name;
  }
  for (const char* name : {"compose.json", "deployment.yaml", "docker-compose", "my-compose.yml", "composer.json",
                           "compose/values.yaml"}) {
    EXPECT_FALSE(is_compose_file_name(name)) << name;
  }
}

// ---- corpus -------------------------------------------------------------------------------------

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

const std::filesystem::path kCorpus = std::filesystem::path(MOAT_SOURCE_DIR) / "tests/data/misconfig/compose/corpus";

// Expected results: "file<TAB>object<TAB>RULE RULE ..." per service with findings; a file listed
// with object "-" must have no findings.
using Results = std::map<std::string, std::map<std::string, std::set<std::string>>>;

Results expected_results(const std::filesystem::path& path) {
  Results results;
  std::istringstream lines(read(path));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string file, object, ids;
    std::getline(fields, file, '\t');
    std::getline(fields, object, '\t');
    std::getline(fields, ids);
    auto& objects = results[file];
    if (object == "-") continue;
    std::istringstream words(ids);
    for (std::string id; words >> id;) objects[object].insert(id);
  }
  return results;
}

std::map<std::string, std::set<std::string>> by_object(const std::vector<ConfigFinding>& findings) {
  std::map<std::string, std::set<std::string>> objects;
  for (const ConfigFinding& finding : findings) objects[finding.object].insert(finding.rule_id);
  return objects;
}

std::string describe(const std::string& file, const std::map<std::string, std::set<std::string>>& objects) {
  std::string out;
  if (objects.empty()) out += file + "\t-\t\n";
  for (const auto& [object, ids] : objects) {
    out += file + "\t" + object + "\t";
    std::string sep;
    for (const std::string& id : ids) out += std::exchange(sep, " ") + id;
    out += "\n";
  }
  return out;
}

TEST(ComposeCorpus, EveryFileMatchesExpectedResults) {
  const Results expected = expected_results(kCorpus / "expected.tsv");
  std::size_t files = 0;
  std::string mismatches;
  for (const auto& entry : std::filesystem::directory_iterator(kCorpus)) {
    const std::string name = entry.path().filename().string();
    if (name == "expected.tsv") continue;
    ++files;
    const std::string text = read(entry.path());
    EXPECT_TRUE(looks_like_compose(text) || name == "compose-override.yaml") << name;
    std::vector<FileError> errors;
    const auto actual = by_object(check_compose(text, name, errors));
    for (const FileError& error : errors) ADD_FAILURE() << error.message;
    const auto found = expected.find(name);
    if (found == expected.end() || found->second != actual) mismatches += describe(name, actual);
  }
  EXPECT_GE(files, 25u);
  EXPECT_EQ(files, expected.size());
  EXPECT_TRUE(mismatches.empty()) << "actual results differing from expected.tsv:\n" << mismatches;
}

// ---- hostile files ------------------------------------------------------------------------------

TEST(ComposeHostile, BadFilesGiveErrorsAndTheRestIsChecked) {
  std::vector<FileError> errors;
  std::string bomb = "x-bomb:\n  a: &a [x,x,x,x,x,x,x,x,x,x]\n";
  char previous = 'a';
  for (char name = 'b'; name <= 'k'; ++name) {
    bomb += std::string("  ") + name + ": &" + name + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? "," : "") + "*" + previous;
    bomb += "]\n";
    previous = name;
  }
  bomb += "services:\n  web: {image: nginx, privileged: true}\n";
  std::string binary;
  for (int i = 0; i < 100000; ++i) binary.push_back(static_cast<char>(i * 7919 % 256));
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  const std::string huge(50u << 20, '#');
  const std::string malformed = "services:\n  web:\n    image: nginx\n   bad: [\n";
  const std::string list = "- services\n";
  const auto start = std::chrono::steady_clock::now();
  for (const auto& [file, text] : std::vector<std::pair<std::string, const std::string*>>{
           {"bomb.yml", &bomb}, {"blob.bin", &binary}, {"deep.json", &deep}, {"huge.yml", &huge},
           {"malformed.yml", &malformed}, {"list.yml", &list}}) {
    EXPECT_TRUE(check_compose(*text, file, errors).empty()) << file;
  }
  ASSERT_EQ(errors.size(), 6u);
  EXPECT_EQ(errors[0].file, "bomb.yml");
  EXPECT_EQ(errors[5].file, "list.yml");
  for (const FileError& error : errors) {
    EXPECT_NE(error.message.find(error.file), std::string::npos) << error.message;
    EXPECT_EQ(error.message.find('\n'), std::string::npos) << error.message;
  }
  // A later good file is still checked after the bad ones.
  EXPECT_EQ(rule_ids(check(hardened("    privileged: true\n"))), (std::set<std::string>{"MOAT-DC-001"}));
  // Not a timing assertion on speed, a guard against exponential work.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(60));
}

TEST(ComposeHostile, OddShapesAreIgnoredNotFatal) {
  const std::string text =
      "services:\n"
      "  a: nginx\n"
      "  b: ~\n"
      "  c:\n"
      "    image: [x]\n"
      "    user: {name: root}\n"
      "    volumes: {x: y}\n"
      "    ports: [[1, 2], {published: [22]}, \"::\", \":\", \"99999999999:22\"]\n"
      "    environment: [[A=1], {B: 2}]\n"
      "    cap_add: {SYS_ADMIN: true}\n"
      "    devices: [{}]\n"
      "    x-moat-ignore: [MOAT-DC-001]\n";
  std::vector<FileError> errors;
  const auto findings = check_compose(text, "odd.yml", errors);
  EXPECT_TRUE(errors.empty());
  for (const ConfigFinding& finding : findings) EXPECT_EQ(finding.object, "service/c");
}

}  // namespace
}  // namespace moat::misconfig
