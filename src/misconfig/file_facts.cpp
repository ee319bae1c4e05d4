#include "misconfig/file_facts.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>

#include "misconfig/image_checks.h"

namespace moat::misconfig {
namespace {

constexpr uint32_t kTypeMask = 0170000;
constexpr uint32_t kTypeFile = 0100000;
constexpr uint32_t kTypeDir = 0040000;
constexpr uint32_t kTypeLink = 0120000;

const char* const kSetuidRule = "MOAT-IMG-030";
const char* const kStandardSetuidRule = "MOAT-IMG-031";
const char* const kWorldWritableFile = "MOAT-IMG-032";
const char* const kWorldWritableDir = "MOAT-IMG-033";
const char* const kShell = "MOAT-IMG-034";
const char* const kPackageManager = "MOAT-IMG-035";
const char* const kCompiler = "MOAT-IMG-036";
const char* const kNetworkTool = "MOAT-IMG-037";

// setuid/setgid programs that Debian's, Ubuntu's and Alpine's base systems install (shadow's
// password tools, util-linux mount, PAM's helper, ...): still reported, but at LOW, so a MEDIUM
// finding means something the image's own build added.
const std::set<std::string, std::less<>> kStandardSetuid = {
    "/usr/bin/passwd",
    "/usr/bin/chsh",
    "/usr/bin/chfn",
    "/usr/bin/gpasswd",
    "/usr/bin/newgrp",
    "/usr/bin/su",
    "/usr/bin/mount",
    "/usr/bin/umount",
    "/usr/bin/chage",
    "/usr/bin/expiry",
    "/usr/bin/wall",
    "/usr/bin/crontab",
    "/usr/bin/ssh-agent",
    "/usr/bin/newuidmap",
    "/usr/bin/newgidmap",
    "/usr/bin/bsd-write",
    "/usr/bin/dotlockfile",
    "/usr/sbin/unix_chkpwd",
    "/usr/sbin/pam_extrausers_chkpwd",
    "/usr/lib/openssh/ssh-keysign",
    "/usr/lib/dbus-1.0/dbus-daemon-launch-helper",
    "/bin/su",
    "/bin/mount",
    "/bin/umount",
    "/bin/ping",
    "/sbin/unix_chkpwd",
    "/bin/bbsuid",
};

const std::set<std::string, std::less<>> kBinDirs = {"/bin",      "/sbin",          "/usr/bin",
                                                     "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"};

struct ToolKind {
  const char* rule;
  const char* noun;
  std::set<std::string, std::less<>> names;
};

const ToolKind kTools[] = {
    {kShell,
     "shell",
     {"sh", "bash", "rbash", "dash", "zsh", "ash", "ksh", "ksh93", "mksh", "csh", "tcsh", "fish", "yash", "busybox",
      "pwsh"}},
    {kPackageManager,
     "package manager",
     {"apt", "apt-get", "aptitude", "dpkg", "apk", "yum", "dnf", "microdnf", "rpm", "zypper", "pacman", "pip",
      "easy_install", "npm", "yarn", "pnpm", "gem", "composer", "conda"}},
    {kCompiler,
     "compiler or build tool",
     {"gcc", "cc", "c++", "g++", "clang", "clang++", "tcc", "gfortran", "make", "gmake", "cmake", "ninja", "go",
      "rustc", "cargo", "javac"}},
    {kNetworkTool,
     "network tool",
     {"curl", "wget", "nc", "ncat", "netcat", "nc.openbsd", "nc.traditional", "socat", "telnet", "ssh", "scp", "sftp",
      "ftp", "tftp", "nmap", "tcpdump"}},
};

// "/usr/bin/x" from "usr/bin/x", "./usr/bin/x", "/usr/bin/x/" or "//usr//bin/x".
std::string normalize(std::string_view path) {
  std::string out;
  out.reserve(path.size() + 1);
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (!part.empty() && part != ".") {
      out += '/';
      out.append(part);
    }
    i = j;
  }
  return out.empty() ? "/" : out;
}

bool digits_and_dots(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; });
}

// What a tool is called without its cross-compiler prefix and version suffix:
// "x86_64-linux-gnu-gcc-12" -> "gcc", "clang++-16" -> "clang++", "pip3.11" -> "pip".
std::string tool_name(std::string_view name) {
  if (auto linux_at = name.find("-linux-"); linux_at != std::string_view::npos) {
    auto dash = name.find('-', linux_at + 7);
    if (dash != std::string_view::npos) name = name.substr(dash + 1);
  }
  if (auto dash = name.rfind('-'); dash != std::string_view::npos && dash > 0 && digits_and_dots(name.substr(dash + 1)))
    name = name.substr(0, dash);
  std::string_view stem = name;
  while (!stem.empty() && (std::isdigit(static_cast<unsigned char>(stem.back())) || stem.back() == '.'))
    stem.remove_suffix(1);
  if (stem == "pip" || stem == "easy_install") return std::string(stem);
  return std::string(name);
}

