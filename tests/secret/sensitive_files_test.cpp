// Sensitive-file checks on files written by the real tools where this machine has them
// (ssh-keygen, openssl, htpasswd, mkpasswd), on the formats the other tools write, on Debian's own
// clean trees, and on malformed and binary content.
#include "secret/sensitive_files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "support/temp_dir.h"

namespace moat::secret {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  if (!pipe) return out;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  pclose(pipe);
  return out;
}

bool have(const std::string& tool) { return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0; }

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> ids(const std::vector<SecretMatch>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.rule_id);
  return out;
}

std::string base64(const std::string& text) { return run("printf '%s' '" + text + "' | base64 -w0"); }

// --- paths -------------------------------------------------------------------------------------

TEST(SensitivePath, RecognisesCredentialLocations) {
  for (const char* path : {"/etc/shadow",
                           "/etc/gshadow",
                           "/etc/shadow-",
                           "/etc/passwd",
                           "/root/.ssh/id_rsa",
                           "/home/alice/.ssh/deploy",
                           "/home/alice/.ssh/authorized_keys",
                           "/app/id_ed25519",
                           "/etc/ssh/ssh_host_ed25519_key",
                           "/root/.bash_history",
                           "/home/bob/.zsh_history",
                           "/root/.psql_history",
                           "/root/.aws/credentials",
                           "/root/.aws/config",
                           "/root/.config/gcloud/application_default_credentials.json",
                           "/root/.config/gcloud/credentials.db",
                           "/app/my-service-account.json",
                           "/root/.azure/msal_token_cache.json",
                           "/root/.docker/config.json",
                           "/kaniko/.docker/config.json",
                           "/run/containers/0/auth.json",
                           "/root/.composer/auth.json",
                           "/root/.kube/config",
                           "/etc/kubernetes/admin.conf",
                           "/app/.npmrc",
                           "/usr/local/etc/npmrc",
                           "/app/.yarnrc.yml",
                           "/root/.pypirc",
                           "/etc/pip.conf",
                           "/root/.netrc",
                           "/root/.git-credentials",
                           "/root/.pgpass",
                           "/root/.my.cnf",
                           "/etc/mysql/debian.cnf",
                           "/root/.gem/credentials",
                           "/root/.m2/settings.xml",
                           "/app/gradle.properties",
                           "/root/.config/gh/hosts.yml",
                           "/root/.terraformrc",
                           "/root/.terraform.d/credentials.tfrc.json",
                           "/root/.vault-token",
                           "/root/.s3cfg",
                           "/root/.config/rclone/rclone.conf",
                           "/root/.boto",
                           "/etc/nginx/.htpasswd",
                           "/etc/apache2/htpasswd"})
    EXPECT_TRUE(is_sensitive_path(path)) << path;
}

TEST(SensitivePath, LeavesOrdinaryFilesAlone) {
  for (const char* path :
       {"/etc/group", "/etc/hostname", "/root/.ssh/known_hosts", "/root/.ssh/id_rsa.pub", "/root/.ssh/config",
        "/etc/ssh/ssh_host_rsa_key.pub", "/etc/ssh/sshd_config", "/root/.bashrc", "/root/.lesshst", "/app/config.json",
        "/app/package.json", "/app/settings.xml", "/usr/lib/python3/dist-packages/credentials.py", "/root/.aws", "/",
        "", "/shadow", "/root/.docker/daemon.json", "/etc/kubernetes/manifests/etcd.yaml"})
    EXPECT_FALSE(is_sensitive_path(path)) << path;
}

TEST(SensitivePath, RuleListIsDocumented) {
  const std::string doc = read(std::filesystem::path(MOAT_SOURCE_DIR) / "docs/sensitive-files.md");
  ASSERT_FALSE(doc.empty());
  for (const auto& rule : sensitive_file_rules()) {
    EXPECT_THAT(doc, HasSubstr("`" + std::string(rule.id) + "`")) << rule.id;
    EXPECT_THAT(doc, HasSubstr(std::string(rule.severity)));
  }
}

// --- account databases ----------------------------------------------------------------------------

TEST(SensitiveShadow, DebianDefaultGivesNothing) {
  const std::string shadow =
      "root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nbin:*:19000:0:99999:7:::\n"
      "nobody:*:19000:0:99999:7:::\n_apt:*:19000:0:99999:7:::\nsystemd-network:!*:19000::::::\n"
      "messagebus:!:19000::::::\nlocked:!$6$abcdefgh$Zk9Q0y3Dm4TqX1W2e3r4t5y6u7i8o9p0:19000:0:99999:7:::\n"
      "legacy:x:19000:0:99999:7:::\nsolaris:NP:19000::::::\nold:!!:19000::::::\n";
  EXPECT_THAT(check_sensitive_file("/etc/shadow", shadow), IsEmpty());
  EXPECT_THAT(check_sensitive_file("/etc/gshadow", "root:*::\nadm:*::\nsudo:*::\nusers:*::\n"), IsEmpty());
  EXPECT_THAT(check_sensitive_file("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"), IsEmpty());
}

