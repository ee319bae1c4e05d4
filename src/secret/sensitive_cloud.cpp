// Cloud, registry and cluster credentials: AWS, GCP, Azure, Docker/Podman registry logins,
// Composer auth.json (same file name as Podman's) and kubeconfigs.
#include <yaml-cpp/yaml.h>

#include "base/text.h"
#include "secret/sensitive_checks.h"

namespace moat::secret::sensitive {
namespace {

using nlohmann::json;

std::string basename_of(std::string_view path) { return std::string(path.substr(path.rfind('/') + 1)); }

// A non-empty literal string member, or "".
std::string string_member(const json& object, const char* key) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  const std::string& value = it->get_ref<const std::string&>();
  return is_placeholder(value) ? std::string() : value;
}

std::string short_text(std::string_view s) { return std::string(s.substr(0, 80)); }

void report_unparsed(std::string_view content, const SensitiveRule& rule, std::string_view what,
                     std::initializer_list<std::string_view> markers, Findings& out) {
  if (const auto marker = first_marker(content, markers))
    out.add_near(rule, std::string(what) + " that could not be parsed but holds " + std::string(*marker), *marker, "");
}

void check_registry_entries(const json& auths, Findings& out) {
  if (!auths.is_object()) return;
  for (const auto& [registry, entry] : auths.items()) {
    if (out.full()) return;
    const std::string where = "Registry credentials for " + short_text(registry);
    if (const std::string auth = string_member(entry, "auth"); !auth.empty()) {
      // auth is base64("user:password"): the user is reported, the password redacted.
      const auto decoded = base64_decode(auth);
      const std::size_t colon = decoded ? decoded->find(':') : std::string::npos;
      if (colon != std::string::npos) {
        const std::string user = decoded->substr(0, colon);
        const std::string password = decoded->substr(colon + 1);
        if (!password.empty())
          out.add_near(rule::kRegistry, where + " (user '" + short_text(user) + "')", auth,
                       short_text(user) + ":" + redact(password));
      } else {
        out.add_near(rule::kRegistry, where + " (auth is not base64 user:password)", auth, redact(auth));
      }
    }
    for (const char* key : {"identitytoken", "registrytoken"}) {
      if (const std::string token = string_member(entry, key); !token.empty())
        out.add_near(rule::kRegistry, where + " (" + key + ")", token, redact(token));
    }
    if (const std::string password = string_member(entry, "password"); !password.empty())
      out.add_near(rule::kRegistry, where + " (user '" + short_text(string_member(entry, "username")) + "')", password,
                   redact(password));
  }
}

void check_composer_auth(const json& doc, Findings& out) {
  const json& auth = doc.contains("config") && doc["config"].is_object() ? doc["config"] : doc;
  for (const char* method :
       {"http-basic", "github-oauth", "gitlab-oauth", "gitlab-token", "bitbucket-oauth", "bearer"}) {
    const auto section = auth.find(method);
    if (section == auth.end() || !section->is_object()) continue;
    for (const auto& [host, value] : section->items()) {
      if (out.full()) return;
      std::string secret;
      if (value.is_string()) {
        secret = is_placeholder(value.get_ref<const std::string&>()) ? "" : value.get<std::string>();
      } else {
        for (const char* key : {"password", "token", "consumer-secret"})
          if (secret.empty()) secret = string_member(value, key);
      }
      if (!secret.empty())
        out.add_near(rule::kComposer, std::string("Composer ") + method + " credentials for " + short_text(host),
                     secret, redact(secret));
    }
  }
}

std::string yaml_string(const YAML::Node& node) {
  if (!node || !node.IsScalar()) return {};
  const std::string& s = node.Scalar();
  return is_placeholder(s) ? std::string() : s;
}

void check_kubeconfig_users(const YAML::Node& root, Findings& out) {
  if (!root.IsMap() || !root["users"] || !root["users"].IsSequence()) return;
  for (const auto& item : root["users"]) {
    if (out.full()) return;
    if (!item.IsMap()) continue;
    const YAML::Node user = item["user"];
    if (!user || !user.IsMap()) continue;
    const std::string name = yaml_string(item["name"]);
    struct Credential {
      const char* what;
      YAML::Node node;
    };
    std::vector<Credential> found;
    for (const char* key : {"client-key-data", "token", "password"})
      if (!yaml_string(user[key]).empty()) found.push_back({key, user[key]});
    const YAML::Node provider = user["auth-provider"];
    if (provider && provider.IsMap() && provider["config"] && provider["config"].IsMap())
      for (const char* key : {"id-token", "refresh-token", "access-token", "client-secret"})
        if (!yaml_string(provider["config"][key]).empty()) found.push_back({key, provider["config"][key]});
    if (found.empty()) continue;
    std::string kinds;
    for (const auto& c : found) kinds += (kinds.empty() ? "" : ", ") + std::string(c.what);
    const YAML::Mark mark = found.front().node.Mark();
    out.add(rule::kKubeconfig, "Kubernetes credentials for user '" + short_text(name) + "' (" + kinds + ")",
            mark.pos < 0 ? 0 : static_cast<std::size_t>(mark.pos), redact(found.front().node.Scalar()));
  }
}

}  // namespace

