#include "misconfig/image_checks.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <set>

namespace moat::misconfig {
namespace {

using nlohmann::json;

const std::vector<ImageRule> kRules = {
    {"MOAT-IMG-001",
     "Image runs as root",
     Level::High,
     "Create an unprivileged user in the image and set it with USER name or USER uid (not 0).",
     {"CIS Docker 4.1", "Dockle CIS-DI-0001"}},
    {"MOAT-IMG-002",
     "Remote-access or control-plane port exposed",
     Level::High,
     "Do not run remote shells or engine/cluster control planes in an application image; use docker exec or "
     "kubectl exec, and remove the EXPOSE.",
     {"CIS Docker 5.8", "Trivy DS004"}},
    {"MOAT-IMG-003",
     "Database, cache or broker port exposed",
     Level::Low,
     "Make sure the port is published only to the clients that need it (network policy, no host port).",
     {"CIS Docker 5.8"}},
    {"MOAT-IMG-004",
     "Secret in ENV, label or build argument",
     Level::High,
     "Pass secrets with RUN --mount=type=secret at build time or at run time; ENV, LABEL and ARG values stay "
     "readable in the image config and history. Rotate the exposed secret.",
     {"CIS Docker 4.10", "Dockle CIS-DI-0010", "CWE-798"}},
    {"MOAT-IMG-005",
     "ADD fetches a remote URL",
     Level::Medium,
     "Download in a RUN step and verify a checksum, or use ADD --checksum=sha256:...",
     {"CIS Docker 4.9", "CWE-494"}},
    {"MOAT-IMG-006",
     "Remote script piped into a shell",
     Level::High,
     "Download the script, verify its checksum or signature, then run it.",
     {"CWE-494"}},
    {"MOAT-IMG-007",
     "sudo used in a build step",
     Level::Medium,
     "Switch users with USER instead; a working sudo left in the image lets the runtime user become root.",
     {"hadolint DL3004", "Dockle DKL-DI-0001"}},
    {"MOAT-IMG-008",
     "No HEALTHCHECK",
     Level::Low,
     "Add HEALTHCHECK CMD ... so the engine can tell when the container stops working.",
     {"CIS Docker 4.6", "Dockle CIS-DI-0006"}},
    {"MOAT-IMG-009",
     "Image built more than 90 days ago",
     Level::Low,
     "Rebuild the image regularly from an updated base so distribution fixes reach it.",
     {}},
    {"MOAT-IMG-010",
     "Image built more than a year ago",
     Level::Medium,
     "Rebuild the image from a supported, updated base image.",
     {}},
    {"MOAT-IMG-020",
     "Base OS release past end of life",
     Level::High,
     "Rebuild on a supported release of the distribution; an end-of-life release gets no security fixes.",
     {"https://wiki.debian.org/LTS", "https://alpinelinux.org/releases/", "https://ubuntu.com/about/release-cycle"}},
    {"MOAT-IMG-021",
     "Base OS release reaches end of life within 90 days",
     Level::Low,
     "Plan the move to a newer release of the distribution before its support ends.",
     {"https://wiki.debian.org/LTS", "https://alpinelinux.org/releases/", "https://ubuntu.com/about/release-cycle"}},
    {"MOAT-IMG-022",
     "Base OS release past regular security support (LTS only)",
     Level::Low,
     "Move to the current stable release; Debian LTS covers only part of the archive and fewer architectures.",
     {"https://wiki.debian.org/LTS"}},
    {"MOAT-IMG-030",
     "setuid or setgid file",
     Level::Medium,
     "Remove the file or its setuid/setgid bit (chmod u-s,g-s) unless the container needs it.",
     {"CIS Docker 4.8", "Dockle CIS-DI-0008"}},
    {"MOAT-IMG-031",
     "Standard setuid or setgid file of the distribution",
     Level::Low,
     "Containers rarely need these; strip the bits in the build (find / -perm /6000 -type f -exec chmod a-s {} +).",
     {"CIS Docker 4.8", "Dockle CIS-DI-0008"}},
    {"MOAT-IMG-032",
     "World-writable file",
     Level::High,
     "Remove write permission for others (chmod o-w).",
     {"CWE-732"}},
    {"MOAT-IMG-033",
     "World-writable directory without the sticky bit",
     Level::Medium,
     "Remove write permission for others, or set the sticky bit (chmod 1777) as /tmp has it.",
     {"CWE-732"}},
    {"MOAT-IMG-034",
     "Shell present",
     Level::Low,
     "Ship a distroless or scratch-based image when the application needs no shell; an attacker who gets code "
     "execution then has no shell to use.",
     {"CIS Docker 4.3"}},
    {"MOAT-IMG-035",
     "Package manager present",
     Level::Low,
     "Install packages in a build stage and copy only the result into the final image.",
     {"CIS Docker 4.3"}},
    {"MOAT-IMG-036",
     "Compiler or build tool present",
     Level::Medium,
     "Build in an earlier stage of a multi-stage build and copy only the artifacts into the final image.",
     {"CIS Docker 4.3"}},
    {"MOAT-IMG-037",
     "Network tool present",
     Level::Low,
     "Leave download and network tools out of the runtime image; they are what an intruder fetches tools with.",
     {"CIS Docker 4.3"}},
};

// Bounds for hostile documents: a real image has a few dozen of each.
constexpr size_t kMaxItems = 10000;
constexpr size_t kMaxScript = 64 * 1024;

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool contains(std::string_view s, std::string_view p) { return s.find(p) != std::string_view::npos; }
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
std::string basename(std::string_view s) {
  auto slash = s.rfind('/');
  return std::string(slash == std::string_view::npos ? s : s.substr(slash + 1));
}
// A piece of the input as a message shows it: hostile documents may hold megabyte-long names.
std::string shown(std::string_view s, size_t max = 128) {
  return s.size() <= max ? std::string(s) : std::string(s.substr(0, max)) + "...";
}
std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// The member `key` of `j` when it is an object holding one of type `type`, else nullptr.
const json* member(const json& j, const char* key, json::value_t type) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  if (it == j.end() || it->type() != type) return nullptr;
  return &*it;
}
const json* string_member(const json& j, const char* key) { return member(j, key, json::value_t::string); }

// ---- root user ---------------------------------------------------------------------------------

bool is_root_user(std::string_view user) {
  user = trim(user);
  std::string_view name = user.substr(0, user.find(':'));
  if (name.empty() || name == "root") return true;
  return std::all_of(name.begin(), name.end(), [](char c) { return c == '0'; });
}

// ---- ports ---------------------------------------------------------------------------------------

struct SensitivePort {
  int port;
  bool udp_too;
  const char* service;
  bool control;  // remote access / control plane (MOAT-IMG-002) rather than a data service (MOAT-IMG-003)
};

const SensitivePort kPorts[] = {
    {22, false, "SSH", true},
    {23, false, "Telnet", true},
    {2375, false, "Docker engine API (plain HTTP)", true},
    {2376, false, "Docker engine API (TLS)", true},
    {2379, false, "etcd client API", true},
    {2380, false, "etcd peer API", true},
    {3389, false, "RDP", true},
    {5900, false, "VNC", true},
    {5985, false, "WinRM (HTTP)", true},
    {5986, false, "WinRM (HTTPS)", true},
    {6443, false, "Kubernetes API server", true},
    {10250, false, "kubelet API", true},
    {10255, false, "kubelet read-only API", true},
    {1433, false, "Microsoft SQL Server", false},
    {1521, false, "Oracle database listener", false},
    {2181, false, "ZooKeeper", false},
    {3306, false, "MySQL/MariaDB", false},
    {5432, false, "PostgreSQL", false},
    {5672, false, "AMQP (RabbitMQ)", false},
    {5984, false, "CouchDB", false},
    {6379, false, "Redis", false},
    {7000, false, "Cassandra inter-node", false},
    {8086, false, "InfluxDB", false},
    {9042, false, "Cassandra CQL", false},
    {9092, false, "Kafka", false},
    {9200, false, "Elasticsearch HTTP", false},
    {9300, false, "Elasticsearch transport", false},
    {11211, true, "Memcached", false},
    {27017, false, "MongoDB", false},
    {27018, false, "MongoDB shard", false},
};

void check_ports(const json& cfg, std::vector<ConfigFinding>& out) {
  const json* ports = member(cfg, "ExposedPorts", json::value_t::object);
  if (!ports) return;
  size_t seen = 0;
  for (const auto& [key, value] : ports->items()) {
    if (++seen > kMaxItems) break;
    std::string_view k = key;
    auto slash = k.find('/');
    std::string proto = slash == std::string_view::npos ? "tcp" : lower(k.substr(slash + 1));
    std::string_view num = k.substr(0, slash);
    int port = -1;
    auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), port);
    if (ec != std::errc() || end != num.data() + num.size()) continue;
    for (const auto& p : kPorts) {
      if (p.port != port || !(proto == "tcp" || (proto == "udp" && p.udp_too))) continue;
      out.push_back(image_finding(p.control ? "MOAT-IMG-002" : "MOAT-IMG-003",
                                  "port " + key + " (" + p.service + ") is exposed",
                                  "config.ExposedPorts[" + key + "]"));
    }
  }
}

