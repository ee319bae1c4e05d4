#include "base/text.h"
#include "misconfig/compose_checks.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <set>
#include <stdexcept>

namespace moat::misconfig {
namespace {

constexpr std::string_view kSuppressKey = "x-moat-ignore";
constexpr const char* kComposeSecretsUrl = "https://docs.docker.com/compose/how-tos/use-secrets/";

}  // namespace

const std::vector<ComposeRule>& compose_rules() {
  static const std::vector<ComposeRule> rules = {
      {"MOAT-DC-001", "Privileged container", Level::High, "Remove privileged: true; add only the capabilities needed.",
       {"CIS Docker 5.4"}},
      {"MOAT-DC-002", "Service shares the host network namespace", Level::High,
       "Remove network_mode: host; publish the ports the service needs.", {"CIS Docker 5.9"}},
      {"MOAT-DC-003", "Service shares the host PID namespace", Level::High, "Remove pid: host.", {"CIS Docker 5.15"}},
      {"MOAT-DC-004", "Service shares the host IPC namespace", Level::High, "Remove ipc: host.", {"CIS Docker 5.16"}},
      {"MOAT-DC-005", "Container runtime socket or host root mounted", Level::Critical,
       "Never mount the container runtime socket, /var/run or the host's root: it gives full control of the host.",
       {"CIS Docker 5.31", "CIS Docker 5.5"}},
      {"MOAT-DC-006", "Sensitive host directory mounted", Level::High,
       "Do not mount /boot, /dev, /etc, /lib, /proc, /sys or /usr of the host; mount only the files needed, "
       "read-only.",
       {"CIS Docker 5.5"}},
      {"MOAT-DC-007", "Capability added beyond Docker's default set", Level::High,
       "Remove the cap_add entry, or add back only what the program needs after cap_drop: [ALL].",
       {"CIS Docker 5.3"}},
      {"MOAT-DC-008", "No memory limit", Level::Medium,
       "Set mem_limit (file format v2) or deploy.resources.limits.memory (v3 and the Compose Specification).",
       {"CIS Docker 5.10"}},
      {"MOAT-DC-009", "No CPU limit", Level::Low,
       "Set cpus or cpu_shares (file format v2) or deploy.resources.limits.cpus (v3 and the Compose "
       "Specification).",
       {"CIS Docker 5.11"}},
      {"MOAT-DC-010", "Secret in an environment variable", Level::Medium,
       "Use Compose secrets (files under /run/secrets) or interpolate the value from the deploying environment.",
       {kComposeSecretsUrl}},
      {"MOAT-DC-011", "Seccomp profile disabled", Level::High,
       "Remove seccomp:unconfined from security_opt; use the default profile or a custom one.",
       {"CIS Docker 5.21"}},
      {"MOAT-DC-012", "AppArmor profile disabled", Level::Medium,
       "Remove apparmor:unconfined from security_opt; use the default profile or a custom one.",
       {"CIS Docker 5.1"}},
      {"MOAT-DC-013", "SELinux labeling disabled", Level::Medium, "Remove label:disable from security_opt.",
       {"CIS Docker 5.2"}},
      {"MOAT-DC-014", "Runs as root", Level::Medium, "Set user: to a non-zero UID (and GID).", {"CIS Docker 4.1"}},
      {"MOAT-DC-015", "No user set", Level::Low,
       "Set user: to a non-zero UID, unless the image's USER already is one.", {"CIS Docker 4.1"}},
      {"MOAT-DC-016", "Root file system writable", Level::Low,
       "Set read_only: true; mount tmpfs or volumes where the program writes.", {"CIS Docker 5.12"}},
      {"MOAT-DC-017", "Sensitive port published on all interfaces", Level::Medium,
       "Bind the port to one host address (\"127.0.0.1:5432:5432\") or do not publish it; use the Compose "
       "network between services.",
       {"CIS Docker 5.13"}},
      {"MOAT-DC-018", "Host device passed through", Level::Medium,
       "Remove the devices: entry unless the service must drive that hardware.", {"CIS Docker 5.17"}},
      {"MOAT-DC-019", "Custom cgroup parent or host cgroup namespace", Level::Low,
       "Remove cgroup_parent and cgroup: host; let the engine place the container.", {"CIS Docker 5.24"}},
      {"MOAT-DC-020", "Image without tag or with tag latest", Level::Medium,
       "Name an explicit version tag, or better a digest (image@sha256:...).", {}},
      {"MOAT-DC-021", "Service shares the host UTS namespace", Level::Medium, "Remove uts: host.",
       {"CIS Docker 5.20"}},
      {"MOAT-DC-022", "Service shares the host user namespace", Level::Medium, "Remove userns_mode: host.",
       {"CIS Docker 5.30"}},
      {"MOAT-DC-099", "Suppression without a reason", Level::Low,
       "Give each x-moat-ignore entry a value that says why the finding does not apply.", {}},
  };
  return rules;
}

namespace {

const ComposeRule& rule(std::string_view id) { return find_rule(compose_rules(), id); }

bool is_true(const YamlNode* node) { return node != nullptr && node->as_bool() == std::optional<bool>(true); }

std::string upper(std::string_view text) { return ascii_upper(text); }
std::string lower(std::string_view text) { return ascii_lower(text); }

bool blank(const std::string& text) { return text.find_first_not_of(" \t\r\n") == std::string::npos; }

template <std::size_t N>
bool one_of(std::string_view value, const std::array<std::string_view, N>& set) {
  return std::find(set.begin(), set.end(), value) != set.end();
}

// Docker's default capability set: adding one of these back changes nothing unless it was dropped.
constexpr std::array<std::string_view, 14> kDefaultCapabilities = {
    "AUDIT_WRITE", "CHOWN",  "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",    "MKNOD",
    "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"};

// Host paths that hand the host to whoever runs in the container.
constexpr std::array<std::string_view, 13> kRuntimeSocketsAndRoot = {
    "/",
    "/var/run",
    "/run",
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
    "/var/run/cri-dockerd.sock",
    "/run/podman/podman.sock",
    "/var/run/podman/podman.sock",
    "/var/lib/docker"};

// CIS Docker 5.5's list of sensitive host system directories.
constexpr std::array<std::string_view, 7> kSensitiveHostDirectories = {"/boot", "/dev", "/etc", "/lib",
                                                                      "/proc", "/sys", "/usr"};

// Remote shell, the unauthenticated Docker API, and databases that ship without authentication or
// are brute-forced on the open internet.
constexpr std::array<int, 10> kSensitivePorts = {22, 1433, 2375, 2376, 3306, 5432, 6379, 9200, 11211, 27017};

constexpr std::array<std::string_view, 9> kCredentialWords = {"PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY",
                                                             "APIKEY", "PRIVATE_KEY", "ACCESS_KEY", "CREDENTIAL"};

std::string normalized_path(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

// A scalar's text (numbers and booleans included); "" for a missing node, a map or a sequence.
std::string scalar(const YamlNode* node) { return node != nullptr && node->is_scalar() ? node->text() : ""; }

// Map entries including those merged in with `<<: *anchor` (one level, as YamlNode::find does).
std::vector<YamlEntry> entries_of(const YamlNode* map) {
  std::vector<YamlEntry> out;
  if (map == nullptr || !map->is_map()) return out;
  std::set<std::string> seen;
  auto add = [&](const YamlNode* source, bool merged) {
    for (const YamlEntry& entry : source->entries()) {
      if (!entry.key->is_scalar()) continue;
      if (!merged && entry.key->text() == "<<") continue;
      if (seen.insert(entry.key->text()).second) out.push_back(entry);
    }
  };
  add(map, false);
  if (const YamlEntry* merge = map->find("<<"); merge != nullptr) {
    if (merge->value->is_map()) add(merge->value, true);
    for (const YamlNode* item : merge->value->items()) {
      if (item->is_map()) add(item, true);
    }
  }
  return out;
}

std::optional<int> port_number(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// Whether "N" or "N-M" includes a sensitive port; the port found, or nullopt.
std::optional<int> sensitive_in(std::string_view range) {
  const std::size_t dash = range.find('-');
  const std::optional<int> low = port_number(range.substr(0, dash));
  const std::optional<int> high = dash == std::string_view::npos ? low : port_number(range.substr(dash + 1));
  if (!low || !high) return std::nullopt;
  for (int port : kSensitivePorts) {
    if (port >= *low && port <= *high) return port;
  }
  return std::nullopt;
}

bool all_interfaces(std::string_view host_ip) {
  return host_ip.empty() || host_ip == "0.0.0.0" || host_ip == "::" || host_ip == "[::]";
}

struct PublishedPort {
  std::string host_ip;
  std::string published;  // may be empty: an ephemeral host port
  std::string target;
};

// Short syntax: [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL], with IPv6 host addresses as
// "[::1]:6001:6001" or "::1:6001:6001".
PublishedPort parse_short_port(std::string text) {
  PublishedPort port;
  if (const std::size_t slash = text.find('/'); slash != std::string::npos) text.resize(slash);
  std::size_t colon = text.rfind(':');
  if (colon == std::string::npos) {
    port.target = text;
    return port;
  }
  port.target = text.substr(colon + 1);
  text.resize(colon);
  colon = text.rfind(':');
  if (colon == std::string::npos) {
    port.published = text;
    return port;
  }
  port.published = text.substr(colon + 1);
  port.host_ip = text.substr(0, colon);
  return port;
}

bool untagged_or_latest(const std::string& image) {
  if (image.find('@') != std::string::npos) return false;
  const std::size_t slash = image.rfind('/');
  const std::size_t colon = image.rfind(':');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) return true;
  return image.substr(colon + 1) == "latest";
}

bool root_user(const std::string& user) {
  const std::string name = user.substr(0, user.find(':'));
  return name == "root" || name == "0";
}

// A host path as written in a bind source: absolute or relative to the Compose file. Named volumes
// are plain names.
bool host_path(const std::string& source) {
  return !source.empty() && (source[0] == '/' || source[0] == '.' || source[0] == '~');
}

class ServiceChecker {
 public:
  ServiceChecker(const YamlEntry& service, const std::string& file, std::vector<ConfigFinding>& out)
      : key_(*service.key), node_(*service.value), file_(file), object_("service/" + service.key->text()), out_(out) {}

  // Counts the findings that an in-place suppression removed.
  ServiceChecker& count_suppressed(size_t* count) {
    suppressed_count_ = count;
    return *this;
  }

  void run() {
    std::vector<ConfigFinding> found;
    found_ = &found;
    check_flags();
    check_namespaces();
    check_volumes();
    check_capabilities();
    check_limits();
    check_environment();
    check_security_opt();
    check_user();
    check_ports();
    check_devices();
    check_image();
    apply_suppressions(found);
  }

 private:
  void report(std::string_view id, Position where, std::string message) {
    const ComposeRule& r = rule(id);
    ConfigFinding finding;
    finding.rule_id = std::string(r.id);
    finding.title = std::string(r.title);
    finding.level = r.level;
    finding.file = file_;
    finding.where = where;
    finding.message = object_ + ": " + std::move(message);
    finding.resolution = std::string(r.resolution);
    for (std::string_view reference : r.references) finding.references.emplace_back(reference);
    finding.object = object_;
    found_->push_back(std::move(finding));
  }

  // The position of `key` in the service, or of the service's name when the key is missing.
  Position where(std::string_view key) const {
    const YamlEntry* entry = node_.find(key);
    return entry == nullptr ? key_.where() : entry->key->where();
  }

  void apply_suppressions(std::vector<ConfigFinding>& found) {
    std::set<std::string> suppressed;
    for (const YamlEntry& entry : entries_of(node_.get(kSuppressKey))) {
      const std::string& rule_id = entry.key->text();
      if (!entry.value->is_scalar() || blank(entry.value->text())) {
        report("MOAT-DC-099", entry.key->where(), "suppression of " + rule_id + " gives no reason");
      } else {
        suppressed.insert(rule_id);
      }
    }
    keep_unsuppressed(found, suppressed, out_, suppressed_count_);
  }

  void check_flags() {
    if (is_true(node_.get("privileged"))) report("MOAT-DC-001", where("privileged"), "sets privileged: true");
    if (!is_true(node_.get("read_only"))) {
      report("MOAT-DC-016", where("read_only"), "does not set read_only: true");
    }
  }

  void check_namespaces() {
    struct Namespace {
      std::string_view key, value, id;
    };
    static constexpr std::array<Namespace, 5> kNamespaces = {{{"network_mode", "host", "MOAT-DC-002"},
                                                              {"pid", "host", "MOAT-DC-003"},
                                                              {"ipc", "host", "MOAT-DC-004"},
                                                              {"uts", "host", "MOAT-DC-021"},
                                                              {"userns_mode", "host", "MOAT-DC-022"}}};
    for (const Namespace& ns : kNamespaces) {
      if (scalar(node_.get(ns.key)) == ns.value) {
        report(ns.id, where(ns.key), "sets " + std::string(ns.key) + ": " + std::string(ns.value));
      }
    }
    // Compose file format v2 wrote host networking as `net: host`.
    if (scalar(node_.get("net")) == "host") report("MOAT-DC-002", where("net"), "sets net: host");
    if (!scalar(node_.get("cgroup_parent")).empty()) {
      report("MOAT-DC-019", where("cgroup_parent"), "sets cgroup_parent: " + scalar(node_.get("cgroup_parent")));
    }
    if (scalar(node_.get("cgroup")) == "host") report("MOAT-DC-019", where("cgroup"), "sets cgroup: host");
  }

  void check_volumes() {
    const YamlNode* volumes = node_.get("volumes");
    if (volumes == nullptr) return;
    for (const YamlNode* item : volumes->items()) {
      std::string source;
      Position at = item->where();
      if (item->is_scalar()) {
        const std::string& text = item->text();
        const std::size_t colon = text.find(':');
        if (colon == std::string::npos) continue;  // an anonymous volume: "/data"
        source = text.substr(0, colon);
      } else if (item->is_map()) {
        const std::string type = scalar(item->get("type"));
        if (type != "bind" && !(type.empty() && host_path(scalar(item->get("source"))))) continue;
        source = scalar(item->get("source"));
        if (const YamlEntry* entry = item->find("source")) at = entry->key->where();
      }
      if (!host_path(source)) continue;
      const std::string path = normalized_path(source);
      if (one_of(path, kRuntimeSocketsAndRoot)) {
        report("MOAT-DC-005", at, "mounts the host path " + path);
      } else if (one_of(path, kSensitiveHostDirectories)) {
        report("MOAT-DC-006", at, "mounts the host directory " + path);
      }
    }
  }

  void check_capabilities() {
    const YamlNode* added = node_.get("cap_add");
    if (added == nullptr) return;
    for (const YamlNode* item : added->items()) {
      std::string name = upper(scalar(item));
      if (name.rfind("CAP_", 0) == 0) name.erase(0, 4);
      if (!name.empty() && !one_of(name, kDefaultCapabilities)) {
        report("MOAT-DC-007", item->where(), "adds the capability " + name);
      }
    }
  }

  void check_limits() {
    const YamlNode* limits = node_.get("deploy", "resources", "limits");
    const bool memory = !scalar(node_.get("mem_limit")).empty() || !scalar(node_.get("memory")).empty() ||
                        (limits != nullptr && !scalar(limits->get("memory")).empty());
    bool cpu = limits != nullptr && !scalar(limits->get("cpus")).empty();
    for (std::string_view key : {"cpus", "cpu_shares", "cpu_quota", "cpu_count", "cpu_percent"}) {
      cpu = cpu || !scalar(node_.get(key)).empty();
    }
    if (!memory) report("MOAT-DC-008", key_.where(), "sets no memory limit");
    if (!cpu) report("MOAT-DC-009", key_.where(), "sets no CPU limit");
  }

  static bool credential_name(const std::string& name) {
    const std::string key = upper(name);
    // NAME_FILE points at a mounted secret: the pattern the official images document.
    if (key.size() > 5 && key.compare(key.size() - 5, 5, "_FILE") == 0) return false;
    return std::any_of(kCredentialWords.begin(), kCredentialWords.end(),
                       [&](std::string_view word) { return key.find(word) != std::string::npos; });
  }

  // A literal value: not empty, not taken from the deploying environment (${VAR}), not a secret file.
  static bool literal_value(const std::string& value) {
    return !blank(value) && value[0] != '$' && value.rfind("/run/secrets/", 0) != 0;
  }

  void check_environment() {
    const YamlNode* environment = node_.get("environment");
    if (environment == nullptr) return;
    for (const YamlNode* item : environment->items()) {
      const std::string text = scalar(item);
      const std::size_t equals = text.find('=');
      if (equals == std::string::npos) continue;  // "KEY" alone passes the host's value through
      const std::string name = text.substr(0, equals);
      if (credential_name(name) && literal_value(text.substr(equals + 1))) {
        report("MOAT-DC-010", item->where(), "sets " + name + " to a literal value");
      }
    }
    for (const YamlEntry& entry : entries_of(environment)) {
      if (credential_name(entry.key->text()) && literal_value(scalar(entry.value))) {
        report("MOAT-DC-010", entry.key->where(), "sets " + entry.key->text() + " to a literal value");
      }
    }
  }

  void check_security_opt() {
    const YamlNode* options = node_.get("security_opt");
    if (options == nullptr) return;
    for (const YamlNode* item : options->items()) {
      std::string option = lower(scalar(item));
      std::replace(option.begin(), option.end(), '=', ':');
      if (option == "seccomp:unconfined") report("MOAT-DC-011", item->where(), "sets security_opt " + scalar(item));
      if (option == "apparmor:unconfined") report("MOAT-DC-012", item->where(), "sets security_opt " + scalar(item));
      if (option == "label:disable") report("MOAT-DC-013", item->where(), "sets security_opt " + scalar(item));
    }
  }

  void check_user() {
    const YamlNode* user = node_.get("user");
    if (user == nullptr || blank(scalar(user))) {
      report("MOAT-DC-015", where("user"), "sets no user; the image's USER applies, root unless it says otherwise");
    } else if (root_user(scalar(user))) {
      report("MOAT-DC-014", where("user"), "sets user: " + scalar(user));
    }
  }

  void check_ports() {
    const YamlNode* ports = node_.get("ports");
    if (ports == nullptr) return;
    for (const YamlNode* item : ports->items()) {
      PublishedPort port;
      if (item->is_scalar()) {
        port = parse_short_port(item->text());
      } else if (item->is_map()) {
        port = {scalar(item->get("host_ip")), scalar(item->get("published")), scalar(item->get("target"))};
      } else {
        continue;
      }
      if (!all_interfaces(port.host_ip)) continue;
      std::optional<int> sensitive = sensitive_in(port.published);
      if (!sensitive) sensitive = sensitive_in(port.target);
      if (sensitive) {
        report("MOAT-DC-017", item->where(),
               "publishes port " + std::to_string(*sensitive) + " on all host interfaces");
      }
    }
  }

  void check_devices() {
    const YamlNode* devices = node_.get("devices");
    if (devices == nullptr) return;
    for (const YamlNode* item : devices->items()) {
      const std::string text = item->is_map() ? scalar(item->get("source")) : scalar(item);
      report("MOAT-DC-018", item->where(), "passes through the host device " + text.substr(0, text.find(':')));
    }
  }

  void check_image() {
    const std::string image = scalar(node_.get("image"));
    // An interpolated reference is only known when the file is deployed.
    if (image.empty() || image.find('$') != std::string::npos) return;
    if (untagged_or_latest(image)) report("MOAT-DC-020", where("image"), "uses the image " + image);
  }

  const YamlNode& key_;
  const YamlNode& node_;
  const std::string& file_;
  std::string object_;
  std::vector<ConfigFinding>& out_;
  size_t* suppressed_count_ = nullptr;
  std::vector<ConfigFinding>* found_ = nullptr;
};

bool is_service(const YamlNode* node) {
  return node != nullptr && node->is_map() && (node->get("image") != nullptr || node->get("build") != nullptr);
}

std::string_view base_name(std::string_view path) {
  const std::size_t slash = path.find_last_of("/\\");
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::vector<ConfigFinding> check_compose(std::string_view text, const std::string& file,
                                         std::vector<FileError>& errors, size_t* suppressed) {
  const YamlStream stream = load_yaml_stream(text, file);
  if (stream.error) errors.push_back({file, *stream.error});
  std::vector<ConfigFinding> findings;
  for (const YamlDocument& document : stream.documents) {
    const YamlNode& root = *document.root;
    if (root.is_null()) continue;
    if (!root.is_map()) {
      errors.push_back({file, file + ": not a Compose file: the top level is not a map"});
      continue;
    }
    for (const YamlEntry& service : entries_of(root.get("services"))) {
      if (service.value->is_map()) ServiceChecker(service, file, findings).count_suppressed(suppressed).run();
    }
  }
  return findings;
}

bool looks_like_compose(const YamlNode& root) {
  const std::vector<YamlEntry> services = entries_of(root.get("services"));
  return std::any_of(services.begin(), services.end(), [](const YamlEntry& entry) { return is_service(entry.value); });
}

bool looks_like_compose(std::string_view text) {
  const YamlStream stream = load_yaml_stream(text, "compose");
  return !stream.documents.empty() && looks_like_compose(*stream.documents.front().root);
}

bool is_compose_file_name(std::string_view path) {
  const std::string name = lower(std::string(base_name(path)));
  const bool yaml = name.ends_with(".yml") || name.ends_with(".yaml");
  if (!yaml) return false;
  return name.rfind("docker-compose", 0) == 0 || name == "compose.yml" || name == "compose.yaml" ||
         name.rfind("compose.", 0) == 0 || name.rfind("compose-", 0) == 0;
}

}  // namespace moat::misconfig
