#include "secret/scanner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/error.h"
#include "base/files.h"
#include "support/temp_dir.h"

namespace moat::secret {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Compiling the built-in set takes a moment: one scanner serves every test.
const SecretScanner& builtin() {
  static const SecretScanner scanner(builtin_secret_rules());
  return scanner;
}

std::vector<std::string> ids(const std::vector<SecretMatch>& matches) {
  std::vector<std::string> out;
  for (const SecretMatch& m : matches) out.push_back(m.rule_id);
  return out;
}

bool has_rule(const std::vector<SecretMatch>& matches, const std::string& id) {
  for (const SecretMatch& m : matches) {
    if (m.rule_id == id) return true;
  }
  return false;
}

// Runs a shell command in `dir`; false when it fails (a tool that is not installed).
bool run(const std::string& command, const test::TempDir& dir) {
  return std::system(("cd '" + dir.str() + "' && " + command + " >/dev/null 2>&1").c_str()) == 0;
}

std::string slurp(const std::filesystem::path& path) { return read_file(path, 1 << 20); }

// The rule file tests itself through the whole engine: global allow rules, every other rule and
// the overlap resolution all take part, so an example stolen by an earlier rule fails here.
TEST(SecretScanner, EveryBuiltinRuleFindsItsExamplesAndNotItsCounterexamples) {
  for (const SecretRule& rule : builtin_secret_rules().rules) {
    for (const std::string& example : rule.examples) {
      const auto found = builtin().scan("app/config.txt", example);
      EXPECT_TRUE(has_rule(found, rule.id)) << rule.id << " misses its example: " << example;
      for (const SecretMatch& m : found) {
        EXPECT_EQ(example.find(m.redacted), std::string::npos) << rule.id << " shows its secret";
      }
    }
    for (const std::string& counter : rule.counterexamples) {
      EXPECT_FALSE(has_rule(builtin().scan("app/config.txt", counter), rule.id))
          << rule.id << " finds its counterexample: " << counter;
    }
  }
}

TEST(SecretScanner, ReportsLineColumnAndRedactedSecret) {
  const std::string content = "# settings\nregion = eu-west-1\n  key_id: AKIA2E4G6J2L4N6P2R4T\n";
  const auto found = builtin().scan("home/app/.aws/config", content);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule_id, "aws-access-key-id");
  EXPECT_EQ(found[0].title, "AWS access key ID");
  EXPECT_EQ(found[0].severity, "HIGH");
  EXPECT_EQ(found[0].line, 3);
  EXPECT_EQ(found[0].column, 11);
  EXPECT_EQ(found[0].redacted, "AKIA************");
}

TEST(SecretScanner, RedactionNeverShowsMoreThanFourCharacters) {
  EXPECT_EQ(redact("AKIA2E4G6J2L4N6P2R4T"), "AKIA************");
  EXPECT_EQ(redact("hunter22"), "hu******");
  EXPECT_EQ(redact("abc"), "***");
  EXPECT_EQ(redact(std::string(300, 'z')).size(), 16u);
  EXPECT_EQ(redact("\x01\x02\x03\x04zzzzzzzzzzzzzzzz"), "????************");
}

TEST(SecretScanner, DotEnvFile) {
  const std::string env =
      "APP_ENV=production\n"
      "DATABASE_URL=postgres://shop:Zt7pQ2mW9xLk@db.internal:5432/shop\n"
      "REDIS_URL=redis://cache:6379/0\n"
      "STRIPE_SECRET=sk_live_4eC39HqLyjWDarjtT1zdp7dc9Xk2\n"
      "SESSION_SECRET=q8Vw3nZ1rT6yK0pL5sD2\n"
      "LOG_LEVEL=info\n"
      "DB_PASSWORD=${DB_PASSWORD}\n"
      "API_TOKEN=changeme\n";
  const auto found = builtin().scan("srv/app/.env", env);
  EXPECT_THAT(ids(found), ElementsAre("postgres-connection-string", "stripe-secret-key", "generic-env-secret"));
  EXPECT_EQ(found[0].line, 2);
  EXPECT_EQ(found[1].line, 4);
  EXPECT_EQ(found[2].line, 5);
}