// ---- secrets -------------------------------------------------------------------------------------

// Whether a variable, label or argument name says it holds a secret: a word such as PASSWORD or
// TOKEN among its parts, unless the name ends in a word that says the value only points at one.
bool secret_name(std::string_view name) {
  std::vector<std::string> parts;
  std::string part;
  for (char c : name) {
    if (c == '_' || c == '-' || c == '.' || c == '/') {
      if (!part.empty()) parts.push_back(part);
      part.clear();
    } else {
      part += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  if (!part.empty()) parts.push_back(part);
  if (parts.empty() || parts.size() > 32) return false;
  static const std::set<std::string, std::less<>> points_elsewhere = {
      "FILE", "PATH", "DIR", "LENGTH", "ENABLED", "REQUIRED", "NAME", "ID", "URL", "HEADER", "HOST", "PORT", "USER"};
  if (points_elsewhere.count(parts.back())) return false;
  static const std::set<std::string, std::less<>> words = {
      "PASSWORD",    "PASSWD",     "PASS",       "PWD",       "SECRET",    "TOKEN",       "APIKEY",
      "CREDENTIALS", "CREDENTIAL", "PRIVATEKEY", "ACCESSKEY", "SECRETKEY", "CLIENTSECRET"};
  for (size_t i = 0; i < parts.size(); ++i) {
    if (words.count(parts[i])) return true;
    if (i + 1 < parts.size() && parts[i + 1] == "KEY" &&
        (parts[i] == "API" || parts[i] == "ACCESS" || parts[i] == "PRIVATE" || parts[i] == "SECRET" ||
         parts[i] == "AUTH" || parts[i] == "ENCRYPTION" || parts[i] == "SIGNING" || parts[i] == "MASTER"))
      return true;
  }
  return false;
}

// Values that are clearly not a literal secret: empty, references, paths, placeholders.
bool placeholder_value(std::string_view v) {
  v = trim(v);
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
  if (v.empty() || v.front() == '$' || v.front() == '/' || v.front() == '<' || v.front() == '{') return true;
  if (std::all_of(v.begin(), v.end(), [](char c) { return c == '*' || c == 'x' || c == 'X' || c == '-' || c == '.'; }))
    return true;
  static const std::set<std::string, std::less<>> words = {
      "none", "null",        "nil",     "true",  "false",    "yes",   "no",    "0",       "1",       "todo",
      "tbd",  "placeholder", "example", "dummy", "redacted", "unset", "empty", "default", "required"};
  return words.count(lower(v)) > 0;
}

// Values whose shape alone says they are a credential, whatever the name (public token formats).
bool credential_shaped(std::string_view v) {
  v = trim(v);
  auto upper_alnum = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
      return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
    });
  };
  if (v.size() == 20 && (starts_with(v, "AKIA") || starts_with(v, "ASIA")) && upper_alnum(v.substr(4))) return true;
  static const char* prefixes[] = {"ghp_",  "gho_",  "ghs_",     "ghu_",     "github_pat_", "glpat-", "xoxb-",
                                   "xoxp-", "xoxa-", "sk_live_", "rk_live_", "npm_",        "hf_"};
  for (const char* p : prefixes) {
    std::string_view pre(p);
    if (starts_with(v, pre) && v.size() >= pre.size() + 16) return true;
  }
  return starts_with(v, "-----BEGIN") && contains(v, "PRIVATE KEY");
}