TEST(SensitiveShadow, HashesMadeByMkpasswdAreClassified) {
  if (!have("mkpasswd")) GTEST_SKIP() << "mkpasswd (package whois) is not installed";
  const auto hash = [](const char* method) {
    std::string h = run(std::string("mkpasswd -m ") + method + " 'hunter2pass'");
    while (!h.empty() && h.back() == '\n') h.pop_back();
    return h;
  };
  const std::string yescrypt = hash("yescrypt"), sha512 = hash("sha512crypt"), bcrypt = hash("bcrypt");
  const std::string md5 = hash("md5crypt"), des = hash("descrypt"), bsdi = hash("bsdicrypt");
  ASSERT_TRUE(yescrypt.starts_with("$y$") && sha512.starts_with("$6$") && md5.starts_with("$1$") && des.size() == 13);
  const std::string shadow =
      "root:*:19000:0:99999:7:::\n"
      "alice:" +
      yescrypt +
      ":19000:0:99999:7:::\n"
      "bob:" +
      sha512 +
      ":19000:0:99999:7:::\n"
      "carol:" +
      bcrypt +
      ":19000:0:99999:7:::\n"
      "dave:" +
      md5 +
      ":19000:0:99999:7:::\n"
      "erin:" +
      des +
      ":19000:0:99999:7:::\n"
      "frank:" +
      bsdi +
      ":19000:0:99999:7:::\n"
      "gina:$9z$abc$defghijklmnop:19000:0:99999:7:::\n";
  const auto f = check_sensitive_file("/etc/shadow", shadow);
  EXPECT_THAT(ids(f), ElementsAre("shadow-password-hash", "shadow-password-hash", "shadow-password-hash",
                                  "shadow-weak-password-hash", "shadow-weak-password-hash", "shadow-weak-password-hash",
                                  "shadow-weak-password-hash"));
  ASSERT_EQ(f.size(), 7u);
  EXPECT_THAT(f[0].title, HasSubstr("'alice'"));
  EXPECT_THAT(f[0].title, HasSubstr("yescrypt"));
  EXPECT_EQ(f[0].severity, "MEDIUM");
  EXPECT_EQ(f[0].line, 2);
  EXPECT_EQ(f[0].column, 7);
  EXPECT_EQ(f[0].redacted.substr(0, 3), "$y$");
  EXPECT_THAT(f[0].redacted, Not(HasSubstr(yescrypt.substr(10))));
  EXPECT_THAT(f[3].title, HasSubstr("md5crypt"));
  EXPECT_EQ(f[3].severity, "HIGH");
  EXPECT_THAT(f[4].title, HasSubstr("descrypt"));
  EXPECT_THAT(f[5].title, HasSubstr("bsdicrypt"));
  EXPECT_THAT(f[6].title, HasSubstr("unknown"));
}

TEST(SensitiveShadow, OpensslPasswdHashesAndEmptyPassword) {
  if (!have("openssl")) GTEST_SKIP() << "openssl is not installed";
  std::string sha256 = run("openssl passwd -5 -salt abcdefgh secret");
  sha256.pop_back();
  const std::string shadow = "root::19000:0:99999:7:::\nsvc:" + sha256 + ":19000:0:99999:7:::\n";
  const auto f = check_sensitive_file("/etc/shadow", shadow);
  ASSERT_THAT(ids(f), ElementsAre("shadow-empty-password", "shadow-password-hash"));
  EXPECT_EQ(f[0].severity, "CRITICAL");
  EXPECT_EQ(f[0].line, 1);
  EXPECT_THAT(f[1].title, HasSubstr("sha256crypt"));
  // A group password, and a legacy hash kept in /etc/passwd itself.
  EXPECT_THAT(ids(check_sensitive_file("/etc/gshadow", "wheel:" + sha256 + "::alice\nstaff:::\n")),
              ElementsAre("shadow-password-hash"));
  EXPECT_THAT(
      ids(check_sensitive_file("/etc/passwd", "root::0:0:root:/root:/bin/sh\nsvc:ab01FAX.bQRSU:1:1::/:/bin/sh\n")),
      ElementsAre("shadow-empty-password", "shadow-weak-password-hash"));
}

