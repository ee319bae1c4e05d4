#include "misconfig/dockerfile_checks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "base/error.h"

using namespace moat::misconfig;

namespace {

std::vector<ConfigFinding> check(std::string_view text) {
  return check_dockerfile(parse_dockerfile(text, "Dockerfile"), "Dockerfile");
}

std::vector<const ConfigFinding*> with_id(const std::vector<ConfigFinding>& found, const std::string& id) {
  std::vector<const ConfigFinding*> out;
  for (const auto& f : found) {
    if (f.rule_id == id) out.push_back(&f);
  }
  return out;
}

// A clean final stage so that each case only trips the rule it is about.
const std::string kTail = "USER app\nHEALTHCHECK CMD [\"/bin/true\"]\n";

struct Case {
  std::string rule;
  std::string positive;  // must produce the rule
  std::string negative;  // must not
};

const std::vector<Case> kCases = {
    {"MOAT-DF-001", "FROM alpine:3.19\nHEALTHCHECK CMD [\"true\"]\n",
     "FROM alpine:3.19\nUSER 10001\nHEALTHCHECK CMD [\"true\"]\n"},
    {"MOAT-DF-001", "FROM alpine:3.19\nUSER app\nUSER root:root\n", "FROM alpine:3.19 AS base\nUSER app\nFROM base\n"},
    {"MOAT-DF-001", "FROM alpine:3.19\nUSER 0\n", "FROM gcr.io/distroless/base-debian12:nonroot\n"},
    {"MOAT-DF-002", "FROM ubuntu\n" + kTail, "FROM ubuntu:24.04\n" + kTail},
    {"MOAT-DF-002", "FROM ubuntu:latest\n" + kTail,
     "FROM ubuntu@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n" + kTail},
    {"MOAT-DF-002", "FROM localhost:5000/team/app\n" + kTail, "FROM localhost:5000/team/app:2.1\n" + kTail},
    {"MOAT-DF-003", "FROM node:20-alpine\n" + kTail,
     "FROM node:20-alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n" + kTail},
    {"MOAT-DF-003", "FROM python:3.12\n" + kTail, "FROM scratch\n" + kTail},
    {"MOAT-DF-004", "FROM a:1@sha256:x\nADD app.py /app/\n" + kTail,
     "FROM a:1@sha256:x\nCOPY app.py /app/\nADD rootfs.tar.gz /\n" + kTail},
    {"MOAT-DF-005", "FROM a:1@sha256:x\nADD https://example.com/tool.tgz /opt/\n" + kTail,
     "FROM a:1@sha256:x\nADD --checksum=sha256:abc https://example.com/tool.tgz /opt/\n" + kTail},
    {"MOAT-DF-006",
     "FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends curl && rm -rf "
     "/var/lib/apt/lists/*\n",
     "FROM debian:12\nRUN apt-get update && apt-get install -qqy --no-install-recommends curl && rm -rf "
     "/var/lib/apt/lists/*\n"},
    {"MOAT-DF-007", "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
     "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf "
     "/var/lib/apt/lists/*\n"},
    {"MOAT-DF-008", "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n",
     "FROM debian:12\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl \\\n && rm -rf "
     "/var/lib/apt/lists/*\n"},
    {"MOAT-DF-008",
     "FROM debian:12 AS base\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nFROM base\n",
     "FROM debian:12 AS build\nRUN apt-get update && apt-get install -y --no-install-recommends gcc\nFROM debian:12\n"},
    {"MOAT-DF-009", "FROM debian:12\nRUN apt-get update && apt-get -y dist-upgrade\n",
     "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends upgrade-helper\n"},
    {"MOAT-DF-009", "FROM alpine:3.19\nRUN apk upgrade --no-cache\n",
     "FROM alpine:3.19\nRUN apk add --no-cache ca-certificates\n"},
    {"MOAT-DF-010", "FROM alpine:3.19\nRUN apk update && apk add curl\n",
     "FROM alpine:3.19\nRUN apk add --no-cache curl\n"},
    {"MOAT-DF-011", "FROM python:3.12\nRUN pip install -r requirements.txt\n",
     "FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt\n"},
    {"MOAT-DF-011", "FROM python:3.12\nRUN python3 -m pip install flask\n",
     "FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN python3 -m pip install flask\n"},
    {"MOAT-DF-012", "FROM debian:12\nRUN curl -fsSL https://get.example.com | sh\n",
     "FROM debian:12\nRUN curl -fsSLo /tmp/i.sh https://get.example.com && sha256sum -c sums && sh /tmp/i.sh\n"},
    {"MOAT-DF-012", "FROM debian:12\nRUN sh -c \"$(wget -qO- https://example.com/install.sh)\"\n",
     "FROM debian:12\nRUN wget -qO- https://example.com/data.json | jq .\n"},
    {"MOAT-DF-013", "FROM debian:12\nRUN sudo apt-get update\n", "FROM debian:12\nRUN echo sudoers > /tmp/x\n"},
    {"MOAT-DF-014", "FROM a:1\nENV DB_PASSWORD=hunter2\n", "FROM a:1\nENV DB_PASSWORD_FILE=/run/secrets/db\n"},
    {"MOAT-DF-014", "FROM a:1\nARG GITHUB_TOKEN=ghp_abc\n",
     "FROM a:1\nARG GITHUB_TOKEN\nENV TOKENIZERS_PARALLELISM=false\n"},
    {"MOAT-DF-014", "ARG NPM_TOKEN=abc\nFROM a:1\n", "FROM a:1\nARG API_KEY\nENV API_KEY=$API_KEY\n"},
    {"MOAT-DF-014", "FROM a:1\nENV AWS_SECRET_ACCESS_KEY wJalrXUtnFEMI/K7MDENG\n",
     "FROM a:1\nENV AWS_REGION=eu-west-1\n"},
    {"MOAT-DF-015", "FROM a:1\nUSER app\n",
     "FROM a:1\nUSER app\nHEALTHCHECK --interval=10s CMD wget -q -O- http://localhost:8080/health\n"},
    {"MOAT-DF-015", "FROM a:1\nHEALTHCHECK NONE\n", "FROM a:1 AS base\nHEALTHCHECK CMD [\"/hc\"]\nFROM base\n"},
    {"MOAT-DF-016", "FROM a:1\nEXPOSE 80 22/tcp\n", "FROM a:1\nEXPOSE 80 2222 443/tcp\n"},
    {"MOAT-DF-016", "FROM a:1\nEXPOSE 20-30\n", "FROM a:1\nEXPOSE 8000-8100\n"},
    {"MOAT-DF-017", "FROM a:1\nCMD node server.js\n", "FROM a:1\nCMD [\"node\", \"server.js\"]\n"},
    {"MOAT-DF-017", "FROM a:1\nENTRYPOINT /entrypoint.sh\n",
     "FROM a:1\nENTRYPOINT [\"/entrypoint.sh\"]\nCMD [\"run\"]\n"},
    {"MOAT-DF-018", "FROM a:1\nCMD [\"a\"]\nCMD [\"b\"]\n", "FROM a:1 AS x\nCMD [\"a\"]\nFROM a:1\nCMD [\"b\"]\n"},
    {"MOAT-DF-018", "FROM a:1\nENTRYPOINT [\"a\"]\nENTRYPOINT [\"b\"]\n",
     "FROM a:1\nENTRYPOINT [\"a\"]\nCMD [\"b\"]\n"},
    {"MOAT-DF-019", "FROM a:1\nWORKDIR app\n", "FROM a:1\nWORKDIR /app\nWORKDIR $HOME\n"},
    {"MOAT-DF-020", "FROM a:1\nRUN cd /src && make\n", "FROM a:1\nWORKDIR /src\nRUN make\n"},
    {"MOAT-DF-021", "FROM a:1\nRUN chmod -R 777 /app\n", "FROM a:1\nRUN chmod 1777 /tmp && chmod 755 /app\n"},
    {"MOAT-DF-021", "FROM a:1\nCOPY --chmod=777 run.sh /\n", "FROM a:1\nCOPY --chmod=755 run.sh /\n"},
    {"MOAT-DF-022", "FROM a:1 AS build\nFROM a:1\nCOPY --from=biuld /out /out\n",
     "FROM a:1 AS build\nFROM a:1\nCOPY --from=build /out /out\nCOPY --from=0 /x /x\n"},
    {"MOAT-DF-022", "FROM a:1 AS build\nCOPY --from=build /a /b\n",
     "FROM a:1\nCOPY --from=nginx:1.25 /etc/nginx /etc/nginx\n"},
    {"MOAT-DF-022", "FROM a:1\nCOPY --from=1 /a /b\nFROM a:1\n", "FROM a:1\nFROM a:1\nCOPY --from=0 /a /b\n"},
    {"MOAT-DF-023", "FROM a:1\nMAINTAINER Jane <jane@example.com>\n",
     "FROM a:1\nLABEL org.opencontainers.image.authors=\"jane@example.com\"\n"},
    {"MOAT-DF-024", "FROM a:1\nRUN chmod u+s /usr/bin/tool\n",
     "FROM a:1\nRUN chmod a-s /usr/bin/tool && chmod 0755 /usr/bin/tool\n"},
    {"MOAT-DF-024", "FROM a:1\nRUN chmod 4755 /usr/bin/tool\n", "FROM a:1\nRUN chmod u+x /usr/bin/tool\n"},
    {"MOAT-DF-025", "FROM rockylinux:9\nRUN yum install -y httpd\n",
     "FROM rockylinux:9\nRUN yum install -y httpd && yum clean all\n"},
    {"MOAT-DF-025", "FROM fedora:40\nRUN dnf -y install gcc\n",
     "FROM fedora:40\nRUN dnf -y install gcc && dnf clean all && rm -rf /var/cache/dnf\n"},
    {"MOAT-DF-026", "FROM node:20\nRUN npm install\n", "FROM node:20\nRUN npm ci --omit=dev && npm install -g pm2\n"},
    {"MOAT-DF-027", "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n",
     "FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\n"},
    {"MOAT-DF-027", "FROM python:3.12\nCOPY . /app\nRUN pip install --no-cache-dir -r /app/requirements.txt\n",
     "FROM python:3.12\nCOPY . /app\nRUN python -m compileall /app\n"},
    {"MOAT-DF-028", "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl\n",
     "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n"},
    {"MOAT-DF-029", "FROM a:1 AS build\nFROM a:1 AS build\n", "FROM a:1 AS build\nFROM a:1 AS test\n"},
    {"MOAT-DF-030", "FROM a:1\n# moat:ignore MOAT-DF-002\nRUN true\n",
     "FROM a:1\n# moat:ignore MOAT-DF-002 reason: accepted\nRUN true\n"},
    {"MOAT-DF-030", "FROM a:1\n# moat:ignore MOAT-DF-999 reason: typo\nRUN true\n",
     "FROM a:1\n# moat ignores nothing here\nRUN true\n"},
    {"MOAT-DF-031", "FROM debian:12\nRUN wget -O- https://example.com/key | gpg --dearmor > /k.gpg\n",
     "FROM debian:12\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN wget -O- https://example.com/key | gpg "
     "--dearmor > /k.gpg\n"},
    {"MOAT-DF-031", "FROM debian:12\nRUN cat a | sort\n",
     "FROM debian:12\nRUN set -o pipefail && cat a | sort || true\n"},
};

std::string ids_of(const std::vector<ConfigFinding>& found) {
  std::string out;
  for (const auto& f : found) out += f.rule_id + "@" + std::to_string(f.where.line) + " ";
  return out;
}

}  // namespace

