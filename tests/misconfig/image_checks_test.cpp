#include "misconfig/image_checks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

using namespace moat::misconfig;
using nlohmann::json;
using namespace std::chrono;

namespace {

// The fixtures were built on 2025-05-20; a month later none of them is old.
const system_clock::time_point kNow = sys_days(year(2025) / June / 20);

std::vector<ConfigFinding> check(const json& config, system_clock::time_point now = kNow) {
  return check_image_config(config, now);
}
std::vector<ConfigFinding> check(std::string_view text, system_clock::time_point now = kNow) {
  return check(json::parse(text), now);
}

std::multiset<std::string> ids(const std::vector<ConfigFinding>& found) {
  std::multiset<std::string> out;
  for (const auto& f : found) out.insert(f.rule_id);
  return out;
}
std::vector<const ConfigFinding*> with_id(const std::vector<ConfigFinding>& found, std::string_view id) {
  std::vector<const ConfigFinding*> out;
  for (const auto& f : found)
    if (f.rule_id == id) out.push_back(&f);
  return out;
}

// The config blob of build/fixtures/bookworm/oci, byte for byte (sha256:b335ee5f...).
const char* const kBookwormConfig =
    R"({"created":"2025-05-20T00:00:00Z","architecture":"amd64","os":"linux","config":{"User":"root","Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","LANG=C.UTF-8"],"Cmd":["/bin/bash"],"ExposedPorts":{"8080/tcp":{}},"WorkingDir":"/opt/app"},"rootfs":{"type":"layers","diff_ids":["sha256:87607170337cd0fcc769ab44abe79ba2aa1a76719856fcb4c5d0a59653b5fb6a","sha256:af8b05013b08b7f2196e29f6862e4ea6462a98c390caeeef4b3ce037bae67762","sha256:62b3b0098c247cd2afcca313eb95a8a65a5a77ae813be0ee418baded68fb0ba7"]},"history":[{"created":"2025-05-20T00:00:00Z","created_by":"debootstrap --variant=minbase bookworm"},{"created":"2025-05-20T00:00:00Z","created_by":"/bin/sh -c apt-get install -y --no-install-recommends python3-requests python3-yaml ruby-rack skopeo fzf"},{"created":"2025-05-20T00:00:00Z","created_by":"/bin/sh -c rm -rf /etc/issue.net /usr/share/doc/ruby-rack /usr/lib/python3/dist-packages/chardet-*.dist-info /etc/apt/apt.conf.d && mkdir /etc/apt/apt.conf.d && ... && ln -s /usr/bin/python3 /usr/local/bin/py"},{"created":"2025-05-20T00:00:00Z","created_by":"/bin/sh -c #(nop)  EXPOSE 8080/tcp","empty_layer":true},{"created":"2025-05-20T00:00:00Z","created_by":"/bin/sh -c #(nop)  CMD [\"/bin/bash\"]","empty_layer":true}]})";

// A hardened image: non-root user, healthcheck, nothing sensitive exposed, harmless ENV, labels and
// build arguments, a history of ordinary steps in both the classic and the BuildKit notation.
const char* const kHardened = R"({
  "created": "2025-06-01T08:30:12.123456789Z",
  "architecture": "amd64", "os": "linux",
  "config": {
    "User": "10001:10001",
    "ExposedPorts": {"8443/tcp": {}},
    "Env": ["PATH=/usr/local/bin:/usr/bin:/bin", "GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D",
            "DB_PASSWORD_FILE=/run/secrets/db", "API_TOKEN=", "POSTGRES_PASSWORD=$FROM_RUNTIME",
            "SECRET_KEY_PATH=/etc/app/key", "TOKEN_URL=https://auth.example.com/token"],
    "Labels": {"org.opencontainers.image.source": "https://example.com/app", "maintainer.password-policy": "none"},
    "Healthcheck": {"Test": ["CMD", "/app/healthcheck"], "Interval": 30000000000},
    "Entrypoint": ["/app/server"]
  },
  "history": [
    {"created_by": "/bin/sh -c #(nop) ADD file:4b1be1de1a1e5aa608c688cad2824587262081866180b7368feb79a0b8e5be1d in / "},
    {"created_by": "RUN |2 VERSION=1.2.3 TOKEN_HEADER=X-Auth /bin/sh -c set -eux; curl -fsSLo /tmp/a.tgz https://example.com/a.tgz && echo \"abc  /tmp/a.tgz\" | sha256sum -c - # buildkit"},
    {"created_by": "RUN /bin/sh -c curl -s https://api.example.com/v | python3 -c 'import json,sys; print(json.load(sys.stdin))' # buildkit"},
    {"created_by": "ARG APP_VERSION=1.2.3", "empty_layer": true},
    {"created_by": "ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/app.tar.gz /opt/ # buildkit"},
    {"created_by": "USER 10001:10001", "empty_layer": true},
    {"created_by": "HEALTHCHECK &{[\"CMD\" \"/app/healthcheck\"] \"30s\" \"0s\" \"0s\" \"0s\" '\\x00'}", "empty_layer": true}
  ]
})";

