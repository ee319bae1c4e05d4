#include "misconfig/kubernetes_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

namespace moat::misconfig {
namespace {

using ::testing::Contains;
using ::testing::Not;

const std::string kDigest = "sha256:" + std::string(64, 'a');

// A Pod that passes every rule; each slot adds lines at the indentation of that place.
struct PodSlots {
  std::string metadata;       // under metadata:, indent 2
  std::string spec;           // under spec:, indent 2
  std::string pod_context;    // under spec.securityContext:, indent 4
  std::string container;      // under the container, indent 4
  std::string context;        // under the container's securityContext:, indent 6
  std::string kind = "Pod";
};

std::string hardened_pod(const PodSlots& slots) {
  return "apiVersion: v1\n"
         "kind: " + slots.kind + "\n"
         "metadata:\n"
         "  name: web\n"
         "  namespace: shop\n" + slots.metadata +
         "spec:\n" + slots.spec +
         "  automountServiceAccountToken: false\n"
         "  securityContext:\n" + slots.pod_context +
         "    runAsNonRoot: true\n"
         "    seccompProfile:\n"
         "      type: RuntimeDefault\n"
         "  containers:\n"
         "  - name: app\n" + slots.container +
         "    image: registry.example.com/shop/web:1.4.2@" + kDigest + "\n"
         "    securityContext:\n" + slots.context +
         "      allowPrivilegeEscalation: false\n"
         "      readOnlyRootFilesystem: true\n"
         "      capabilities:\n"
         "        drop: [\"ALL\"]\n"
         "    resources:\n"
         "      limits: {cpu: 500m, memory: 256Mi}\n"
         "      requests: {cpu: 100m, memory: 128Mi}\n"
         "    livenessProbe: {httpGet: {path: /healthz, port: 8080}}\n"
         "    readinessProbe: {httpGet: {path: /ready, port: 8080}}\n";
}

std::vector<ConfigFinding> check(const std::string& text, const std::string& file = "test.yaml") {
  std::vector<FileError> errors;
  std::vector<ConfigFinding> findings = check_kubernetes(text, file, errors);
  EXPECT_TRUE(errors.empty()) << errors.front().message;
  return findings;
}

std::set<std::string> rule_ids(const std::vector<ConfigFinding>& findings) {
  std::set<std::string> ids;
  for (const ConfigFinding& finding : findings) ids.insert(finding.rule_id);
  return ids;
}

std::set<std::string> ids_of(const std::string& text) { return rule_ids(check(text)); }

const ConfigFinding& only(const std::vector<ConfigFinding>& findings, const std::string& id) {
  const ConfigFinding* match = nullptr;
  for (const ConfigFinding& finding : findings) {
    if (finding.rule_id == id) {
      EXPECT_EQ(match, nullptr) << "more than one " << id;
      match = &finding;
    }
  }
  if (match == nullptr) throw std::runtime_error("no finding " + id);
  return *match;
}

TEST(KubernetesChecks, HardenedPodHasNoFindings) {
  const std::vector<ConfigFinding> findings = check(hardened_pod({}));
  for (const ConfigFinding& finding : findings) ADD_FAILURE() << finding.rule_id << " " << finding.message;
}

struct RuleCase {
  std::string rule;
  PodSlots positive;
};

class PodRule : public ::testing::TestWithParam<RuleCase> {};

TEST_P(PodRule, FiresOnTheViolationOnly) {
  const RuleCase& c = GetParam();
  const std::vector<ConfigFinding> findings = check(hardened_pod(c.positive));
  EXPECT_THAT(rule_ids(findings), Contains(c.rule));
  for (const ConfigFinding& finding : findings) {
    EXPECT_EQ(finding.object, "Pod/shop/web");
    EXPECT_GT(finding.where.line, 0) << finding.rule_id;
    EXPECT_FALSE(finding.references.empty()) << finding.rule_id;
  }
  EXPECT_THAT(ids_of(hardened_pod({})), Not(Contains(c.rule)));
}

PodSlots spec(const std::string& lines) { return {.spec = lines}; }
PodSlots pod_context(const std::string& lines) { return {.pod_context = lines}; }
PodSlots container(const std::string& lines) { return {.container = lines}; }
PodSlots context(const std::string& lines) { return {.context = lines}; }
PodSlots metadata(const std::string& lines) { return {.metadata = lines}; }

INSTANTIATE_TEST_SUITE_P(
    Rules, PodRule,
    ::testing::Values(
        RuleCase{"MOAT-K8S-001", context("      privileged: true\n")},
        RuleCase{"MOAT-K8S-002", spec("  hostPID: true\n")},
        RuleCase{"MOAT-K8S-003", spec("  hostIPC: true\n")},
        RuleCase{"MOAT-K8S-004", spec("  hostNetwork: true\n")},
        RuleCase{"MOAT-K8S-005", pod_context("    windowsOptions: {hostProcess: true}\n")},
        RuleCase{"MOAT-K8S-006", context("      capabilities: {add: [SYS_ADMIN], drop: [ALL]}\n")},
        RuleCase{"MOAT-K8S-007", spec("  volumes:\n  - name: logs\n    hostPath: {path: /var/log}\n")},
        RuleCase{"MOAT-K8S-008", spec("  volumes:\n  - name: sock\n    hostPath: {path: /var/run/docker.sock}\n")},
        RuleCase{"MOAT-K8S-009", container("    ports: [{containerPort: 80, hostPort: 80}]\n")},
        RuleCase{"MOAT-K8S-010", context("      appArmorProfile: {type: Unconfined}\n")},
        RuleCase{"MOAT-K8S-010", metadata("  annotations:\n    container.apparmor.security.beta.kubernetes.io/app: "
                                          "unconfined\n")},
        RuleCase{"MOAT-K8S-011", pod_context("    seLinuxOptions: {type: spc_t}\n")},
        RuleCase{"MOAT-K8S-011", context("      seLinuxOptions: {user: system_u}\n")},
        RuleCase{"MOAT-K8S-012", context("      procMount: Unmasked\n")},
        RuleCase{"MOAT-K8S-013", context("      seccompProfile: {type: Unconfined}\n")},
        RuleCase{"MOAT-K8S-014", pod_context("    sysctls: [{name: kernel.msgmax, value: '65536'}]\n")},
        RuleCase{"MOAT-K8S-015", spec("  volumes:\n  - name: data\n    nfs: {server: nfs.local, path: /x}\n")},
        RuleCase{"MOAT-K8S-016", context("      allowPrivilegeEscalation: true\n")},
        RuleCase{"MOAT-K8S-017", context("      runAsNonRoot: false\n")},
        RuleCase{"MOAT-K8S-018", context("      runAsUser: 0\n")},
        RuleCase{"MOAT-K8S-018", pod_context("    runAsUser: 0\n")},
        RuleCase{"MOAT-K8S-020", context("      capabilities: {drop: [NET_RAW]}\n")},
        RuleCase{"MOAT-K8S-021", context("      capabilities: {add: [CHOWN], drop: [ALL]}\n")},
        RuleCase{"MOAT-K8S-024", context("      readOnlyRootFilesystem: false\n")},
        RuleCase{"MOAT-K8S-027", spec("  automountServiceAccountToken: true\n")},
        RuleCase{"MOAT-K8S-028",
                 container("    env:\n    - name: DB_PASSWORD\n      valueFrom: {secretKeyRef: {name: db, key: pw}}\n")},
        RuleCase{"MOAT-K8S-028", container("    envFrom:\n    - secretRef: {name: db}\n")}));

// Rules whose violation is an absence: the hardened pod with one line removed.
std::string without(std::string text, const std::string& line) {
  const std::size_t at = text.find(line);
  if (at == std::string::npos) throw std::runtime_error("no line " + line);
  return text.erase(at, line.size());
}

TEST(KubernetesChecks, MissingFieldsFire) {
  const std::string pod = hardened_pod({});
  EXPECT_THAT(ids_of(without(pod, "      allowPrivilegeEscalation: false\n")), Contains("MOAT-K8S-016"));
  EXPECT_THAT(ids_of(without(pod, "    runAsNonRoot: true\n")), Contains("MOAT-K8S-017"));
  EXPECT_THAT(ids_of(without(without(pod, "    seccompProfile:\n"), "      type: RuntimeDefault\n")),
              Contains("MOAT-K8S-019"));
  EXPECT_THAT(ids_of(without(pod, "        drop: [\"ALL\"]\n")), Contains("MOAT-K8S-020"));
  EXPECT_THAT(ids_of(without(pod, "      limits: {cpu: 500m, memory: 256Mi}\n")), Contains("MOAT-K8S-022"));
  EXPECT_THAT(ids_of(without(pod, "      requests: {cpu: 100m, memory: 128Mi}\n")), Contains("MOAT-K8S-023"));
  EXPECT_THAT(ids_of(without(pod, "      readOnlyRootFilesystem: true\n")), Contains("MOAT-K8S-024"));
  EXPECT_THAT(ids_of(without(pod, "  automountServiceAccountToken: false\n")), Contains("MOAT-K8S-027"));
  EXPECT_THAT(ids_of(without(pod, "    livenessProbe: {httpGet: {path: /healthz, port: 8080}}\n")),
              Contains("MOAT-K8S-029"));
  EXPECT_THAT(ids_of(without(pod, "    readinessProbe: {httpGet: {path: /ready, port: 8080}}\n")),
              Contains("MOAT-K8S-030"));
}

TEST(KubernetesChecks, DefaultNamespaceOnlyWhenNamed) {
  std::string pod = hardened_pod({});
  pod.replace(pod.find("namespace: shop"), 15, "namespace: default");
  EXPECT_EQ(ids_of(pod), (std::set<std::string>{"MOAT-K8S-031"}));
  EXPECT_TRUE(ids_of(without(hardened_pod({}), "  namespace: shop\n")).empty());
}

TEST(KubernetesChecks, ImageTagsAndDigests) {
  auto image_ids = [](const std::string& image) {
    std::string pod = hardened_pod({});
    const std::string pinned = "registry.example.com/shop/web:1.4.2@" + kDigest;
    pod.replace(pod.find(pinned), pinned.size(), image);
    return ids_of(pod);
  };
  EXPECT_THAT(image_ids("nginx"), Contains("MOAT-K8S-025"));
  EXPECT_THAT(image_ids("nginx:latest"), Contains("MOAT-K8S-025"));
  EXPECT_THAT(image_ids("localhost:5000/nginx"), Contains("MOAT-K8S-025"));
  EXPECT_THAT(image_ids("nginx:1.25"), Not(Contains("MOAT-K8S-025")));
  EXPECT_THAT(image_ids("nginx:1.25"), Contains("MOAT-K8S-026"));
  EXPECT_THAT(image_ids("localhost:5000/nginx:1.25"), Not(Contains("MOAT-K8S-025")));
  EXPECT_THAT(image_ids("nginx@" + kDigest), Not(Contains("MOAT-K8S-026")));
  EXPECT_THAT(image_ids("nginx@" + kDigest), Not(Contains("MOAT-K8S-025")));
}

TEST(KubernetesChecks, AllowedValuesDoNotFire) {
  EXPECT_TRUE(ids_of(hardened_pod(context("      capabilities: {add: [NET_BIND_SERVICE], drop: [ALL]}\n"))).empty());
  EXPECT_TRUE(ids_of(hardened_pod(pod_context("    sysctls: [{name: net.ipv4.ip_local_port_range, value: "
                                              "'1024 65535'}]\n")))
                  .empty());
  EXPECT_TRUE(ids_of(hardened_pod(pod_context("    seLinuxOptions: {type: container_t, level: 's0:c1,c2'}\n"))).empty());
  EXPECT_TRUE(ids_of(hardened_pod(context("      procMount: Default\n"))).empty());
  EXPECT_TRUE(ids_of(hardened_pod(metadata("  annotations:\n    container.apparmor.security.beta.kubernetes.io/app: "
                                           "runtime/default\n")))
                  .empty());
  EXPECT_TRUE(ids_of(hardened_pod(spec("  volumes:\n  - name: tmp\n    emptyDir: {}\n  - name: cfg\n    "
                                       "configMap: {name: cfg}\n  - name: pvc\n    persistentVolumeClaim: "
                                       "{claimName: data}\n")))
                  .empty());
  EXPECT_TRUE(ids_of(hardened_pod(container("    ports: [{containerPort: 8080}]\n"))).empty());
  // A non-zero runAsUser satisfies the non-root requirement without runAsNonRoot.
  EXPECT_THAT(ids_of(without(hardened_pod(context("      runAsUser: 10001\n")), "    runAsNonRoot: true\n")),
              Not(Contains("MOAT-K8S-017")));
  // Quoted "true" is a string: Kubernetes would reject it, moat does not call it privileged.
  EXPECT_THAT(ids_of(hardened_pod(context("      privileged: \"true\"\n"))), Not(Contains("MOAT-K8S-001")));
  // YAML 1.1 booleans are what Kubernetes reads.
  EXPECT_THAT(ids_of(hardened_pod(spec("  hostNetwork: yes\n"))), Contains("MOAT-K8S-004"));
}

TEST(KubernetesChecks, RuntimeSocketIsCriticalNotPlainHostPath) {
  const std::vector<ConfigFinding> findings =
      check(hardened_pod(spec("  volumes:\n  - name: sock\n    hostPath:\n      path: /run/containerd/containerd.sock\n")));
  EXPECT_THAT(rule_ids(findings), Not(Contains("MOAT-K8S-007")));
  const ConfigFinding& sock = only(findings, "MOAT-K8S-008");
  EXPECT_EQ(sock.level, Level::Critical);
  EXPECT_EQ(sock.where.line, 9);
  EXPECT_EQ(sock.where.column, 5);
}

TEST(KubernetesChecks, FindingsNameTheirProfile) {
  const std::vector<ConfigFinding> findings =
      check(hardened_pod(context("      privileged: true\n      allowPrivilegeEscalation: true\n")));
  EXPECT_THAT(only(findings, "MOAT-K8S-001").references, Contains("PSS baseline"));
  EXPECT_THAT(only(findings, "MOAT-K8S-001").references, Contains("CIS 5.2.2"));
  EXPECT_THAT(only(findings, "MOAT-K8S-016").references, Contains("PSS restricted"));
}

TEST(KubernetesChecks, EveryContainerListIsChecked) {
  const std::string text =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: x}\nspec:\n"
      "  initContainers:\n  - name: init\n    image: busybox:1\n    securityContext: {privileged: true}\n"
      "  containers:\n  - name: main\n    image: busybox:1\n"
      "  ephemeralContainers:\n  - name: dbg\n    image: busybox:1\n    securityContext: {privileged: true}\n";
  int privileged = 0;
  for (const ConfigFinding& finding : check(text)) {
    if (finding.rule_id == "MOAT-K8S-001") ++privileged;
  }
  EXPECT_EQ(privileged, 2);
}

TEST(KubernetesChecks, PositionsInMultiDocumentYaml) {
  const std::string text =
      "apiVersion: v1\n"
      "kind: ConfigMap\n"
      "metadata: {name: a, namespace: x}\n"
      "---\n"
      "apiVersion: apps/v1\n"
      "kind: DaemonSet\n"
      "metadata: {name: agent, namespace: monitoring}\n"
      "spec:\n"
      "  template:\n"
      "    spec:\n"
      "      hostPID: true\n"
      "      containers:\n"
      "      - name: agent\n"
      "        image: agent:2\n"
      "        securityContext:\n"
      "          privileged: true\n";
  const std::vector<ConfigFinding> findings = check(text, "agent.yaml");
  const ConfigFinding& pid = only(findings, "MOAT-K8S-002");
  EXPECT_EQ(pid.file, "agent.yaml");
  EXPECT_EQ(pid.object, "DaemonSet/monitoring/agent");
  EXPECT_EQ(pid.where.line, 11);
  EXPECT_EQ(pid.where.column, 7);
  const ConfigFinding& privileged = only(findings, "MOAT-K8S-001");
  EXPECT_EQ(privileged.where.line, 16);
  EXPECT_EQ(privileged.where.column, 11);
  // A missing field points at its container.
  const ConfigFinding& probe = only(findings, "MOAT-K8S-029");
  EXPECT_EQ(probe.where.line, 13);
  EXPECT_EQ(probe.where.column, 9);
}

TEST(KubernetesChecks, PositionsInJson) {
  const std::string text =
      "{\n"
      "  \"apiVersion\": \"apps/v1\",\n"
      "  \"kind\": \"Deployment\",\n"
      "  \"metadata\": {\"name\": \"api\", \"namespace\": \"shop\"},\n"
      "  \"spec\": {\"template\": {\"spec\": {\n"
      "    \"hostNetwork\": true,\n"
      "    \"containers\": [{\"name\": \"api\", \"image\": \"api:latest\"}]\n"
      "  }}}\n"
      "}\n";
  const std::vector<ConfigFinding> findings = check(text, "api.json");
  const ConfigFinding& network = only(findings, "MOAT-K8S-004");
  EXPECT_EQ(network.where.line, 6);
  EXPECT_EQ(network.where.column, 5);
  const ConfigFinding& latest = only(findings, "MOAT-K8S-025");
  EXPECT_EQ(latest.where.line, 7);
  EXPECT_EQ(latest.where.column, 36);
  EXPECT_EQ(latest.object, "Deployment/shop/api");
}

TEST(KubernetesChecks, JobsNeedNoProbes) {
  std::string job = hardened_pod({});
  job = without(job, "    livenessProbe: {httpGet: {path: /healthz, port: 8080}}\n");
  job = without(job, "    readinessProbe: {httpGet: {path: /ready, port: 8080}}\n");
  // Re-home the pod spec under a Job's template.
  std::string body = job.substr(job.find("spec:\n") + 6);
  std::string nested;
  for (std::size_t start = 0; start < body.size();) {
    const std::size_t end = body.find('\n', start);
    nested += "      " + body.substr(start, end - start) + "\n";
    start = end + 1;
  }
  const std::string text = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate, namespace: shop}\n"
                           "spec:\n  template:\n    spec:\n" + nested;
  EXPECT_TRUE(ids_of(text).empty()) << text;
}