TEST(SensitiveShadow, AccountsMadeByUseraddPasswdUsermod) {
  if (geteuid() != 0) GTEST_SKIP() << "useradd --root needs root (it chroots)";
  if (!have("useradd") || !have("mkpasswd")) GTEST_SKIP() << "useradd or mkpasswd (package whois) is not installed";
  test::TempDir root;
  root.write("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
  root.write("etc/shadow", "root:*:19000:0:99999:7:::\n");
  root.write("etc/group", "root:x:0:\n");
  root.write("etc/gshadow", "root:*::\n");
  const std::string r = " -R " + root.str() + " ";
  run("useradd" + r + "-p \"$(mkpasswd -m sha512crypt alicepw)\" alice");
  run("useradd" + r + "bob && passwd" + r + "-d bob");  // bob: password deleted, logs in without one
  run("useradd" + r + "-p \"$(mkpasswd -m md5crypt carolpw)\" carol && usermod" + r + "-L carol");  // carol: locked
  run("useradd" + r + "-p \"$(mkpasswd -m md5crypt davepw)\" dave");
  run("useradd" + r + "erin");  // never given a password: '!'
  const std::string shadow = read(root.path() / "etc/shadow");
  ASSERT_THAT(shadow, HasSubstr("carol:!$1$"));
  const auto f = check_sensitive_file("/etc/shadow", shadow);
  ASSERT_THAT(ids(f), ElementsAre("shadow-password-hash", "shadow-empty-password", "shadow-weak-password-hash"));
  EXPECT_THAT(f[0].title, HasSubstr("'alice'"));
  EXPECT_THAT(f[0].title, HasSubstr("sha512crypt"));
  EXPECT_THAT(f[1].title, HasSubstr("'bob'"));
  EXPECT_THAT(f[2].title, HasSubstr("'dave'"));
  EXPECT_EQ(f[2].line, 5);
  EXPECT_THAT(check_sensitive_file("/etc/gshadow", read(root.path() / "etc/gshadow")), IsEmpty());
  EXPECT_THAT(check_sensitive_file("/etc/passwd", read(root.path() / "etc/passwd")), IsEmpty());
}

TEST(SensitiveShadow, DebianFixtureTrees) {
  const char* dir = std::getenv("MOAT_FIXTURES");
  if (!dir) GTEST_SKIP() << "MOAT_FIXTURES is not set: run scripts/test.sh, which builds the real images";
  for (const char* release : {"bookworm", "bullseye"}) {
    const std::filesystem::path root = std::filesystem::path(dir) / release / "rootfs";
    ASSERT_TRUE(std::filesystem::is_directory(root)) << root;
    int files = 0, sensitive = 0;
    for (auto it = std::filesystem::recursive_directory_iterator(
             root, std::filesystem::directory_options::skip_permission_denied);
         it != std::filesystem::recursive_directory_iterator(); ++it) {
      if (!it->is_regular_file() || it->is_symlink()) continue;
      ++files;
      const std::string in_image = "/" + std::filesystem::relative(it->path(), root).string();
      if (!is_sensitive_path(in_image)) continue;
      ++sensitive;
      const auto findings = check_sensitive_file(in_image, read(it->path()));
      EXPECT_THAT(findings, IsEmpty()) << release << " " << in_image << ": " << findings.front().title;
    }
    EXPECT_GT(files, 1000) << release;
    EXPECT_GE(sensitive, 4) << release << ": shadow, gshadow, passwd and their backups are looked at";
  }
}

// --- SSH -------------------------------------------------------------------------------------------

TEST(SensitiveSsh, KeysMadeBySshKeygen) {
  if (!have("ssh-keygen")) GTEST_SKIP() << "ssh-keygen is not installed";
  test::TempDir dir;
  const auto key = [&](const std::string& name, const std::string& args) {
    const auto path = dir.path() / name;
    run("ssh-keygen -q " + args + " -C alice@laptop -f " + path.string());
    return read(path);
  };
  const std::string ed25519 = key("id_ed25519", "-t ed25519 -N ''");
  const std::string rsa_pem = key("id_rsa", "-t rsa -b 2048 -m PEM -N ''");
  const std::string ecdsa_enc = key("id_ecdsa", "-t ecdsa -N 'correct horse'");
  ASSERT_THAT(ed25519, HasSubstr("BEGIN OPENSSH PRIVATE KEY"));

  auto f = check_sensitive_file("/root/.ssh/id_ed25519", ed25519);
  ASSERT_THAT(ids(f), ElementsAre("ssh-private-key"));
  EXPECT_THAT(f[0].title, HasSubstr("ssh-ed25519"));
  EXPECT_THAT(f[0].title, HasSubstr("'root'"));
  EXPECT_EQ(f[0].line, 2);
  EXPECT_LE(f[0].redacted.find('*'), 4u);

  f = check_sensitive_file("/home/alice/.ssh/id_rsa", rsa_pem);
  ASSERT_THAT(ids(f), ElementsAre("ssh-private-key"));
  EXPECT_THAT(f[0].title, HasSubstr("RSA"));

  f = check_sensitive_file("/root/.ssh/id_ecdsa", ecdsa_enc);
  ASSERT_THAT(ids(f), ElementsAre("ssh-encrypted-private-key"));
  EXPECT_THAT(f[0].title, HasSubstr("ecdsa-sha2-nistp256"));
  EXPECT_EQ(f[0].severity, "MEDIUM");

  // Any private key in .ssh, whatever its name; an id_* file outside .ssh too.
  EXPECT_THAT(ids(check_sensitive_file("/home/alice/.ssh/github_deploy", ed25519)), ElementsAre("ssh-private-key"));
  EXPECT_THAT(ids(check_sensitive_file("/app/keys/id_ed25519", ed25519)), ElementsAre("ssh-private-key"));
  // The public half is not a secret; authorized_keys says who may log in; known_hosts is not a finding.
  const std::string pub = read(dir.path() / "id_ed25519.pub");
  EXPECT_FALSE(is_sensitive_path("/root/.ssh/id_ed25519.pub"));
  EXPECT_THAT(check_sensitive_file("/root/.ssh/github_deploy", pub), IsEmpty());
  const std::string authorized = "# keys\n" + pub + "command=\"/bin/backup\",no-pty " + read(dir.path() / "id_rsa.pub");
  f = check_sensitive_file("/root/.ssh/authorized_keys", authorized);
  ASSERT_THAT(ids(f), ElementsAre("ssh-authorized-key", "ssh-authorized-key"));
  EXPECT_THAT(f[0].title, HasSubstr("alice@laptop"));
  EXPECT_THAT(f[0].title, HasSubstr("'root'"));
  EXPECT_EQ(f[1].line, 3);
  EXPECT_THAT(f[1].title, HasSubstr("ssh-rsa"));
  EXPECT_FALSE(is_sensitive_path("/root/.ssh/known_hosts"));
  EXPECT_THAT(check_sensitive_file("/root/.ssh/known_hosts", "github.com " + pub), IsEmpty());
}

TEST(SensitiveSsh, HostKeysMadeBySshKeygenA) {
  if (!have("ssh-keygen")) GTEST_SKIP() << "ssh-keygen is not installed";
  test::TempDir dir;
  std::filesystem::create_directories(dir.path() / "etc/ssh");
  run("ssh-keygen -A -f " + dir.str());
  int keys = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path() / "etc/ssh")) {
    const std::string in_image = "/etc/ssh/" + entry.path().filename().string();
    if (in_image.ends_with(".pub")) {
      EXPECT_FALSE(is_sensitive_path(in_image));
      continue;
    }
    ++keys;
    ASSERT_TRUE(is_sensitive_path(in_image)) << in_image;
    const auto f = check_sensitive_file(in_image, read(entry.path()));
    ASSERT_THAT(ids(f), ElementsAre("ssh-host-private-key")) << in_image;
    EXPECT_THAT(f[0].title, Not(HasSubstr("passphrase")));
  }
  EXPECT_GE(keys, 3);
}