void check_aws(std::string_view content, Findings& out) {
  for_each_ini_entry(content, [&](const IniEntry& e) {
    const std::string key = ascii_lower(e.key);
    if ((key == "aws_secret_access_key" || key == "aws_session_token" || key == "aws_security_token") &&
        !is_placeholder(e.value)) {
      const std::string_view profile = e.section.empty() ? std::string_view("default") : e.section;
      out.add(rule::kAws, "AWS " + key.substr(4) + " of profile '" + short_text(profile) + "'", e.value_offset,
              redact(e.value));
    }
    return !out.full();
  });
}

void check_gcp_json(std::string_view content, Findings& out) {
  const auto doc = parse_json(content);
  if (!doc || !doc->is_object()) {
    if (content.find("BEGIN PRIVATE KEY") != std::string_view::npos)
      report_unparsed(content, rule::kGcpServiceAccount, "GCP key file", {"\"private_key\""}, out);
    else
      report_unparsed(content, rule::kGcpUser, "GCP credentials file", {"\"refresh_token\""}, out);
    return;
  }
  const std::string type = string_member(*doc, "type");
  if (const std::string key = string_member(*doc, "private_key"); !key.empty()) {
    out.add_near(rule::kGcpServiceAccount,
                 "GCP service-account key for " + short_text(string_member(*doc, "client_email")), "\"private_key\"",
                 redact(string_member(*doc, "private_key_id")));
  } else if (const std::string token = string_member(*doc, "refresh_token"); !token.empty()) {
    out.add_near(rule::kGcpUser,
                 "GCP " + short_text(type.empty() ? "user" : type) + " credentials with a refresh token", token,
                 redact(token));
  }
}

void check_gcloud_store(std::string_view path, std::string_view content, Findings& out) {
  if (!content.empty()) out.add_file(rule::kGcloudStore, "gcloud credential database " + basename_of(path));
}

void check_azure(std::string_view path, std::string_view content, Findings& out) {
  const std::string name = basename_of(path);
  const auto doc = parse_json(content);
  if (!doc) {
    report_unparsed(content, rule::kAzure, "Azure credential file " + name,
                    {"\"secret\"", "\"accessToken\"", "\"refreshToken\"", "\"client_secret\""}, out);
    return;
  }
  if (name == "msal_token_cache.json") {
    for (const char* section : {"RefreshToken", "AccessToken"}) {
      const auto it = doc->is_object() ? doc->find(section) : doc->end();
      if (it == doc->end() || !it->is_object()) continue;
      for (const auto& [id, entry] : it->items()) {
        const std::string secret = string_member(entry, "secret");
        if (secret.empty()) continue;
        out.add_near(
            rule::kAzure,
            std::string("Azure CLI ") + section + " for " + short_text(string_member(entry, "home_account_id")), secret,
            redact(secret));
        if (out.full()) return;
      }
    }
    return;
  }
  // accessTokens.json (older CLI) and service_principal_entries.json: arrays of entries.
  if (!doc->is_array()) return;
  for (const auto& entry : *doc) {
    std::string who = string_member(entry, "userId");
    for (const char* key : {"servicePrincipalId", "client_id", "_clientId"})
      if (who.empty()) who = string_member(entry, key);
    for (const char* key : {"refreshToken", "accessToken", "client_secret"}) {
      const std::string secret = string_member(entry, key);
      if (secret.empty()) continue;
      out.add_near(rule::kAzure, "Azure " + std::string(key) + " for " + short_text(who), secret, redact(secret));
      break;
    }
    if (out.full()) return;
  }
}

void check_registry_or_composer_auth(std::string_view path, std::string_view content, Findings& out) {
  const auto doc = parse_json(content);
  if (!doc || !doc->is_object()) {
    report_unparsed(content, rule::kRegistry, "Registry credential file", {"\"auth\"", "\"identitytoken\""}, out);
    if (out.empty())
      report_unparsed(content, rule::kComposer, "Composer auth file",
                      {"\"http-basic\"", "\"github-oauth\"", "\"gitlab-token\""}, out);
    return;
  }
  // credHelpers and credsStore only name a helper: the secret lives outside the image.
  if (const auto auths = doc->find("auths"); auths != doc->end()) {
    check_registry_entries(*auths, out);
  } else if (basename_of(path) == ".dockercfg") {
    check_registry_entries(*doc, out);  // the pre-1.7 format: registries at the top level
  } else {
    check_composer_auth(*doc, out);
  }
}

void check_kubeconfig(std::string_view content, Findings& out) {
  try {
    check_kubeconfig_users(YAML::Load(std::string(content)), out);
  } catch (const YAML::Exception&) {
    if (out.empty())
      report_unparsed(content, rule::kKubeconfig, "kubeconfig", {"client-key-data:", "token:", "password:"}, out);
  }
}

}  // namespace moat::secret::sensitive
