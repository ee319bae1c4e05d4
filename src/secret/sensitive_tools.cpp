// Package-manager and tool credential files: npm, Yarn, PyPI, pip, netrc, Git, PostgreSQL, MySQL,
// RubyGems, Maven, Gradle, GitHub CLI, Terraform, Vault, s3cmd, rclone, boto.
#include <algorithm>
#include <cctype>

#include "base/text.h"
#include "secret/sensitive_checks.h"

namespace moat::secret::sensitive {
namespace {

std::size_t offset_in(std::string_view content, std::string_view part) {
  return static_cast<std::size_t>(part.data() - content.data());
}

std::string short_text(std::string_view s) { return std::string(s.substr(0, 80)); }

// "key = value", "key: value" or "key value" (Yarn 1); the key without its quotes.
bool split_key_value(std::string_view line, std::string_view& key, std::string_view& value) {
  line = trim(line);
  if (line.empty() || line.front() == '#' || line.front() == ';') return false;
  std::size_t sep = line.find('=');
  if (sep == std::string_view::npos) sep = line.find_first_of(" \t");
  if (sep == std::string_view::npos) return false;
  key = unquote(trim(line.substr(0, sep)));
  value = unquote(trim(line.substr(sep + 1)));
  return true;
}

// Blanks XML comments with spaces so that offsets stay true and commented-out examples (Maven's
// default settings.xml has them) are not read as values.
std::string without_xml_comments(std::string_view xml) {
  std::string out(xml);
  std::size_t pos = 0;
  while ((pos = out.find("<!--", pos)) != std::string::npos) {
    std::size_t end = out.find("-->", pos + 4);
    end = end == std::string::npos ? out.size() : end + 3;
    std::fill(out.begin() + static_cast<std::ptrdiff_t>(pos), out.begin() + static_cast<std::ptrdiff_t>(end), ' ');
    pos = end;
  }
  return out;
}

// The text of the last <tag>…</tag> in xml before `before`, after `not_before`.
std::string_view last_element_before(std::string_view xml, std::string_view tag, std::size_t not_before,
                                     std::size_t before) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::size_t at = xml.rfind(open, before);
  if (at == std::string_view::npos || at < not_before) return {};
  const std::size_t start = at + open.size();
  const std::size_t end = xml.find("</", start);
  return end == std::string_view::npos || end > before ? std::string_view{} : trim(xml.substr(start, end - start));
}

}  // namespace

void check_npmrc(std::string_view content, Findings& out) {
  for_each_line(content, [&](const Line& line) {
    std::string_view key, value;
    if (!split_key_value(line.text, key, value)) return true;
    const std::size_t colon = key.rfind(':');
    const std::string_view name = colon == std::string_view::npos ? key : key.substr(colon + 1);
    const std::string_view scope =
        colon == std::string_view::npos ? std::string_view("the default registry") : key.substr(0, colon);
    if ((name == "_authToken" || name == "_auth" || name == "_password") && !is_placeholder(value)) {
      std::string user;
      if (name == "_auth")  // base64("user:password")
        if (const auto decoded = base64_decode(value); decoded && decoded->find(':') != std::string::npos)
          user = " (user '" + short_text(decoded->substr(0, decoded->find(':'))) + "')";
      out.add(rule::kNpm, "npm " + std::string(name) + " for " + short_text(scope) + user, offset_in(content, value),
              redact(value));
    }
    return !out.full();
  });
}

void check_yarnrc_yml(std::string_view content, Findings& out) {
  for_each_line(content, [&](const Line& line) {
    const std::string_view text = trim(line.text);
    for (std::string_view key : {"npmAuthToken", "npmAuthIdent"}) {
      if (!text.starts_with(key) || text.substr(key.size()).find(':') == std::string_view::npos) continue;
      const std::string_view rest = trim(text.substr(key.size()));
      if (rest.empty() || rest.front() != ':') continue;
      const std::string_view value = unquote(trim(rest.substr(1)));
      if (!is_placeholder(value))
        out.add(rule::kNpm, "Yarn " + std::string(key), offset_in(content, value), redact(value));
    }
    return !out.full();
  });
}

void check_pypirc(std::string_view content, Findings& out) {
  for_each_ini_entry(content, [&](const IniEntry& e) {
    if (ascii_lower(e.key) == "password" && !is_placeholder(e.value))
      out.add(rule::kPypirc, "PyPI password for repository [" + short_text(e.section) + "]", e.value_offset,
              redact(e.value));
    return !out.full();
  });
}

void check_pip_conf(std::string_view content, Findings& out) {
  for_each_ini_entry(content, [&](const IniEntry& e) {
    for (const auto& cred : url_credentials(e.value))
      out.add(rule::kPipIndex, "Credentials of user '" + short_text(cred.user) + "' in pip " + short_text(e.key),
              e.value_offset + cred.password_offset, redact(cred.password));
    return !out.full();
  });
}