TEST(SensitiveSsh, OpensslPemAndPkcs8Keys) {
  if (!have("openssl")) GTEST_SKIP() << "openssl is not installed";
  const std::string pkcs8 = run("openssl genpkey -algorithm ed25519");
  const std::string pkcs8_enc = run("openssl genpkey -algorithm ed25519 -aes256 -pass pass:secret");
  const std::string traditional_enc = run("openssl genrsa -traditional -aes128 -passout pass:secret 1024");
  ASSERT_THAT(traditional_enc, HasSubstr("Proc-Type: 4,ENCRYPTED"));
  EXPECT_THAT(ids(check_sensitive_file("/root/.ssh/key", pkcs8)), ElementsAre("ssh-private-key"));
  EXPECT_THAT(ids(check_sensitive_file("/root/.ssh/key", pkcs8_enc)), ElementsAre("ssh-encrypted-private-key"));
  const auto f = check_sensitive_file("/etc/ssh/ssh_host_rsa_key", traditional_enc);
  ASSERT_THAT(ids(f), ElementsAre("ssh-host-private-key"));
  EXPECT_THAT(f[0].title, HasSubstr("passphrase-protected"));
  EXPECT_EQ(f[0].line, 5);  // the base64 after Proc-Type, DEK-Info and the blank line
}

// --- histories -------------------------------------------------------------------------------------

TEST(SensitiveHistory, NonEmptyHistoryAndCommandLinePasswords) {
  const std::string history =
      "apt-get update\n"
      "mysql -u root -pS3cretPass mydb\n"
      "mysql -u root -p mydb\n"
      "curl -u deploy:tok3nvalue https://example.com/upload\n"
      "sshpass -p 'hunter22' ssh admin@10.0.0.5\n"
      "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
      "export GITHUB_TOKEN=$TOKEN_FROM_CI\n"
      "docker login -u bob -p dckr_pat_abcdef registry.example.com\n"
      "echo $PASSWORD | docker login --password-stdin -u bob\n"
      "git clone https://bob:ghp_abcdefghijklmnop@github.com/org/repo.git\n"
      "mkdir -p /opt/app && cp -p a b\n"
      "PGPASSWORD=pgsecret psql -h db -U app\n";
  const auto f = check_sensitive_file("/root/.bash_history", history);
  ASSERT_THAT(ids(f),
              ElementsAre("history-file", "history-credential", "history-credential", "history-credential",
                          "history-credential", "history-credential", "history-credential", "history-credential"));
  EXPECT_EQ(f[0].severity, "LOW");
  EXPECT_THAT(f[0].title, HasSubstr("12 entries"));
  std::vector<int> lines;
  for (std::size_t i = 1; i < f.size(); ++i) lines.push_back(f[i].line);
  EXPECT_THAT(lines, ElementsAre(2, 4, 5, 6, 8, 10, 12));
  EXPECT_EQ(f[1].severity, "HIGH");
  EXPECT_EQ(f[1].column, 17);
  EXPECT_EQ(f[1].redacted.substr(0, 2), "S3");
  EXPECT_THAT(f[1].title, HasSubstr("(mysql -p)"));
  for (const auto& finding : f) {
    for (const char* secret : {"S3cretPass", "tok3nvalue", "hunter22", "wJalrXUtnFEMI", "dckr_pat_abcdef",
                               "ghp_abcdefghijklmnop", "pgsecret"}) {
      EXPECT_THAT(finding.redacted, Not(HasSubstr(secret)));
      EXPECT_THAT(finding.title, Not(HasSubstr(secret)));
    }
  }
}

TEST(SensitiveHistory, ZshMysqlAndRedisHistories) {
  EXPECT_THAT(ids(check_sensitive_file("/root/.zsh_history",
                                       ": 1700000000:0;ls\n: 1700000001:0;mysqldump --password=xyz123 db\n")),
              ElementsAre("history-file", "history-credential"));
  const auto mysql = check_sensitive_file(
      "/root/.mysql_history",
      "_HiStOrY_V2_\nshow\\040databases;\nCREATE\\040USER\\040'app'@'%'\\040IDENTIFIED\\040BY\\040'appsecret';\n");
  ASSERT_THAT(ids(mysql), ElementsAre("history-file", "history-credential"));
  EXPECT_EQ(mysql[1].line, 3);
  EXPECT_THAT(ids(check_sensitive_file("/root/.psql_history", "ALTER ROLE app WITH PASSWORD 'pgpass1';\n\\dt\n")),
              ElementsAre("history-file", "history-credential"));
  EXPECT_THAT(ids(check_sensitive_file("/root/.rediscli_history", "AUTH redispass\nKEYS *\n")),
              ElementsAre("history-file", "history-credential"));
  EXPECT_THAT(check_sensitive_file("/root/.bash_history", ""), IsEmpty());
  EXPECT_THAT(check_sensitive_file("/root/.bash_history", "\n\n  \n"), IsEmpty());
}

// --- cloud, registries, clusters ------------------------------------------------------------------

TEST(SensitiveCloud, AwsCredentialsAndConfig) {
  const std::string credentials =
      "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = "
      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\n"
      "[ci]\naws_access_key_id=ASIAIOSFODNN7EXAMPLE\naws_secret_access_key=abc/"
      "def\naws_session_token=IQoJb3JpZ2luX2VjEXAMPLE\n";
  const auto f = check_sensitive_file("/root/.aws/credentials", credentials);
  ASSERT_THAT(ids(f), ElementsAre("aws-credentials-file", "aws-credentials-file", "aws-credentials-file"));
  EXPECT_EQ(f[0].severity, "CRITICAL");
  EXPECT_EQ(f[0].line, 3);
  EXPECT_EQ(f[0].column, 25);
  EXPECT_THAT(f[0].title, HasSubstr("'default'"));
  EXPECT_THAT(f[2].title, HasSubstr("session_token"));
  EXPECT_EQ(f[0].redacted, "wJal************");
  EXPECT_THAT(
      check_sensitive_file("/root/.aws/config", "[profile dev]\nregion = eu-west-1\nsso_start_url = https://x\n"),
      IsEmpty());
}

