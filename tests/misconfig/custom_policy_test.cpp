#include "misconfig/custom_policy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "base/error.h"
#include "base/files.h"
#include "misconfig/config_scan.h"

namespace moat::misconfig {
namespace {

const std::string kData = std::string(MOAT_SOURCE_DIR) + "/tests/data/misconfig/policies";

PolicySet policy(const std::string& text, const std::string& file = "p.yaml") {
  PolicySet set;
  set.add(text, file);
  return set;
}

// One Kubernetes rule with the given scope/kinds lines and `when:` body (indented 6).
std::string k8s_rule(const std::string& when, const std::string& extra = "", const std::string& message = "hit") {
  return "rules:\n"
         "  - id: ACME-001\n"
         "    title: test rule\n"
         "    level: HIGH\n"
         "    message: \"" + message + "\"\n"
         "    resolution: fix it\n"
         "    target: kubernetes\n" + extra +
         "    when:\n" + when;
}

std::string leaf(const std::string& path, const std::string& op, const std::string& value = "") {
  return "      - path: " + path + "\n        op: " + op + "\n" + (value.empty() ? "" : "        value: " + value + "\n");
}

std::vector<ConfigFinding> run_k8s(const PolicySet& set, const std::string& manifest) {
  YamlStream stream = load_yaml_stream(manifest, "m.yaml");
  EXPECT_FALSE(stream.error) << *stream.error;
  return set.check_kubernetes(stream, "m.yaml").findings;
}

const std::string kPod =
    "apiVersion: v1\n"
    "kind: Pod\n"
    "metadata:\n"
    "  name: web\n"
    "  namespace: shop\n"
    "  labels:\n"
    "    app: web\n"
    "spec:\n"
    "  hostNetwork: true\n"
    "  containers:\n"
    "    - name: app\n"
    "      image: nginx:1.25\n"
    "      args: [\"--port\", \"8080\"]\n"
    "      securityContext:\n"
    "        runAsUser: 0\n"
    "      ports:\n"
    "        - name: http\n"
    "          containerPort: 8080\n"
    "        - name: metrics\n"
    "          containerPort: 9090\n";

size_t hits(const std::string& when, const std::string& manifest = kPod, const std::string& extra = "") {
  return run_k8s(policy(k8s_rule(when, extra)), manifest).size();
}

// ---- operators -----------------------------------------------------------------------------------

TEST(CustomPolicy, EachOperatorHoldsAndFails) {
  struct Case {
    std::string path, op, yes, no;
  };
  const std::vector<Case> cases = {
      {"spec.hostNetwork", "equals", "true", "false"},
      {"metadata.name", "not_equals", "api", "web"},
      {"metadata.labels.app", "in", "[web, api]", "[api, db]"},
      {"metadata.labels.app", "not_in", "[api, db]", "[web, api]"},
      {"metadata.name", "matches", "\"^w.b$\"", "\"^api\""},
      {"spec.containers[0].ports[*].containerPort", "greater_than", "9000", "9090"},
      {"spec.containers[0].ports[*].containerPort", "less_than", "8081", "8080"},
      {"spec.containers[0].image", "contains", "nginx", "redis"},
      {"spec.containers[0].args", "contains", "\"--port\"", "\"--host\""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(hits(leaf(c.path, c.op, c.yes)), 1u) << c.op << " " << c.yes;
    EXPECT_EQ(hits(leaf(c.path, c.op, c.no)), 0u) << c.op << " " << c.no;
  }
  EXPECT_EQ(hits(leaf("spec.hostNetwork", "exists")), 1u);
  EXPECT_EQ(hits(leaf("spec.hostPID", "exists")), 0u);
  EXPECT_EQ(hits(leaf("spec.hostPID", "missing")), 1u);
  EXPECT_EQ(hits(leaf("spec.hostNetwork", "missing")), 0u);
}

TEST(CustomPolicy, ComparisonsNeverHoldOnAMissingPath) {
  EXPECT_EQ(hits(leaf("spec.hostPID", "not_equals", "true")), 0u);
  EXPECT_EQ(hits(leaf("spec.hostPID", "not_in", "[true]")), 0u);
}

TEST(CustomPolicy, BooleansAndNumbersCompareAsKubernetesReadsThem) {
  const std::string manifest = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: yes\n"
                               "  priority: 010\n  containers: []\n";
  EXPECT_EQ(hits(leaf("spec.hostNetwork", "equals", "true"), manifest), 1u);
  EXPECT_EQ(hits(leaf("spec.priority", "equals", "10"), manifest), 1u);
  EXPECT_EQ(hits(leaf("spec.hostNetwork", "equals", "\"true\""), manifest), 0u);
}

TEST(CustomPolicy, CombinatorsAnyAllNot) {
  const std::string any = "      - any:\n" + std::string("          - path: spec.hostPID\n            op: exists\n") +
                          "          - path: spec.hostNetwork\n            op: equals\n            value: true\n";
  EXPECT_EQ(hits(any), 1u);
  const std::string all = "      - all:\n          - path: spec.hostPID\n            op: exists\n"
                          "          - path: spec.hostNetwork\n            op: exists\n";
  EXPECT_EQ(hits(all), 0u);
  const std::string negated = "      - not:\n          path: spec.hostNetwork\n          op: exists\n";
  EXPECT_EQ(hits(negated), 0u);
  const std::string negated_missing = "      - not:\n          - path: spec.hostPID\n            op: exists\n";
  EXPECT_EQ(hits(negated_missing), 1u);
  // Top-level conditions must all hold.
  EXPECT_EQ(hits(leaf("spec.hostNetwork", "exists") + leaf("spec.hostPID", "exists")), 0u);
}

// ---- paths ---------------------------------------------------------------------------------------

TEST(CustomPolicy, WildcardsAndSelectors) {
  EXPECT_EQ(hits(leaf("spec.containers[*].ports[name=metrics].containerPort", "equals", "9090")), 1u);
  EXPECT_EQ(hits(leaf("spec.containers[*].ports[name=http].containerPort", "equals", "9090")), 0u);
  EXPECT_EQ(hits(leaf("spec.containers[name=app].securityContext.runAsUser", "equals", "0")), 1u);
  EXPECT_EQ(hits(leaf("spec.containers[name=other].image", "exists")), 0u);
  EXPECT_EQ(hits(leaf("metadata[\"labels\"].app", "equals", "web")), 1u);
  EXPECT_EQ(hits(leaf("metadata.labels[*]", "equals", "web")), 1u);
  EXPECT_EQ(hits(leaf("spec.containers[3].image", "exists")), 0u);
}

TEST(CustomPolicy, FindingPointsAtTheNodeTheConditionNames) {
  auto found = run_k8s(policy(k8s_rule(leaf("spec.containers[*].ports[name=metrics].containerPort", "equals", "9090"))),
                       kPod);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].where.line, 20);
  EXPECT_EQ(found[0].where.column, 11);
  EXPECT_EQ(found[0].rule_id, "ACME-001");
  EXPECT_EQ(found[0].title, "test rule");
  EXPECT_EQ(found[0].level, Level::High);
  EXPECT_EQ(found[0].resolution, "fix it");
  EXPECT_EQ(found[0].object, "Pod/shop/web");
  EXPECT_EQ(found[0].file, "m.yaml");
  // `missing` names the subject: the object here (its first key).
  found = run_k8s(policy(k8s_rule(leaf("spec.hostPID", "missing"))), kPod);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].where.line, 1);
}