TEST(SecretScanner, DjangoSettings) {
  const std::string settings =
      "import os\n"
      "BASE_DIR = Path(__file__).resolve().parent.parent\n"
      "SECRET_KEY = 'django-insecure-7f$k!2q@9zv#w^m8b)x1r&h0n%c5t(e3y+u6j-i4o=p_a'\n"
      "DEBUG = False\n"
      "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'PASSWORD': os.environ['PGPASSWORD']}}\n";
  const auto found = builtin().scan("srv/app/mysite/settings.py", settings);
  EXPECT_THAT(ids(found), ElementsAre("django-secret-key"));
  EXPECT_EQ(found[0].line, 3);
  EXPECT_EQ(found[0].redacted, "djan************");
}

TEST(SecretScanner, JavaScriptWithStripeKeyOnOneLongMinifiedLine) {
  std::string js = "!function(e){";
  for (int i = 0; i < 20000; ++i) js += "var a" + std::to_string(i) + "=e.token(\"x\"),";
  js += "s=require(\"stripe\")(\"sk_live_51HbQzKLm3Xn8Vw2Rt6Yp9Ua4Ce7Gd0Jf\");}();";
  const auto found = builtin().scan("app/dist/main.min.js", js);
  ASSERT_THAT(ids(found), ElementsAre("stripe-secret-key"));
  EXPECT_EQ(found[0].line, 1);
  EXPECT_EQ(static_cast<size_t>(found[0].column), js.find("sk_live_") + 1);
}

TEST(SecretScanner, KubernetesManifest) {
  const std::string manifest =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n"
      "  GITHUB_TOKEN: ghp_R2d4F6h8J0k2L4m6N8p0Q2s4T6v8W0x2Y4z6\n"
      "---\napiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
      "        - name: app\n          env:\n"
      "            - name: SLACK_WEBHOOK\n"
      "              value: https://hooks.slack.com/services/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\n"
      "            - name: DB_PASSWORD\n              valueFrom: {secretKeyRef: {name: db, key: password}}\n";
  const auto found = builtin().scan("deploy/app.yaml", manifest);
  EXPECT_THAT(ids(found), ElementsAre("github-personal-access-token", "slack-webhook-url"));
}

TEST(SecretScanner, SpecificRuleBeatsGenericOnTheSameSecret) {
  const auto found =
      builtin().scan("app/settings.rb", "config.password = \"ghp_R2d4F6h8J0k2L4m6N8p0Q2s4T6v8W0x2Y4z6\"\n");
  EXPECT_THAT(ids(found), ElementsAre("github-personal-access-token"));
  const auto generic = builtin().scan("app/settings.rb", "config.password = \"Kx9!mQ2#vL7pZ4\"\n");
  EXPECT_THAT(ids(generic), ElementsAre("generic-secret-assignment"));
}