TEST(SensitiveCloud, GcpServiceAccountAndUserCredentials) {
  if (!have("openssl")) GTEST_SKIP() << "openssl is not installed";
  std::string pem = run("openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:1024");
  std::string escaped;
  for (char c : pem) escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
  const std::string sa =
      "{\n  \"type\": \"service_account\",\n  \"project_id\": \"demo\",\n  \"private_key_id\": \"1f2e3d4c5b6a\",\n"
      "  \"private_key\": \"" +
      escaped + "\",\n  \"client_email\": \"ci@demo.iam.gserviceaccount.com\"\n}\n";
  auto f = check_sensitive_file("/app/ci-service-account.json", sa);
  ASSERT_THAT(ids(f), ElementsAre("gcp-service-account-key"));
  EXPECT_EQ(f[0].line, 5);
  EXPECT_THAT(f[0].title, HasSubstr("ci@demo.iam.gserviceaccount.com"));
  const std::string adc = R"({"client_id": "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com",
  "client_secret": "d-FL95Q19q7MQmFpd7hHD0Ty", "refresh_token": "1//0gLongRefreshTokenValue", "type": "authorized_user"})";
  f = check_sensitive_file("/root/.config/gcloud/application_default_credentials.json", adc);
  ASSERT_THAT(ids(f), ElementsAre("gcp-user-credentials"));
  EXPECT_EQ(f[0].line, 2);
  f = check_sensitive_file("/root/.config/gcloud/credentials.db", std::string("SQLite format 3\0\x10\x00", 19));
  ASSERT_THAT(ids(f), ElementsAre("gcloud-credential-store"));
  EXPECT_EQ(f[0].line, 0);
  EXPECT_THAT(check_sensitive_file("/root/.config/gcloud/access_tokens.db", ""), IsEmpty());
}

TEST(SensitiveCloud, AzureTokenCaches) {
  const std::string msal =
      R"({"AccessToken": {"k1": {"credential_type": "AccessToken", "secret": "eyJ0eXAiOiJKV1QiAccess",
    "home_account_id": "uid.tid"}}, "RefreshToken": {"k2": {"credential_type": "RefreshToken", "secret": "0.AXoArefresh",
    "home_account_id": "uid.tid"}}, "Account": {}})";
  EXPECT_THAT(ids(check_sensitive_file("/root/.azure/msal_token_cache.json", msal)),
              ElementsAre("azure-cli-credentials", "azure-cli-credentials"));
  const std::string sp = R"([{"client_id": "00000000-aaaa", "tenant": "t", "client_secret": "Xy8Q~secretvalue"}])";
  const auto f = check_sensitive_file("/root/.azure/service_principal_entries.json", sp);
  ASSERT_THAT(ids(f), ElementsAre("azure-cli-credentials"));
  EXPECT_THAT(f[0].title, HasSubstr("00000000-aaaa"));
  EXPECT_THAT(check_sensitive_file("/root/.azure/accessTokens.json", "[]"), IsEmpty());
}

TEST(SensitiveCloud, DockerAndPodmanRegistryAuth) {
  const std::string auth = base64("robot$ci:s3cr3t-passw0rd");
  const std::string config = "{\n\t\"auths\": {\n\t\t\"https://index.docker.io/v1/\": {\n\t\t\t\"auth\": \"" + auth +
                             "\"\n\t\t},\n\t\t\"ghcr.io\": {\n\t\t\t\"auth\": \"\"\n\t\t},\n\t\t\"quay.io\": {}\n\t},\n"
                             "\t\"credsStore\": \"desktop\"\n}";
  auto f = check_sensitive_file("/root/.docker/config.json", config);
  ASSERT_THAT(ids(f), ElementsAre("registry-credentials"));
  EXPECT_THAT(f[0].title, HasSubstr("index.docker.io"));
  EXPECT_THAT(f[0].title, HasSubstr("'robot$ci'"));
  EXPECT_EQ(f[0].line, 4);
  EXPECT_EQ(f[0].redacted.substr(0, 9), "robot$ci:");
  EXPECT_THAT(f[0].redacted, Not(HasSubstr("passw0rd")));
  // Podman's auth.json, with an identity token (docker login to an OAuth registry writes it).
  f = check_sensitive_file(
      "/run/user/1000/containers/auth.json",
      R"({"auths": {"myregistry.azurecr.io": {"auth": "MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwOg==", "identitytoken": "eyJhbGciOiJSUzI1NiJ9.refresh"}}})");
  EXPECT_THAT(ids(f), ElementsAre("registry-credentials"));
  EXPECT_THAT(f[0].title, HasSubstr("identitytoken"));
  // Helpers only: the secrets are not in the image.
  EXPECT_THAT(
      check_sensitive_file(
          "/root/.docker/config.json",
          R"({"credHelpers": {"123456789012.dkr.ecr.us-east-1.amazonaws.com": "ecr-login", "gcr.io": "gcloud"}})"),
      IsEmpty());
  EXPECT_THAT(check_sensitive_file("/root/.docker/config.json", R"({"auths": {"r.io": {"auth": "${DOCKER_AUTH}"}}})"),
              IsEmpty());
}