// ---- scopes --------------------------------------------------------------------------------------

const std::string kWorkloads = kPod +
                               "---\n"
                               "apiVersion: apps/v1\n"
                               "kind: Deployment\n"
                               "metadata: {name: api, namespace: shop}\n"
                               "spec:\n"
                               "  template:\n"
                               "    spec:\n"
                               "      initContainers:\n"
                               "        - name: init\n"
                               "          image: busybox\n"
                               "      containers:\n"
                               "        - name: api\n"
                               "          image: api:1\n"
                               "---\n"
                               "apiVersion: batch/v1\n"
                               "kind: CronJob\n"
                               "metadata: {name: nightly, namespace: ops}\n"
                               "spec:\n"
                               "  jobTemplate:\n"
                               "    spec:\n"
                               "      template:\n"
                               "        spec:\n"
                               "          containers:\n"
                               "            - name: job\n"
                               "              image: job:1\n"
                               "---\n"
                               "apiVersion: v1\n"
                               "kind: Service\n"
                               "metadata: {name: api, namespace: shop}\n"
                               "spec: {type: NodePort}\n";

TEST(CustomPolicy, ContainerScopeWalksEveryWorkloadKind) {
  auto found = run_k8s(policy(k8s_rule(leaf("securityContext", "missing"), "    scope: container\n",
                                       "${@container} in ${@object} (${image})")),
                       kWorkloads);
  std::vector<std::string> messages;
  for (const auto& f : found) messages.push_back(f.message);
  EXPECT_EQ(messages, (std::vector<std::string>{"init in Deployment/shop/api (busybox)",
                                                "api in Deployment/shop/api (api:1)",
                                                "job in CronJob/ops/nightly (job:1)"}));
  EXPECT_EQ(found[2].where.line, 44);  // the container's first key
}

