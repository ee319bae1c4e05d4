#include "misconfig/dockerfile_checks.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <set>
#include <tuple>

namespace moat::misconfig {
namespace {

const std::string kDocs = "https://docs.docker.com/build/building/best-practices/";

const std::vector<DockerfileRule> kRules = {
    {"MOAT-DF-001",
     "Final stage runs as root",
     Level::High,
     "Create an unprivileged user and switch to it with USER name or USER uid before the end of the final stage.",
     {"CIS Docker 4.1", "hadolint DL3002"}},
    {"MOAT-DF-002",
     "Base image uses the latest tag or no tag",
     Level::High,
     "Name an explicit version tag (and ideally a digest) in FROM so builds are reproducible.",
     {"hadolint DL3006", "hadolint DL3007"}},
    {"MOAT-DF-003",
     "Base image not pinned by digest",
     Level::Low,
     "Append the image digest (FROM image:tag@sha256:...) so the base cannot change under the same tag.",
     {kDocs + "#pin-base-image-versions"}},
    {"MOAT-DF-004",
     "ADD used for local files",
     Level::Medium,
     "Use COPY for files from the build context; ADD also extracts archives and fetches URLs.",
     {"CIS Docker 4.9", "hadolint DL3020"}},
    {"MOAT-DF-005",
     "ADD fetches a remote URL",
     Level::Medium,
     "Download with curl or wget in a RUN step and verify a checksum, or use ADD --checksum.",
     {"CIS Docker 4.9", "CWE-494"}},
    {"MOAT-DF-006",
     "apt-get install without -y",
     Level::Low,
     "Pass -y (or --yes) so the build never waits for a prompt.",
     {"hadolint DL3014"}},
    {"MOAT-DF-007",
     "apt-get install without --no-install-recommends",
     Level::Low,
     "Pass --no-install-recommends to keep unneeded packages out of the image.",
     {"hadolint DL3015"}},
    {"MOAT-DF-008",
     "apt lists not removed after install",
     Level::Low,
     "End the same RUN with rm -rf /var/lib/apt/lists/* (or use a cache mount).",
     {"hadolint DL3009"}},
    {"MOAT-DF-009",
     "Distribution upgrade inside the image build",
     Level::Medium,
     "Rebuild from an updated base image instead of running apt-get upgrade / apk upgrade in the build.",
     {"hadolint DL3005", "hadolint DL3017"}},
    {"MOAT-DF-010",
     "apk add without --no-cache",
     Level::Low,
     "Use apk add --no-cache so the package index is not kept in the layer.",
     {"hadolint DL3019"}},
    {"MOAT-DF-011",
     "pip install without --no-cache-dir",
     Level::Low,
     "Use pip install --no-cache-dir (or set PIP_NO_CACHE_DIR=1, or a cache mount).",
     {"hadolint DL3042"}},
    {"MOAT-DF-012",
     "Remote script piped into a shell",
     Level::High,
     "Download the script, verify its checksum or signature, then run it.",
     {"CWE-494"}},
    {"MOAT-DF-013",
     "sudo used in RUN",
     Level::Medium,
     "RUN already executes as the current USER; switch with USER instead of sudo.",
     {"hadolint DL3004"}},
    {"MOAT-DF-014",
     "Secret in ENV or ARG",
     Level::High,
     "Pass secrets with RUN --mount=type=secret or at run time; ENV and ARG values stay in the image history.",
     {"CIS Docker 4.10"}},
    {"MOAT-DF-015",
     "No HEALTHCHECK in the final stage",
     Level::Low,
     "Add HEALTHCHECK CMD ... so the engine can tell when the container stops working.",
     {"CIS Docker 4.6"}},
    {"MOAT-DF-016",
     "SSH port 22 exposed",
     Level::Medium,
     "Do not run an SSH server in a container; use docker exec / kubectl exec.",
     {"Trivy DS004"}},
    {"MOAT-DF-017",
     "Shell form used for ENTRYPOINT or CMD",
     Level::Low,
     "Use the exec form [\"executable\", \"arg\"] so the process is PID 1 and receives signals.",
     {"hadolint DL3025"}},
    {"MOAT-DF-018",
     "Several CMD, ENTRYPOINT or HEALTHCHECK in one stage",
     Level::Medium,
     "Keep one of each per stage: only the last takes effect.",
     {"hadolint DL4003", "hadolint DL4004", "hadolint DL3012"}},
    {"MOAT-DF-019",
     "WORKDIR is a relative path",
     Level::Medium,
     "Use an absolute path in WORKDIR.",
     {"hadolint DL3000"}},
    {"MOAT-DF-020",
     "cd used in RUN",
     Level::Low,
     "Use WORKDIR to change directory; cd only lasts for one RUN.",
     {"hadolint DL3003"}},
    {"MOAT-DF-021",
     "World-writable permissions (777)",
     Level::High,
     "Grant the least permission the process needs (for example 755 or 750 with a dedicated owner).",
     {"CWE-732"}},
    {"MOAT-DF-022",
     "COPY --from names no earlier stage",
     Level::High,
     "Refer to a stage defined earlier (by AS name or index), or to an image with an explicit tag.",
     {"hadolint DL3022", "hadolint DL3023"}},
    {"MOAT-DF-023",
     "MAINTAINER is deprecated",
     Level::Low,
     "Use LABEL org.opencontainers.image.authors=\"...\" instead.",
     {"hadolint DL4000"}},
    {"MOAT-DF-024",
     "setuid or setgid bit set",
     Level::Medium,
     "Do not add setuid/setgid binaries; remove the bits from the ones the image needs none of.",
     {"CIS Docker 4.8"}},
    {"MOAT-DF-025",
     "yum/dnf install without cleaning the cache",
     Level::Low,
     "End the same RUN with yum clean all / dnf clean all.",
     {"hadolint DL3032", "hadolint DL3040"}},
    {"MOAT-DF-026",
     "npm install instead of npm ci",
     Level::Low,
     "Use npm ci to install exactly what package-lock.json records.",
     {"https://docs.npmjs.com/cli/commands/npm-ci"}},
    {"MOAT-DF-027",
     "Whole build context copied before installing dependencies",
     Level::Low,
     "Copy only the dependency manifests first, install, then copy the rest, so the install layer stays cached.",
     {kDocs + "#leverage-build-cache"}},
    {"MOAT-DF-028",
     "apt-get update alone in a RUN",
     Level::Medium,
     "Run apt-get update and apt-get install in the same RUN so a cached stale index is never used.",
     {"CIS Docker 4.7"}},
    {"MOAT-DF-029", "Stage name used twice", Level::Medium, "Give every stage a unique AS name.", {"hadolint DL3024"}},
    {"MOAT-DF-030",
     "Malformed moat:ignore suppression",
     Level::Medium,
     "Write # moat:ignore MOAT-DF-NNN reason: <why this is accepted> on the line above the instruction.",
     {}},
    {"MOAT-DF-031",
     "Pipe in RUN without pipefail",
     Level::Low,
     "Add SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"] or set -o pipefail so a failing command fails the build.",
     {"hadolint DL4006"}},
};

const DockerfileRule& rule(std::string_view id) { return find_rule(kRules, id); }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}
bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool contains(std::string_view s, std::string_view p) { return s.find(p) != std::string_view::npos; }
std::string basename(std::string_view s) {
  auto slash = s.rfind('/');
  return std::string(slash == std::string_view::npos ? s : s.substr(slash + 1));
}