class SecretCollector {
 public:
  explicit SecretCollector(std::vector<ConfigFinding>& out) : out_(out) {}

  // `how` names the kind ("ENV", "label", "build argument") in the message.
  void offer(std::string_view name, std::string_view value, const std::string& how, const std::string& object) {
    bool by_name = secret_name(name) && !placeholder_value(value);
    if (!by_name && !credential_shaped(value)) return;
    // The same ENV shows in config.Env and in the history entry that set it: report it once.
    if (!reported_.insert(std::string(name) + '\0' + std::string(value)).second) return;
    out_.push_back(image_finding("MOAT-IMG-004",
                                 how + " " + shown(name) + " holds a literal " +
                                     (by_name ? "value" : "credential-shaped value") + " (" +
                                     std::to_string(value.size()) + " characters, redacted)",
                                 object));
  }

 private:
  std::vector<ConfigFinding>& out_;
  std::set<std::string> reported_;
};

void check_env_and_labels(const json& cfg, SecretCollector& secrets) {
  if (const json* env = member(cfg, "Env", json::value_t::array)) {
    size_t n = 0;
    for (const auto& e : *env) {
      if (++n > kMaxItems) break;
      if (!e.is_string()) continue;
      const std::string& kv = e.get_ref<const std::string&>();
      auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) continue;
      std::string name = kv.substr(0, eq);
      secrets.offer(name, std::string_view(kv).substr(eq + 1), "ENV", "config.Env[" + shown(name) + "]");
    }
  }
  if (const json* labels = member(cfg, "Labels", json::value_t::object)) {
    size_t n = 0;
    for (const auto& [k, v] : labels->items()) {
      if (++n > kMaxItems) break;
      if (v.is_string()) secrets.offer(k, v.get_ref<const std::string&>(), "label", "config.Labels[" + shown(k) + "]");
    }
  }
}