TEST(KubernetesChecks, ServiceAccountInFileTurnsTokenOff) {
  const std::string pod = without(hardened_pod(spec("  serviceAccountName: web\n")),
                                  "  automountServiceAccountToken: false\n");
  const std::string account = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: shop}\n"
                              "automountServiceAccountToken: false\n---\n";
  EXPECT_THAT(ids_of(pod), Contains("MOAT-K8S-027"));
  EXPECT_TRUE(ids_of(account + pod).empty());
}

// ---- RBAC --------------------------------------------------------------------------------------

std::string role(const std::string& rules) {
  return "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules:\n" + rules;
}

std::string binding(const std::string& role_name, const std::string& subject) {
  return "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\n"
         "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: " + role_name + "}\n"
         "subjects:\n- " + subject + "\n";
}

TEST(KubernetesRbac, EachRuleFiresAndStaysQuiet) {
  EXPECT_EQ(ids_of(role("- {apiGroups: [''], resources: [configmaps], verbs: ['*']}\n")),
            (std::set<std::string>{"MOAT-K8S-040"}));
  EXPECT_EQ(ids_of(role("- {apiGroups: [apps], resources: ['*'], verbs: [get]}\n")),
            (std::set<std::string>{"MOAT-K8S-041"}));
  EXPECT_EQ(ids_of(role("- {apiGroups: [''], resources: [secrets], verbs: [list]}\n")),
            (std::set<std::string>{"MOAT-K8S-042"}));
  EXPECT_EQ(ids_of(role("- {apiGroups: [''], resources: [pods/exec], verbs: [create]}\n")),
            (std::set<std::string>{"MOAT-K8S-043"}));
  EXPECT_EQ(ids_of(role("- {apiGroups: [''], resources: [pods/attach], verbs: [get]}\n")),
            (std::set<std::string>{"MOAT-K8S-043"}));
  EXPECT_EQ(ids_of(role("- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate, "
                        "bind]}\n- {apiGroups: [''], resources: [users], verbs: [impersonate]}\n"))
                .size(),
            1u);
  EXPECT_EQ(ids_of(role("- {apiGroups: [''], resources: [nodes/proxy], verbs: [get]}\n")),
            (std::set<std::string>{"MOAT-K8S-045"}));
  EXPECT_EQ(ids_of(role("- {apiGroups: [''], resources: [pods], verbs: [create, get]}\n")),
            (std::set<std::string>{"MOAT-K8S-049"}));
  EXPECT_EQ(ids_of(binding("cluster-admin", "{kind: ServiceAccount, name: ci, namespace: ci}")),
            (std::set<std::string>{"MOAT-K8S-046"}));
  EXPECT_EQ(ids_of(binding("view", "{kind: Group, name: system:unauthenticated, apiGroup: rbac.authorization.k8s.io}")),
            (std::set<std::string>{"MOAT-K8S-047"}));
  EXPECT_EQ(ids_of(binding("view", "{kind: User, name: system:anonymous, apiGroup: rbac.authorization.k8s.io}")),
            (std::set<std::string>{"MOAT-K8S-047"}));
  EXPECT_EQ(ids_of(binding("view", "{kind: Group, name: system:masters, apiGroup: rbac.authorization.k8s.io}")),
            (std::set<std::string>{"MOAT-K8S-048"}));
  // A narrow role and a narrow binding.
  EXPECT_TRUE(ids_of(role("- {apiGroups: [''], resources: [configmaps, pods], verbs: [get, list, watch]}\n"
                          "- nonResourceURLs: ['*']\n  verbs: [get]\n"))
                  .empty());
  EXPECT_TRUE(ids_of(binding("view", "{kind: ServiceAccount, name: app, namespace: shop}")).empty());
}

