#include "base/text.h"
#include "misconfig/kubernetes_checks.h"

#include <algorithm>
#include <array>
#include <optional>
#include <cctype>
#include <set>

#include "misconfig/kubernetes.h"
#include "misconfig/yaml_doc.h"

namespace moat::misconfig {
namespace {

constexpr const char* kBaseline = "PSS baseline";
constexpr const char* kRestricted = "PSS restricted";
constexpr const char* kPssUrl = "https://kubernetes.io/docs/concepts/security/pod-security-standards/";
constexpr std::string_view kSuppressPrefix = "moat.dev/ignore.";

}  // namespace

const std::vector<KubernetesRule>& kubernetes_rules() {
  static const std::vector<KubernetesRule> rules = {
      {"MOAT-K8S-001", "Privileged container", Level::High,
       "Remove securityContext.privileged or set it to false.", {kBaseline, "CIS 5.2.2", kPssUrl}},
      {"MOAT-K8S-002", "Pod shares the host PID namespace", Level::High, "Remove spec.hostPID or set it to false.",
       {kBaseline, "CIS 5.2.3", kPssUrl}},
      {"MOAT-K8S-003", "Pod shares the host IPC namespace", Level::High, "Remove spec.hostIPC or set it to false.",
       {kBaseline, "CIS 5.2.4", kPssUrl}},
      {"MOAT-K8S-004", "Pod shares the host network namespace", Level::High,
       "Remove spec.hostNetwork or set it to false.", {kBaseline, "CIS 5.2.5", kPssUrl}},
      {"MOAT-K8S-005", "Windows HostProcess container", Level::High,
       "Remove windowsOptions.hostProcess or set it to false.", {kBaseline, "CIS 5.2.11", kPssUrl}},
      {"MOAT-K8S-006", "Capability added beyond the baseline set", Level::High,
       "Add only capabilities of the baseline set (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, "
       "NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT).",
       {kBaseline, "CIS 5.2.9", kPssUrl}},
      {"MOAT-K8S-007", "hostPath volume", Level::Medium,
       "Use emptyDir, a PersistentVolumeClaim, a ConfigMap or a Secret instead of a host path.",
       {kBaseline, "CIS 5.2.12", kPssUrl}},
      {"MOAT-K8S-008", "Container runtime socket or host root mounted", Level::Critical,
       "Never mount the container runtime socket or the host's root: it gives full control of the node.",
       {kBaseline, "CIS 5.2.12", kPssUrl}},
      {"MOAT-K8S-009", "Host port", Level::Medium, "Remove hostPort; expose the container through a Service.",
       {kBaseline, "CIS 5.2.13", kPssUrl}},
      {"MOAT-K8S-010", "AppArmor profile disabled", Level::Medium,
       "Use the runtime/default AppArmor profile or a localhost profile.", {kBaseline, kPssUrl}},
      {"MOAT-K8S-011", "Custom SELinux options", Level::Medium,
       "Do not set seLinuxOptions.user or role; set type only to container_t, container_init_t, container_kvm_t "
       "or container_engine_t.",
       {kBaseline, kPssUrl}},
      {"MOAT-K8S-012", "Unmasked /proc mount", Level::Medium, "Remove procMount or set it to Default.",
       {kBaseline, kPssUrl}},
      {"MOAT-K8S-013", "Seccomp profile Unconfined", Level::Medium,
       "Set seccompProfile.type to RuntimeDefault or Localhost.", {kBaseline, "CIS 5.7.2", kPssUrl}},
      {"MOAT-K8S-014", "Unsafe sysctl", Level::Medium,
       "Set only the safe sysctls (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, "
       "net.ipv4.ip_unprivileged_port_start, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, ...).",
       {kBaseline, kPssUrl}},
      {"MOAT-K8S-015", "Volume type outside the restricted list", Level::Low,
       "Use only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret "
       "volumes.",
       {kRestricted, kPssUrl}},
      {"MOAT-K8S-016", "Privilege escalation allowed", Level::Medium,
       "Set securityContext.allowPrivilegeEscalation to false.", {kRestricted, "CIS 5.2.6", kPssUrl}},
      {"MOAT-K8S-017", "Container may run as root", Level::Medium,
       "Set securityContext.runAsNonRoot to true on the pod or the container.", {kRestricted, "CIS 5.2.7", kPssUrl}},
      {"MOAT-K8S-018", "Runs as user 0 (root)", Level::High, "Set securityContext.runAsUser to a non-zero UID.",
       {kRestricted, "CIS 5.2.7", kPssUrl}},
      {"MOAT-K8S-019", "No seccomp profile", Level::Low,
       "Set securityContext.seccompProfile.type to RuntimeDefault (or Localhost) on the pod or the container.",
       {kRestricted, "CIS 5.7.2", kPssUrl}},
      {"MOAT-K8S-020", "Capabilities not dropped", Level::Low,
       "Set securityContext.capabilities.drop to [\"ALL\"].", {kRestricted, "CIS 5.2.8", "CIS 5.2.10", kPssUrl}},
      {"MOAT-K8S-021", "Capability added beyond NET_BIND_SERVICE", Level::Low,
       "Add back no capability other than NET_BIND_SERVICE.", {kRestricted, "CIS 5.2.9", kPssUrl}},
      {"MOAT-K8S-022", "No resource limits", Level::Medium,
       "Set resources.limits.cpu and resources.limits.memory.", {"CIS 5.7.3"}},
      {"MOAT-K8S-023", "No resource requests", Level::Low,
       "Set resources.requests.cpu and resources.requests.memory.", {"CIS 5.7.3"}},
      {"MOAT-K8S-024", "Root file system writable", Level::Medium,
       "Set securityContext.readOnlyRootFilesystem to true; mount emptyDir where the program writes.",
       {"CIS 5.7.3"}},
      {"MOAT-K8S-025", "Image without tag or with tag latest", Level::Medium,
       "Name an explicit version tag, or better a digest (image@sha256:...).", {"CIS 5.5.1"}},
      {"MOAT-K8S-026", "Image not pinned by digest", Level::Low,
       "Reference the image by digest (image:tag@sha256:...) so the same bytes run every time.", {"CIS 5.5.1"}},
      {"MOAT-K8S-027", "Service-account token automounted", Level::Medium,
       "Set automountServiceAccountToken: false on the pod or its ServiceAccount unless it calls the API.",
       {"CIS 5.1.6"}},
      {"MOAT-K8S-028", "Secret passed as environment variable", Level::Medium,
       "Mount the Secret as a file (secret volume) instead of env/envFrom.", {"CIS 5.4.1"}},
      {"MOAT-K8S-029", "No liveness probe", Level::Low, "Add a livenessProbe.", {}},
      {"MOAT-K8S-030", "No readiness probe", Level::Low, "Add a readinessProbe.", {}},
      {"MOAT-K8S-031", "Object in the default namespace", Level::Low,
       "Deploy into a dedicated namespace.", {"CIS 5.7.4"}},
      {"MOAT-K8S-040", "Role grants wildcard verbs", Level::High, "List the verbs the subject needs instead of \"*\".",
       {"CIS 5.1.3"}},
      {"MOAT-K8S-041", "Role grants wildcard resources", Level::High,
       "List the resources the subject needs instead of \"*\".", {"CIS 5.1.3"}},
      {"MOAT-K8S-042", "Role can read Secrets", Level::High,
       "Remove get/list/watch on secrets, or limit it with resourceNames.", {"CIS 5.1.2"}},
      {"MOAT-K8S-043", "Role can exec or attach into pods", Level::High,
       "Remove access to pods/exec and pods/attach.", {"CIS 5.1.4"}},
      {"MOAT-K8S-044", "Role can escalate, bind or impersonate", Level::Critical,
       "Remove the escalate, bind and impersonate verbs.", {"CIS 5.1.8"}},
      {"MOAT-K8S-045", "Role can proxy to nodes", Level::High, "Remove access to nodes/proxy.", {"CIS 5.1.10"}},
      {"MOAT-K8S-046", "Binding to cluster-admin", Level::Critical,
       "Bind a role with only the permissions the subject needs.", {"CIS 5.1.1"}},
      {"MOAT-K8S-047", "Binding to anonymous or unauthenticated users", Level::Critical,
       "Remove system:anonymous and system:unauthenticated from the subjects.", {"CIS 5.1.1"}},
      {"MOAT-K8S-048", "Binding to the system:masters group", Level::High,
       "Do not grant to system:masters; it bypasses RBAC.", {"CIS 5.1.7"}},
      {"MOAT-K8S-049", "Role can create pods", Level::Medium, "Remove create on pods unless required.",
       {"CIS 5.1.4"}},
      {"MOAT-K8S-050", "Service with externalIPs", Level::Medium,
       "Remove spec.externalIPs (CVE-2020-8554); use a LoadBalancer or Ingress.", {}},
      {"MOAT-K8S-051", "ConfigMap holds a credential", Level::Medium,
       "Move passwords, tokens and keys to a Secret.", {"CIS 5.4.1"}},
      {"MOAT-K8S-052", "Ingress without TLS", Level::Low, "Add spec.tls with a certificate Secret.", {}},
      {"MOAT-K8S-053", "NetworkPolicy allows all ingress", Level::Low,
       "Restrict ingress with from: and ports: selectors.", {"CIS 5.3.2"}},
      {"MOAT-K8S-099", "Suppression without a reason", Level::Low,
       "Give the moat.dev/ignore.<rule> annotation a value that says why the finding does not apply.", {}},
  };
  return rules;
}

namespace {

const KubernetesRule& rule(std::string_view id) { return find_rule(kubernetes_rules(), id); }

bool is_true(const YamlNode* node) { return node != nullptr && node->as_bool() == std::optional<bool>(true); }
bool is_false(const YamlNode* node) { return node != nullptr && node->as_bool() == std::optional<bool>(false); }

std::string upper(std::string_view text) { return ascii_upper(text); }
std::string lower(std::string_view text) { return ascii_lower(text); }

// Capabilities are written with or without the CAP_ prefix, in any case.
std::string capability_name(const std::string& text) {
  std::string name = upper(text);
  if (name.rfind("CAP_", 0) == 0) name.erase(0, 4);
  return name;
}

template <std::size_t N>
bool one_of(std::string_view value, const std::array<std::string_view, N>& set) {
  return std::find(set.begin(), set.end(), value) != set.end();
}

constexpr std::array<std::string_view, 13> kBaselineCapabilities = {
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
    "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"};

constexpr std::array<std::string_view, 10> kSafeSysctls = {
    "kernel.shm_rmid_forced",        "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",       "net.ipv4.ping_group_range",    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",   "net.ipv4.tcp_fin_timeout",     "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes"};

constexpr std::array<std::string_view, 8> kRestrictedVolumeTypes = {
    "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"};

constexpr std::array<std::string_view, 5> kSelinuxTypes = {"", "container_t", "container_init_t", "container_kvm_t",
                                                           "container_engine_t"};

// Host paths that hand the node to whoever runs in the pod: the root, the runtime directories,
// and any container runtime's socket or the directory holding it, wherever a distribution puts it
// (k3s and RKE2 keep containerd under /run/k3s, /run/rke2).
constexpr std::array<std::string_view, 4> kDangerousHostPaths = {"/", "/var/run", "/run", "/var/lib/docker"};
constexpr std::array<std::string_view, 5> kRuntimeSockets = {"docker.sock", "containerd.sock", "crio.sock",
                                                             "cri-dockerd.sock", "podman.sock"};
constexpr std::array<std::string_view, 4> kRuntimeDirectories = {"containerd", "crio", "docker", "podman"};

bool runtime_path(std::string_view path) {
  if (std::find(kDangerousHostPaths.begin(), kDangerousHostPaths.end(), path) != kDangerousHostPaths.end()) return true;
  std::string_view base = path.substr(path.rfind('/') + 1);
  if (std::find(kRuntimeSockets.begin(), kRuntimeSockets.end(), base) != kRuntimeSockets.end()) return true;
  std::string_view parent = path.substr(0, path.rfind('/'));
  bool under_run = parent == "/run" || parent == "/var/run" || parent.starts_with("/run/k3s") || parent.starts_with("/run/rke2");
  return under_run && std::find(kRuntimeDirectories.begin(), kRuntimeDirectories.end(), base) != kRuntimeDirectories.end();
}

std::string normalized_path(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

class ObjectChecker {
 public:
  ObjectChecker(const KubernetesObject& object, const std::string& file, const std::set<std::string>& quiet_accounts,
                std::vector<ConfigFinding>& out)
      : object_(object), file_(file), quiet_accounts_(quiet_accounts), out_(out) {}

  // Counts the findings that an in-place suppression removed.
  ObjectChecker& count_suppressed(size_t* count) {
    suppressed_count_ = count;
    return *this;
  }

  void run() {
    std::vector<ConfigFinding> found;
    found_ = &found;
    check_namespace();
    const PodTemplate pod = pod_template(object_);
    if (pod.spec != nullptr) check_pod(pod);
    if (object_.kind == "Role" || object_.kind == "ClusterRole") check_role();
    if (object_.kind == "RoleBinding" || object_.kind == "ClusterRoleBinding") check_binding();
    if (object_.kind == "Service") check_service();
    if (object_.kind == "ConfigMap") check_config_map();
    if (object_.kind == "Ingress") check_ingress();
    if (object_.kind == "NetworkPolicy") check_network_policy();
    apply_suppressions(found);
  }

 private:
  void report(std::string_view id, Position where, std::string message) {
    const KubernetesRule& r = rule(id);
    ConfigFinding finding;
    finding.rule_id = std::string(r.id);
    finding.title = std::string(r.title);
    finding.level = r.level;
    finding.file = file_;
    finding.where = where;
    finding.message = object_.id() + ": " + std::move(message);
    finding.resolution = std::string(r.resolution);
    for (std::string_view reference : r.references) finding.references.emplace_back(reference);
    finding.object = object_.id();
    found_->push_back(std::move(finding));
  }

  static Position key_position(const YamlNode* map, std::string_view key) {
    const YamlEntry* entry = map == nullptr ? nullptr : map->find(key);
    return entry == nullptr ? Position{} : entry->key->where();
  }

  void apply_suppressions(std::vector<ConfigFinding>& found) {
    std::set<std::string> suppressed;
    const YamlNode* annotations = object_.node->get("metadata", "annotations");
    if (annotations != nullptr && annotations->is_map()) {
      for (const YamlEntry& entry : annotations->entries()) {
        const std::string& key = entry.key->text();
        if (key.rfind(kSuppressPrefix, 0) != 0) continue;
        const std::string rule_id = key.substr(kSuppressPrefix.size());
        const std::string& reason = entry.value->text();
        if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
          report("MOAT-K8S-099", entry.key->where(), "suppression of " + rule_id + " gives no reason");
        } else {
          suppressed.insert(rule_id);
        }
      }
    }
    keep_unsuppressed(found, suppressed, out_, suppressed_count_);
  }

  void check_namespace() {
    const YamlNode* metadata = object_.node->get("metadata");
    if (metadata != nullptr && metadata->string_at("namespace") == "default") {
      report("MOAT-K8S-031", key_position(metadata, "namespace"), "is placed in the default namespace");
    }
  }

  // ---- pods -----------------------------------------------------------------------------------

  void check_pod(const PodTemplate& pod) {
    const YamlNode& spec = *pod.spec;
    const YamlNode* pod_context = spec.get("securityContext");
    for (std::string_view field : {"hostPID", "hostIPC", "hostNetwork"}) {
      if (is_true(spec.get(field))) {
        const std::string_view id = field == "hostPID" ? "MOAT-K8S-002" : field == "hostIPC" ? "MOAT-K8S-003"
                                                                                              : "MOAT-K8S-004";
        report(id, key_position(&spec, field), "sets " + std::string(field) + ": true");
      }
    }
    if (pod_context != nullptr) check_pod_security_context(*pod_context);
    check_volumes(spec);
    check_annotations(pod.metadata);
    check_service_account_token(spec);
    for (const ContainerRef& container : containers_of(spec)) {
      check_container(container, pod_context, pod);
    }
  }

  void check_pod_security_context(const YamlNode& context) {
    check_shared_security_context(context, "pod");
    if (const YamlNode* user = context.get("runAsUser"); user != nullptr && user->as_int() == 0) {
      report("MOAT-K8S-018", key_position(&context, "runAsUser"), "pod securityContext sets runAsUser: 0");
    }
    const YamlNode* sysctls = context.get("sysctls");
    if (sysctls != nullptr && sysctls->is_sequence()) {
      for (const YamlNode* sysctl : sysctls->items()) {
        const std::string name = sysctl->string_at("name");
        if (!name.empty() && !one_of(name, kSafeSysctls)) {
          report("MOAT-K8S-014", key_position(sysctl, "name"), "sets the unsafe sysctl " + name);
        }
      }
    }
  }

  // Fields that may sit on the pod's or a container's securityContext and are checked the same way.
  void check_shared_security_context(const YamlNode& context, const std::string& owner) {
    if (is_true(context.get("windowsOptions", "hostProcess"))) {
      report("MOAT-K8S-005", key_position(context.get("windowsOptions"), "hostProcess"),
             owner + " sets windowsOptions.hostProcess: true");
    }
    if (const YamlNode* selinux = context.get("seLinuxOptions"); selinux != nullptr && selinux->is_map()) {
      const std::string type = selinux->string_at("type");
      if (!one_of(type, kSelinuxTypes)) {
        report("MOAT-K8S-011", key_position(selinux, "type"), owner + " sets SELinux type " + type);
      }
      for (std::string_view field : {"user", "role"}) {
        if (!selinux->string_at(field).empty()) {
          report("MOAT-K8S-011", key_position(selinux, field),
                 owner + " sets SELinux " + std::string(field) + " " + selinux->string_at(field));
        }
      }
    }
    if (context.string_at("seccompProfile", "type") == "Unconfined") {
      report("MOAT-K8S-013", key_position(context.get("seccompProfile"), "type"),
             owner + " sets seccompProfile.type: Unconfined");
    }
    if (context.string_at("appArmorProfile", "type") == "Unconfined") {
      report("MOAT-K8S-010", key_position(context.get("appArmorProfile"), "type"),
             owner + " sets appArmorProfile.type: Unconfined");
    }
  }

  void check_volumes(const YamlNode& spec) {
    const YamlNode* volumes = spec.get("volumes");
    if (volumes == nullptr || !volumes->is_sequence()) return;
    for (const YamlNode* volume : volumes->items()) {
      if (!volume->is_map()) continue;
      const std::string name = volume->string_at("name");
      for (const YamlEntry& entry : volume->entries()) {
        const std::string& type = entry.key->text();
        if (type == "name") continue;
        if (type == "hostPath") {
          const std::string path = normalized_path(entry.value->string_at("path"));
          if (runtime_path(path)) {
            report("MOAT-K8S-008", entry.key->where(), "volume " + name + " mounts host path " + path);
          } else {
            report("MOAT-K8S-007", entry.key->where(), "volume " + name + " mounts host path " + path);
          }
        } else if (!one_of(std::string_view(type), kRestrictedVolumeTypes)) {
          report("MOAT-K8S-015", entry.key->where(), "volume " + name + " has type " + type);
        }
      }
    }
  }

  // AppArmor and seccomp were annotations before they were fields; both forms are still accepted.
  void check_annotations(const YamlNode* metadata) {
    const YamlNode* annotations = metadata == nullptr ? nullptr : metadata->get("annotations");
    if (annotations == nullptr || !annotations->is_map()) return;
    for (const YamlEntry& entry : annotations->entries()) {
      const std::string& key = entry.key->text();
      const std::string value = entry.value->text();
      if (key.rfind("container.apparmor.security.beta.kubernetes.io/", 0) == 0 && value != "runtime/default" &&
          value.rfind("localhost/", 0) != 0) {
        report("MOAT-K8S-010", entry.key->where(), "annotation " + key + " sets AppArmor profile " + value);
      }
      if ((key == "seccomp.security.alpha.kubernetes.io/pod" ||
           key.rfind("container.seccomp.security.alpha.kubernetes.io/", 0) == 0) &&
          value == "unconfined") {
        report("MOAT-K8S-013", entry.key->where(), "annotation " + key + " sets seccomp unconfined");
      }
    }
  }

  void check_service_account_token(const YamlNode& spec) {
    const YamlNode* automount = spec.get("automountServiceAccountToken");
    if (is_false(automount)) return;
    if (automount != nullptr) {
      report("MOAT-K8S-027", key_position(&spec, "automountServiceAccountToken"),
             "sets automountServiceAccountToken: " + automount->text());
      return;
    }
    std::string account = spec.string_at("serviceAccountName");
    if (account.empty()) account = spec.string_at("serviceAccount");
    if (account.empty()) account = "default";
    if (quiet_accounts_.contains(object_.namespace_name + "/" + account)) return;
    report("MOAT-K8S-027", spec.where(),
           "mounts the token of service account " + account + " (automountServiceAccountToken is not false)");
  }

  // The value of a securityContext field for a container: its own, else the pod's.
  static const YamlNode* effective(const YamlNode* container_context, const YamlNode* pod_context,
                                   std::string_view field) {
    const YamlNode* own = container_context == nullptr ? nullptr : container_context->get(field);
    if (own != nullptr && !own->is_null()) return own;
    return pod_context == nullptr ? nullptr : pod_context->get(field);
  }

  void check_container(const ContainerRef& ref, const YamlNode* pod_context, const PodTemplate& pod) {
    const YamlNode& container = *ref.node;
    const std::string who = std::string(ref.list) + " " + ref.name;
    const YamlNode* context = container.get("securityContext");
    if (context != nullptr && !context->is_map()) context = nullptr;
    const Position here = container.where();

    if (context != nullptr) {
      check_shared_security_context(*context, who);
      if (is_true(context->get("privileged"))) {
        report("MOAT-K8S-001", key_position(context, "privileged"), who + " is privileged");
      }
      if (const YamlNode* proc = context->get("procMount"); proc != nullptr && proc->text() != "Default") {
        report("MOAT-K8S-012", key_position(context, "procMount"), who + " sets procMount: " + proc->text());
      }
      if (const YamlNode* user = context->get("runAsUser"); user != nullptr && user->as_int() == 0) {
        report("MOAT-K8S-018", key_position(context, "runAsUser"), who + " sets runAsUser: 0");
      }
    }
    check_capabilities(context, who, here);
    check_ports(container, who);
    check_restricted_context(context, pod_context, who, here);
    check_image(container, who);
    check_env(container, who);
    if (ref.list != "ephemeralContainers") check_resources(container, who, here);
    if (!is_true(context == nullptr ? nullptr : context->get("readOnlyRootFilesystem"))) {
      const Position where = context != nullptr && context->find("readOnlyRootFilesystem") != nullptr
                                 ? key_position(context, "readOnlyRootFilesystem")
                                 : here;
      report("MOAT-K8S-024", where, who + " does not set readOnlyRootFilesystem: true");
    }
    if (ref.list == "containers" && !pod.runs_to_completion) {
      if (container.get("livenessProbe") == nullptr) report("MOAT-K8S-029", here, who + " has no livenessProbe");
      if (container.get("readinessProbe") == nullptr) report("MOAT-K8S-030", here, who + " has no readinessProbe");
    }
  }

  void check_capabilities(const YamlNode* context, const std::string& who, Position here) {
    const YamlNode* capabilities = context == nullptr ? nullptr : context->get("capabilities");
    const YamlNode* add = capabilities == nullptr ? nullptr : capabilities->get("add");
    if (add != nullptr && add->is_sequence()) {
      for (const YamlNode* item : add->items()) {
        const std::string name = capability_name(item->text());
        if (!one_of(std::string_view(name), kBaselineCapabilities)) {
          report("MOAT-K8S-006", item->where(), who + " adds capability " + name);
        } else if (name != "NET_BIND_SERVICE") {
          report("MOAT-K8S-021", item->where(), who + " adds capability " + name);
        }
      }
    }
    const YamlNode* drop = capabilities == nullptr ? nullptr : capabilities->get("drop");
    bool drops_all = false;
    if (drop != nullptr && drop->is_sequence()) {
      // Pod Security admission compares the literal "ALL"; "all" would not pass it.
      for (const YamlNode* item : drop->items()) drops_all = drops_all || item->text() == "ALL";
    }
    if (!drops_all) {
      const Position where = drop != nullptr ? key_position(capabilities, "drop") : here;
      report("MOAT-K8S-020", where, who + " does not drop ALL capabilities");
    }
  }

  void check_ports(const YamlNode& container, const std::string& who) {
    const YamlNode* ports = container.get("ports");
    if (ports == nullptr || !ports->is_sequence()) return;
    for (const YamlNode* port : ports->items()) {
      const YamlNode* host_port = port->get("hostPort");
      if (host_port != nullptr && !host_port->is_null() && host_port->as_int() != 0) {
        report("MOAT-K8S-009", key_position(port, "hostPort"), who + " binds host port " + host_port->text());
      }
    }
  }

  void check_restricted_context(const YamlNode* context, const YamlNode* pod_context, const std::string& who,
                                Position here) {
    const YamlNode* escalation = context == nullptr ? nullptr : context->get("allowPrivilegeEscalation");
    if (!is_false(escalation)) {
      const Position where = escalation != nullptr ? key_position(context, "allowPrivilegeEscalation") : here;
      report("MOAT-K8S-016", where, who + " does not set allowPrivilegeEscalation: false");
    }
    const YamlNode* non_root = effective(context, pod_context, "runAsNonRoot");
    const YamlNode* user = effective(context, pod_context, "runAsUser");
    const bool runs_as_non_zero_user = user != nullptr && user->as_int().has_value() && *user->as_int() != 0;
    if (!is_true(non_root) && !runs_as_non_zero_user) {
      Position where = here;
      if (non_root != nullptr) {
        const YamlNode* owner = context != nullptr && context->get("runAsNonRoot") != nullptr ? context : pod_context;
        where = key_position(owner, "runAsNonRoot");
      }
      report("MOAT-K8S-017", where, who + " does not set runAsNonRoot: true");
    }
    const YamlNode* seccomp = effective(context, pod_context, "seccompProfile");
    const std::string seccomp_type = seccomp == nullptr ? "" : seccomp->string_at("type");
    if (seccomp_type != "RuntimeDefault" && seccomp_type != "Localhost" && seccomp_type != "Unconfined") {
      report("MOAT-K8S-019", here, who + " has no RuntimeDefault or Localhost seccomp profile");
    }
  }

  void check_image(const YamlNode& container, const std::string& who) {
    const std::string image = container.string_at("image");
    const Position where = key_position(&container, "image");
    if (image.empty()) return;
    if (image.find("@sha256:") != std::string::npos) return;
    const std::size_t slash = image.rfind('/');
    const std::size_t colon = image.rfind(':');
    const bool has_tag = colon != std::string::npos && (slash == std::string::npos || colon > slash);
    if (!has_tag || image.substr(colon + 1) == "latest") {
      report("MOAT-K8S-025", where, who + " uses image " + image + (has_tag ? "" : " without a tag"));
    }
    report("MOAT-K8S-026", where, who + " uses image " + image + " without a digest");
  }

  void check_env(const YamlNode& container, const std::string& who) {
    if (const YamlNode* env = container.get("env"); env != nullptr && env->is_sequence()) {
      for (const YamlNode* variable : env->items()) {
        const YamlNode* value_from = variable->get("valueFrom");
        if (value_from != nullptr && value_from->get("secretKeyRef") != nullptr) {
          report("MOAT-K8S-028", key_position(value_from, "secretKeyRef"),
                 who + " takes " + variable->string_at("name") + " from secret " +
                     value_from->string_at("secretKeyRef", "name"));
        }
      }
    }
    if (const YamlNode* env_from = container.get("envFrom"); env_from != nullptr && env_from->is_sequence()) {
      for (const YamlNode* source : env_from->items()) {
        if (source->get("secretRef") != nullptr) {
          report("MOAT-K8S-028", key_position(source, "secretRef"),
                 who + " imports secret " + source->string_at("secretRef", "name") + " as environment");
        }
      }
    }
  }

  void check_resources(const YamlNode& container, const std::string& who, Position here) {
    const YamlNode* resources = container.get("resources");
    const Position where = resources != nullptr ? key_position(&container, "resources") : here;
    for (const auto& [kind, id] : {std::pair<std::string_view, std::string_view>{"limits", "MOAT-K8S-022"},
                                   std::pair<std::string_view, std::string_view>{"requests", "MOAT-K8S-023"}}) {
      const YamlNode* set = resources == nullptr ? nullptr : resources->get(kind);
      std::string missing;
      for (std::string_view resource : {"cpu", "memory"}) {
        if (set == nullptr || set->get(resource) == nullptr) {
          missing += missing.empty() ? "" : " and ";
          missing += resource;
        }
      }
      if (!missing.empty()) report(id, where, who + " sets no " + std::string(kind) + " for " + missing);
    }
  }

  // ---- RBAC -----------------------------------------------------------------------------------

  static bool contains(const YamlNode* list, std::string_view value) {
    if (list == nullptr || !list->is_sequence()) return false;
    return std::any_of(list->items().begin(), list->items().end(),
                       [&](const YamlNode* item) { return item->is_scalar() && item->text() == value; });
  }

  static const YamlNode* item_equal(const YamlNode* list, std::string_view value) {
    if (list == nullptr || !list->is_sequence()) return nullptr;
    for (const YamlNode* item : list->items()) {
      if (item->is_scalar() && item->text() == value) return item;
    }
    return nullptr;
  }

  void check_role() {
    const YamlNode* rules = object_.node->get("rules");
    if (rules == nullptr || !rules->is_sequence()) return;
    for (const YamlNode* rule_node : rules->items()) {
      if (!rule_node->is_map()) continue;
      const YamlNode* verbs = rule_node->get("verbs");
      const YamlNode* resources = rule_node->get("resources");
      const YamlNode* groups = rule_node->get("apiGroups");
      if (resources == nullptr) continue;  // nonResourceURLs rules grant no object access
      const bool core_group = groups == nullptr || contains(groups, "") || contains(groups, "*");
      const bool any_verb = contains(verbs, "*");
      if (const YamlNode* item = item_equal(verbs, "*")) report("MOAT-K8S-040", item->where(), "grants verbs \"*\"");
      if (const YamlNode* item = item_equal(resources, "*")) {
        report("MOAT-K8S-041", item->where(), "grants resources \"*\"");
      }
      const bool reads = any_verb || contains(verbs, "get") || contains(verbs, "list") || contains(verbs, "watch");
      const YamlNode* names = rule_node->get("resourceNames");
      const bool named_only = names != nullptr && names->is_sequence() && !names->items().empty();
      if (core_group && reads && !named_only && (contains(resources, "secrets") || contains(resources, "*"))) {
        report("MOAT-K8S-042", key_position(rule_node, "verbs"), "can read secrets");
      }
      const bool execs = any_verb || contains(verbs, "create") || contains(verbs, "get");
      for (std::string_view sub : {"pods/exec", "pods/attach", "pods/*"}) {
        if (const YamlNode* item = item_equal(resources, sub); item != nullptr && core_group && execs) {
          report("MOAT-K8S-043", item->where(), "grants " + item->text());
        }
      }
      for (std::string_view verb : {"escalate", "bind", "impersonate"}) {
        if (const YamlNode* item = item_equal(verbs, verb)) {
          report("MOAT-K8S-044", item->where(), "grants the " + std::string(verb) + " verb");
        }
      }
      for (std::string_view sub : {"nodes/proxy", "nodes/*"}) {
        if (const YamlNode* item = item_equal(resources, sub); item != nullptr && core_group) {
          report("MOAT-K8S-045", item->where(), "grants " + item->text());
        }
      }
      if (core_group && (any_verb || contains(verbs, "create"))) {
        if (const YamlNode* item = item_equal(resources, "pods")) {
          report("MOAT-K8S-049", item->where(), "can create pods");
        }
      }
    }
  }

  void check_binding() {
    const YamlNode* role_ref = object_.node->get("roleRef");
    if (role_ref != nullptr && role_ref->string_at("kind") == "ClusterRole" &&
        role_ref->string_at("name") == "cluster-admin") {
      report("MOAT-K8S-046", key_position(role_ref, "name"), "binds cluster-admin");
    }
    const YamlNode* subjects = object_.node->get("subjects");
    if (subjects == nullptr || !subjects->is_sequence()) return;
    for (const YamlNode* subject : subjects->items()) {
      const std::string name = subject->string_at("name");
      if (name == "system:anonymous" || name == "system:unauthenticated") {
        report("MOAT-K8S-047", key_position(subject, "name"), "binds " + name);
      } else if (name == "system:masters") {
        report("MOAT-K8S-048", key_position(subject, "name"), "binds the group system:masters");
      }
    }
  }

  // ---- other objects --------------------------------------------------------------------------

  void check_service() {
    const YamlNode* spec = object_.node->get("spec");
    const YamlNode* ips = spec == nullptr ? nullptr : spec->get("externalIPs");
    if (ips != nullptr && ips->is_sequence() && !ips->items().empty()) {
      report("MOAT-K8S-050", key_position(spec, "externalIPs"), "sets externalIPs");
    }
  }

  void check_config_map() {
    const YamlNode* data = object_.node->get("data");
    if (data == nullptr || !data->is_map()) return;
    for (const YamlEntry& entry : data->entries()) {
      if (!entry.value->is_scalar() || entry.value->text().empty()) continue;
      const std::string& value = entry.value->text();
      if (value.find('\n') != std::string::npos) {
        // A file kept in the map (application.properties, .env): look at its own assignments.
        if (auto line = credential_assignment(value)) {
          report("MOAT-K8S-051", entry.key->where(),
                 "file " + entry.key->text() + " sets " + *line + " in plain text");
        }
        continue;
      }
      if (credential_name(entry.key->text()) && !looks_like_reference(value)) {
        report("MOAT-K8S-051", entry.key->where(), "key " + entry.key->text() + " looks like a credential");
      }
    }
  }

  // Names that say "this is a secret", unless they name where a secret lives (…_URL, …_PATH).
  static bool credential_name(const std::string& name) {
    const std::string key = lower(name);
    for (std::string_view suffix : {"endpoint", "url", "uri", "path", "file", "dir", "name", "ref", "id"})
      if (key.size() > suffix.size() && key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0) return false;
    for (std::string_view word : {"password", "passwd", "secret", "token", "apikey", "api_key", "private_key"})
      if (key.find(word) != std::string::npos) return true;
    return false;
  }

  // A URL or an absolute path points at a secret rather than holding one.
  static bool looks_like_reference(const std::string& value) {
    return value.rfind("http://", 0) == 0 || value.rfind("https://", 0) == 0 || value.rfind("/", 0) == 0;
  }

  // "key=value" or "key: value" lines of a file whose key is credential-like and whose value is a
  // literal (not empty, not a ${placeholder}).
  static std::optional<std::string> credential_assignment(const std::string& text) {
    size_t pos = 0;
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string::npos) nl = text.size();
      std::string line = text.substr(pos, nl - pos);
      pos = nl + 1;
      size_t sep = line.find_first_of("=:");
      if (sep == std::string::npos || line.empty() || line[0] == '#') continue;
      std::string key = line.substr(0, sep), value = line.substr(sep + 1);
      key.erase(0, key.find_first_not_of(" \t"));
      while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
      value.erase(0, value.find_first_not_of(" \t\"'"));
      std::string last = key.substr(key.find_last_of(".") == std::string::npos ? 0 : key.find_last_of(".") + 1);
      if (credential_name(last) && !value.empty() && value[0] != '$' && !looks_like_reference(value)) return key;
    }
    return std::nullopt;
  }