// ---- history -------------------------------------------------------------------------------------

// One simple command of a shell script, with its leading assignments and sudo/env prefixes removed.
struct Command {
  std::vector<std::string> words;
  bool sudo = false;
  size_t pipeline = 0;  // commands joined by '|' share a number
  std::string program() const { return words.empty() ? std::string() : basename(words[0]); }
};

bool assignment(std::string_view w) {
  auto eq = w.find('=');
  return eq != std::string_view::npos && eq > 0 &&
         std::all_of(w.begin(), w.begin() + static_cast<long>(eq),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// Splits on | || && ; & newlines and parentheses, honouring quotes and backslashes: enough to see
// which programs run, not a full shell.
std::vector<Command> split_commands(std::string_view script) {
  std::vector<Command> out;
  Command cur;
  std::string word;
  bool in_word = false;
  size_t pipeline = 0;
  auto end_word = [&] {
    if (in_word) cur.words.push_back(word);
    word.clear();
    in_word = false;
  };
  auto end_command = [&](bool pipe) {
    end_word();
    size_t k = 0;
    while (k < cur.words.size()) {
      const std::string& w = cur.words[k];
      if (assignment(w) || w == "exec" || w == "env" || w == "time" || w == "nohup" || w == "command" || w == "!" ||
          w == "{") {
        ++k;
      } else if (w == "sudo") {
        cur.sudo = true;
        ++k;
        while (k < cur.words.size() && starts_with(cur.words[k], "-")) ++k;
      } else {
        break;
      }
    }
    cur.words.erase(cur.words.begin(), cur.words.begin() + static_cast<long>(k));
    if (!cur.words.empty() || cur.sudo) {
      cur.pipeline = pipeline;
      out.push_back(std::move(cur));
    }
    cur = Command();
    if (!pipe) ++pipeline;
  };
  for (size_t i = 0; i < script.size(); ++i) {
    char c = script[i];
    if (c == '\\' && i + 1 < script.size()) {
      if (script[i + 1] != '\n') word += script[i + 1];
      in_word = true;
      ++i;
    } else if (c == '\'' || c == '"') {
      size_t close = script.find(c, i + 1);
      if (close == std::string_view::npos) close = script.size();
      word.append(script.substr(i + 1, close - i - 1));
      in_word = true;
      i = close;
    } else if (c == '|') {
      bool oror = i + 1 < script.size() && script[i + 1] == '|';
      if (oror) ++i;
      end_command(!oror);
    } else if (c == '&') {
      if (i + 1 < script.size() && script[i + 1] == '&') {
        ++i;
      } else if ((i > 0 && script[i - 1] == '>') || (i + 1 < script.size() && script[i + 1] == '>')) {
        word += c;  // 2>&1, &>file
        in_word = true;
        continue;
      }
      end_command(false);
    } else if (c == ';' || c == '\n' || c == '(' || c == ')' || c == '`') {
      end_command(false);
    } else if (c == ' ' || c == '\t' || c == '\r') {
      end_word();
    } else {
      word += c;
      in_word = true;
    }
  }
  end_command(false);
  return out;
}

bool is_shell(std::string_view p) {
  return p == "sh" || p == "bash" || p == "dash" || p == "ash" || p == "zsh" || p == "ksh" || p == "mksh";
}
bool is_interpreter(std::string_view p) {
  return is_shell(p) || starts_with(p, "python") || p == "perl" || p == "ruby" || p == "node" || p == "php";
}
bool is_downloader(std::string_view p) { return p == "curl" || p == "wget"; }

// Whether an interpreter invocation runs the program it reads on standard input: no script
// argument, or an explicit "-s" / "-"; -c, -e, -r and -m name the program another way.
bool runs_stdin(const Command& c) {
  for (size_t i = 1; i < c.words.size(); ++i) {
    const std::string& w = c.words[i];
    if (w == "-s" || w == "-") return true;
    if (w == "-c" || w == "-e" || w == "-r" || w == "-m" || w == "-E") return false;
    if (!starts_with(w, "-")) return false;
  }
  return true;
}

// Why a script runs downloaded code, or "" when it does not.
std::string pipe_to_shell(std::string_view script, const std::vector<Command>& cmds) {
  std::string downloader;  // the last curl/wget of the current pipeline
  size_t pipeline = 0;
  for (const Command& c : cmds) {
    if (c.pipeline != pipeline) downloader.clear();
    pipeline = c.pipeline;
    std::string prog = c.program();
    if (!downloader.empty() && is_interpreter(prog) && runs_stdin(c)) return downloader + " output piped into " + prog;
    if (is_downloader(prog)) downloader = prog;
  }
  // sh -c "$(curl ...)" and bash <(curl ...): the download is the script.
  for (std::string_view form : {"$(curl", "$(wget", "`curl", "`wget", "<(curl", "<(wget"}) {
    auto at = script.find(form);
    if (at == std::string_view::npos) continue;
    std::string_view before = trim(script.substr(0, at));
    if (!before.empty() && (before.back() == '"' || before.back() == '\''))
      before = trim(before.substr(0, before.size() - 1));
    auto space = before.find_last_of(" \t\n;&|");
    std::string_view prev = space == std::string_view::npos ? before : before.substr(space + 1);
    if (prev == "-c" || prev == "<") {
      std::string_view head = trim(before.substr(0, space == std::string_view::npos ? 0 : space));
      auto s2 = head.find_last_of(" \t\n;&|");
      prev = s2 == std::string_view::npos ? head : head.substr(s2 + 1);
    }
    std::string prog = basename(prev);
    if (is_interpreter(prog)) return prog + " runs a script downloaded by " + std::string(form.substr(form.size() - 4));
  }
  return {};
}

// A history entry's created_by, sorted into the Dockerfile instruction it records.
struct Step {
  std::string keyword;                                    // "RUN", "ENV", "ARG", "ADD", ...; "" when unknown
  std::string text;                                       // the instruction's arguments, or the RUN script
  std::vector<std::pair<std::string, std::string>> args;  // build arguments of a RUN ("|N K=V ...")
};

bool dockerfile_keyword(std::string_view w) {
  static const std::set<std::string, std::less<>> k = {
      "ADD",   "ARG",        "CMD",     "COPY", "ENTRYPOINT", "ENV",        "EXPOSE", "FROM",   "HEALTHCHECK",
      "LABEL", "MAINTAINER", "ONBUILD", "RUN",  "SHELL",      "STOPSIGNAL", "USER",   "VOLUME", "WORKDIR"};
  return k.count(w) > 0;
}

std::string_view strip_shell_prefix(std::string_view s) {
  s = trim(s);
  for (std::string_view p : {"/bin/sh -c ", "/bin/bash -c ", "sh -c ", "cmd /S /C "}) {
    if (starts_with(s, p)) return trim(s.substr(p.size()));
  }
  return s;
}

Step parse_step(std::string_view created_by) {
  Step step;
  std::string_view s = trim(created_by.substr(0, kMaxScript));
  if (s.size() >= 11 && s.substr(s.size() - 11) == " # buildkit") s = trim(s.substr(0, s.size() - 11));
  s = strip_shell_prefix(s);
  if (starts_with(s, "#(nop)")) s = trim(s.substr(6));  // classic builder metadata: "#(nop) ENV A=b"
  std::string_view first = s.substr(0, s.find_first_of(" \t"));
  if (dockerfile_keyword(first)) {
    step.keyword = std::string(first);
    s = trim(s.substr(first.size()));
  }
  if (step.keyword.empty() || step.keyword == "RUN") {
    // Classic and BuildKit both record a RUN's build arguments as "|N K=V K=V <command>"; the shell
    // prefix comes after them (classic) or after "RUN" (BuildKit), and is stripped only once.
    bool shell_prefix_left = step.keyword == "RUN";
    if (starts_with(s, "|")) {
      shell_prefix_left = true;
      size_t sp = s.find(' ');
      int n = 0;
      std::string_view count = s.substr(1, sp == std::string_view::npos ? std::string_view::npos : sp - 1);
      auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), n);
      if (ec == std::errc() && end == count.data() + count.size() && sp != std::string_view::npos) {
        s = trim(s.substr(sp));
        for (int i = 0; i < n && i < 1000 && !s.empty(); ++i) {
          size_t next = s.find(' ');
          std::string_view kv = s.substr(0, next);
          auto eq = kv.find('=');
          if (eq != std::string_view::npos) step.args.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
          s = next == std::string_view::npos ? std::string_view() : trim(s.substr(next));
        }
      }
    }
    if (shell_prefix_left) s = strip_shell_prefix(s);
    if (!s.empty() && s.front() == '[') {  // exec form: ["sh", "-c", "script"]
      json words = json::parse(s, nullptr, false);
      if (words.is_array()) {
        std::string joined;
        for (const auto& w : words)
          if (w.is_string()) joined += w.get_ref<const std::string&>() + " ";
        step.text = std::move(joined);
        return step;
      }
    }
  }
  step.text = std::string(s);
  return step;
}