TEST(CustomPolicy, PodScopeAndKindsFilter) {
  EXPECT_EQ(hits(leaf("hostNetwork", "missing"), kWorkloads, "    scope: pod\n"), 2u);
  EXPECT_EQ(hits(leaf("hostNetwork", "missing"), kWorkloads, "    scope: pod\n    kinds: [CronJob]\n"), 1u);
  EXPECT_EQ(hits(leaf("metadata.name", "exists"), kWorkloads, "    kinds: [Service, Pod]\n"), 2u);
  EXPECT_EQ(hits(leaf("metadata.name", "exists"), kWorkloads), 4u);
}

TEST(CustomPolicy, MessagePlaceholders) {
  auto found = run_k8s(policy(k8s_rule(leaf("spec.containers[*].securityContext.runAsUser", "equals", "0"), "",
                                       "${@kind} ${@name} in ${@namespace}: ${spec.containers[*].name} runs as "
                                       "${@value}; args ${spec.containers[0].args}; ${spec.nothing}; $literal")),
                       kPod);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].message, "Pod web in shop: app runs as 0; args --port, 8080; <none>; $literal");
}

// ---- suppressions --------------------------------------------------------------------------------

TEST(CustomPolicy, AnnotationSuppressesACustomRuleWithAReason) {
  const std::string rule = k8s_rule(leaf("spec.hostNetwork", "equals", "true"));
  std::string annotated = kPod;
  annotated.insert(annotated.find("  labels:"), "  annotations:\n    moat.dev/ignore.ACME-001: \"edge proxy\"\n");
  YamlStream stream = load_yaml_stream(annotated, "m.yaml");
  auto result = policy(rule).check_kubernetes(stream, "m.yaml");
  EXPECT_TRUE(result.findings.empty());
  EXPECT_EQ(result.suppressed, 1u);
  std::string no_reason = kPod;
  no_reason.insert(no_reason.find("  labels:"), "  annotations:\n    moat.dev/ignore.ACME-001: \"\"\n");
  EXPECT_EQ(run_k8s(policy(rule), no_reason).size(), 1u);
}

// ---- Dockerfiles ---------------------------------------------------------------------------------

PolicySet dockerfile_policies() {
  PolicySet set;
  set.add(read_file(kData + "/dockerfile.yaml", 1 << 20), kData + "/dockerfile.yaml");
  return set;
}

TEST(CustomPolicy, DockerfileInstructionStageAndFlagRules) {
  const std::string text = read_file(kData + "/Dockerfile", 1 << 20);
  auto result = dockerfile_policies().check_dockerfile(parse_dockerfile(text, "Dockerfile"), "Dockerfile");
  ASSERT_EQ(result.findings.size(), 3u);
  EXPECT_EQ(result.suppressed, 1u);  // the first wget, by its moat:ignore comment
  EXPECT_EQ(result.findings[0].rule_id, "ACME-DF-1");
  EXPECT_EQ(result.findings[0].where.line, 4);
  EXPECT_EQ(result.findings[0].message, "RUN in stage build downloads with wget");
  EXPECT_EQ(result.findings[0].object, "stage build");
  EXPECT_EQ(result.findings[1].rule_id, "ACME-DF-2");
  EXPECT_EQ(result.findings[1].message, "stage build (FROM debian:bookworm) has no maintainer label");
  EXPECT_EQ(result.findings[1].where.line, 1);
  EXPECT_EQ(result.findings[2].rule_id, "ACME-DF-3");
  EXPECT_EQ(result.findings[2].message, "COPY gives files to root:root");
  EXPECT_EQ(result.findings[2].where.line, 5);
}

TEST(CustomPolicy, DockerfileFileScope) {
  const std::string rules =
      "rules:\n"
      "  - {id: X-1, title: t, level: LOW, message: \"${stages[*].base_image}\", target: dockerfile, scope: file,\n"
      "     when: [{path: \"stages[*].instructions[keyword=USER]\", op: missing}]}\n";
  auto set = policy(rules);
  auto with_user = set.check_dockerfile(parse_dockerfile("FROM alpine:3\nUSER app\n", "D"), "D");
  EXPECT_TRUE(with_user.findings.empty());
  auto without = set.check_dockerfile(parse_dockerfile("FROM alpine:3\nRUN true\n", "D"), "D");
  ASSERT_EQ(without.findings.size(), 1u);
  EXPECT_EQ(without.findings[0].message, "alpine:3");
  EXPECT_EQ(without.findings[0].where.line, 1);
}