TEST(DockerfileChecks, RuleTableIsCompleteAndStable) {
  const auto& rules = dockerfile_rules();
  ASSERT_GE(rules.size(), 25u);
  for (size_t i = 0; i < rules.size(); ++i) {
    std::string n = std::to_string(i + 1);
    EXPECT_EQ(rules[i].id, "MOAT-DF-" + std::string(3 - std::min<size_t>(3, n.size()), '0') + n);
    EXPECT_FALSE(rules[i].title.empty());
    EXPECT_FALSE(rules[i].resolution.empty());
    if (rules[i].id != "MOAT-DF-030") {
      EXPECT_FALSE(rules[i].references.empty()) << rules[i].id;
    }
  }
}

TEST(DockerfileChecks, EveryRuleHasAPositiveAndANegativeCase) {
  std::set<std::string> covered;
  for (const auto& c : kCases) {
    auto pos = check(c.positive);
    EXPECT_FALSE(with_id(pos, c.rule).empty()) << c.rule << " not raised by:\n" << c.positive << "got: " << ids_of(pos);
    auto neg = check(c.negative);
    EXPECT_TRUE(with_id(neg, c.rule).empty()) << c.rule << " wrongly raised by:\n"
                                              << c.negative << "got: " << ids_of(neg);
    covered.insert(c.rule);
  }
  for (const auto& r : dockerfile_rules()) EXPECT_TRUE(covered.count(r.id)) << r.id << " has no test case";
}