  void check_ingress() {
    const YamlNode* spec = object_.node->get("spec");
    const YamlNode* tls = spec == nullptr ? nullptr : spec->get("tls");
    if (spec != nullptr && (tls == nullptr || !tls->is_sequence() || tls->items().empty())) {
      report("MOAT-K8S-052", key_position(object_.node, "spec"), "serves without TLS");
    }
  }

  void check_network_policy() {
    const YamlNode* spec = object_.node->get("spec");
    const YamlNode* ingress = spec == nullptr ? nullptr : spec->get("ingress");
    if (ingress == nullptr || !ingress->is_sequence()) return;
    for (const YamlNode* rule_node : ingress->items()) {
      // No peers and no ports, or an explicitly empty peer list without ports: every source, every port.
      const YamlNode* from = rule_node->is_map() ? rule_node->get("from") : nullptr;
      const YamlNode* ports = rule_node->is_map() ? rule_node->get("ports") : nullptr;
      bool open_from = from == nullptr || from->is_null() || (from->is_sequence() && from->items().empty());
      bool open_ports = ports == nullptr || ports->is_null() || (ports->is_sequence() && ports->items().empty());
      if (rule_node->is_null() || (rule_node->is_map() && open_from && open_ports)) {
        report("MOAT-K8S-053", rule_node->where(), "has an ingress rule that allows every source and port");
      }
    }
  }