// "A=b C=d" or "A b" (the old one-pair form) into pairs; quotes around values removed.
std::vector<std::pair<std::string, std::string>> key_values(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::vector<std::string> all;
  std::string word;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote)
        quote = 0;
      else
        word += c;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == ' ' || c == '\t') {
      if (!word.empty()) all.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) all.push_back(std::move(word));
  if (all.size() >= 2 && all[0].find('=') == std::string::npos) {
    std::string rest;
    for (size_t i = 1; i < all.size(); ++i) rest += (i > 1 ? " " : "") + all[i];
    out.emplace_back(all[0], rest);
    return out;
  }
  for (const auto& w : all) {
    auto eq = w.find('=');
    if (eq != std::string::npos && eq > 0) out.emplace_back(w.substr(0, eq), w.substr(eq + 1));
  }
  return out;
}

void check_history(const json& doc, SecretCollector& secrets, std::vector<ConfigFinding>& out) {
  const json* history = member(doc, "history", json::value_t::array);
  if (!history) return;
  for (size_t i = 0; i < history->size() && i < kMaxItems; ++i) {
    const json* created_by = string_member((*history)[i], "created_by");
    if (!created_by) continue;
    Step step = parse_step(created_by->get_ref<const std::string&>());
    std::string where = "history[" + std::to_string(i) + "]";
    for (const auto& [k, v] : step.args) secrets.offer(k, v, "build argument", where + " ARG " + shown(k));
    if (step.keyword == "ENV" || step.keyword == "ARG" || step.keyword == "LABEL") {
      std::string how = step.keyword == "LABEL" ? "label" : step.keyword == "ARG" ? "build argument" : "ENV";
      for (const auto& [k, v] : key_values(step.text))
        secrets.offer(k, v, how, where + " " + step.keyword + " " + shown(k));
      continue;
    }
    if (step.keyword == "ADD") {
      // One finding per ADD, naming its first remote source.
      std::string_view rest = step.text;
      while (!rest.empty() && !contains(step.text, "--checksum")) {
        size_t sp = rest.find(' ');
        std::string_view w = rest.substr(0, sp);
        std::string l = lower(w.substr(0, 8));
        if (starts_with(l, "http://") || starts_with(l, "https://")) {
          out.push_back(image_finding("MOAT-IMG-005", "ADD " + shown(w, 256) + " downloads without a checksum", where));
          break;
        }
        rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
      }
      continue;
    }
    if (!step.keyword.empty() && step.keyword != "RUN") continue;
    auto cmds = split_commands(step.text);
    if (std::string why = pipe_to_shell(step.text, cmds); !why.empty())
      out.push_back(image_finding("MOAT-IMG-006", why, where));
    auto sudo = std::find_if(cmds.begin(), cmds.end(), [](const Command& c) { return c.sudo; });
    if (sudo != cmds.end())
      out.push_back(image_finding("MOAT-IMG-007", "build step runs sudo " + sudo->program(), where));
  }
}