TEST(SensitiveCloud, KubeconfigAsKindWritesIt) {
  if (!have("openssl")) GTEST_SKIP() << "openssl is not installed";
  const std::string key = base64(run("openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:P-256 | tr -d '\\n'"));
  const std::string kubeconfig =
      "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: LS0tLS1CRUdJTg==\n"
      "    server: https://127.0.0.1:40123\n  name: kind-kind\ncontexts:\n- context:\n"
      "    cluster: kind-kind\n    user: kind-kind\n  name: kind-kind\ncurrent-context: kind-kind\n"
      "kind: Config\npreferences: {}\nusers:\n- name: kind-kind\n  user:\n"
      "    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t\n"
      "    client-key-data: " +
      key +
      "\n"
      "- name: ci-bot\n  user:\n    token: eyJhbGciOiJSUzI1NiIsImtpZCI6IkV4YW1wbGUifQ.payload.sig\n"
      "- name: oidc\n  user:\n    auth-provider:\n      name: oidc\n      config:\n"
      "        client-id: kubectl\n        id-token: eyJhbGciOiJSUzI1NiJ9.oidc.sig\n"
      "- name: exec-user\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
      "      command: aws\n";
  const auto f = check_sensitive_file("/root/.kube/config", kubeconfig);
  ASSERT_THAT(ids(f), ElementsAre("kubeconfig-credentials", "kubeconfig-credentials", "kubeconfig-credentials"));
  EXPECT_THAT(f[0].title, HasSubstr("'kind-kind'"));
  EXPECT_THAT(f[0].title, HasSubstr("client-key-data"));
  EXPECT_EQ(f[0].line, 19);
  EXPECT_EQ(f[0].column, 22);
  EXPECT_THAT(f[1].title, HasSubstr("token"));
  EXPECT_THAT(f[2].title, HasSubstr("id-token"));
  EXPECT_THAT(ids(check_sensitive_file("/etc/kubernetes/admin.conf", kubeconfig)), testing::SizeIs(3));
  // kubelet.conf as kubeadm writes it: certificates by path only.
  EXPECT_THAT(check_sensitive_file("/etc/kubernetes/kubelet.conf",
                                   "apiVersion: v1\nkind: Config\nusers:\n- name: default-auth\n  user:\n"
                                   "    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem\n"
                                   "    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem\n"),
              IsEmpty());
}

// --- package managers and tools -------------------------------------------------------------------

TEST(SensitiveTools, NpmYarnPypiPip) {
  auto f = check_sensitive_file("/app/.npmrc",
                                "registry=https://registry.npmjs.org/\n//registry.npmjs.org/"
                                ":_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789\n"
                                "//npm.pkg.github.com/:_authToken=${GITHUB_TOKEN}\n; comment\n"
                                "//nexus.example.com/repository/npm/:_auth=" +
                                    base64("builder:nexuspass") + "\n");
  ASSERT_THAT(ids(f), ElementsAre("npm-auth-token", "npm-auth-token"));
  EXPECT_EQ(f[0].line, 2);
  EXPECT_EQ(f[0].column, 34);
  EXPECT_EQ(f[0].redacted, "npm_************");
  EXPECT_THAT(f[1].title, HasSubstr("'builder'"));
  EXPECT_THAT(
      ids(check_sensitive_file(
          "/app/.yarnrc.yml",
          "npmRegistryServer: \"https://r.example\"\nnpmScopes:\n  corp:\n    npmAuthToken: \"yarn-token-value\"\n"
          "    npmAlwaysAuth: true\nnpmAuthToken: \"${NPM_TOKEN}\"\n")),
      ElementsAre("npm-auth-token"));
  EXPECT_THAT(ids(check_sensitive_file(
                  "/root/.pypirc",
                  "[distutils]\nindex-servers =\n    pypi\n    testpypi\n\n[pypi]\nusername = __token__\n"
                  "password = pypi-AgEIcHlwaS5vcmcCJGExample\n\n[testpypi]\nusername = __token__\npassword =\n")),
              ElementsAre("pypirc-password"));
  f = check_sensitive_file("/etc/pip.conf",
                           "[global]\nindex-url = https://ci:artifactory-key@artifactory.example.com/api/pypi/simple\n"
                           "extra-index-url = https://pypi.org/simple\ntrusted-host = artifactory.example.com\n");
  ASSERT_THAT(ids(f), ElementsAre("pip-index-credentials"));
  EXPECT_THAT(f[0].title, HasSubstr("'ci'"));
  EXPECT_EQ(f[0].column, 24);
}

TEST(SensitiveTools, NetrcGitPgpassMysql) {
  auto f =
      check_sensitive_file("/root/.netrc",
                           "machine api.heroku.com\n  login me@example.com\n  password heroku-token-1\n"
                           "macdef init\npassword notparsed\n\nmachine github.com login bot password ghp_netrc_token\n"
                           "default login anonymous password guest@\n");
  ASSERT_THAT(ids(f), ElementsAre("netrc-password", "netrc-password", "netrc-password"));
  EXPECT_THAT(f[0].title, HasSubstr("api.heroku.com"));
  EXPECT_EQ(f[0].line, 3);
  EXPECT_THAT(f[1].title, HasSubstr("'bot'"));
  f = check_sensitive_file("/root/.git-credentials",
                           "https://alice:ghp_1234567890abcdef@github.com\nhttps://gitlab.example.com\n");
  ASSERT_THAT(ids(f), ElementsAre("git-credentials"));
  EXPECT_THAT(f[0].title, HasSubstr("github.com"));
  EXPECT_THAT(f[0].title, HasSubstr("'alice'"));
  f = check_sensitive_file("/root/.pgpass",
                           "# host:port:db:user:password\ndb.example.com:5432:*:app:pa\\:ss\nlocalhost:*:*:me:\n");
  ASSERT_THAT(ids(f), ElementsAre("pgpass-password"));
  EXPECT_THAT(f[0].title, HasSubstr("app@db.example.com"));
  EXPECT_EQ(f[0].line, 2);
  // Debian's /etc/mysql/debian.cnf as mysql-server writes it.
  f = check_sensitive_file(
      "/etc/mysql/debian.cnf",
      "# Automatically generated for Debian scripts. DO NOT TOUCH!\n[client]\nhost     = localhost\n"
      "user     = debian-sys-maint\npassword = Zq3xVb8nK1pL0mWe\nsocket   = /var/run/mysqld/mysqld.sock\n"
      "[mysql_upgrade]\nhost     = localhost\nuser     = debian-sys-maint\npassword = Zq3xVb8nK1pL0mWe\n");
  EXPECT_THAT(ids(f), ElementsAre("mysql-client-password", "mysql-client-password"));
  EXPECT_THAT(check_sensitive_file("/root/.my.cnf", "[client]\nuser=root\npassword=\n"), IsEmpty());
}