TEST(ImageChecks, RuleTableIsWellFormed) {
  std::set<std::string> seen;
  std::string previous;
  for (const auto& r : image_rules()) {
    EXPECT_TRUE(r.id.starts_with("MOAT-IMG-")) << r.id;
    EXPECT_TRUE(seen.insert(r.id).second) << "duplicate " << r.id;
    EXPECT_LT(previous, r.id) << "rules not in id order";
    EXPECT_FALSE(r.title.empty()) << r.id;
    EXPECT_FALSE(r.resolution.empty()) << r.id;
    previous = r.id;
  }
  EXPECT_THROW(image_finding("MOAT-IMG-999", "", ""), std::logic_error);
}

TEST(ImageChecks, HardenedImageHasNoFindings) {
  auto found = check(std::string_view(kHardened));
  for (const auto& f : found) ADD_FAILURE() << f.rule_id << " " << f.object << ": " << f.message;
}

TEST(ImageChecks, BookwormFixtureConfig) {
  auto found = check(std::string_view(kBookwormConfig));
  EXPECT_EQ(ids(found), (std::multiset<std::string>{"MOAT-IMG-001", "MOAT-IMG-008"}));
  auto root = with_id(found, "MOAT-IMG-001");
  ASSERT_EQ(root.size(), 1u);
  EXPECT_EQ(root[0]->object, "config.User");
  EXPECT_EQ(root[0]->message, "the image runs as user root");
  EXPECT_EQ(root[0]->level, Level::High);
  EXPECT_TRUE(root[0]->file.empty());
  // A year and a half later the same image is old.
  auto later = check(std::string_view(kBookwormConfig), sys_days(year(2026) / November / 23));
  auto old = with_id(later, "MOAT-IMG-010");
  ASSERT_EQ(old.size(), 1u);
  EXPECT_EQ(old[0]->message, "the image was built on 2025-05-20, 552 days ago");
  EXPECT_TRUE(with_id(later, "MOAT-IMG-009").empty());
}

struct Case {
  std::string rule;
  std::string positive;  // a config (JSON) that must produce the rule
  std::string negative;  // a close one that must not
};

// Builds a config around a fragment of "config" and a history, otherwise hardened.
std::string doc(const std::string& cfg_extra, const std::string& history = "[]", const std::string& created = "",
                const std::string& user = R"("User": "app")") {
  std::string s = R"({"architecture":"amd64","os":"linux",)";
  if (!created.empty()) s += R"("created":")" + created + R"(",)";
  s += R"("config":{)" + user + R"(,"Healthcheck":{"Test":["CMD","true"]})";
  if (!cfg_extra.empty()) s += "," + cfg_extra;
  s += R"(},"history":)" + history + "}";
  return s;
}
std::string run_history(const std::string& created_by) { return R"([{"created_by":)" + json(created_by).dump() + "}]"; }

