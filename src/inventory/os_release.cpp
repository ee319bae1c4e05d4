#include "inventory/os_release.h"

namespace moat::inventory {

namespace {

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

const std::string* get(const std::map<std::string, std::string>& files, const std::string& path) {
  auto it = files.find(path);
  return it == files.end() ? nullptr : &it->second;
}

}  // namespace

const std::vector<std::string>& os_identity_paths() {
  static const std::vector<std::string> paths = {
      "/etc/os-release",     "/usr/lib/os-release", "/etc/alpine-release", "/etc/debian_version",
      "/etc/redhat-release", "/etc/centos-release", "/etc/system-release"};
  return paths;
}

std::map<std::string, std::string> parse_os_release(std::string_view content) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos < content.size()) {
    size_t nl = content.find('\n', pos);
    if (nl == std::string_view::npos) nl = content.size();
    std::string line = trim(content.substr(pos, nl - pos));
    pos = nl + 1;
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    std::string key = line.substr(0, eq), raw = line.substr(eq + 1), value;
    char quote = (!raw.empty() && (raw[0] == '"' || raw[0] == '\'')) ? raw[0] : 0;
    for (size_t i = quote ? 1 : 0; i < raw.size(); ++i) {
      char c = raw[i];
      if (quote && c == quote) break;
      if (c == '\\' && quote != '\'' && i + 1 < raw.size()) c = raw[++i];
      value += c;
    }
    out[key] = value;
  }
  return out;
}

std::optional<OsRelease> detect_os(const std::map<std::string, std::string>& files) {
  const std::string* text = get(files, "/etc/os-release");
  if (!text) text = get(files, "/usr/lib/os-release");
  OsRelease os;
  if (text) {
    auto kv = parse_os_release(*text);
    os.id = kv["ID"];
    os.version_id = kv["VERSION_ID"];
    os.pretty_name = kv["PRETTY_NAME"];
    os.codename = kv["VERSION_CODENAME"];
  }
  // Release files are more precise than os-release for point releases, and the only
  // identification in images that ship no os-release at all.
  if (const std::string* alpine = get(files, "/etc/alpine-release"); alpine && (os.id.empty() || os.id == "alpine")) {
    os.id = "alpine";
    os.version_id = trim(*alpine);
  }
  if (const std::string* deb = get(files, "/etc/debian_version"); deb && (os.id.empty() || os.id == "debian")) {
    os.id = "debian";
    std::string v = trim(*deb);
    // "12.5" names release 12; testing and sid write "trixie/sid" and have no VERSION_ID.
    if (os.version_id.empty() && !v.empty() && v[0] >= '0' && v[0] <= '9') os.version_id = v.substr(0, v.find('.'));
  }
  if (os.id.empty()) {
    for (const char* path : {"/etc/redhat-release", "/etc/centos-release", "/etc/system-release"}) {
      const std::string* rel = get(files, path);
      if (!rel) continue;
      std::string line = trim(rel->substr(0, rel->find('\n')));
      size_t at = line.find(" release ");
      if (at == std::string::npos) continue;
      std::string name = line.substr(0, at);
      os.id = name.rfind("CentOS", 0) == 0 ? "centos" : name.rfind("Red Hat", 0) == 0 ? "rhel" : "fedora";
      std::string ver = line.substr(at + 9);
      os.version_id = ver.substr(0, ver.find(' '));
      os.pretty_name = line;
      break;
    }
  }
  if (os.id.empty()) return std::nullopt;
  return os;
}

}  // namespace moat::inventory
