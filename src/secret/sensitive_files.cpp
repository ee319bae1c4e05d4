// Which paths are sensitive files, and the check each one gets.
#include "secret/sensitive_files.h"

#include <algorithm>
#include <array>

#include "secret/sensitive_checks.h"

namespace moat::secret {
namespace {

using namespace sensitive;

// Credential files are small; a bigger one is read only this far, which bounds every check.
constexpr std::size_t kMaxContent = 4u << 20;

enum class Kind {
  None,
  AccountDb,
  SshFile,
  SshIdentity,
  SshHostKey,
  AuthorizedKeys,
  History,
  Aws,
  GcpJson,
  GcloudStore,
  Azure,
  RegistryOrComposer,
  Kubeconfig,
  Npmrc,
  YarnrcYml,
  Pypirc,
  PipConf,
  Netrc,
  GitCredentials,
  Pgpass,
  MysqlCnf,
  GemCredentials,
  MavenSettings,
  GradleProperties,
  GhHosts,
  Terraform,
  VaultToken,
  S3cfg,
  Rclone,
  Boto,
  Htpasswd,
};

struct PathParts {
  std::string_view base;         // "credentials"
  std::string_view parent;       // ".aws"
  std::string_view grandparent;  // "root"
};

PathParts split(std::string_view path) {
  PathParts p;
  std::size_t slash = path.rfind('/');
  p.base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (slash == std::string_view::npos || slash == 0) return p;
  std::string_view dir = path.substr(0, slash);
  slash = dir.rfind('/');
  p.parent = slash == std::string_view::npos ? dir : dir.substr(slash + 1);
  if (slash == std::string_view::npos || slash == 0) return p;
  dir = dir.substr(0, slash);
  p.grandparent = dir.substr(dir.rfind('/') + 1);
  return p;
}

// Whether a directory of the path is named `component`; no allocation, as it runs for every file.
bool in_dir(std::string_view path, std::string_view component) {
  for (std::size_t at = path.find(component); at != std::string_view::npos; at = path.find(component, at + 1)) {
    const std::size_t end = at + component.size();
    if (at > 0 && path[at - 1] == '/' && end < path.size() && path[end] == '/') return true;
  }
  return false;
}

template <std::size_t N>
bool one_of(std::string_view s, const std::array<std::string_view, N>& list) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// .lesshst is left out: it holds search strings typed in less, not commands.
constexpr std::array<std::string_view, 18> kHistories{
    ".bash_history", ".zsh_history",     ".zhistory",         ".histfile",          ".ash_history",
    ".sh_history",   ".ksh_history",     ".history",          ".python_history",    ".mysql_history",
    ".psql_history", ".sqlite_history",  ".rediscli_history", ".node_repl_history", ".irb_history",
    ".dbshell",      ".mongosh_history", ".php_history"};

constexpr std::array<std::string_view, 8> kSshIdentities{"id_rsa",      "id_dsa",        "id_ecdsa", "id_ed25519",
                                                         "id_ecdsa_sk", "id_ed25519_sk", "identity", "id_xmss"};

Kind classify(std::string_view path) {
  const PathParts p = split(path);
  const std::string_view b = p.base;
  if (b.empty()) return Kind::None;

  if (path.starts_with("/etc/")) {
    if (one_of(path, std::array<std::string_view, 6>{"/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-",
                                                     "/etc/passwd", "/etc/passwd-"}))
      return Kind::AccountDb;
    if (p.parent == "ssh" && b.starts_with("ssh_host_") && b.ends_with("key")) return Kind::SshHostKey;
    if (path.starts_with("/etc/kubernetes/") && b.ends_with(".conf")) return Kind::Kubeconfig;
    if (path == "/etc/rancher/k3s/k3s.yaml" || path == "/etc/rancher/rke2/rke2.yaml") return Kind::Kubeconfig;
    if (path.starts_with("/etc/mysql/") && b.ends_with(".cnf")) return Kind::MysqlCnf;
    if (path == "/etc/my.cnf") return Kind::MysqlCnf;
    if (path == "/etc/boto.cfg") return Kind::Boto;
  }
  if (in_dir(path, ".ssh")) {
    if (b == "authorized_keys" || b == "authorized_keys2") return Kind::AuthorizedKeys;
    if (b.starts_with("known_hosts") || b.ends_with(".pub") || b == "config" || b == "environment" || b == "rc")
      return Kind::None;
    return Kind::SshFile;
  }
  if (one_of(b, kSshIdentities)) return Kind::SshIdentity;
  if (one_of(b, kHistories)) return Kind::History;

  if (p.parent == ".aws" && (b == "credentials" || b == "config")) return Kind::Aws;
  if (in_dir(path, "gcloud")) {
    if (b == "credentials.db" || b == "access_tokens.db") return Kind::GcloudStore;
    if (b == "application_default_credentials.json" || b == "adc.json") return Kind::GcpJson;
    if (b == ".boto") return Kind::Boto;
  }
  if (b.ends_with(".json") &&
      (b.find("service-account") != std::string_view::npos || b.find("service_account") != std::string_view::npos ||
       b.find("serviceaccount") != std::string_view::npos))
    return Kind::GcpJson;
  if (p.parent == ".azure" &&
      (b == "accessTokens.json" || b == "msal_token_cache.json" || b == "service_principal_entries.json"))
    return Kind::Azure;
  if ((p.parent == ".docker" && b == "config.json") || b == ".dockercfg" || b == "auth.json")
    return Kind::RegistryOrComposer;
  if ((p.parent == ".kube" && b == "config") || b == "kubeconfig" || b.ends_with(".kubeconfig") ||
      b == "kubeconfig.yaml" || b == "kubeconfig.yml" || path == "/var/lib/kubelet/kubeconfig")
    return Kind::Kubeconfig;

  if (b == ".npmrc" || b == ".yarnrc" || (b == "npmrc" && p.parent == "etc")) return Kind::Npmrc;
  if (b == ".yarnrc.yml") return Kind::YarnrcYml;
  if (b == ".pypirc") return Kind::Pypirc;
  if (b == "pip.conf" || b == "pip.ini") return Kind::PipConf;
  if (b == ".netrc" || b == "_netrc") return Kind::Netrc;
  if (b == ".git-credentials" || (b == "credentials" && p.parent == "git" && p.grandparent == ".config"))
    return Kind::GitCredentials;
  if (b == ".pgpass" || b == "pgpass.conf") return Kind::Pgpass;
  if (b == ".my.cnf" || b == ".mylogin.cnf") return Kind::MysqlCnf;
  if (b == "credentials" && (p.parent == ".gem" || p.parent == "gem")) return Kind::GemCredentials;
  if (b == "settings.xml" && (p.parent == ".m2" || in_dir(path, "maven") || p.parent == ".mvn"))
    return Kind::MavenSettings;
  if (b == "gradle.properties") return Kind::GradleProperties;
  if (b == "hosts.yml" && p.parent == "gh") return Kind::GhHosts;
  if (b == ".terraformrc" || b == "terraform.rc" || b == "credentials.tfrc.json") return Kind::Terraform;
  if (b == ".vault-token") return Kind::VaultToken;
  if (b == ".s3cfg") return Kind::S3cfg;
  if (b == "rclone.conf") return Kind::Rclone;
  if (b == ".boto") return Kind::Boto;
  if (b == ".htpasswd" || b == "htpasswd" || b.ends_with(".htpasswd")) return Kind::Htpasswd;
  return Kind::None;
}

bool looks_like_private_key(std::string_view content) {
  return content.starts_with("PuTTY-User-Key-File-") || (content.find("-----BEGIN ") != std::string_view::npos &&
                                                         content.find("PRIVATE KEY-----") != std::string_view::npos);
}

void run_check(Kind kind, std::string_view path, std::string_view content, Findings& out) {
  switch (kind) {
    case Kind::None:
      return;
    case Kind::AccountDb:
      return check_account_db(path, content, out);
    case Kind::SshFile:
    case Kind::SshIdentity:
      if (looks_like_private_key(content)) check_ssh_private_key(path, content, false, out);
      return;
    case Kind::SshHostKey:
      return check_ssh_private_key(path, content, true, out);
    case Kind::AuthorizedKeys:
      return check_authorized_keys(path, content, out);
    case Kind::History:
      return check_history(path, content, out);
    case Kind::Aws:
      return check_aws(content, out);
    case Kind::GcpJson:
      return check_gcp_json(content, out);
    case Kind::GcloudStore:
      return check_gcloud_store(path, content, out);
    case Kind::Azure:
      return check_azure(path, content, out);
    case Kind::RegistryOrComposer:
      return check_registry_or_composer_auth(path, content, out);
    case Kind::Kubeconfig:
      return check_kubeconfig(content, out);
    case Kind::Npmrc:
      return check_npmrc(content, out);
    case Kind::YarnrcYml:
      return check_yarnrc_yml(content, out);
    case Kind::Pypirc:
      return check_pypirc(content, out);
    case Kind::PipConf:
      return check_pip_conf(content, out);
    case Kind::Netrc:
      return check_netrc(content, out);
    case Kind::GitCredentials:
      return check_git_credentials(content, out);
    case Kind::Pgpass:
      return check_pgpass(content, out);
    case Kind::MysqlCnf:
      return check_mysql_cnf(path, content, out);
    case Kind::GemCredentials:
      return check_gem_credentials(content, out);
    case Kind::MavenSettings:
      return check_maven_settings(content, out);
    case Kind::GradleProperties:
      return check_gradle_properties(content, out);
    case Kind::GhHosts:
      return check_gh_hosts(content, out);
    case Kind::Terraform:
      return check_terraform(path, content, out);
    case Kind::VaultToken:
      return check_vault_token(content, out);
    case Kind::S3cfg:
      return check_ini_keys(content, rule::kS3cfg, "s3cmd", {"secret_key", "access_token"}, out);
    case Kind::Rclone:
      return check_ini_keys(content, rule::kRclone, "rclone",
                            {"pass", "password", "password2", "secret_access_key", "session_token", "client_secret",
                             "token", "key", "sas_url", "bearer_token"},
                            out);
    case Kind::Boto:
      return check_ini_keys(content, rule::kBoto, "boto",
                            {"aws_secret_access_key", "gs_secret_access_key", "gs_oauth2_refresh_token"}, out);
    case Kind::Htpasswd:
      return check_htpasswd(content, out);
  }
}

constexpr std::array kRules{
    rule::kShadowHash,
    rule::kShadowWeakHash,
    rule::kShadowEmpty,
    rule::kSshPrivateKey,
    rule::kSshEncryptedKey,
    rule::kSshHostKey,
    rule::kSshAuthorizedKey,
    rule::kHistoryFile,
    rule::kHistoryCredential,
    rule::kAws,
    rule::kGcpServiceAccount,
    rule::kGcpUser,
    rule::kGcloudStore,
    rule::kAzure,
    rule::kRegistry,
    rule::kKubeconfig,
    rule::kNpm,
    rule::kPypirc,
    rule::kPipIndex,
    rule::kNetrc,
    rule::kGitCredentials,
    rule::kPgpass,
    rule::kMysql,
    rule::kRubygems,
    rule::kComposer,
    rule::kMaven,
    rule::kGradle,
    rule::kGh,
    rule::kTerraform,
    rule::kVault,
    rule::kS3cfg,
    rule::kRclone,
    rule::kBoto,
    rule::kHtpasswd,
    rule::kHtpasswdWeak,
};

}  // namespace

bool is_sensitive_path(std::string_view path) { return classify(path) != Kind::None; }

std::vector<SecretMatch> check_sensitive_file(std::string_view path, std::string_view content) {
  const Kind kind = classify(path);
  if (kind == Kind::None) return {};
  content = content.substr(0, kMaxContent);
  Findings out(content);
  // Parsers inside (nlohmann, yaml-cpp) are called in their non-throwing forms or caught where
  // they are used; this last net keeps the promise for anything unforeseen (bad_alloc included):
  // a file that cannot be checked gives what was found before the failure.
  try {
    run_check(kind, path, content, out);
  } catch (const std::exception&) {
  }
  return out.take();
}

std::span<const SensitiveRule> sensitive_file_rules() { return kRules; }

}  // namespace moat::secret