TEST(SecretScanner, PrivateKeysMadeByRealTools) {
  test::TempDir dir;
  ASSERT_TRUE(run("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem", dir));
  ASSERT_TRUE(run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec8.pem", dir));
  ASSERT_TRUE(run("openssl ecparam -name prime256v1 -genkey -noout -out ec.pem", dir));
  ASSERT_TRUE(run("openssl genpkey -algorithm ed25519 -aes-128-cbc -pass pass:hunter2hunter2 -out enc.pem", dir));
  ASSERT_TRUE(run("openssl genrsa -traditional -out trad.pem 1024", dir));
  ASSERT_TRUE(run("ssh-keygen -q -t ed25519 -N '' -C test -f id_ed25519", dir));
  EXPECT_THAT(ids(builtin().scan("app/rsa.pem", slurp(dir.path() / "rsa.pem"))), ElementsAre("pkcs8-private-key"));
  EXPECT_THAT(ids(builtin().scan("app/ec8.pem", slurp(dir.path() / "ec8.pem"))), ElementsAre("pkcs8-private-key"));
  EXPECT_THAT(ids(builtin().scan("app/ec.pem", slurp(dir.path() / "ec.pem"))), ElementsAre("ec-private-key"));
  EXPECT_THAT(ids(builtin().scan("app/enc.pem", slurp(dir.path() / "enc.pem"))), ElementsAre("encrypted-private-key"));
  EXPECT_THAT(ids(builtin().scan("app/trad.pem", slurp(dir.path() / "trad.pem"))), ElementsAre("rsa-private-key"));
  const auto ssh = builtin().scan("root/.ssh/id_ed25519", slurp(dir.path() / "id_ed25519"));
  EXPECT_THAT(ids(ssh), ElementsAre("openssh-private-key"));
  EXPECT_THAT(builtin().scan("root/.ssh/id_ed25519.pub", slurp(dir.path() / "id_ed25519.pub")), IsEmpty());
  // The same key JSON-escaped, as a service-account file or a secret store export holds it.
  std::string pem = slurp(dir.path() / "rsa.pem");
  std::string escaped;
  for (const char c : pem) escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
  EXPECT_THAT(
      ids(builtin().scan("app/sa.json", "{\"type\": \"service_account\", \"private_key\": \"" + escaped + "\"}")),
      ElementsAre("gcp-service-account-private-key"));
  EXPECT_THAT(ids(builtin().scan("app/key.json", "{\"key\": \"" + escaped + "\"}")), ElementsAre("pkcs8-private-key"));

  if (!run("command -v puttygen", dir)) GTEST_SKIP() << "puttygen not installed (apt-get install putty-tools)";
  ASSERT_TRUE(run("puttygen -t ed25519 -o key.ppk --new-passphrase /dev/null", dir));
  EXPECT_THAT(ids(builtin().scan("home/u/key.ppk", slurp(dir.path() / "key.ppk"))), ElementsAre("putty-private-key"));
}

TEST(SecretScanner, PgpPrivateKeyBlock) {
  test::TempDir dir;
  if (!run("command -v gpg", dir)) GTEST_SKIP() << "gpg not installed";
  ASSERT_TRUE(
      run("GNUPGHOME=\"$PWD\" gpg --batch --pinentry-mode loopback --passphrase '' --quick-gen-key "
          "'moat test <t@moat.test>' ed25519 sign never && GNUPGHOME=\"$PWD\" gpg --batch --pinentry-mode "
          "loopback --passphrase '' --armor --output key.asc --export-secret-keys",
          dir));
  const std::string armored = slurp(dir.path() / "key.asc");
  EXPECT_THAT(ids(builtin().scan("app/key.asc", armored)), ElementsAre("pgp-private-key-block")) << armored;
}

TEST(SecretScanner, AllowRulesDropDocumentedExamplesAndPaths) {
  EXPECT_THAT(builtin().scan("app/.aws/credentials",
                             "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                             "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"),
              IsEmpty());
  const std::string real = "token: \"ghp_R2d4F6h8J0k2L4m6N8p0Q2s4T6v8W0x2Y4z6\"\n";
  EXPECT_THAT(builtin().scan("usr/share/doc/tool/README.md", real), IsEmpty());
  EXPECT_THAT(builtin().scan("app/node_modules/left-pad/test/fixture.js", real), IsEmpty());
  // ...at any depth inside the package (dojox keeps a Flickr key in data/tests/ and image/tests/).
  EXPECT_THAT(builtin().scan("app/node_modules/dojox/data/tests/stores/FlickrRestStore.js", real), IsEmpty());
  EXPECT_THAT(builtin().scan("usr/lib/python3/dist-packages/pkg/sub/demos/settings.py", real), IsEmpty());
  // Installed packages' documentation (npm bundles @npmcli/arborist/README.md with a sample password).
  EXPECT_THAT(builtin().scan("usr/lib/node_modules/npm/node_modules/@npmcli/arborist/README.md", real), IsEmpty());
  EXPECT_THAT(ids(builtin().scan("srv/app/README.md", real)), ElementsAre("github-personal-access-token"));
  // Outside those folders the same text is a finding, in application code and in installed packages.
  EXPECT_THAT(ids(builtin().scan("app/node_modules/left-pad/index.js", real)),
              ElementsAre("github-personal-access-token"));
  EXPECT_THAT(ids(builtin().scan("app/node_modules/dojox/image/FlickrBadge.js", real)),
              ElementsAre("github-personal-access-token"));
  // A folder named like a test folder outside any installed package is the application's own.
  EXPECT_THAT(ids(builtin().scan("srv/app/tests/settings.py", real)), ElementsAre("github-personal-access-token"));
  EXPECT_THAT(ids(builtin().scan("srv/app/tests_helper.py", real)), ElementsAre("github-personal-access-token"));
  EXPECT_THAT(builtin().scan("app/config.yaml",
                             "password: \"${DB_PASSWORD}\"\ntoken: \"{{ .Values.token }}\"\n"
                             "secret: \"xxxxxxxxxxxxxxxx\"\napi_key: \"<your-api-key>\"\n"),
              IsEmpty());
}

TEST(SecretScanner, UserRulesAddDisableAndAllow) {
  RuleSet rules = builtin_secret_rules();
  merge_secret_rules(rules, parse_secret_rules("rules:\n"
                                               "  - id: acme-internal-token\n"
                                               "    title: ACME internal token\n"
                                               "    severity: CRITICAL\n"
                                               "    keywords: [acme]\n"
                                               "    regex: '\\b(?P<secret>acme_[a-z0-9]{24})\\b'\n"
                                               "    paths: '\\.(?:conf|env)$'\n"
                                               "    examples: ['acme_0a1b2c3d4e5f6g7h8i9j0k1l']\n"
                                               "disable: [jwt]\n"
                                               "allow:\n"
                                               "  paths: ['^srv/fixtures/']\n"
                                               "  secrets: ['^ghp_R2d4']\n",
                                               "acme.yaml"));
  const SecretScanner scanner(rules);
  EXPECT_NE(scanner.fingerprint(), builtin().fingerprint());
  EXPECT_EQ(scanner.rule_count(), builtin().rule_count());  // one added, one disabled
  const std::string text =
      "t = acme_0a1b2c3d4e5f6g7h8i9j0k1l\n"
      "jwt = eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.Qm9ZqTq1bW8sVq3Yt6rX2cP0aLk9NfJ4\n"
      "gh = ghp_R2d4F6h8J0k2L4m6N8p0Q2s4T6v8W0x2Y4z6\n";
  EXPECT_THAT(ids(scanner.scan("etc/app.conf", text)), ElementsAre("acme-internal-token"));
  EXPECT_THAT(scanner.scan("etc/app.txt", text), IsEmpty());  // the rule's paths filter
  EXPECT_THAT(scanner.scan("srv/fixtures/app.conf", text), IsEmpty());
  EXPECT_THAT(ids(builtin().scan("etc/app.conf", text)), ElementsAre("jwt", "github-personal-access-token"));
}

TEST(SecretScanner, BinaryContentIsSkipped) {
  std::string elf(
      "\x7f"
      "ELF\x02\x01\x01\0\0\0\0\0",
      12);
  elf += "ghp_R2d4F6h8J0k2L4m6N8p0Q2s4T6v8W0x2Y4z6";
  EXPECT_TRUE(looks_binary(elf));
  EXPECT_FALSE(looks_binary("plain text\n"));
  EXPECT_THAT(builtin().scan("usr/bin/tool", elf), IsEmpty());
  EXPECT_THAT(builtin().scan("empty", ""), IsEmpty());
  // A NUL after the probed head does not make a text file binary.
  std::string late(9000, 'a');
  late += '\n';
  late += std::string("\0", 1) + "\nghp_R2d4F6h8J0k2L4m6N8p0Q2s4T6v8W0x2Y4z6\n";
  EXPECT_THAT(ids(builtin().scan("app/data.txt", late)), ElementsAre("github-personal-access-token"));
}

TEST(SecretScanner, HugeAndHostileInputStaysBounded) {
  // 16 MiB of base64 on one line: candidates everywhere for the broad rules, findings for none.
  std::string blob;
  blob.reserve(16 << 20);
  uint32_t x = 12345;
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  while (blob.size() < (16u << 20)) {
    x = x * 1103515245u + 12345u;
    blob += alphabet[(x >> 16) % 64];
  }
  EXPECT_THAT(builtin().scan("app/blob.txt", blob), IsEmpty());
  // Many secrets: reports stop at the per-file limit.
  std::string many;
  for (int i = 0; i < 500; ++i)
    many += "k" + std::to_string(i) + " = AKIA2E4G6J2L4N6P" + std::to_string(2000 + i) + "\n";
  const auto capped = builtin().scan("app/keys.txt", many);
  EXPECT_EQ(capped.size(), ScanLimits{}.max_findings);
  // Repetitive text that makes a naive regex backtrack.
  EXPECT_THAT(builtin().scan("app/x.txt", "password = \"" + std::string(1 << 20, 'a')), IsEmpty());
  EXPECT_THAT(builtin().scan("app/y.txt", std::string(1 << 20, '-') + "BEGIN RSA PRIVATE KEY"), IsEmpty());
}

TEST(SecretScanner, TwoThreadsOnOneScanner) {
  std::string text;
  for (int i = 0; i < 200; ++i) {
    text += "line " + std::to_string(i) + " gh=ghp_R2d4F6h8J0k2L4m6N8p0Q2s4T6v8W0x2" + std::to_string(1000 + i) + "\n";
  }
  const auto expected = builtin().scan("a.txt", text);
  ASSERT_EQ(expected.size(), ScanLimits{}.max_findings);
  std::vector<std::vector<SecretMatch>> results(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        auto found = builtin().scan("a.txt", text);
        if (round == 0 || found.size() != expected.size()) results[t] = std::move(found);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& result : results) {
    ASSERT_EQ(result.size(), expected.size());
    for (size_t i = 0; i < result.size(); ++i) {
      EXPECT_EQ(result[i].line, expected[i].line);
      EXPECT_EQ(result[i].redacted, expected[i].redacted);
    }
  }
}

TEST(SecretScanner, FingerprintIdentifiesTheRules) {
  const std::string rule =
      "rules:\n  - id: acme-token\n    title: ACME token\n    severity: HIGH\n"
      "    regex: '\\b(?P<secret>acme_[a-z0-9]{20})\\b'\n";
  const SecretScanner one(parse_secret_rules(rule, "a.yaml"));
  EXPECT_EQ(one.fingerprint(), SecretScanner(parse_secret_rules(rule, "elsewhere.yaml")).fingerprint());
  EXPECT_NE(one.fingerprint(),
            SecretScanner(parse_secret_rules(rule + "    min_entropy: 2\n", "a.yaml")).fingerprint());
  EXPECT_NE(one.fingerprint(),
            SecretScanner(parse_secret_rules(rule + "allow:\n  secrets: ['^acme_0']\n", "a.yaml")).fingerprint());
  EXPECT_THAT(ids(one.scan("a", "x acme_0123456789abcdefghij y")), ElementsAre("acme-token"));
  const SecretScanner empty(RuleSet{});
  EXPECT_THAT(empty.scan("a", "ghp_R2d4F6h8J0k2L4m6N8p0Q2s4T6v8W0x2Y4z6"), IsEmpty());
}

// The real debootstrap'ed root file systems: a clean Debian must give no finding at all.
// Every finding of the built-in rules in a real tree, as "path:line:column rule redacted", with
// paths relative to root as they are inside an image; files counts the regular files read.
std::vector<std::string> findings_in_tree(const std::filesystem::path& root, size_t& files) {
  std::vector<std::string> out;
  for (auto it = std::filesystem::recursive_directory_iterator(
           root, std::filesystem::directory_options::skip_permission_denied);
       it != std::filesystem::recursive_directory_iterator(); ++it) {
    if (it->is_symlink() || !it->is_regular_file()) continue;
    const std::string relative = std::filesystem::relative(it->path(), root).string();
    ++files;
    for (const SecretMatch& m : builtin().scan(relative, read_file(it->path(), 64 << 20)))
      out.push_back(relative + ":" + std::to_string(m.line) + ":" + std::to_string(m.column) + " " + m.rule_id + " " +
                    m.redacted);
  }
  return out;
}

TEST(SecretScanner, CleanDebianRootFileSystemsHaveNoFindings) {
  const char* dir = std::getenv("MOAT_FIXTURES");
  if (!dir) GTEST_SKIP() << "MOAT_FIXTURES is not set: run scripts/test.sh, which builds the real images";
  for (const char* release : {"bookworm", "bullseye"}) {
    const std::filesystem::path root = std::filesystem::path(dir) / release / "rootfs";
    ASSERT_TRUE(std::filesystem::is_directory(root)) << root;
    size_t files = 0;
    for (const std::string& finding : findings_in_tree(root, files)) ADD_FAILURE() << release << ": " << finding;
    EXPECT_GT(files, 5000u) << release;
  }
}

// Real web applications from Debian's packages (scripts/fixtures/benign-web.sh: WordPress, MediaWiki,
// phpMyAdmin, Django, Roundcube ...) are full of i18n strings for "password", lexer token names and
// autoloader maps that a hard-coded-password rule can mistake for secrets: MediaWiki alone once gave
// 5,600 findings. The few left are test passwords and keys the packages really ship.
// The set's npm part (root/npm-*) is there for the webshell evaluation: its packages are unpacked
// as tarballs, not installed under node_modules, and ship real keys (dojox's Flickr API key in
// its library and in 14 of its test and demo files, a TestSwarm token in plupload's build config)
// that a scan should report; the budget is for the Debian applications.
TEST(SecretScanner, BenignWebApplicationsGiveFewFindings) {
  const char* dir = std::getenv("MOAT_BENIGN_WEB");
  if (!dir) GTEST_SKIP() << "MOAT_BENIGN_WEB (scripts/fixtures/benign-web.sh DIR) is not set";
  const std::filesystem::path root = std::filesystem::path(dir) / "root";
  ASSERT_TRUE(std::filesystem::is_directory(root)) << root;
  size_t files = 0;
  std::vector<std::string> findings = findings_in_tree(root, files);
  std::erase_if(findings, [](const std::string& f) { return f.rfind("npm-", 0) == 0; });
  EXPECT_GT(files, 20000u);
  std::string listing;
  for (const std::string& f : findings) listing += "\n  " + f;
  EXPECT_LE(findings.size(), 15u) << "findings in benign web applications:" << listing;
}

}  // namespace
}  // namespace moat::secret