TEST(SensitiveTools, GemComposerMavenGradle) {
  EXPECT_THAT(
      ids(check_sensitive_file("/root/.gem/credentials", "---\n:rubygems_api_key: rubygems_0123456789abcdef\n")),
      ElementsAre("rubygems-api-key"));
  const std::string composer = R"({
    "http-basic": {"repo.example.org": {"username": "me", "password": "composer-pass"}},
    "github-oauth": {"github.com": "ghp_composer_token"},
    "gitlab-token": {"gitlab.com": {"username": "me", "token": "glpat-abc"}},
    "bearer": {"api.example.com": "${BEARER}"}
  })";
  auto f = check_sensitive_file("/root/.composer/auth.json", composer);
  ASSERT_THAT(ids(f), ElementsAre("composer-auth", "composer-auth", "composer-auth"));
  EXPECT_EQ(f[0].line, 2);
  // Maven's own default settings.xml has <password> only inside comments.
  const std::string default_settings = read("/usr/share/maven/conf/settings.xml");
  if (!default_settings.empty()) {
    EXPECT_THAT(check_sensitive_file("/usr/share/maven/conf/settings.xml", default_settings), IsEmpty());
  }
  f = check_sensitive_file(
      "/root/.m2/settings.xml",
      "<settings>\n  <servers>\n    <server>\n      <id>nexus</id>\n      <username>deploy</username>\n"
      "      <password>nexus-deploy-pw</password>\n    </server>\n    <server>\n      <id>env</id>\n"
      "      <password>${env.MAVEN_PASSWORD}</password>\n    </server>\n    <server>\n      <id>enc</id>\n"
      "      <password>{COQLCE6DU6GtcS5P=}</password>\n    </server>\n  </servers>\n"
      "  <!-- <server><id>x</id><password>commented</password></server> -->\n</settings>\n");
  ASSERT_THAT(ids(f), ElementsAre("maven-settings-password", "maven-settings-password"));
  EXPECT_THAT(f[0].title, HasSubstr("'nexus'"));
  EXPECT_EQ(f[0].line, 6);
  EXPECT_THAT(f[1].title, HasSubstr("encrypted"));
  EXPECT_THAT(ids(check_sensitive_file("/app/gradle.properties",
                                       "org.gradle.jvmargs=-Xmx2g\nsigning.password=gpg-pass\nsonatypeToken=abc123\n"
                                       "artifactoryPassword=\nsystemProp.http.proxyPassword=proxypw\n")),
              ElementsAre("gradle-properties-secret", "gradle-properties-secret", "gradle-properties-secret"));
}

TEST(SensitiveTools, GhTerraformVaultS3RcloneBotoHtpasswd) {
  auto f =
      check_sensitive_file("/root/.config/gh/hosts.yml",
                           "github.com:\n    user: octocat\n    oauth_token: gho_16C7e42F292c6912E7710c838347Ae178B4a\n"
                           "    git_protocol: https\n");
  ASSERT_THAT(ids(f), ElementsAre("gh-cli-token"));
  EXPECT_THAT(f[0].title, HasSubstr("github.com"));
  EXPECT_THAT(ids(check_sensitive_file(
                  "/root/.terraformrc",
                  "plugin_cache_dir = \"$HOME/.terraform.d/plugin-cache\"\ncredentials \"app.terraform.io\" {\n"
                  "  token = \"xxxxxx.atlasv1.zzzzzzzzzzzzz\"\n}\n")),
              ElementsAre("terraform-cli-token"));
  EXPECT_THAT(ids(check_sensitive_file("/root/.terraform.d/credentials.tfrc.json",
                                       R"({"credentials": {"app.terraform.io": {"token": "abc.atlasv1.def"}}})")),
              ElementsAre("terraform-cli-token"));
  EXPECT_THAT(ids(check_sensitive_file("/root/.vault-token", "hvs.CAESIJexampleexampleexample")),
              ElementsAre("vault-token-file"));
  EXPECT_THAT(ids(check_sensitive_file("/root/.s3cfg",
                                       "[default]\naccess_key = AKIAEXAMPLE\nsecret_key = s3secretvalue\n"
                                       "host_base = s3.amazonaws.com\n")),
              ElementsAre("s3cfg-secret-key"));
  EXPECT_THAT(check_sensitive_file("/root/.s3cfg", "[default]\naccess_key =\nsecret_key =\n"), IsEmpty());
  EXPECT_THAT(ids(check_sensitive_file("/root/.config/rclone/rclone.conf",
                                       "[remote]\ntype = sftp\nhost = example.com\nuser = me\npass = Wb8v3Xobscured\n\n"
                                       "[s3]\ntype = s3\nprovider = AWS\nsecret_access_key = rclones3secret\n")),
              ElementsAre("rclone-credentials", "rclone-credentials"));
  EXPECT_THAT(ids(check_sensitive_file(
                  "/root/.boto", "[Credentials]\naws_access_key_id = AKIA\naws_secret_access_key = botosecret\n")),
              ElementsAre("boto-credentials"));
}