TEST(KubernetesRbac, WildcardRoleReportsEveryConcern) {
  const std::vector<ConfigFinding> findings = check(role("- apiGroups: ['*']\n  resources: ['*']\n  verbs: ['*']\n"));
  EXPECT_EQ(rule_ids(findings), (std::set<std::string>{"MOAT-K8S-040", "MOAT-K8S-041", "MOAT-K8S-042"}));
  EXPECT_EQ(only(findings, "MOAT-K8S-040").where.line, 7);
  EXPECT_EQ(only(findings, "MOAT-K8S-040").where.column, 11);
  EXPECT_EQ(only(findings, "MOAT-K8S-040").object, "ClusterRole/r");
}

// ---- other objects -----------------------------------------------------------------------------

TEST(KubernetesChecks, ServiceConfigMapIngressNetworkPolicy) {
  EXPECT_EQ(ids_of("apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: a}\n"
                   "spec: {ports: [{port: 80}], externalIPs: [203.0.113.5]}\n"),
            (std::set<std::string>{"MOAT-K8S-050"}));
  EXPECT_TRUE(ids_of("apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: a}\nspec: {ports: [{port: 80}]}\n")
                  .empty());
  EXPECT_EQ(ids_of("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\n"
                   "data: {DB_PASSWORD: hunter2, LOG_LEVEL: info}\n"),
            (std::set<std::string>{"MOAT-K8S-051"}));
  EXPECT_TRUE(ids_of("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\n"
                     "data: {LOG_LEVEL: info, TOKEN_TTL: ''}\n")
                  .empty());
  EXPECT_EQ(ids_of("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i, namespace: a}\n"
                   "spec: {rules: [{host: a.example.com}]}\n"),
            (std::set<std::string>{"MOAT-K8S-052"}));
  EXPECT_TRUE(ids_of("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i, namespace: a}\n"
                     "spec: {tls: [{hosts: [a.example.com], secretName: a-tls}]}\n")
                  .empty());
  EXPECT_EQ(ids_of("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n, namespace: a}\n"
                   "spec:\n  podSelector: {}\n  ingress:\n  - {}\n"),
            (std::set<std::string>{"MOAT-K8S-053"}));
  EXPECT_TRUE(ids_of("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n, namespace: a}\n"
                     "spec:\n  podSelector: {}\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]\n")
                  .empty());
  EXPECT_TRUE(ids_of("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: a}\nstringData: {k: v}\n").empty());
}