namespace moat::secret {
namespace {

// The compiled database is kept in the cache directory and read back; a damaged file is rebuilt,
// and every way gives the same findings.
TEST(SecretScannerCache, CompiledRulesAreReusedAndADamagedCacheIsRebuilt) {
  test::TempDir dir;
  const std::string text =
      "AWS_ACCESS_KEY_ID=AKIAZ7Q3RHKX4LMPT2VN\ntoken = 'ghp_R8kT2vLq9XmN4bWz7Hc3Jd6Fp1Gs5Ya0Ue8Q'\n";
  auto ids = [&](const SecretScanner& s) {
    std::vector<std::string> out;
    for (const auto& m : s.scan("/app/.env", text)) out.push_back(m.rule_id + ":" + std::to_string(m.line));
    return out;
  };
  const SecretScanner fresh(builtin_secret_rules());
  const auto expected = ids(fresh);
  ASSERT_EQ(expected.size(), 2u);
  const SecretScanner first(builtin_secret_rules(), {}, dir.path());
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) files.push_back(e.path());
  ASSERT_EQ(files.size(), 1u);
  const SecretScanner cached(builtin_secret_rules(), {}, dir.path());
  EXPECT_EQ(ids(first), expected);
  EXPECT_EQ(ids(cached), expected);
  std::string bytes = read_file(files[0], 256 << 20);
  write_file_atomic(files[0], bytes.substr(0, bytes.size() / 2));  // torn
  const SecretScanner rebuilt(builtin_secret_rules(), {}, dir.path());
  EXPECT_EQ(ids(rebuilt), expected);
  EXPECT_EQ(read_file(files[0], 256 << 20).size(), bytes.size());
}

}  // namespace
}  // namespace moat::secret