const std::vector<Case> kCases = {
    {"MOAT-IMG-001", doc("", "[]", "", R"("User": "")"), doc("", "[]", "", R"("User": "nobody")")},
    {"MOAT-IMG-001", doc("", "[]", "", R"("User": "0:0")"), doc("", "[]", "", R"("User": "1000:0")")},
    {"MOAT-IMG-001", doc("", "[]", "", R"("User": "root:wheel")"), doc("", "[]", "", R"("User": "10")")},
    {"MOAT-IMG-001", doc("", "[]", "", R"("User": "000")"), doc("", "[]", "", R"("User": "rootless")")},
    {"MOAT-IMG-001", doc("", "[]", "", R"("Cmd": ["x"])"), doc("", "[]", "", R"("User": "app:root")")},
    {"MOAT-IMG-002", doc(R"("ExposedPorts":{"22/tcp":{}})"), doc(R"("ExposedPorts":{"22/udp":{}})")},
    {"MOAT-IMG-002", doc(R"("ExposedPorts":{"2375/tcp":{}})"), doc(R"("ExposedPorts":{"2377/tcp":{}})")},
    {"MOAT-IMG-002", doc(R"("ExposedPorts":{"10250":{}})"), doc(R"("ExposedPorts":{"102500/tcp":{}})")},
    {"MOAT-IMG-003", doc(R"("ExposedPorts":{"5432/tcp":{}})"), doc(R"("ExposedPorts":{"5433/tcp":{}})")},
    {"MOAT-IMG-003", doc(R"("ExposedPorts":{"11211/udp":{}})"), doc(R"("ExposedPorts":{"6379/udp":{}})")},
    {"MOAT-IMG-004", doc(R"("Env":["DB_PASSWORD=hunter2-but-longer"])"), doc(R"("Env":["DB_PASSWORD_FILE=/run/s"])")},
    {"MOAT-IMG-004", doc(R"("Env":["AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"])"),
     doc(R"("Env":["AWS_ACCESS_KEY_ID_PATH=x"])")},
    {"MOAT-IMG-004", doc(R"("Env":["GITHUB_API_KEY=abc123def456"])"),
     doc(R"("Env":["GITHUB_API_KEY=<your key>", "X_TOKEN=${TOKEN}"])")},
    {"MOAT-IMG-004", doc(R"("Env":["CONN=ghp_0123456789abcdefghij0123456789abcdef"])"),
     doc(R"("Env":["CONN=ghp_short"])")},
    {"MOAT-IMG-004", doc(R"("Labels":{"com.example.api-token":"t0ps3cr3t"})"),
     doc(R"("Labels":{"com.example.api-token-url":"https://x"})")},
    {"MOAT-IMG-004", doc("", run_history("|1 NPM_TOKEN=npm_abcdefghijklmnop /bin/sh -c npm ci")),
     doc("", run_history("|1 NPM_TOKEN= /bin/sh -c npm ci"))},
    {"MOAT-IMG-004", doc("", run_history("/bin/sh -c #(nop)  ENV MYSQL_ROOT_PASSWORD=s3cr3t")),
     doc("", run_history("/bin/sh -c #(nop)  ENV MYSQL_ROOT_HOST=%"))},
    {"MOAT-IMG-004", doc("", run_history("ARG SIGNING_KEY=\"0xDEADBEEF\"")), doc("", run_history("ARG SIGNING_KEY"))},
    {"MOAT-IMG-004", doc("", run_history("/bin/sh -c #(nop)  ENV SECRET_TOKEN abc def")),
     doc("", run_history("/bin/sh -c #(nop)  ENV SECRET_TOKEN_PATH abc"))},
    {"MOAT-IMG-005", doc("", run_history("ADD https://example.com/app.tar.gz /opt/ # buildkit")),
     doc("", run_history("ADD --checksum=sha256:00 https://example.com/app.tar.gz /opt/ # buildkit"))},
    {"MOAT-IMG-005", doc("", run_history("/bin/sh -c #(nop) ADD http://example.com/x /x")),
     doc("", run_history("/bin/sh -c #(nop) ADD file:abc in /x"))},
    {"MOAT-IMG-006", doc("", run_history("/bin/sh -c curl -fsSL https://get.example.com | sh")),
     doc("", run_history("/bin/sh -c curl -fsSL https://get.example.com -o /tmp/i.sh && sh /tmp/i.sh"))},
    {"MOAT-IMG-006",
     doc("", run_history("RUN |1 V=1 /bin/sh -c wget -qO- https://x/i | sudo bash -s -- --yes # buildkit")),
     doc("", run_history("RUN /bin/sh -c wget -qO- https://x/v.json | python3 -m json.tool # buildkit"))},
    {"MOAT-IMG-006", doc("", run_history("/bin/sh -c sh -c \"$(curl -fsSL https://x/install.sh)\"")),
     doc("", run_history("/bin/sh -c echo \"$(curl -fsSL https://x/version)\""))},
    {"MOAT-IMG-006", doc("", run_history("/bin/sh -c bash <(curl -s https://x/i.sh)")),
     doc("", run_history("/bin/sh -c diff <(curl -s https://x/a) a"))},
    {"MOAT-IMG-006", doc("", run_history("/bin/sh -c curl -s https://x | tee /tmp/log | bash")),
     doc("", run_history("/bin/sh -c curl -s https://x | tee /tmp/log; bash /tmp/i.sh"))},
    {"MOAT-IMG-007", doc("", run_history("/bin/sh -c sudo apt-get install -y vim")),
     doc("", run_history("/bin/sh -c apt-get install -y sudo"))},
    {"MOAT-IMG-007", doc("", run_history("RUN /bin/sh -c make && sudo -E make install # buildkit")),
     doc("", run_history("/bin/sh -c echo 'sudo make me a sandwich'"))},
    {"MOAT-IMG-008", R"({"config":{"User":"app"}})",
     R"({"config":{"User":"app","Healthcheck":{"Test":["CMD-SHELL","curl -f localhost"]}}})"},
    {"MOAT-IMG-008", R"({"config":{"User":"app","Healthcheck":{"Test":["NONE"]}}})",
     R"({"config":{"User":"app","Healthcheck":{"Test":["CMD","/hc"]}}})"},
    {"MOAT-IMG-009", doc("", "[]", "2025-03-01T00:00:00Z"), doc("", "[]", "2025-03-23T00:00:00Z")},
    {"MOAT-IMG-010", doc("", "[]", "2024-06-01T00:00:00+02:00"), doc("", "[]", "1970-01-01T00:00:00Z")},
    {"MOAT-IMG-010", doc("", "[]", "2019-01-01T00:00:00.5-07:00"), doc("", "[]", "2019-01-01")},
};

TEST(ImageChecks, EachRulePositiveAndNegative) {
  for (const auto& c : kCases) {
    auto pos = check(std::string_view(c.positive));
    EXPECT_EQ(with_id(pos, c.rule).size(), 1u) << c.rule << " missed in " << c.positive;
    auto neg = check(std::string_view(c.negative));
    for (const auto& f : neg)
      ADD_FAILURE() << c.rule << " negative case found " << f.rule_id << ": " << f.message << "\n  in " << c.negative;
  }
}

TEST(ImageChecks, EveryConfigRuleHasACase) {
  std::set<std::string> covered;
  for (const auto& c : kCases) covered.insert(c.rule);
  for (const auto& r : image_rules()) {
    int n = std::stoi(r.id.substr(9));
    if (n < 20) {
      EXPECT_TRUE(covered.count(r.id)) << r.id << " has no test case";
    }
  }
}

TEST(ImageChecks, SecretsAreRedactedAndNamed) {
  auto found =
      check(std::string_view(doc(R"("Env":["DB_PASSWORD=hunter2-but-longer"],"Labels":{"api_key":"Zm9vYmFyYmF6"})",
                                 run_history("|2 A=1 DEPLOY_TOKEN=tok-9f8e7d6c /bin/sh -c ./build"))));
  auto secrets = with_id(found, "MOAT-IMG-004");
  ASSERT_EQ(secrets.size(), 3u);
  std::set<std::string> objects;
  for (const auto* f : secrets) {
    objects.insert(f->object);
    EXPECT_EQ(f->message.find("hunter2"), std::string::npos) << f->message;
    EXPECT_EQ(f->message.find("Zm9v"), std::string::npos) << f->message;
    EXPECT_EQ(f->message.find("9f8e"), std::string::npos) << f->message;
    EXPECT_NE(f->message.find("redacted"), std::string::npos) << f->message;
  }
  EXPECT_EQ(objects, (std::set<std::string>{"config.Env[DB_PASSWORD]", "config.Labels[api_key]",
                                            "history[0] ARG DEPLOY_TOKEN"}));
}

TEST(ImageChecks, SecretInEnvAndItsHistoryEntryIsReportedOnce) {
  auto found = check(std::string_view(
      doc(R"("Env":["REDIS_PASSWORD=p4ssw0rd!"])", run_history("/bin/sh -c #(nop)  ENV REDIS_PASSWORD=p4ssw0rd!"))));
  EXPECT_EQ(with_id(found, "MOAT-IMG-004").size(), 1u);
  // Overwritten later: the old value stays in the history and is still reported there.
  found = check(std::string_view(
      doc(R"("Env":["REDIS_PASSWORD="])", run_history("/bin/sh -c #(nop)  ENV REDIS_PASSWORD=p4ssw0rd!"))));
  auto hist = with_id(found, "MOAT-IMG-004");
  ASSERT_EQ(hist.size(), 1u);
  EXPECT_EQ(hist[0]->object, "history[0] ENV REDIS_PASSWORD");
}

TEST(ImageChecks, EveryExposedSensitivePortIsOneFindingNamingTheService) {
  auto found = check(
      std::string_view(doc(R"("ExposedPorts":{"22/tcp":{},"23/tcp":{},"3306/tcp":{},"27017/tcp":{},"8080/tcp":{}})")));
  EXPECT_EQ(ids(found), (std::multiset<std::string>{"MOAT-IMG-002", "MOAT-IMG-002", "MOAT-IMG-003", "MOAT-IMG-003"}));
  std::set<std::string> messages;
  for (const auto& f : found) messages.insert(f.object + " " + f.message);
  EXPECT_TRUE(messages.count("config.ExposedPorts[22/tcp] port 22/tcp (SSH) is exposed"));
  EXPECT_TRUE(messages.count("config.ExposedPorts[27017/tcp] port 27017/tcp (MongoDB) is exposed"));
}

TEST(ImageChecks, ImageAgeThresholdsAndPlaceholderTimes) {
  auto built = sys_days(year(2025) / January / 1);
  std::string d = doc("", "[]", "2025-01-01T00:00:00Z");
  EXPECT_TRUE(check(std::string_view(d), built + days(90)).empty());
  EXPECT_EQ(ids(check(std::string_view(d), built + days(91))), (std::multiset<std::string>{"MOAT-IMG-009"}));
  EXPECT_EQ(ids(check(std::string_view(d), built + days(365))), (std::multiset<std::string>{"MOAT-IMG-009"}));
  EXPECT_EQ(ids(check(std::string_view(d), built + days(366))), (std::multiset<std::string>{"MOAT-IMG-010"}));
  // Reproducible builds (1970), missing, unparsable and future times say nothing about age.
  for (const char* created : {"1970-01-01T00:00:00Z", "1980-01-01T00:00:01Z", "2040-01-01T00:00:00Z",
                              "2025-13-01T00:00:00Z", "2025-02-30T00:00:00Z", "yesterday", "2025-01-01T00:00:00"}) {
    EXPECT_TRUE(check(std::string_view(doc("", "[]", created)), built + days(3000)).empty()) << created;
  }
}

// Wrong JSON types anywhere: the odd field is skipped, the rest still checked, nothing thrown.
TEST(ImageChecks, MalformedShapesAreSkipped) {
  const char* const docs[] = {
      "[]",
      "null",
      "7",
      "\"config\"",
      "{}",
      R"({"config": 5})",
      R"({"config": [], "created": 17, "history": "no"})",
      R"({"config": {"User": 0, "ExposedPorts": ["22/tcp"], "Env": {"A": "B"}, "Labels": ["x"], "Healthcheck": "CMD"}})",
      R"({"config": {"User": ["root"], "Env": [1, null, ["DB_PASSWORD=x"], "=", "NOEQUALS"], "Healthcheck": {"Test": "NONE"}}})",
      R"({"config": {"ExposedPorts": {"": {}, "/tcp": {}, "-1/tcp": {}, "99999999999999999999/tcp": {}, "22/": {}}}})",
      R"j({"history": [1, null, [], {"created_by": 5}, {"created_by": ""}, {"created_by": "|"}, {"created_by": "|999 A"},
                      {"created_by": "|-1 A=b"}, {"created_by": "RUN ["}, {"created_by": "RUN [1,2]"},
                      {"created_by": "ADD"}, {"created_by": "ENV"}, {"created_by": "/bin/sh -c #(nop)"},
                      {"created_by": "/bin/sh -c \"unterminated"}, {"created_by": "\\"}]})j",
      R"({"created": "2025-05-20T00:00:00+99:99"})",
      R"({"created": "0000-00-00T00:00:00Z"})",
  };
  for (const char* text : docs) {
    json j = json::parse(text);
    EXPECT_NO_THROW(check(j)) << text;
  }
  // A User of the wrong type is not taken for "no user" (root): it is skipped.
  EXPECT_TRUE(with_id(check(std::string_view(R"({"config": {"User": 0}})")), "MOAT-IMG-001").empty());
  // A null config is the engine's defaults: root and no healthcheck.
  EXPECT_EQ(ids(check(std::string_view(R"({"config": null})"))),
            (std::multiset<std::string>{"MOAT-IMG-001", "MOAT-IMG-008"}));
  // Other fields keep working next to odd ones.
  auto found =
      check(std::string_view(R"({"config": {"User": 0, "Env": [1, "API_TOKEN=abcdef123456"], "ExposedPorts": []}})"));
  EXPECT_EQ(ids(found), (std::multiset<std::string>{"MOAT-IMG-004", "MOAT-IMG-008"}));
}