// ---- suppression -------------------------------------------------------------------------------

TEST(KubernetesChecks, SuppressionWithReasonDropsTheRule) {
  const std::string text = hardened_pod(
      {.metadata = "  annotations:\n    moat.dev/ignore.MOAT-K8S-004: \"CNI agent needs the node network\"\n",
       .spec = "  hostNetwork: true\n"});
  EXPECT_TRUE(ids_of(text).empty());
}

TEST(KubernetesChecks, SuppressionWithoutReasonIsReportedAndIgnored) {
  const std::string text =
      hardened_pod({.metadata = "  annotations:\n    moat.dev/ignore.MOAT-K8S-004: \"\"\n", .spec = "  hostNetwork: true\n"});
  const std::vector<ConfigFinding> findings = check(text);
  EXPECT_EQ(rule_ids(findings), (std::set<std::string>{"MOAT-K8S-004", "MOAT-K8S-099"}));
  EXPECT_EQ(only(findings, "MOAT-K8S-099").where.line, 7);
  EXPECT_EQ(only(findings, "MOAT-K8S-099").where.column, 5);
}

// ---- Helm and kustomize output ------------------------------------------------------------------

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

const std::filesystem::path kData = std::filesystem::path(MOAT_SOURCE_DIR) / "tests/data/misconfig/kubernetes";