// One simple command of a shell script: words with quotes removed.
struct Command {
  std::vector<std::string> words;  // env assignments and sudo/exec prefixes removed
  bool sudo = false;
  bool piped_in = false;  // stdin comes from the previous command through '|'
  std::string text;       // as written, from its first word, for pointing at it
  std::string program() const { return words.empty() ? std::string() : basename(words[0]); }
  bool has(std::string_view w) const { return std::find(words.begin(), words.end(), w) != words.end(); }
  // First word after the program that is not an option.
  std::string subcommand() const {
    for (size_t i = 1; i < words.size(); ++i) {
      if (!starts_with(words[i], "-")) return words[i];
    }
    return {};
  }
};

// Splits a script on && || ; | & newlines and parentheses; enough to see which programs run
// with which options, not a full shell.
std::vector<Command> split_commands(std::string_view script) {
  std::vector<Command> out;
  Command cur;
  std::string word;
  bool in_word = false;
  bool next_piped = false;
  size_t i = 0;
  size_t cmd_start = std::string_view::npos;
  auto mark = [&] {
    if (cmd_start == std::string_view::npos) cmd_start = i;
  };
  auto end_word = [&] {
    if (in_word) cur.words.push_back(word);
    word.clear();
    in_word = false;
  };
  auto end_command = [&](bool pipe) {
    end_word();
    if (!cur.words.empty()) {
      size_t k = 0;
      while (k < cur.words.size()) {
        const std::string& w = cur.words[k];
        auto eq = w.find('=');
        bool assignment = eq != std::string::npos && eq > 0 &&
                          std::all_of(w.begin(), w.begin() + static_cast<long>(eq),
                                      [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
        if (assignment || w == "exec" || w == "time" || w == "nohup" || w == "command" || w == "{" || w == "!") {
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
      cur.piped_in = next_piped;
      cur.text = std::string(script.substr(cmd_start, std::min(i, script.size()) - cmd_start));
      out.push_back(std::move(cur));
    }
    cur = Command();
    cmd_start = std::string_view::npos;
    next_piped = pipe;
  };
  for (; i < script.size(); ++i) {
    char c = script[i];
    if (c == '\\' && i + 1 < script.size()) {
      mark();
      if (script[i + 1] != '\n') {
        word += script[i + 1];
        in_word = true;
      }
      ++i;
    } else if (c == '\'' || c == '"') {
      mark();
      size_t close = script.find(c, i + 1);
      if (close == std::string_view::npos) close = script.size();
      word.append(script.substr(i + 1, close - i - 1));
      in_word = true;
      i = close;
    } else if (c == '#' && !in_word) {
      while (i + 1 < script.size() && script[i + 1] != '\n') ++i;
    } else if (c == '|') {
      bool oror = i + 1 < script.size() && script[i + 1] == '|';
      if (oror) ++i;
      end_command(!oror);
    } else if (c == '&') {
      if (i + 1 < script.size() && script[i + 1] == '&')
        ++i;
      else if (i > 0 && (script[i - 1] == '>' || (i + 1 < script.size() && script[i + 1] == '>'))) {
        mark();
        word += c;  // 2>&1, &>file
        in_word = true;
        continue;
      }
      end_command(false);
    } else if (c == ';' || c == '\n' || c == '(' || c == ')') {
      end_command(false);
    } else if (c == ' ' || c == '\t' || c == '\r') {
      end_word();
    } else {
      mark();
      word += c;
      in_word = true;
    }
  }
  end_command(false);
  return out;
}

bool is_shell(std::string_view prog) {
  static const std::set<std::string, std::less<>> shells = {"sh", "bash", "dash", "ash", "zsh", "ksh"};
  return shells.count(prog) > 0;
}

// The script a RUN executes, heredoc bodies included when the shell reads them.
std::string run_script(const Instruction& ins) {
  if (ins.json_form) {
    const auto& a = ins.arguments;
    if (a.size() >= 3 && is_shell(basename(a[0])) && a[1] == "-c") return a[2];
    std::string joined;
    for (const auto& w : a) joined += w + " ";
    return joined;
  }
  std::string script = ins.args;
  std::string_view first(ins.args);
  first = first.substr(0, first.find_first_of(" \t"));
  bool shell_reads = starts_with(first, "<<") || is_shell(basename(first));
  for (const auto& doc : ins.heredocs) {
    if (shell_reads) script += "\n" + doc.content;
  }
  return script;
}

bool is_apt(const Command& c) { return c.program() == "apt-get" || c.program() == "apt"; }
bool short_option_has(const Command& c, char letter) {
  for (size_t i = 1; i < c.words.size(); ++i) {
    const auto& w = c.words[i];
    if (w.size() >= 2 && w[0] == '-' && w[1] != '-' && w.find(letter) != std::string::npos) return true;
  }
  return false;
}
bool is_pip_install(const Command& c) {
  std::string p = c.program();
  if (starts_with(p, "pip")) return c.subcommand() == "install";
  if (starts_with(p, "python") && c.words.size() >= 4 && c.words[1] == "-m" && starts_with(c.words[2], "pip"))
    return c.words[3] == "install";
  return false;
}
bool is_dependency_install(const Command& c) {
  std::string p = c.program();
  std::string sub = c.subcommand();
  if (p == "npm") return sub == "ci" || sub == "install" || sub == "i";
  if (p == "yarn" || p == "pnpm") return sub.empty() || sub == "install";
  if (is_pip_install(c)) return c.has("-r") || c.has("--requirement") || c.has(".");
  if (p == "poetry" || p == "bundle" || p == "composer" || p == "pipenv") return sub == "install";
  if (p == "go") return c.words.size() >= 3 && c.words[1] == "mod" && c.words[2] == "download";
  if (p == "mvn")
    return std::any_of(c.words.begin(), c.words.end(),
                       [](const std::string& w) { return starts_with(w, "dependency:"); });
  return false;
}

// "777", "0777", "a+rwx" — 1777 (sticky, like /tmp) is left alone.
bool world_writable_mode(std::string_view m) {
  return m == "777" || m == "0777" || m == "a+rwx" || m == "ugo+rwx" || m == "o+rwx" || m == "a=rwx";
}
bool setuid_mode(std::string_view m) {
  if (m.size() == 4 && std::all_of(m.begin(), m.end(), [](char c) { return c >= '0' && c <= '7'; }))
    return m[0] == '2' || m[0] == '4' || m[0] == '6';
  if (m.empty() || !std::strchr("ugoa+", m[0])) return false;
  auto plus = m.find('+');
  return plus != std::string_view::npos && m.find('s', plus) != std::string_view::npos;
}

bool secret_name(std::string_view name) {
  std::vector<std::string> parts;
  std::string part;
  for (char c : name) {
    if (c == '_' || c == '-' || c == '.') {
      if (!part.empty()) parts.push_back(part);
      part.clear();
    } else {
      part += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  if (!part.empty()) parts.push_back(part);
  if (parts.empty()) return false;
  static const std::set<std::string, std::less<>> not_a_value = {"FILE",     "PATH", "DIR", "LENGTH", "ENABLED",
                                                                 "REQUIRED", "NAME", "ID",  "URL",    "HEADER"};
  if (not_a_value.count(parts.back())) return false;
  static const std::set<std::string, std::less<>> words = {
      "PASSWORD", "PASSWD", "PASS", "SECRET", "TOKEN", "APIKEY", "CREDENTIALS", "CREDENTIAL", "PRIVATEKEY"};
  for (size_t i = 0; i < parts.size(); ++i) {
    if (words.count(parts[i])) return true;
    if (i + 1 < parts.size() && parts[i + 1] == "KEY" &&
        (parts[i] == "API" || parts[i] == "ACCESS" || parts[i] == "PRIVATE" || parts[i] == "SECRET" ||
         parts[i] == "AUTH" || parts[i] == "ENCRYPTION" || parts[i] == "SIGNING"))
      return true;
  }
  return false;
}

struct ImageRef {
  std::string name, tag, digest;
};
ImageRef split_image(std::string_view ref) {
  ImageRef r;
  if (auto at = ref.find('@'); at != std::string_view::npos) {
    r.digest = std::string(ref.substr(at + 1));
    ref = ref.substr(0, at);
  }
  auto slash = ref.rfind('/');
  auto colon = ref.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    r.tag = std::string(ref.substr(colon + 1));
    ref = ref.substr(0, colon);
  }
  r.name = std::string(ref);
  return r;
}

class Checker {
 public:
  Checker(const Dockerfile& df, const std::string& file) : df_(df), file_(file) {
    // The stages whose files end up in the image: the last one and the stages it builds FROM.
    for (int s = static_cast<int>(df.stages.size()) - 1; s >= 0; s = df.stages[static_cast<size_t>(s)].parent_stage)
      ships_.insert(s);
    for (const auto& st : df.stages) {
      if (!st.name.empty()) first_named_.emplace(st.name, st.index);
    }
  }

  std::vector<ConfigFinding> run() {
    for (const auto& st : df_.stages) check_stage(st);
    check_final_stage();
    for (const auto& ins : df_.global_args) check_secrets(ins, "global ARG");
    return std::move(found_);
  }

 private:
  void add(std::string_view id, const Instruction& ins, Position where, std::string message, std::string object) {
    const auto& r = rule(id);
    ConfigFinding f;
    f.rule_id = r.id;
    f.title = r.title;
    f.level = r.level;
    f.file = file_;
    f.where = where.line ? where : ins.start;
    f.message = std::move(message);
    f.resolution = r.resolution;
    f.references = r.references;
    f.object = std::move(object);
    found_.push_back(std::move(f));
  }

  static std::string object_of(const Stage& st) {
    return st.name.empty() ? "stage " + std::to_string(st.index) : "stage " + st.name;
  }

  void check_stage(const Stage& st) {
    const std::string obj = object_of(st);
    const Instruction& from = st.instructions.front();
    check_from(st, from, obj);
    int cmds = 0, entrypoints = 0, healthchecks = 0;
    bool pipefail_shell = false;
    bool posix_shell = true;
    bool installed_deps = false;
    const Instruction* whole_context_copy = nullptr;
    for (const auto& ins : st.instructions) {
      const std::string& k = ins.keyword;
      if (k == "CMD" || k == "ENTRYPOINT" || k == "HEALTHCHECK") {
        int& n = k == "CMD" ? cmds : k == "ENTRYPOINT" ? entrypoints : healthchecks;
        if (++n > 1)
          add("MOAT-DF-018", ins, ins.start,
              k + " appears " + std::to_string(n) + " times in " + obj + "; only the last one takes effect", obj);
        if (k != "HEALTHCHECK" && !ins.json_form)
          add("MOAT-DF-017", ins, ins.start, k + " " + ins.args.substr(0, 80) + " uses shell form", obj);
      } else if (k == "ADD" || k == "COPY") {
        if (k == "ADD")
          check_add(ins, obj);
        else
          check_copy(st, ins, obj);
        if (!ins.flag("from") && ins.arguments.size() >= 2) {
          for (size_t i = 0; i + 1 < ins.arguments.size(); ++i) {
            if ((ins.arguments[i] == "." || ins.arguments[i] == "./") && !installed_deps && !whole_context_copy)
              whole_context_copy = &ins;
          }
        }
      } else if (k == "ENV" || k == "ARG") {
        check_secrets(ins, obj);
      } else if (k == "EXPOSE") {
        check_expose(ins, obj);
      } else if (k == "WORKDIR") {
        const std::string& dir = ins.arguments.empty() ? ins.args : ins.arguments[0];
        bool windows = dir.size() >= 2 && std::isalpha(static_cast<unsigned char>(dir[0])) && dir[1] == ':';
        if (!dir.empty() && dir[0] != '/' && !windows && ins.args.find('$') == std::string::npos)
          add("MOAT-DF-019", ins, ins.locate(ins.args), "WORKDIR " + dir + " is relative", obj);
      } else if (k == "MAINTAINER") {
        add("MOAT-DF-023", ins, ins.start, "MAINTAINER " + ins.args.substr(0, 80), obj);
      } else if (k == "SHELL") {
        pipefail_shell = false;
        for (const auto& a : ins.arguments) pipefail_shell = pipefail_shell || a == "pipefail";
        posix_shell = !ins.arguments.empty() && is_shell(basename(ins.arguments[0]));
      } else if (k == "RUN") {
        bool deps = check_run(st, ins, obj, pipefail_shell, posix_shell);
        if (deps && whole_context_copy && !installed_deps) {
          add("MOAT-DF-027", *whole_context_copy, whole_context_copy->start,
              "COPY of the whole context at line " + std::to_string(whole_context_copy->start.line) +
                  " comes before the dependency install at line " + std::to_string(ins.start.line),
              obj);
        }
        installed_deps = installed_deps || deps;
      }
    }
  }

  void check_from(const Stage& st, const Instruction& from, const std::string& obj) {
    if (auto it = first_named_.find(st.name); !st.name.empty() && it != first_named_.end() && it->second < st.index)
      add("MOAT-DF-029", from, from.locate(st.name),
          "stage name " + st.name + " is already used by stage " + std::to_string(it->second), obj);
    if (st.parent_stage >= 0 || st.base_image.empty() || lower(st.base_image) == "scratch") return;
    ImageRef ref = split_image(st.base_image);
    std::string raw = from.args;
    bool unresolved = ref.tag.empty() && contains(raw, "$");
    if (unresolved || ref.name.empty()) return;
    std::string_view written = from.args;
    written = written.substr(0, written.find_first_of(" \t"));
    Position at = from.locate(written);
    if (ref.digest.empty() && (ref.tag.empty() || ref.tag == "latest")) {
      add("MOAT-DF-002", from, at,
          "FROM " + st.base_image + (ref.tag.empty() ? " has no tag and means :latest" : " uses :latest"), obj);
    } else if (ref.digest.empty()) {
      add("MOAT-DF-003", from, at, "FROM " + st.base_image + " is not pinned by digest", obj);
    }
  }

  void check_add(const Instruction& ins, const std::string& obj) {
    if (ins.arguments.size() < 2) return;
    for (size_t i = 0; i + 1 < ins.arguments.size(); ++i) {
      const std::string& src = ins.arguments[i];
      if (starts_with(src, "<<")) continue;  // heredoc: ADD and COPY behave the same
      std::string l = lower(src);
      bool remote = starts_with(l, "http://") || starts_with(l, "https://") || starts_with(l, "git@");
      if (remote) {
        if (!ins.flag("checksum"))
          add("MOAT-DF-005", ins, ins.locate(src), "ADD " + src + " downloads without a checksum", obj);
        continue;
      }
      static const char* archives[] = {".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst"};
      bool archive = std::any_of(std::begin(archives), std::end(archives), [&](const char* ext) {
        std::string_view e(ext);
        return l.size() > e.size() && l.compare(l.size() - e.size(), e.size(), e) == 0;
      });
      if (!archive)  // extracting a local archive is what ADD is for
        add("MOAT-DF-004", ins, ins.locate(src), "ADD " + src + " copies a local file; use COPY", obj);
    }
  }

  void check_copy(const Stage& st, const Instruction& ins, const std::string& obj) {
    if (const Flag* chmod = ins.flag("chmod"); chmod && world_writable_mode(chmod->value))
      add("MOAT-DF-021", ins, ins.locate("--chmod"), "COPY --chmod=" + chmod->value + " makes files world-writable",
          obj);
    if (const Flag* chmod = ins.flag("chmod"); chmod && setuid_mode(chmod->value))
      add("MOAT-DF-024", ins, ins.locate("--chmod"), "COPY --chmod=" + chmod->value + " sets setuid/setgid", obj);
    const Flag* from = ins.flag("from");
    if (!from || from->value.empty()) return;
    std::string v = lower(from->value);
    Position at = ins.locate("--from");
    if (std::all_of(v.begin(), v.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      if (v.size() > 6 || std::stoi(v) >= st.index)
        add("MOAT-DF-022", ins, at, "COPY --from=" + from->value + " is not an earlier stage index", obj);
      return;
    }
    if (auto it = first_named_.find(v); it != first_named_.end()) {
      if (it->second >= st.index)
        add("MOAT-DF-022", ins, at,
            "COPY --from=" + from->value +
                (it->second == st.index ? " refers to its own stage" : " refers to a later stage"),
            obj);
      return;
    }
    if (v.find_first_of(":/@.") != std::string::npos) return;  // an image reference
    add("MOAT-DF-022", ins, at, "COPY --from=" + from->value + " is not a stage defined earlier (an image needs a tag)",
        obj);
  }

  void check_secrets(const Instruction& ins, const std::string& obj) {
    if (ins.keyword != "ENV" && ins.keyword != "ARG") return;
    for (const auto& kv : ins.arguments) {
      auto eq = kv.find('=');
      if (eq == std::string::npos || eq + 1 == kv.size()) continue;
      std::string name = kv.substr(0, eq);
      if (!secret_name(name)) continue;
      // A value that is only a reference ($FROM_ARG) is not a literal secret here.
      auto raw_at = ins.args.find(name + "=");
      std::string_view raw = raw_at == std::string::npos
                                 ? std::string_view(ins.args).substr(std::min(ins.args.size(), name.size()))
                                 : std::string_view(ins.args).substr(raw_at + name.size() + 1);
      while (!raw.empty() && (raw.front() == ' ' || raw.front() == '"' || raw.front() == '\'')) raw.remove_prefix(1);
      if (!raw.empty() && raw.front() == '$') continue;
      add("MOAT-DF-014", ins, ins.locate(name),
          ins.keyword + " " + name + " holds a literal value (" + std::to_string(kv.size() - eq - 1) + " characters)",
          obj);
    }
  }

  void check_expose(const Instruction& ins, const std::string& obj) {
    for (const auto& p : ins.arguments) {
      std::string port = p.substr(0, p.find('/'));
      auto dash = port.find('-');
      auto num = [](std::string_view s) {
        if (s.empty() || s.size() > 5 ||
            !std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
          return -1;
        return std::stoi(std::string(s));
      };
      int lo = num(std::string_view(port).substr(0, dash));
      int hi = dash == std::string::npos ? lo : num(std::string_view(port).substr(dash + 1));
      if (lo >= 0 && lo <= 22 && 22 <= hi)
        add("MOAT-DF-016", ins, ins.locate(port), "EXPOSE " + p + " publishes SSH", obj);
    }
  }

  // Where a command of a RUN starts: its first line as written, else its program's name.
  static Position at(const Instruction& ins, const Command& c) {
    std::string_view needle = c.text;
    needle = needle.substr(0, std::min<size_t>(needle.find('\n'), 40));
    while (!needle.empty() && (needle.back() == ' ' || needle.back() == '\t')) needle.remove_suffix(1);
    Position p = ins.locate(needle);
    if (p.line == ins.start.line && p.column == ins.start.column) p = ins.locate(c.program());
    return p;
  }

  // Returns whether the RUN installs project dependencies (for MOAT-DF-027).
  bool check_run(const Stage& st, const Instruction& ins, const std::string& obj, bool pipefail_shell,
                 bool posix_shell) {
    std::string script = run_script(ins);
    auto cmds = split_commands(script);
    bool ships = ships_.count(st.index) > 0;
    const Flag* mount = ins.flag("mount");
    bool cache_mount = mount && contains(mount->value, "type=cache");
    bool apt_install = false, apt_update = false, yum_install = false, deps = false, piped = false;
    Position install_at, update_at;
    // One finding per rule and RUN: a long script must not multiply findings or position searches.
    std::set<std::string_view> reported;
    auto hit = [&](std::string_view id, const Command& c, std::string message) {
      if (reported.insert(id).second) add(id, ins, at(ins, c), std::move(message), obj);
    };
    bool pip_cache_off = st.env.count("PIP_NO_CACHE_DIR") > 0;
    for (size_t i = 0; i < cmds.size(); ++i) {
      const Command& c = cmds[i];
      std::string prog = c.program();
      std::string sub = c.subcommand();
      piped = piped || c.piped_in;
      if (c.sudo) hit("MOAT-DF-013", c, "RUN uses sudo " + prog);
      deps = deps || is_dependency_install(c);
      if (is_apt(c)) {
        if (sub == "update" && !apt_update) {
          apt_update = true;
          update_at = at(ins, c);
        }
        if (sub == "install") {
          if (!apt_install) install_at = at(ins, c);
          apt_install = true;
          if (!short_option_has(c, 'y') && !c.has("--yes") && !c.has("--assume-yes") && !contains(script, "Assume-Yes"))
            hit("MOAT-DF-006", c, prog + " install without -y");
          if (!c.has("--no-install-recommends") && !contains(script, "Install-Recommends"))
            hit("MOAT-DF-007", c, prog + " install without --no-install-recommends");
        }
        if (sub == "upgrade" || sub == "dist-upgrade" || sub == "full-upgrade")
          hit("MOAT-DF-009", c, prog + " " + sub + " in the build");
      } else if (prog == "apk") {
        if (sub == "upgrade") hit("MOAT-DF-009", c, "apk upgrade in the build");
        if (sub == "add" && ships && !c.has("--no-cache") && !cache_mount && !contains(script, "/var/cache/apk"))
          hit("MOAT-DF-010", c, "apk add without --no-cache");
      } else if (is_pip_install(c)) {
        if (ships && !c.has("--no-cache-dir") && !cache_mount && !pip_cache_off)
          hit("MOAT-DF-011", c, prog + " install without --no-cache-dir");
      } else if (prog == "yum" || prog == "dnf" || prog == "microdnf") {
        if (sub == "install" && !yum_install) {
          yum_install = true;
          install_at = at(ins, c);
        }
        if (sub == "upgrade" || sub == "update") hit("MOAT-DF-009", c, prog + " " + sub + " in the build");
      } else if (prog == "npm" && (sub == "install" || sub == "i")) {
        bool bare = std::none_of(c.words.begin() + 1, c.words.end(), [](const std::string& w) {
          return !starts_with(w, "-") && w != "install" && w != "i";
        });
        bool global = c.has("-g") || c.has("--global");
        if (bare && !global) hit("MOAT-DF-026", c, "npm " + sub + " resolves versions anew");
      } else if (prog == "cd") {
        hit("MOAT-DF-020", c, "RUN cd " + (c.words.size() > 1 ? c.words[1] : std::string()));
      } else if (prog == "chmod") {
        for (size_t w = 1; w < c.words.size(); ++w) {
          if (world_writable_mode(c.words[w])) hit("MOAT-DF-021", c, "chmod " + c.words[w]);
          if (setuid_mode(c.words[w])) hit("MOAT-DF-024", c, "chmod " + c.words[w] + " sets setuid/setgid");
        }
      }
      bool interpreter = is_shell(prog) || starts_with(prog, "python") || prog == "perl" || prog == "ruby" ||
                         prog == "node" || prog == "php";
      if (interpreter && c.piped_in && i > 0 && (cmds[i - 1].program() == "curl" || cmds[i - 1].program() == "wget"))
        hit("MOAT-DF-012", cmds[i - 1], cmds[i - 1].program() + " output piped into " + prog);
      if (is_shell(prog) && c.words.size() >= 3 && c.words[1] == "-c" &&
          (contains(c.words[2], "$(curl") || contains(c.words[2], "$(wget") || contains(c.words[2], "`curl") ||
           contains(c.words[2], "`wget")))
        hit("MOAT-DF-012", c, prog + " -c runs a downloaded script");
    }
    bool lists_cleaned =
        contains(script, "/var/lib/apt/lists") || (cache_mount && contains(mount->value, "/var/lib/apt"));
    if (apt_install && ships && !lists_cleaned)
      add("MOAT-DF-008", ins, install_at, "apt-get install without removing /var/lib/apt/lists/*", obj);
    if (apt_update && !apt_install)
      add("MOAT-DF-028", ins, update_at, "apt-get update without an install in the same RUN", obj);
    if (yum_install && ships && !contains(script, "clean all") && !contains(script, "/var/cache/yum") &&
        !contains(script, "/var/cache/dnf") && !cache_mount)
      add("MOAT-DF-025", ins, install_at, "package install without clean all in the same RUN", obj);
    if (piped && posix_shell && !ins.json_form && !pipefail_shell && !contains(script, "pipefail"))
      add("MOAT-DF-031", ins, ins.locate("|"), "RUN has a pipe; the build only sees the last command's status", obj);
    return deps;
  }

  // USER and HEALTHCHECK are inherited from a stage the final stage builds FROM.
  void check_final_stage() {
    const Stage& last = df_.stages.back();
    const std::string obj = object_of(last);
    const Instruction& from = last.instructions.front();
    const Instruction* user = nullptr;
    const Instruction* health = nullptr;
    for (int s = last.index; s >= 0 && (!user || !health); s = df_.stages[static_cast<size_t>(s)].parent_stage) {
      const auto& ins = df_.stages[static_cast<size_t>(s)].instructions;
      for (auto it = ins.rbegin(); it != ins.rend(); ++it) {
        if (!user && it->keyword == "USER") user = &*it;
        if (!health && it->keyword == "HEALTHCHECK") health = &*it;
      }
    }
    std::string base = lower(last.base_image);
    bool nonroot_base = contains(base, "nonroot") || contains(base, "rootless") || contains(base, "unprivileged");
    if (!user) {
      if (!nonroot_base)
        add("MOAT-DF-001", from, from.start, "no USER in the final stage: the container runs as root", obj);
    } else {
      std::string u = user->arguments.empty() ? user->args : user->arguments[0];
      std::string name = u.substr(0, u.find(':'));
      if (name == "root" || name == "0")
        add("MOAT-DF-001", *user, user->start, "USER " + u + " is the last user of the final stage", obj);
    }
    if (!health)
      add("MOAT-DF-015", from, from.start, "no HEALTHCHECK in the final stage", obj);
    else if (!health->arguments.empty() && health->arguments[0] == "NONE")
      add("MOAT-DF-015", *health, health->start, "HEALTHCHECK NONE disables the health check", obj);
  }

  const Dockerfile& df_;
  const std::string& file_;
  std::set<int> ships_;
  std::map<std::string, int> first_named_;  // stage name -> the first stage that has it
  std::vector<ConfigFinding> found_;
};

struct Suppression {
  Position where;
  std::set<std::string> ids;
  std::string reason;
  int first_line = 0, last_line = 0;  // of the instruction it covers
};

// "moat:ignore MOAT-DF-003, MOAT-DF-002 reason: why"
std::vector<Suppression> read_suppressions(const Dockerfile& df, std::vector<ConfigFinding>& found,
                                           const std::string& file) {
  std::vector<const Instruction*> all;
  for (const auto& a : df.global_args) all.push_back(&a);
  for (const auto& st : df.stages) {
    for (const auto& ins : st.instructions) all.push_back(&ins);
  }
  std::sort(all.begin(), all.end(),
            [](const Instruction* a, const Instruction* b) { return a->start.line < b->start.line; });
  std::vector<Suppression> out;
  for (const auto& c : df.comments) {
    std::string l = lower(c.text);
    if (!starts_with(l, "moat:ignore")) continue;
    std::string rest = c.text.substr(11);
    std::string lrest = l.substr(11);
    auto r = lrest.find("reason:");
    Suppression s;
    s.where = c.where;
    std::string ids = r == std::string::npos ? rest : rest.substr(0, r);
    s.reason = r == std::string::npos ? std::string() : rest.substr(r + 7);
    s.reason.erase(0, s.reason.find_first_not_of(" \t"));
    while (!s.reason.empty() && std::isspace(static_cast<unsigned char>(s.reason.back()))) s.reason.pop_back();
    std::string id;
    std::vector<std::string> unknown;
    for (size_t i = 0; i <= ids.size(); ++i) {
      if (i == ids.size() || ids[i] == ',' || std::isspace(static_cast<unsigned char>(ids[i]))) {
        if (!id.empty()) {
          std::string u = upper(id);
          bool known = std::any_of(kRules.begin(), kRules.end(), [&](const DockerfileRule& rr) { return rr.id == u; });
          if (known)
            s.ids.insert(u);
          else
            unknown.push_back(id);
        }
        id.clear();
      } else {
        id += ids[i];
      }
    }
    auto target = std::upper_bound(all.begin(), all.end(), c.where.line,
                                   [](int line, const Instruction* i) { return line < i->start.line; });
    std::string problem;
    if (s.reason.empty())
      problem = "has no reason: write '# moat:ignore <id> reason: <why>'";
    else if (s.ids.empty())
      problem = "names no rule id";
    else if (!unknown.empty())
      problem = "names an unknown rule id " + unknown.front();
    else if (target == all.end())
      problem = "is not followed by an instruction";
    if (!problem.empty()) {
      const auto& r30 = rule("MOAT-DF-030");
      found.push_back({r30.id, r30.title, r30.level, file, c.where, "moat:ignore comment " + problem, r30.resolution,
                       r30.references, ""});
      continue;
    }
    s.first_line = (*target)->start.line;
    s.last_line = (*target)->end.line;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

const std::vector<DockerfileRule>& dockerfile_rules() { return kRules; }

DockerfileCheckResult check_dockerfile_with_suppressions(const Dockerfile& dockerfile, const std::string& file) {
  std::vector<ConfigFinding> found = Checker(dockerfile, file).run();
  auto suppressions = read_suppressions(dockerfile, found, file);
  // Instructions do not overlap, so the one holding a line is the last one starting at or before it.
  std::multimap<int, const Suppression*> by_first_line;
  for (const auto& s : suppressions) by_first_line.emplace(s.first_line, &s);
  DockerfileCheckResult result;
  for (auto& f : found) {
    const Suppression* by = nullptr;
    auto it = by_first_line.upper_bound(f.where.line);
    if (it != by_first_line.begin()) {
      int first = std::prev(it)->first;
      for (auto [b, e] = by_first_line.equal_range(first); b != e; ++b) {
        if (b->second->ids.count(f.rule_id) && f.where.line <= b->second->last_line) by = b->second;
      }
    }
    if (by)
      result.suppressed.push_back({std::move(f), by->reason, by->where});
    else
      result.findings.push_back(std::move(f));
  }
  auto order = [](const ConfigFinding& a, const ConfigFinding& b) {
    return std::tie(a.where.line, a.where.column, a.rule_id) < std::tie(b.where.line, b.where.column, b.rule_id);
  };
  std::stable_sort(result.findings.begin(), result.findings.end(), order);
  return result;
}

std::vector<ConfigFinding> check_dockerfile(const Dockerfile& dockerfile, const std::string& file) {
  return check_dockerfile_with_suppressions(dockerfile, file).findings;
}

}  // namespace moat::misconfig