// ---- the walk ------------------------------------------------------------------------------------

TEST(CustomPolicy, ScanWithAPolicyDirectoryOfTwoFiles) {
  ConfigScanOptions options;
  options.policy_paths = {kData + "/dir", kData + "/dockerfile.yaml"};
  auto report = scan_config({kData + "/workloads.yaml", kData + "/Dockerfile"}, options);
  EXPECT_TRUE(report.errors.empty());
  std::vector<std::string> custom;
  for (const auto& f : report.findings) {
    if (f.rule_id.rfind("ACME-", 0) == 0) custom.push_back(f.rule_id + " " + f.message);
    // The moat:ignore comment naming a custom id is not an unknown-id problem.
    EXPECT_NE(f.rule_id, "MOAT-DF-030") << f.message;
  }
  EXPECT_EQ(custom, (std::vector<std::string>{
                        "ACME-001 container sidecar of Deployment/shop/web uses image docker.io/envoyproxy/envoy:v1.29",
                        "ACME-002 container sidecar sets no memory limit",
                        "ACME-010 Deployment web runs 1 replica(s)",
                        "ACME-001 container report of CronJob/shop/report uses image quay.io/acme/report:2",
                        "ACME-011 Service/shop/web is exposed as LoadBalancer",
                        "ACME-DF-1 RUN in stage build downloads with wget",
                        "ACME-DF-2 stage build (FROM debian:bookworm) has no maintainer label",
                        "ACME-DF-3 COPY gives files to root:root",
                    }));
  EXPECT_GE(report.suppressed, 2u);  // ACME-002 on the CronJob, ACME-DF-1 on the first RUN
}

TEST(CustomPolicy, BuiltInSuppressionCommentsStillCheckedBesideCustomIds) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "moat-custom-policy-test";
  std::filesystem::create_directories(dir);
  write_file_atomic(dir / "Dockerfile",
                    "FROM debian:bookworm\n"
                    "# moat:ignore ACME-DF-1\n"  // no reason: still a malformed suppression
                    "RUN wget https://example.com/a\n"
                    "# moat:ignore ACME-DF-1 NOPE-9 reason: typo in the second id\n"
                    "RUN wget https://example.com/b\n");
  ConfigScanOptions options;
  options.policy_paths = {kData + "/dockerfile.yaml"};
  auto report = scan_config({(dir / "Dockerfile").string()}, options);
  std::vector<std::string> df030;
  size_t wget = 0;
  for (const auto& f : report.findings) {
    if (f.rule_id == "MOAT-DF-030") df030.push_back(f.message);
    if (f.rule_id == "ACME-DF-1") ++wget;
  }
  EXPECT_EQ(df030.size(), 2u);
  EXPECT_EQ(wget, 1u);  // the second RUN: ACME-DF-1 is known to the policy, the comment has a reason
  std::filesystem::remove_all(dir);
}

// ---- malformed policies --------------------------------------------------------------------------