// ---- healthcheck and age -------------------------------------------------------------------------

void check_healthcheck(const json& cfg, std::vector<ConfigFinding>& out) {
  const json* hc = member(cfg, "Healthcheck", json::value_t::object);
  const json* test = hc ? member(*hc, "Test", json::value_t::array) : nullptr;
  if (!test || test->empty() || !(*test)[0].is_string()) {
    out.push_back(image_finding("MOAT-IMG-008", "the image config has no healthcheck", "config.Healthcheck"));
  } else if ((*test)[0].get_ref<const std::string&>() == "NONE") {
    out.push_back(image_finding("MOAT-IMG-008", "the healthcheck is disabled (Test [\"NONE\"])", "config.Healthcheck"));
  }
}

// RFC 3339 as images write it: 2025-05-20T00:00:00Z, with optional fraction and numeric offset.
std::optional<std::chrono::sys_seconds> parse_time(std::string_view s) {
  auto num = [&](size_t at, size_t len, int& v) {
    if (at + len > s.size()) return false;
    auto [end, ec] = std::from_chars(s.data() + at, s.data() + at + len, v);
    return ec == std::errc() && end == s.data() + at + len;
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' ||
      s[16] != ':')
    return std::nullopt;
  if (!num(0, 4, y) || !num(5, 2, mo) || !num(8, 2, d) || !num(11, 2, h) || !num(14, 2, mi) || !num(17, 2, se))
    return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)),
                                  std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 60) return std::nullopt;
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  }
  std::chrono::seconds offset{0};
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh = 0, om = 0;
    if (!num(i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' || !num(i + 4, 2, om)) return std::nullopt;
    offset = std::chrono::hours(oh) + std::chrono::minutes(om);
    if (s[i] == '-') offset = -offset;
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  return std::chrono::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(se) -
         offset;
}

void check_age(const json& doc, std::chrono::system_clock::time_point now, std::vector<ConfigFinding>& out) {
  const json* created = string_member(doc, "created");
  if (!created) return;
  auto when = parse_time(created->get_ref<const std::string&>());
  // Reproducible builds stamp 1970-01-01 (SOURCE_DATE_EPOCH=0) or similar: a time before Docker
  // existed says nothing about the image's age. A time in the future says nothing either.
  using namespace std::chrono;
  constexpr sys_days kFirstPlausible = sys_days(year(2013) / January / 1);
  if (!when || *when < kFirstPlausible || *when > now) return;
  auto age = floor<days>(now - *when);
  std::string msg = "the image was built on " + created->get_ref<const std::string&>().substr(0, 10) + ", " +
                    std::to_string(age.count()) + " days ago";
  if (age > kImageAgeMedium)
    out.push_back(image_finding("MOAT-IMG-010", msg, "created"));
  else if (age > kImageAgeLow)
    out.push_back(image_finding("MOAT-IMG-009", msg, "created"));
}

}  // namespace

