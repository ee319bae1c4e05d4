#pragma once
// Internal to the sensitive-file checks: the rule table, the finding collector and the per-format
// checks that sensitive_files.cpp dispatches to. Not part of moat_secret's public interface.
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "secret/secret_match.h"
#include "secret/sensitive_files.h"

namespace moat::secret::sensitive {

// The rules, in the order docs/sensitive-files.md lists them.
namespace rule {
inline constexpr SensitiveRule kShadowHash{"shadow-password-hash", "Usable password hash in an account database",
                                           "MEDIUM"};
inline constexpr SensitiveRule kShadowWeakHash{"shadow-weak-password-hash",
                                               "Weak or unknown password hash scheme in an account database", "HIGH"};
inline constexpr SensitiveRule kShadowEmpty{"shadow-empty-password", "Account that logs in without a password",
                                            "CRITICAL"};
inline constexpr SensitiveRule kSshPrivateKey{"ssh-private-key", "Unencrypted SSH private key", "HIGH"};
inline constexpr SensitiveRule kSshEncryptedKey{"ssh-encrypted-private-key", "Passphrase-protected SSH private key",
                                                "MEDIUM"};
inline constexpr SensitiveRule kSshHostKey{"ssh-host-private-key", "SSH host private key baked into the image", "HIGH"};
inline constexpr SensitiveRule kSshAuthorizedKey{"ssh-authorized-key", "SSH public key authorized to log in", "MEDIUM"};
inline constexpr SensitiveRule kHistoryFile{"history-file", "Shell or tool history left in the image", "LOW"};
inline constexpr SensitiveRule kHistoryCredential{"history-credential",
                                                  "Credential typed on a command line in a history file", "HIGH"};
inline constexpr SensitiveRule kAws{"aws-credentials-file", "AWS credentials file with a secret", "CRITICAL"};
inline constexpr SensitiveRule kGcpServiceAccount{"gcp-service-account-key", "GCP service-account key file",
                                                  "CRITICAL"};
inline constexpr SensitiveRule kGcpUser{"gcp-user-credentials", "GCP user credentials (refresh token)", "HIGH"};
inline constexpr SensitiveRule kGcloudStore{"gcloud-credential-store", "gcloud credential database", "HIGH"};
inline constexpr SensitiveRule kAzure{"azure-cli-credentials", "Azure CLI token cache or service-principal secret",
                                      "HIGH"};
inline constexpr SensitiveRule kRegistry{"registry-credentials", "Container registry credentials", "HIGH"};
inline constexpr SensitiveRule kKubeconfig{"kubeconfig-credentials", "Kubernetes credentials in a kubeconfig", "HIGH"};
inline constexpr SensitiveRule kNpm{"npm-auth-token", "npm or Yarn registry credential", "HIGH"};
inline constexpr SensitiveRule kPypirc{"pypirc-password", "PyPI upload password in .pypirc", "HIGH"};
inline constexpr SensitiveRule kPipIndex{"pip-index-credentials", "Credentials in a pip index URL", "HIGH"};
inline constexpr SensitiveRule kNetrc{"netrc-password", "Password in a .netrc file", "HIGH"};
inline constexpr SensitiveRule kGitCredentials{"git-credentials", "Stored Git credentials", "HIGH"};
inline constexpr SensitiveRule kPgpass{"pgpass-password", "PostgreSQL password in a .pgpass file", "HIGH"};
inline constexpr SensitiveRule kMysql{"mysql-client-password", "MySQL client password in an option file", "HIGH"};
inline constexpr SensitiveRule kRubygems{"rubygems-api-key", "RubyGems API key", "HIGH"};
inline constexpr SensitiveRule kComposer{"composer-auth", "Composer repository credentials", "HIGH"};
inline constexpr SensitiveRule kMaven{"maven-settings-password", "Password in Maven settings.xml", "HIGH"};
inline constexpr SensitiveRule kGradle{"gradle-properties-secret", "Secret in gradle.properties", "HIGH"};
inline constexpr SensitiveRule kGh{"gh-cli-token", "GitHub CLI OAuth token", "HIGH"};
inline constexpr SensitiveRule kTerraform{"terraform-cli-token", "Terraform CLI API token", "HIGH"};
inline constexpr SensitiveRule kVault{"vault-token-file", "HashiCorp Vault token file", "HIGH"};
inline constexpr SensitiveRule kS3cfg{"s3cfg-secret-key", "s3cmd secret key", "HIGH"};
inline constexpr SensitiveRule kRclone{"rclone-credentials", "rclone remote credentials", "HIGH"};
inline constexpr SensitiveRule kBoto{"boto-credentials", "boto credentials", "HIGH"};
inline constexpr SensitiveRule kHtpasswd{"htpasswd-password-hash", "Password hash in an htpasswd file", "MEDIUM"};
inline constexpr SensitiveRule kHtpasswdWeak{"htpasswd-weak-password",
                                             "Weak hash or plain-text password in an htpasswd file", "HIGH"};
}  // namespace rule

// Collects the findings of one file. Bounded: after kMaxFindings the rest are dropped, so a
// hostile file with a million entries costs no more than a real one.
class Findings {
 public:
  static constexpr std::size_t kMaxFindings = 500;