std::string error_of(const std::string& text) {
  try {
    policy(text);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(CustomPolicy, MalformedPoliciesGiveExactErrors) {
  EXPECT_EQ(error_of(k8s_rule(leaf("spec.hostPID", "is_true"))),
            "p.yaml:10:13: unknown op 'is_true' (equals, not_equals, exists, missing, in, not_in, matches, "
            "greater_than, less_than, contains)");
  EXPECT_EQ(error_of(k8s_rule(leaf("spec..hostPID", "exists"))), "p.yaml:9:15: bad path 'spec..hostPID': has an empty segment");
  EXPECT_EQ(error_of(k8s_rule(leaf("spec.containers[*", "exists"))),
            "p.yaml:9:15: bad path 'spec.containers[*': has an unclosed '['");
  EXPECT_EQ(error_of(k8s_rule(leaf("a[x]", "exists"))),
            "p.yaml:9:15: bad path 'a[x]': has '[x]'; expected [*], [N], [field=value] or [\"key\"]");
  EXPECT_EQ(error_of("rules:\n  - title: t\n    level: LOW\n"), "p.yaml:2:5: rule has no id");
  EXPECT_EQ(error_of("rules:\n  - id: MOAT-K8S-001\n"),
            "p.yaml:2:9: rule id MOAT-K8S-001 collides with the built-in rules: ids starting with MOAT- are reserved");
  EXPECT_EQ(error_of(k8s_rule(leaf("x", "matches", "\"(\""))).substr(0, 28), "p.yaml:11:16: bad regex '(':");
  EXPECT_EQ(error_of(k8s_rule(leaf("x", "greater_than", "ten"))), "p.yaml:11:16: op greater_than needs a number, not 'ten'");
  EXPECT_EQ(error_of(k8s_rule(leaf("x", "in", "web"))), "p.yaml:11:16: op in needs a list value");
  EXPECT_EQ(error_of(k8s_rule(leaf("x", "exists", "1"))), "p.yaml:11:16: op exists takes no value");
  EXPECT_EQ(error_of(k8s_rule(leaf("x", "equals"))), "p.yaml:10:13: op equals needs a value");
  EXPECT_EQ(error_of(k8s_rule(leaf("x", "exists"), "    scope: stage\n")),
            "p.yaml:8:12: unknown scope 'stage' for target kubernetes (object, pod, container)");
  EXPECT_EQ(error_of(k8s_rule(leaf("x", "exists"), "    severity: HIGH\n")),
            "p.yaml:8:5: unknown key 'severity' in rule ACME-001");
  EXPECT_EQ(error_of(k8s_rule(leaf("x", "exists"), "", "${@nope}")), "p.yaml:5:14: unknown placeholder ${@nope} in message");
  EXPECT_EQ(error_of(k8s_rule(leaf("x", "exists"), "", "${a")), "p.yaml:5:14: message has an unclosed '${'");
  EXPECT_EQ(error_of("rules:\n  - id: A-1\n    title: t\n"), "p.yaml:2:5: rule A-1 has no message");
  EXPECT_EQ(error_of("rule: []\n"), "p.yaml:1:1: unknown key 'rule' (a policy file holds 'rules')");
  EXPECT_EQ(error_of(""), "p.yaml: empty policy file: expected a 'rules' list");
  EXPECT_EQ(error_of("rules: [\n"), error_of("rules: [\n"));  // the YAML reader's own positioned error
  EXPECT_NE(error_of("rules: [\n"), "no error");
}

TEST(CustomPolicy, DuplicateIdsAcrossFiles) {
  PolicySet set;
  set.add(k8s_rule(leaf("x", "exists")), "a.yaml");
  try {
    set.add(k8s_rule(leaf("y", "exists")), "b.yaml");
    FAIL() << "duplicate accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "b.yaml:2:9: duplicate rule id ACME-001 (already defined at a.yaml:2:9)");
  }
  EXPECT_EQ(set.size(), 1u);  // nothing of the failing file was added
  EXPECT_TRUE(set.defines("acme-001"));
}

TEST(CustomPolicy, MissingPolicyPathFails) {
  EXPECT_THROW(load_policy_files({kData + "/absent.yaml"}), Error);
}

TEST(CustomPolicy, RegexRepetitionsAreBounded) {
  EXPECT_EQ(error_of(k8s_rule(leaf("x", "matches", "\"a{7777777777777777777}\""))),
            "p.yaml:11:16: bad regex 'a{7777777777777777777}': counted repetitions {n,m} multiply to more than 10000");
  EXPECT_EQ(error_of(k8s_rule(leaf("x", "matches", "\"((a{100}){100}){2}\""))),
            "p.yaml:11:16: bad regex '((a{100}){100}){2}': counted repetitions {n,m} multiply to more than 10000");
  EXPECT_EQ(error_of(k8s_rule(leaf("x", "matches", "\"(a)\\\\1234\""))).substr(0, 40),
            "p.yaml:11:16: bad regex '(a)\\1234': back");
  EXPECT_EQ(hits(leaf("metadata.name", "matches", "\"^w{1,3}e[b]{1}$\"")), 1u);
}

TEST(CustomPolicy, RegexInputIsBounded) {
  const std::string manifest = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + std::string(100000, 'a') +
                               "\nspec: {containers: []}\n";
  // Catastrophic on long input; only the first characters are searched, and a regex_error is no match.
  EXPECT_LE(hits(leaf("metadata.name", "matches", "\"^(a+)+$\""), manifest), 1u);
}

}  // namespace
}  // namespace moat::misconfig