const std::vector<ImageRule>& image_rules() { return kRules; }

ConfigFinding image_finding(std::string_view rule_id, std::string message, std::string object) {
  const ImageRule& r = find_rule(kRules, rule_id);
  ConfigFinding f;
  f.rule_id = r.id;
  f.title = r.title;
  f.level = r.level;
  f.message = std::move(message);
  f.resolution = r.resolution;
  f.references = r.references;
  f.object = std::move(object);
  return f;
}

std::vector<ConfigFinding> check_image_config(const nlohmann::json& config, std::chrono::system_clock::time_point now) {
  std::vector<ConfigFinding> out;
  if (!config.is_object()) return out;
  // A missing or null "config" means the engine defaults: root, no healthcheck, nothing exposed.
  static const json kEmpty = json::object();
  const json* cfg = &kEmpty;
  bool cfg_usable = true;
  if (auto it = config.find("config"); it != config.end()) {
    if (it->is_object())
      cfg = &*it;
    else if (!it->is_null())
      cfg_usable = false;
  }

  if (cfg_usable) {
    const json* user = string_member(*cfg, "User");
    auto user_it = cfg->find("User");
    bool user_odd = user_it != cfg->end() && !user && !user_it->is_null();
    if (!user_odd && is_root_user(user ? user->get_ref<const std::string&>() : std::string()))
      out.push_back(image_finding("MOAT-IMG-001",
                                  user && !trim(user->get_ref<const std::string&>()).empty()
                                      ? "the image runs as user " + shown(user->get_ref<const std::string&>())
                                      : "the image sets no user and runs as root",
                                  "config.User"));
    check_ports(*cfg, out);
    check_healthcheck(*cfg, out);
  }
  SecretCollector secrets(out);
  check_env_and_labels(*cfg, secrets);
  check_history(config, secrets, out);
  check_age(config, now, out);
  return out;
}

}  // namespace moat::misconfig