TEST(SensitiveTools, HtpasswdAsApacheWritesIt) {
  if (!have("htpasswd")) GTEST_SKIP() << "htpasswd (package apache2-utils) is not installed";
  const std::string file = run("htpasswd -nbB alice alicepw") + run("htpasswd -nbm bob bobpw") +
                           run("htpasswd -nbs carol carolpw") + run("htpasswd -nbd dave davepw") +
                           run("htpasswd -nbp erin erinpw");
  const auto f = check_sensitive_file("/etc/nginx/.htpasswd", file);
  ASSERT_THAT(ids(f), ElementsAre("htpasswd-password-hash", "htpasswd-weak-password", "htpasswd-weak-password",
                                  "htpasswd-weak-password", "htpasswd-weak-password"));
  EXPECT_THAT(f[0].title, HasSubstr("bcrypt"));
  EXPECT_THAT(f[1].title, HasSubstr("apr1"));
  EXPECT_THAT(f[2].title, HasSubstr("SHA-1"));
  EXPECT_THAT(f[4].title, HasSubstr("plain-text"));
  EXPECT_THAT(f[4].redacted, Not(HasSubstr("erinpw")));
}

// --- hostile content ------------------------------------------------------------------------------

TEST(SensitiveHostile, MalformedFilesAreReportedWhenTheyHoldSecrets) {
  auto f = check_sensitive_file("/root/.docker/config.json", "{\"auths\": {\"r.io\": {\"auth\": \"dXNlcjpwYXNz\"");
  ASSERT_THAT(ids(f), ElementsAre("registry-credentials"));
  EXPECT_THAT(f[0].title, HasSubstr("could not be parsed"));
  EXPECT_THAT(
      ids(check_sensitive_file("/root/.kube/config", "users:\n- name: x\n  user:\n    token: abc\n  [unclosed")),
      ElementsAre("kubeconfig-credentials"));
  EXPECT_THAT(check_sensitive_file("/root/.docker/config.json", "{not json at all"), IsEmpty());
  EXPECT_THAT(check_sensitive_file("/root/.kube/config", "{{{{"), IsEmpty());
}

TEST(SensitiveHostile, BinaryDeepAndHugeContentNeverThrows) {
  std::string binary;
  for (int i = 0; i < 70000; ++i) binary.push_back(static_cast<char>((i * 7919) & 0xff));
  const std::string deep_json = std::string(100000, '[');
  const std::string deep_yaml = std::string(100000, '-') + " x";
  std::string huge = "machine m login l password p\n";
  for (int i = 0; i < 200000; ++i) huge += "machine m password p" + std::to_string(i) + "\n";
  for (const char* path : {"/etc/shadow", "/root/.ssh/id_rsa", "/etc/ssh/ssh_host_rsa_key", "/root/.bash_history",
                           "/root/.aws/credentials", "/root/.docker/config.json", "/root/.kube/config",
                           "/root/.azure/msal_token_cache.json", "/app/x-service-account.json", "/root/.npmrc",
                           "/root/.netrc", "/root/.m2/settings.xml", "/root/.terraform.d/credentials.tfrc.json",
                           "/etc/nginx/.htpasswd", "/root/.ssh/authorized_keys", "/root/.pgpass"}) {
    for (const std::string_view content : std::vector<std::string_view>{binary, deep_json, deep_yaml, huge}) {
      std::vector<SecretMatch> f;
      EXPECT_NO_THROW(f = check_sensitive_file(path, content)) << path;
      EXPECT_LE(f.size(), 500u) << path;
      for (const auto& m : f) EXPECT_GE(m.line, 0);
    }
  }
  // A truncated OpenSSH key still counts as a key; a key header alone is not one.
  EXPECT_THAT(ids(check_sensitive_file("/root/.ssh/id_ed25519",
                                       "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n")),
              ElementsAre("ssh-private-key"));
  EXPECT_THAT(check_sensitive_file("/root/.ssh/id_ed25519", "not a key\n"), IsEmpty());
}

TEST(SensitiveHostile, TwoThreadsGetTheSameFindings) {
  const std::vector<std::pair<std::string, std::string>> files{
      {"/etc/shadow", "root::1:0:99999:7:::\nbob:$1$abcdefgh$0123456789abcdefghijkl:1::::::\n"},
      {"/root/.docker/config.json", R"({"auths": {"r.io": {"auth": "dXNlcjpwYXNzd29yZA=="}}})"},
      {"/root/.kube/config", "users:\n- name: a\n  user:\n    token: abcdefgh\n"},
      {"/root/.bash_history", "mysql -pS3cret\nexport API_TOKEN=abc123\n"}};
  const auto scan_all = [&] {
    std::vector<std::string> out;
    for (int round = 0; round < 200; ++round)
      for (const auto& [path, content] : files)
        for (const auto& m : check_sensitive_file(path, content))
          out.push_back(m.rule_id + " " + m.title + " " + std::to_string(m.line) + " " + m.redacted);
    return out;
  };
  std::vector<std::string> a, b;
  std::thread t1([&] { a = scan_all(); });
  std::thread t2([&] { b = scan_all(); });
  t1.join();
  t2.join();
  EXPECT_EQ(a.size(), 200u * 7u);
  EXPECT_EQ(a, b);
}

TEST(SensitiveHostile, UnknownPathGivesNothing) {
  EXPECT_THAT(check_sensitive_file("/app/README.md", "password = hunter2\n"), IsEmpty());
}

}  // namespace
}  // namespace moat::secret