  explicit Findings(std::string_view content);
  // At a byte offset of the content: line and column are computed from it.
  void add(const SensitiveRule& rule, std::string title, std::size_t offset, std::string redacted);
  // Where the format gives no position (a parsed JSON value): the first occurrence of `needle`
  // in the content, or line 1 when it cannot be found (escaped text).
  void add_near(const SensitiveRule& rule, std::string title, std::string_view needle, std::string redacted);
  // A file whose presence is the finding (a binary database): line 0, column 0.
  void add_file(const SensitiveRule& rule, std::string title);
  bool full() const { return out_.size() >= kMaxFindings; }
  bool empty() const { return out_.empty(); }
  std::vector<SecretMatch> take() { return std::move(out_); }

 private:
  std::string_view content_;
  std::vector<std::size_t> line_starts_;  // filled on first use
  std::vector<SecretMatch> out_;
};

// --- text helpers --------------------------------------------------------------------------------

struct Line {
  std::string_view text;  // without the line end ("\n" or "\r\n")
  std::size_t offset;     // of text in the content
  int number;             // 1-based
};
// Calls f(line) for each line; f returns false to stop.
void for_each_line(std::string_view content, const std::function<bool(const Line&)>& f);

std::string_view trim(std::string_view s);
std::string_view unquote(std::string_view s);  // one pair of matching '…' or "…" removed
bool starts_with_ci(std::string_view s, std::string_view prefix);
bool contains_ci(std::string_view s, std::string_view needle);
bool ends_with_ci(std::string_view s, std::string_view suffix);

// Not a literal secret: empty, an environment or template reference ($VAR, ${VAR}, %VAR%, {{ … }}).
bool is_placeholder(std::string_view value);

// The first few characters (never more than a quarter of it) followed by a fixed run of '*'.
std::string redact(std::string_view secret, std::size_t keep = 4);

// Standard or URL-safe base64, whitespace ignored; nullopt when it is not base64.
std::optional<std::string> base64_decode(std::string_view text);

// One key/value line of an INI-style file ("key = value" or "key: value"); sections in [brackets].
struct IniEntry {
  std::string_view section;
  std::string_view key;
  std::string_view value;    // trimmed, quotes removed
  std::size_t value_offset;  // of value in the content
};
void for_each_ini_entry(std::string_view content, const std::function<bool(const IniEntry&)>& f);

// "user:password@" of a URL anywhere in text: the user, the password and the password's offset in text.
struct UrlCredential {
  std::string_view user;
  std::string_view password;
  std::size_t password_offset;
};
std::vector<UrlCredential> url_credentials(std::string_view text);

// The home directory's owner from a path: "/root/…" → "root", "/home/alice/…" → "alice", else "".
std::string home_owner(std::string_view path);

// A JSON document within moat's nesting bound, or nullopt when it does not parse.
std::optional<nlohmann::json> parse_json(std::string_view content);
// The first of `markers` in the content, for a malformed file that still looks like it holds a
// secret: reported as present rather than silently passed.
std::optional<std::string_view> first_marker(std::string_view content, std::initializer_list<std::string_view> markers);

// --- per-format checks ---------------------------------------------------------------------------

void check_account_db(std::string_view path, std::string_view content, Findings& out);  // shadow, gshadow, passwd
void check_htpasswd(std::string_view content, Findings& out);
void check_ssh_private_key(std::string_view path, std::string_view content, bool host_key, Findings& out);
void check_authorized_keys(std::string_view path, std::string_view content, Findings& out);
void check_history(std::string_view path, std::string_view content, Findings& out);

void check_aws(std::string_view content, Findings& out);
void check_gcp_json(std::string_view content, Findings& out);
void check_gcloud_store(std::string_view path, std::string_view content, Findings& out);
void check_azure(std::string_view path, std::string_view content, Findings& out);
void check_registry_or_composer_auth(std::string_view path, std::string_view content, Findings& out);
void check_kubeconfig(std::string_view content, Findings& out);

void check_npmrc(std::string_view content, Findings& out);
void check_yarnrc_yml(std::string_view content, Findings& out);
void check_pypirc(std::string_view content, Findings& out);
void check_pip_conf(std::string_view content, Findings& out);
void check_netrc(std::string_view content, Findings& out);
void check_git_credentials(std::string_view content, Findings& out);
void check_pgpass(std::string_view content, Findings& out);
void check_mysql_cnf(std::string_view path, std::string_view content, Findings& out);
void check_gem_credentials(std::string_view content, Findings& out);
void check_maven_settings(std::string_view content, Findings& out);
void check_gradle_properties(std::string_view content, Findings& out);
void check_gh_hosts(std::string_view content, Findings& out);
void check_terraform(std::string_view path, std::string_view content, Findings& out);
void check_vault_token(std::string_view content, Findings& out);
void check_ini_keys(std::string_view content, const SensitiveRule& rule, std::string_view what,
                    const std::vector<std::string_view>& keys, Findings& out);  // s3cfg, rclone, boto

}  // namespace moat::secret::sensitive