TEST(DockerfileChecks, FindingsCarryFileLineColumnAndRuleData) {
  auto found = check_dockerfile(
      parse_dockerfile("FROM debian:12\nRUN apt-get update \\\n  && sudo apt-get install -y vim\n", "svc/Dockerfile"),
      "svc/Dockerfile");
  auto sudo = with_id(found, "MOAT-DF-013");
  ASSERT_EQ(sudo.size(), 1u);
  EXPECT_EQ(sudo[0]->file, "svc/Dockerfile");
  EXPECT_EQ(sudo[0]->where.line, 3);
  EXPECT_EQ(sudo[0]->where.column, 6);
  EXPECT_EQ(sudo[0]->level, Level::Medium);
  EXPECT_EQ(sudo[0]->object, "stage 0");
  EXPECT_EQ(sudo[0]->references, std::vector<std::string>{"hadolint DL3004"});
  auto root = with_id(found, "MOAT-DF-001");
  ASSERT_EQ(root.size(), 1u);
  EXPECT_EQ(root[0]->where.line, 1);
  EXPECT_EQ(root[0]->where.column, 1);
  auto tag = with_id(found, "MOAT-DF-003");
  ASSERT_EQ(tag.size(), 1u);
  EXPECT_EQ(tag[0]->where.column, 6);
  for (const auto& f : found) {
    EXPECT_GT(f.where.line, 0) << f.rule_id;
    EXPECT_GT(f.where.column, 0) << f.rule_id;
  }
  EXPECT_TRUE(std::is_sorted(found.begin(), found.end(), [](const ConfigFinding& a, const ConfigFinding& b) {
    return a.where.line < b.where.line;
  }));
}