// Random bytes spliced into history lines and values: no throw, no crash, bounded time.
TEST(ImageChecks, MutatedHistoryNeverThrows) {
  json base = json::parse(kHardened);
  std::mt19937 rng(12345);
  const std::string alphabet = "|&;()'\"\\$<>` \n\t=abcsh-curlwget0123456789#{}[]";
  for (int round = 0; round < 2000; ++round) {
    json j = base;
    for (auto& h : j["history"]) {
      std::string s = h["created_by"].get<std::string>();
      int edits = static_cast<int>(rng() % 8);
      for (int e = 0; e < edits && !s.empty(); ++e) {
        size_t at = rng() % s.size();
        if (rng() % 2)
          s[at] = alphabet[rng() % alphabet.size()];
        else
          s.erase(at, rng() % 10);
      }
      h["created_by"] = s;
    }
    EXPECT_NO_THROW(check(j));
  }
  std::string huge(2 * 1024 * 1024, 'a');
  for (size_t i = 0; i < huge.size(); i += 7) huge[i] = "|&;'\" "[i % 6];
  json big = {{"history", json::array({{{"created_by", huge}}})},
              {"config", {{"Env", json::array({"SECRET=" + huge})}}}};
  EXPECT_NO_THROW(check(big));
  // Deep nesting in an exec-form RUN and a pipeline of thousands of downloads: bounded work.
  std::string deep = "RUN " + std::string(60000, '[');
  std::string pipes = "/bin/sh -c ";
  for (int i = 0; i < 10000; ++i) pipes += "curl x|";
  json odd = {{"history", json::array({{{"created_by", deep}}, {{"created_by", pipes}}})}};
  EXPECT_NO_THROW(check(odd));
}