std::string octal(uint32_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777u);
  return buf;
}

std::optional<FileFact> tool_fact(const std::string& path) {
  auto slash = path.rfind('/');
  std::string dir = slash == 0 ? "/" : path.substr(0, slash);
  if (!kBinDirs.count(dir)) return std::nullopt;
  std::string name = tool_name(std::string_view(path).substr(slash + 1));
  for (const auto& kind : kTools) {
    if (kind.names.count(name)) return FileFact{kind.rule, std::string(kind.noun) + " " + name};
  }
  return std::nullopt;
}

}  // namespace

std::optional<FileFact> file_fact(std::string_view raw_path, uint32_t mode, EntryType type) {
  switch (mode & kTypeMask) {
    case 0:
      break;
    case kTypeFile:
      type = EntryType::File;
      break;
    case kTypeDir:
      type = EntryType::Directory;
      break;
    case kTypeLink:
      type = EntryType::Symlink;
      break;
    default:
      return std::nullopt;  // devices, FIFOs, sockets: their permissions are not this check's business
  }
  std::string path = normalize(raw_path);
  if (type == EntryType::Directory) {
    if ((mode & 0002) && !(mode & 01000))
      return FileFact{kWorldWritableDir, "world-writable without the sticky bit (" + octal(mode) + ")"};
    return std::nullopt;
  }
  if (type == EntryType::Symlink) return tool_fact(path);
  if (mode & 0002) return FileFact{kWorldWritableFile, "world-writable (" + octal(mode) + ")"};
  // setuid/setgid only matter on a file someone may execute (setgid without group-execute is a lock mark).
  bool setuid = (mode & 04000) && (mode & 0111);
  bool setgid = (mode & 02000) && (mode & 0010);
  if (setuid || setgid) {
    std::string what = setuid && setgid ? "setuid and setgid " : setuid ? "setuid " : "setgid ";
    return FileFact{kStandardSetuid.count(path) ? kStandardSetuidRule : kSetuidRule, what + "(" + octal(mode) + ")"};
  }
  if (!(mode & 0111)) return std::nullopt;
  return tool_fact(path);
}

std::optional<FileFact> file_fact(std::string_view path, uint32_t mode, bool is_directory) {
  return file_fact(path, mode, is_directory ? EntryType::Directory : EntryType::File);
}

std::vector<ConfigFinding> summarize_file_facts(const std::vector<std::pair<std::string, FileFact>>& visible) {
  // rule id -> path -> detail; ordered so output is stable whatever order the walk had.
  std::map<std::string, std::map<std::string, std::string>> by_rule;
  for (const auto& [path, fact] : visible) {
    const std::string& id = fact.rule_id;  // clang 14 cannot capture a structured binding
    bool known = std::any_of(image_rules().begin(), image_rules().end(), [&](const Rule& r) { return r.id == id; });
    if (known) by_rule[id].emplace(normalize(path), fact.detail);
  }
  std::vector<ConfigFinding> out;
  for (const auto& [rule_id, files] : by_rule) {
    const ToolKind* tool = nullptr;
    for (const auto& kind : kTools)
      if (rule_id == kind.rule) tool = &kind;
    if (tool) {
      std::string list;
      size_t n = 0;
      for (const auto& [path, detail] : files) {
        if (n++ == kListedPaths) break;
        list += (list.empty() ? "" : ", ") + path;
      }
      if (files.size() > kListedPaths) list += " and " + std::to_string(files.size() - kListedPaths) + " more";
      std::string plural = files.size() == 1 ? "" : "s";
      out.push_back(image_finding(
          rule_id, std::to_string(files.size()) + " " + tool->noun + plural + " in the image: " + list, ""));
      continue;
    }
    size_t n = 0;
    for (const auto& [path, detail] : files) {
      if (n++ == kFileFindingsPerRule) break;
      out.push_back(image_finding(rule_id, path + " is " + detail, path));
    }
    if (files.size() > kFileFindingsPerRule)
      out.push_back(image_finding(rule_id,
                                  "and " + std::to_string(files.size() - kFileFindingsPerRule) +
                                      " more files like these (first " + std::to_string(kFileFindingsPerRule) +
                                      " listed)",
                                  ""));
  }
  return out;
}

}  // namespace moat::misconfig