// Expected results: "file<TAB>object<TAB>RULE RULE ..." per object with findings; a file listed
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

TEST(KubernetesCorpus, HelmRenderedChart) {
  std::vector<FileError> errors;
  const std::vector<ConfigFinding> findings =
      check_kubernetes(read(kData / "helm-rendered.yaml"), "helm-rendered.yaml", errors);
  EXPECT_TRUE(errors.empty());
  const auto objects = by_object(findings);
  EXPECT_TRUE(objects.contains("Deployment/shop/shop-web"));
  EXPECT_TRUE(objects.contains("ClusterRoleBinding/shop-web-admin"));
  EXPECT_THAT(objects.at("ClusterRoleBinding/shop-web-admin"), Contains("MOAT-K8S-046"));
}

TEST(KubernetesCorpus, KustomizeOutput) {
  std::vector<FileError> errors;
  const std::vector<ConfigFinding> findings =
      check_kubernetes(read(kData / "kustomize-output.yaml"), "kustomize-output.yaml", errors);
  EXPECT_TRUE(errors.empty());
  const auto objects = by_object(findings);
  EXPECT_TRUE(objects.contains("Deployment/staging/staging-api-7d8f9"));
}

TEST(KubernetesCorpus, EveryManifestMatchesExpectedResults) {
  const Results expected = expected_results(kData / "corpus/expected.tsv");
  std::size_t manifests = 0;
  std::string mismatches;
  for (const auto& entry : std::filesystem::directory_iterator(kData / "corpus")) {
    const std::string name = entry.path().filename().string();
    if (name == "expected.tsv") continue;
    ++manifests;
    std::vector<FileError> errors;
    const auto actual = by_object(check_kubernetes(read(entry.path()), name, errors));
    for (const FileError& error : errors) ADD_FAILURE() << error.message;
    const auto found = expected.find(name);
    if (found == expected.end() || found->second != actual) mismatches += describe(name, actual);
  }
  EXPECT_GE(manifests, 60u);
  EXPECT_EQ(manifests, expected.size());
  EXPECT_TRUE(mismatches.empty()) << "actual results differing from expected.tsv:\n" << mismatches;
}