TEST(DockerfileChecks, SuppressionWithReasonMovesTheFindingAside) {
  auto df = parse_dockerfile(
      "# moat:ignore MOAT-DF-003 reason: base image pinned by digest upstream\n"
      "FROM node:20-alpine AS app\n"
      "USER node\n"
      "# moat:ignore MOAT-DF-017, MOAT-DF-018 reason: the wrapper script handles signals\n"
      "CMD node server.js\n"
      "HEALTHCHECK CMD [\"true\"]\n",
      "Dockerfile");
  auto result = check_dockerfile_with_suppressions(df, "Dockerfile");
  EXPECT_TRUE(result.findings.empty()) << ids_of(result.findings);
  ASSERT_EQ(result.suppressed.size(), 2u);
  EXPECT_EQ(result.suppressed[0].finding.rule_id, "MOAT-DF-003");
  EXPECT_EQ(result.suppressed[0].reason, "base image pinned by digest upstream");
  EXPECT_EQ(result.suppressed[0].annotation.line, 1);
  EXPECT_EQ(result.suppressed[1].finding.rule_id, "MOAT-DF-017");
  EXPECT_EQ(result.suppressed[1].reason, "the wrapper script handles signals");
}

TEST(DockerfileChecks, SuppressionCoversOnlyTheNextInstruction) {
  auto df = parse_dockerfile(
      "FROM debian:12\n"
      "# moat:ignore MOAT-DF-020 reason: legacy build script\n"
      "RUN cd /src \\\n"
      " && make\n"
      "RUN cd /other && make\n",
      "Dockerfile");
  auto result = check_dockerfile_with_suppressions(df, "Dockerfile");
  EXPECT_EQ(result.suppressed.size(), 1u);
  auto cd = with_id(result.findings, "MOAT-DF-020");
  ASSERT_EQ(cd.size(), 1u);
  EXPECT_EQ(cd[0]->where.line, 5);
}