void check_netrc(std::string_view content, Findings& out) {
  std::string_view machine = "default", login;
  std::size_t pos = 0;
  const auto next_token = [&]() -> std::string_view {
    while (pos < content.size() && std::isspace(static_cast<unsigned char>(content[pos]))) ++pos;
    const std::size_t start = pos;
    while (pos < content.size() && !std::isspace(static_cast<unsigned char>(content[pos]))) ++pos;
    return content.substr(start, pos - start);
  };
  while (pos < content.size() && !out.full()) {
    const std::string_view token = next_token();
    if (token.empty()) break;
    if (token == "machine") {
      machine = next_token();
      login = {};
    } else if (token == "default") {
      machine = "default";
      login = {};
    } else if (token == "login") {
      login = next_token();
    } else if (token == "password") {
      const std::string_view password = next_token();
      if (!is_placeholder(password))
        out.add(rule::kNetrc,
                "Password for " + short_text(machine) + (login.empty() ? "" : " (login '" + short_text(login) + "')"),
                offset_in(content, password), redact(password));
    } else if (token == "macdef") {  // a macro body runs to the next empty line
      const std::size_t end = content.find("\n\n", pos);
      pos = end == std::string_view::npos ? content.size() : end;
    }
  }
}

void check_git_credentials(std::string_view content, Findings& out) {
  for_each_line(content, [&](const Line& line) {
    for (const auto& cred : url_credentials(line.text)) {
      const std::string_view after = line.text.substr(cred.password_offset + cred.password.size() + 1);
      const std::string_view host = after.substr(0, after.find('/'));
      out.add(rule::kGitCredentials,
              "Git credentials for " + short_text(host) + " (user '" + short_text(cred.user) + "')",
              line.offset + cred.password_offset, redact(cred.password));
    }
    return !out.full();
  });
}

void check_pgpass(std::string_view content, Findings& out) {
  for_each_line(content, [&](const Line& line) {
    const std::string_view text = line.text;
    if (trim(text).empty() || trim(text).front() == '#') return true;
    // hostname:port:database:username:password, with '\:' and '\\' escapes.
    std::vector<std::size_t> colons;
    for (std::size_t i = 0; i < text.size() && colons.size() < 4; ++i) {
      if (text[i] == '\\')
        ++i;
      else if (text[i] == ':')
        colons.push_back(i);
    }
    if (colons.size() < 4) return true;
    const std::string_view password = text.substr(colons[3] + 1);
    if (!password.empty())
      out.add(rule::kPgpass,
              "PostgreSQL password for " + short_text(text.substr(colons[2] + 1, colons[3] - colons[2] - 1)) + "@" +
                  short_text(text.substr(0, colons[1])) + "/" +
                  short_text(text.substr(colons[1] + 1, colons[2] - colons[1] - 1)),
              line.offset + colons[3] + 1, redact(password));
    return !out.full();
  });
}

void check_mysql_cnf(std::string_view path, std::string_view content, Findings& out) {
  if (path.ends_with("/.mylogin.cnf")) {  // obfuscated with a key stored in the file itself
    if (!content.empty()) out.add_file(rule::kMysql, "MySQL login-path file (obfuscated, readable credentials)");
    return;
  }
  for_each_ini_entry(content, [&](const IniEntry& e) {
    const std::string key = ascii_lower(e.key);
    if ((key == "password" || key == "passwd" || key == "pass") && !is_placeholder(e.value))
      out.add(rule::kMysql, "MySQL password in [" + short_text(e.section) + "]", e.value_offset, redact(e.value));
    return !out.full();
  });
}

void check_gem_credentials(std::string_view content, Findings& out) {
  for_each_line(content, [&](const Line& line) {
    const std::string_view text = trim(line.text);
    const std::size_t sep = text.find(": ");
    if (text.empty() || text.front() == '#' || text == "---" || sep == std::string_view::npos) return true;
    const std::string_view value = unquote(trim(text.substr(sep + 2)));
    if (!is_placeholder(value))
      out.add(rule::kRubygems, "RubyGems API key " + short_text(unquote(text.substr(0, sep))),
              offset_in(content, value), redact(value));
    return !out.full();
  });
}