// ---- hostile files ------------------------------------------------------------------------------

TEST(KubernetesHostile, BadFilesGiveErrorsAndTheRestIsChecked) {
  std::vector<FileError> errors;
  std::string bomb = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a: &a [x,x,x,x,x,x,x,x,x,x]\n";
  char previous = 'a';
  for (char name = 'b'; name <= 'k'; ++name) {
    bomb += std::string("  ") + name + ": &" + name + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? "," : "") + "*" + previous;
    bomb += "]\n";
    previous = name;
  }
  std::string binary;
  for (int i = 0; i < 100000; ++i) binary.push_back(static_cast<char>(i * 7919 % 256));
  const std::string deep = std::string(10000, '{') + std::string(10000, '}');
  const std::string huge(50u << 20, '#');
  const auto start = std::chrono::steady_clock::now();
  for (const auto& [file, text] : std::vector<std::pair<std::string, const std::string*>>{
           {"bomb.yaml", &bomb}, {"blob.bin", &binary}, {"deep.json", &deep}, {"huge.yaml", &huge}}) {
    EXPECT_TRUE(check_kubernetes(*text, file, errors).empty()) << file;
  }
  const std::string good = hardened_pod(spec("  hostNetwork: true\n"));
  EXPECT_EQ(rule_ids(check_kubernetes(good + "---\n" + "kind: [\n", "half.yaml", errors)),
            (std::set<std::string>{"MOAT-K8S-004"}));
  ASSERT_EQ(errors.size(), 5u);
  EXPECT_EQ(errors[0].file, "bomb.yaml");
  EXPECT_EQ(errors[4].file, "half.yaml");
  for (const FileError& error : errors) {
    EXPECT_NE(error.message.find(error.file), std::string::npos) << error.message;
    EXPECT_EQ(error.message.find('\n'), std::string::npos) << error.message;
  }
  // Not a timing assertion on speed, a guard against exponential work: minutes would mean a bomb got through.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(60));
}

}  // namespace
}  // namespace moat::misconfig