  const KubernetesObject& object_;
  const std::string& file_;
  const std::set<std::string>& quiet_accounts_;
  std::vector<ConfigFinding>& out_;
  size_t* suppressed_count_ = nullptr;
  std::vector<ConfigFinding>* found_ = nullptr;
};

// ServiceAccounts of the file that turn token automounting off: "namespace/name".
std::set<std::string> accounts_without_token(const std::vector<KubernetesObject>& objects) {
  std::set<std::string> quiet;
  for (const KubernetesObject& object : objects) {
    if (object.kind == "ServiceAccount" && is_false(object.node->get("automountServiceAccountToken"))) {
      quiet.insert(object.namespace_name + "/" + object.name);
    }
  }
  return quiet;
}

}  // namespace

std::vector<ConfigFinding> check_kubernetes(std::string_view text, const std::string& file,
                                            std::vector<FileError>& errors, size_t* suppressed) {
  const YamlStream stream = load_yaml_stream(text, file);
  if (stream.error) errors.push_back({file, *stream.error});
  const std::vector<KubernetesObject> objects = kubernetes_objects(stream);
  const std::set<std::string> quiet_accounts = accounts_without_token(objects);
  std::vector<ConfigFinding> findings;
  for (const KubernetesObject& object : objects) {
    ObjectChecker(object, file, quiet_accounts, findings).count_suppressed(suppressed).run();
  }
  return findings;
}

}  // namespace moat::misconfig