// The config blobs of the real fixture images (OCI layouts made by scripts/fixtures/build.sh).
TEST(ImageChecksFixtures, RealImageConfigs) {
  const char* dir = std::getenv("MOAT_FIXTURES");
  if (!dir) GTEST_SKIP() << "MOAT_FIXTURES is not set: run scripts/test.sh, which builds the real images";
  auto read_json = [](const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    EXPECT_TRUE(in) << p;
    std::stringstream ss;
    ss << in.rdbuf();
    return json::parse(ss.str());
  };
  auto config_of = [&](const std::string& image) {
    std::filesystem::path oci = std::filesystem::path(dir) / image / "oci";
    auto blob = [&](const std::string& digest) { return oci / "blobs" / "sha256" / digest.substr(7); };
    json index = read_json(oci / "index.json");
    json manifest = read_json(blob(index["manifests"][0]["digest"].get<std::string>()));
    return read_json(blob(manifest["config"]["digest"].get<std::string>()));
  };
  // The layers' digests change whenever debootstrap is run again; the rest is the fixture's own.
  json bookworm = config_of("bookworm");
  json embedded = json::parse(kBookwormConfig);
  bookworm.erase("rootfs");
  embedded.erase("rootfs");
  EXPECT_EQ(bookworm, embedded);
  struct Expect {
    const char* image;
    std::multiset<std::string> rules;
  };
  const Expect expected[] = {
      {"bookworm", {"MOAT-IMG-001", "MOAT-IMG-008"}},
      {"bullseye", {"MOAT-IMG-008"}},             // User nobody, ports 5000/5001
      {"node-app", {"MOAT-IMG-008"}},             // User 1000:1000, port 3000
      // No User at all, port 22, two secrets in Env, a remote ADD and curl | sh in its history.
      {"planted",
       {"MOAT-IMG-001", "MOAT-IMG-002", "MOAT-IMG-004", "MOAT-IMG-004", "MOAT-IMG-005", "MOAT-IMG-006", "MOAT-IMG-008"}},
  };
  for (const auto& e : expected) {
    auto found = check(config_of(e.image));
    EXPECT_EQ(ids(found), e.rules) << e.image;
  }
  auto planted = check(config_of("planted"));
  auto planted_root = with_id(planted, "MOAT-IMG-001");
  ASSERT_EQ(planted_root.size(), 1u);
  EXPECT_EQ(planted_root[0]->message, "the image sets no user and runs as root");
}

}  // namespace