void check_maven_settings(std::string_view content, Findings& out) {
  const std::string xml = without_xml_comments(content);
  const std::string_view doc(xml);
  for (std::string_view tag : {"<password>", "<passphrase>"}) {
    std::size_t pos = 0;
    while ((pos = doc.find(tag, pos)) != std::string_view::npos && !out.full()) {
      const std::size_t start = pos + tag.size();
      const std::size_t end = doc.find("</", start);
      pos = start;
      if (end == std::string_view::npos) break;
      std::string_view value = trim(doc.substr(start, end - start));
      if (value.starts_with("<![CDATA[")) value = value.substr(9);
      if (is_placeholder(value)) continue;
      // The owning <server> or <proxy> and its <id>.
      const std::size_t server = std::max(doc.rfind("<server>", start) + 1, doc.rfind("<proxy>", start) + 1);
      const std::string_view id = last_element_before(doc, "id", server == 0 ? 0 : server - 1, start);
      const bool encrypted = value.size() > 2 && value.front() == '{' && value.back() == '}';
      out.add(rule::kMaven,
              "Maven " + std::string(tag.substr(1, tag.size() - 2)) + " for server '" + short_text(id) + "'" +
                  (encrypted ? " (encrypted with the master password)" : ""),
              offset_in(doc, value), redact(value));
    }
  }
}

void check_gradle_properties(std::string_view content, Findings& out) {
  for_each_ini_entry(content, [&](const IniEntry& e) {
    if (e.key.starts_with("!")) return true;
    const bool secret_key =
        contains_ci(e.key, "password") || contains_ci(e.key, "token") || contains_ci(e.key, "secret");
    if (secret_key && !is_placeholder(e.value))
      out.add(rule::kGradle, "Gradle property " + short_text(e.key), e.value_offset, redact(e.value));
    return !out.full();
  });
}

void check_gh_hosts(std::string_view content, Findings& out) {
  std::string_view host;
  for_each_line(content, [&](const Line& line) {
    const std::string_view text = line.text;
    if (!text.empty() && !std::isspace(static_cast<unsigned char>(text.front())) && text.back() == ':')
      host = text.substr(0, text.size() - 1);
    const std::string_view t = trim(text);
    if (!t.starts_with("oauth_token:")) return true;
    const std::string_view value = unquote(trim(t.substr(12)));
    if (!is_placeholder(value))
      out.add(rule::kGh, "GitHub CLI token for " + short_text(host), offset_in(content, value), redact(value));
    return !out.full();
  });
}

void check_terraform(std::string_view path, std::string_view content, Findings& out) {
  if (path.ends_with(".json")) {  // credentials.tfrc.json: {"credentials": {"host": {"token": "…"}}}
    const auto doc = parse_json(content);
    if (!doc) {
      if (const auto marker = first_marker(content, {"\"token\""}))
        out.add_near(rule::kTerraform, "Terraform credentials file that could not be parsed but holds a token", *marker,
                     "");
      return;
    }
    const auto creds = doc->is_object() ? doc->find("credentials") : doc->end();
    if (creds == doc->end() || !creds->is_object()) return;
    for (const auto& [host, entry] : creds->items()) {
      if (!entry.is_object() || !entry.contains("token") || !entry["token"].is_string()) continue;
      const std::string token = entry["token"].get<std::string>();
      if (!is_placeholder(token))
        out.add_near(rule::kTerraform, "Terraform API token for " + short_text(host), token, redact(token));
      if (out.full()) return;
    }
    return;
  }
  std::string_view host;  // HCL: credentials "host" { token = "…" }
  for_each_line(content, [&](const Line& line) {
    const std::string_view t = trim(line.text);
    if (t.starts_with("credentials")) {
      const std::size_t q = t.find('"');
      if (q != std::string_view::npos) host = t.substr(q + 1, t.find('"', q + 1) - q - 1);
    }
    if (!t.starts_with("token")) return true;
    const std::size_t eq = t.find('=');
    if (eq == std::string_view::npos || trim(t.substr(5, eq - 5)) != "") return true;
    const std::string_view value = unquote(trim(t.substr(eq + 1)));
    if (!is_placeholder(value))
      out.add(rule::kTerraform, "Terraform API token for " + short_text(host), offset_in(content, value),
              redact(value));
    return !out.full();
  });
}

void check_vault_token(std::string_view content, Findings& out) {
  const std::string_view token = trim(content.substr(0, content.find('\n')));
  if (!is_placeholder(token)) out.add(rule::kVault, "Vault token", offset_in(content, token), redact(token));
}

void check_ini_keys(std::string_view content, const SensitiveRule& rule, std::string_view what,
                    const std::vector<std::string_view>& keys, Findings& out) {
  for_each_ini_entry(content, [&](const IniEntry& e) {
    const std::string key = ascii_lower(e.key);
    if (std::find(keys.begin(), keys.end(), key) != keys.end() && !is_placeholder(e.value))
      out.add(rule, std::string(what) + " " + key + (e.section.empty() ? "" : " in [" + short_text(e.section) + "]"),
              e.value_offset, redact(e.value));
    return !out.full();
  });
}

}  // namespace moat::secret::sensitive