TEST(DockerfileChecks, SuppressionWithoutReasonSuppressesNothingAndIsReported) {
  auto df = parse_dockerfile("FROM debian:12\n# moat:ignore MOAT-DF-020\nRUN cd /src && make\n", "Dockerfile");
  auto result = check_dockerfile_with_suppressions(df, "Dockerfile");
  EXPECT_TRUE(result.suppressed.empty());
  EXPECT_EQ(with_id(result.findings, "MOAT-DF-020").size(), 1u);
  auto bad = with_id(result.findings, "MOAT-DF-030");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0]->where.line, 2);
  EXPECT_NE(bad[0]->message.find("no reason"), std::string::npos);
}

TEST(DockerfileChecks, HeredocScriptsAreChecked) {
  auto found = check(
      "FROM debian:12\n"
      "RUN <<EOF\n"
      "apt-get update\n"
      "apt-get install -y curl\n"
      "curl -fsSL https://example.com/i.sh | bash\n"
      "EOF\n");
  EXPECT_EQ(with_id(found, "MOAT-DF-007").size(), 1u);
  EXPECT_EQ(with_id(found, "MOAT-DF-008").size(), 1u);
  EXPECT_EQ(with_id(found, "MOAT-DF-012").size(), 1u);
  // A heredoc fed to python is not shell.
  auto py = check("FROM python:3.12\nRUN python3 <<EOF\nimport os; os.system('sudo ls')\nEOF\n");
  EXPECT_TRUE(with_id(py, "MOAT-DF-013").empty());
}

TEST(DockerfileChecks, CorpusMatchesExpectedResults) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(MOAT_SOURCE_DIR) / "tests/data/misconfig/dockerfile/corpus";
  std::ifstream expected_in(dir / "expected.txt");
  ASSERT_TRUE(expected_in) << "missing " << (dir / "expected.txt");
  std::map<std::string, std::string> expected;
  std::string line;
  while (std::getline(expected_in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto colon = line.find(':');
    ASSERT_NE(colon, std::string::npos) << line;
    std::string ids = line.substr(colon + 1);
    ids.erase(0, ids.find_first_not_of(' '));
    expected[line.substr(0, colon)] = ids;
  }
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name == "expected.txt") continue;
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string got;
    try {
      std::set<std::string> ids;
      for (const auto& f : check_dockerfile(parse_dockerfile(ss.str(), name), name)) ids.insert(f.rule_id);
      for (const auto& id : ids) got += (got.empty() ? "" : " ") + id;
    } catch (const moat::Error& e) {
      got = "error";
    }
    ASSERT_TRUE(expected.count(name)) << name << " has no line in expected.txt; it gives: " << got;
    EXPECT_EQ(got, expected[name]) << name;
  }
  EXPECT_EQ(files, expected.size());
  EXPECT_GE(files, 40u);
}
