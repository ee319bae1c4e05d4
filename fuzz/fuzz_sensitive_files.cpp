// Hostile bytes through every sensitive-file check: the first byte picks the path (and so the
// format), the rest is the content. check_sensitive_file promises not to throw at all, so nothing
// is caught here: any exception, moat::Error included, is a bug the fuzzer must report.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "secret/sensitive_files.h"

namespace {

constexpr std::array<std::string_view, 32> kPaths{"/etc/shadow",
                                                  "/etc/gshadow",
                                                  "/etc/passwd",
                                                  "/root/.ssh/id_rsa",
                                                  "/etc/ssh/ssh_host_ed25519_key",
                                                  "/root/.ssh/authorized_keys",
                                                  "/root/.bash_history",
                                                  "/root/.mysql_history",
                                                  "/root/.rediscli_history",
                                                  "/root/.aws/credentials",
                                                  "/app/service-account.json",
                                                  "/root/.config/gcloud/credentials.db",
                                                  "/root/.azure/msal_token_cache.json",
                                                  "/root/.azure/accessTokens.json",
                                                  "/root/.docker/config.json",
                                                  "/root/.dockercfg",
                                                  "/root/.composer/auth.json",
                                                  "/root/.kube/config",
                                                  "/app/.npmrc",
                                                  "/app/.yarnrc.yml",
                                                  "/root/.pypirc",
                                                  "/etc/pip.conf",
                                                  "/root/.netrc",
                                                  "/root/.git-credentials",
                                                  "/root/.pgpass",
                                                  "/root/.my.cnf",
                                                  "/root/.gem/credentials",
                                                  "/root/.m2/settings.xml",
                                                  "/app/gradle.properties",
                                                  "/root/.config/gh/hosts.yml",
                                                  "/root/.terraform.d/credentials.tfrc.json",
                                                  "/etc/nginx/.htpasswd"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view path = kPaths[data[0] % kPaths.size()];
  const std::string_view content(reinterpret_cast<const char*>(data + 1), size - 1);
  for (const auto& finding : moat::secret::check_sensitive_file(path, content)) {
    if (finding.rule_id.empty() || finding.severity.empty() || finding.line < 0 || finding.column < 0) __builtin_trap();
    // The redacted value never carries a long secret through: at most 4 characters before the stars.
    if (finding.redacted.size() > 200) __builtin_trap();
  }
  moat::secret::is_sensitive_path(content);
  return 0;
}
