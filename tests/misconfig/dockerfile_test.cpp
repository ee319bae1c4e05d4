#include "misconfig/dockerfile.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "base/error.h"

using namespace moat::misconfig;

namespace {

Dockerfile parse(std::string_view text) { return parse_dockerfile(text, "Dockerfile"); }

const Instruction& nth(const Stage& st, size_t i) { return st.instructions.at(i); }

std::string read(const std::string& rel) {
  std::ifstream in(std::string(MOAT_SOURCE_DIR) + "/tests/data/misconfig/dockerfile/" + rel, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST(DockerfileParser, MultiStageGoBuild) {
  auto df = parse_dockerfile(read("go-multistage.Dockerfile"), "go-multistage.Dockerfile");
  ASSERT_EQ(df.stages.size(), 2u);
  EXPECT_EQ(df.directives.at("syntax"), "docker/dockerfile:1.7");
  ASSERT_EQ(df.global_args.size(), 1u);
  EXPECT_EQ(df.global_args[0].arguments, std::vector<std::string>{"GO_VERSION=1.22"});
  EXPECT_EQ(df.stages[0].name, "build");
  EXPECT_EQ(df.stages[0].base_image, "golang:1.22-bookworm");
  const Instruction& from = nth(df.stages[0], 0);
  ASSERT_NE(from.flag("platform"), nullptr);
  EXPECT_EQ(from.flag("platform")->value, "$BUILDPLATFORM");  // automatic platform ARGs are not set here
  EXPECT_EQ(df.stages[1].base_image, "gcr.io/distroless/static-debian12:nonroot");
  const Instruction& copy = df.stages[1].instructions.back().keyword == "ENTRYPOINT"
                                ? df.stages[1].instructions[df.stages[1].instructions.size() - 2]
                                : df.stages[1].instructions.back();
  EXPECT_EQ(copy.keyword, "COPY");
  EXPECT_EQ(copy.flag("from")->value, "build");
  EXPECT_EQ(df.stages[1].instructions.back().arguments, std::vector<std::string>{"/usr/local/bin/app"});
  EXPECT_TRUE(df.stages[1].instructions.back().json_form);
  for (const auto& ins : df.stages[1].instructions) EXPECT_EQ(ins.stage, 1);
}

TEST(DockerfileParser, RunMountFlagsAndLineContinuation) {
  auto df = parse(
      "FROM golang:1.22 AS build\n"
      "RUN --mount=type=cache,target=/go/pkg/mod \\\n"
      "    --mount=type=bind,source=go.sum,target=go.sum \\\n"
      "    go mod download -x\n");
  const Instruction& run = nth(df.stages[0], 1);
  ASSERT_EQ(run.flags.size(), 2u);
  EXPECT_EQ(run.flags[0].name, "mount");
  EXPECT_EQ(run.flags[0].value, "type=cache,target=/go/pkg/mod");
  EXPECT_EQ(run.flags[1].value, "type=bind,source=go.sum,target=go.sum");
  EXPECT_EQ(run.args, "go mod download -x");
  EXPECT_EQ(run.start.line, 2);
  EXPECT_EQ(run.start.column, 1);
  EXPECT_EQ(run.end.line, 4);
  EXPECT_FALSE(run.json_form);
}

TEST(DockerfileParser, ContinuationSkipsCommentsAndBlankLinesAndJoinsWithoutSpace) {
  auto df = parse(
      "FROM debian:12\n"
      "RUN apt-get update && \\\n"
      "# a comment inside the continuation\n"
      "\n"
      "    apt-get install -y curl\\   \n"
      "&& true\n");
  const Instruction& run = nth(df.stages[0], 1);
  EXPECT_EQ(run.args, "apt-get update &&     apt-get install -y curl&& true");
  EXPECT_EQ(run.end.line, 6);
}

TEST(DockerfileParser, EscapeDirectiveBacktick) {
  auto df = parse(
      "# escape=`\n"
      "\n"
      "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
      "WORKDIR C:\\app\n"
      "RUN powershell -Command `\n"
      "    Write-Host hello\n");
  EXPECT_EQ(df.escape, '`');
  EXPECT_EQ(nth(df.stages[0], 1).arguments, std::vector<std::string>{"C:\\app"});
  EXPECT_EQ(nth(df.stages[0], 2).args, "powershell -Command     Write-Host hello");
}

TEST(DockerfileParser, DirectivesOnlyAtTheTop) {
  auto df = parse("# syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended\nFROM alpine:3.19\n# escape=`\n");
  EXPECT_EQ(df.directives.size(), 2u);
  EXPECT_EQ(df.directives.at("check"), "skip=JSONArgsRecommended");
  EXPECT_EQ(df.escape, '\\');
  // An unknown directive is a comment and ends directive processing.
  auto df2 = parse("# unknown=value\n# escape=`\nFROM alpine:3.19\n");
  EXPECT_EQ(df2.escape, '\\');
  EXPECT_TRUE(df2.directives.empty());
  ASSERT_EQ(df2.comments.size(), 2u);
  EXPECT_EQ(df2.comments[1].text, "escape=`");
  // A blank line ends them too; directive names are case-insensitive.
  EXPECT_EQ(parse("\n# escape=`\nFROM a:1\n").escape, '\\');
  EXPECT_EQ(parse("#ESCAPE = `\nFROM a:1\n").escape, '`');
  EXPECT_THROW(parse("# escape=x\nFROM a:1\n"), moat::Error);
  EXPECT_THROW(parse("# escape=`\n# escape=\\\nFROM a:1\n"), moat::Error);
}

TEST(DockerfileParser, HeredocsForRunAndCopy) {
  auto df = parse_dockerfile(read("heredoc.Dockerfile"), "heredoc.Dockerfile");
  const Stage& st = df.stages.at(0);
  const Instruction& run = nth(st, 1);
  EXPECT_EQ(run.keyword, "RUN");
  ASSERT_EQ(run.heredocs.size(), 1u);
  EXPECT_EQ(run.heredocs[0].name, "EOF");
  EXPECT_EQ(run.heredocs[0].content,
            "set -eux\napt-get update\napt-get install -y --no-install-recommends curl\nrm -rf /var/lib/apt/lists/*\n");
  EXPECT_TRUE(run.heredocs[0].expand);
  EXPECT_EQ(run.heredocs[0].start.line, 4);
  EXPECT_EQ(run.end.line, 8);

  const Instruction& py = nth(st, 2);
  ASSERT_EQ(py.heredocs.size(), 1u);
  EXPECT_EQ(py.args, "python3 <<'PY' > /hello");
  EXPECT_FALSE(py.heredocs[0].expand);
  EXPECT_EQ(py.heredocs[0].content, "print(\"$HOME is literal\")\n");

  const Instruction& tabs = nth(st, 3);
  EXPECT_TRUE(tabs.heredocs.at(0).strip_tabs);
  EXPECT_EQ(tabs.heredocs[0].content, "echo indented\n");

  const Instruction& two = nth(st, 4);
  EXPECT_EQ(two.keyword, "COPY");
  ASSERT_EQ(two.heredocs.size(), 2u);
  EXPECT_EQ(two.heredocs[0].name, "robots.txt");
  EXPECT_EQ(two.heredocs[0].content, "User-agent: *\nDisallow:\n");
  EXPECT_EQ(two.heredocs[1].name, "humans.txt");
  EXPECT_EQ(two.heredocs[1].content, "The team\n");
  EXPECT_EQ(two.arguments.back(), "/usr/share/nginx/html/");

  const Instruction& quoted = nth(st, 5);
  EXPECT_EQ(quoted.args, "echo \"<<NOTHEREDOC\"");
  EXPECT_TRUE(quoted.heredocs.empty());
  EXPECT_EQ(nth(st, 6).keyword, "CMD");  // the line after a heredoc is an instruction again
}

TEST(DockerfileParser, UnterminatedHeredocIsAnError) {
  EXPECT_THROW(parse("FROM alpine:3.19\nRUN <<EOF\necho hi\n"), moat::Error);
  EXPECT_THROW(parse("FROM alpine:3.19\nCOPY <<A <<B /x\na\nA\nb\n"), moat::Error);
  // A heredoc marker in exec form is just a string.
  auto df = parse("FROM alpine:3.19\nRUN [\"<<EOF\"]\n");
  EXPECT_TRUE(nth(df.stages[0], 1).json_form);
  EXPECT_TRUE(nth(df.stages[0], 1).heredocs.empty());
}

TEST(DockerfileParser, ExecFormAndFallbackToShellForm) {
  auto df = parse(
      "FROM node:20-alpine\n"
      "CMD [\"node\", \"server.js\", \"--port=\\u0038080\"]\n"
      "ENTRYPOINT [ 'single', 'quotes' ]\n"
      "RUN [\"echo\", 1]\n"
      "VOLUME [\"/data\", \"/logs\"]\n"
      "RUN [\"sh\", \"-c\", \"echo \\\"hi\\\"\"]   \n");
  const Stage& st = df.stages[0];
  EXPECT_TRUE(nth(st, 1).json_form);
  EXPECT_EQ(nth(st, 1).arguments, (std::vector<std::string>{"node", "server.js", "--port=8080"}));
  EXPECT_FALSE(nth(st, 2).json_form);  // single quotes are not JSON: shell form, as BuildKit does
  EXPECT_EQ(nth(st, 2).arguments, std::vector<std::string>{"[ 'single', 'quotes' ]"});
  EXPECT_FALSE(nth(st, 3).json_form);  // a number is not a string
  EXPECT_TRUE(nth(st, 4).json_form);
  EXPECT_EQ(nth(st, 4).arguments, (std::vector<std::string>{"/data", "/logs"}));
  EXPECT_EQ(nth(st, 5).arguments.at(2), "echo \"hi\"");
}

TEST(DockerfileParser, InstructionsAreCaseInsensitive) {
  auto df = parse("from alpine:3.19 as Base\nrun echo hi\n  Copy --Chown=app:app a /b\n");
  EXPECT_EQ(df.stages[0].name, "base");
  EXPECT_EQ(nth(df.stages[0], 1).keyword, "RUN");
  EXPECT_EQ(nth(df.stages[0], 2).keyword, "COPY");
  EXPECT_EQ(nth(df.stages[0], 2).start.column, 3);
  EXPECT_EQ(nth(df.stages[0], 2).flags.at(0).name, "Chown");
}

TEST(DockerfileParser, GlobalArgsOnlyReachFromUnlessRedeclared) {
  auto df = parse(
      "ARG BASE=python\n"
      "ARG VERSION=3.12\n"
      "FROM ${BASE}:${VERSION}-slim AS app\n"
      "WORKDIR /app/$VERSION\n"
      "ARG VERSION\n"
      "WORKDIR /app/$VERSION\n"
      "ARG EXTRA=x-${VERSION}\n"
      "ENV TAG=${EXTRA:-none} UNSET=${NOPE:-fallback} PLUS=${VERSION:+set} EMPTYPLUS=${NOPE:+set}\n"
      "LABEL version=\"$VERSION\" literal='$VERSION' escaped=\\$VERSION\n");
  const Stage& st = df.stages[0];
  EXPECT_EQ(st.base_image, "python:3.12-slim");
  EXPECT_EQ(nth(st, 1).arguments[0], "/app/");  // global ARG not visible before redeclaration
  EXPECT_EQ(nth(st, 2).arguments[0], "VERSION=3.12");
  EXPECT_EQ(nth(st, 3).arguments[0], "/app/3.12");
  EXPECT_EQ(nth(st, 4).arguments[0], "EXTRA=x-3.12");
  EXPECT_EQ(nth(st, 5).arguments, (std::vector<std::string>{"TAG=x-3.12", "UNSET=fallback", "PLUS=set", "EMPTYPLUS="}));
  EXPECT_EQ(nth(st, 6).arguments, (std::vector<std::string>{"version=3.12", "literal=$VERSION", "escaped=$VERSION"}));
  EXPECT_EQ(st.env.at("TAG"), "x-3.12");
}

TEST(DockerfileParser, EnvUsesValuesFromBeforeTheInstructionAndLegacyForm) {
  auto df = parse(
      "FROM busybox:1.36\n"
      "ENV abc=hello\n"
      "ENV abc=bye def=$abc\n"
      "ENV ghi=$abc\n"
      "ENV legacy value with spaces\n"
      "ENV spaced=hello\\ world quoted=\"a \\\"b\\\" c\"\n"
      "USER ${ghi}\n");
  const Stage& st = df.stages[0];
  EXPECT_EQ(nth(st, 2).arguments, (std::vector<std::string>{"abc=bye", "def=hello"}));
  EXPECT_EQ(nth(st, 3).arguments, std::vector<std::string>{"ghi=bye"});
  EXPECT_EQ(nth(st, 4).arguments, std::vector<std::string>{"legacy=value with spaces"});
  EXPECT_EQ(nth(st, 5).arguments, (std::vector<std::string>{"spaced=hello world", "quoted=a \"b\" c"}));
  EXPECT_EQ(nth(st, 6).arguments, std::vector<std::string>{"bye"});
}

TEST(DockerfileParser, EnvIsInheritedByStagesBuiltFromAStage) {
  auto df = parse(
      "FROM node:20 AS base\nENV NODE_ENV=production APP=/srv\n"
      "FROM base AS final\nWORKDIR $APP\n");
  EXPECT_EQ(df.stages[1].parent_stage, 0);
  EXPECT_EQ(nth(df.stages[1], 1).arguments[0], "/srv");
  EXPECT_EQ(df.stages[1].env.at("NODE_ENV"), "production");
}

TEST(DockerfileParser, ExpandWordModifiers) {
  std::map<std::string, std::string> v = {{"A", "alpha"}, {"E", ""}, {"P", "/usr/local/bin"}};
  EXPECT_EQ(expand_word("$A-${A}_x", v), "alpha-alpha_x");
  EXPECT_EQ(expand_word("${E:-d}|${E-d}|${U-d}", v), "d||d");
  EXPECT_EQ(expand_word("${E:+y}|${E+y}|${A:+${A}2}", v), "|y|alpha2");
  EXPECT_EQ(expand_word("${P#/usr}|${P%/bin}|${P/local/opt}", v), "/local/bin|/usr/local|/usr/opt/bin");
  EXPECT_EQ(expand_word("\"a b\" '$A' \\$A $", v), "a b $A $A $");
  EXPECT_EQ(expand_word("${U:?must be set}", v), "");
  EXPECT_THROW(expand_word("${A", v), moat::Error);
  EXPECT_THROW(expand_word("${A!x}", v), moat::Error);
}

TEST(DockerfileParser, OnbuildTrigger) {
  auto df = parse("FROM python:3.12\nONBUILD COPY . /app\nonbuild run pip install -r /app/requirements.txt\n");
  const Instruction& ob = nth(df.stages[0], 1);
  EXPECT_EQ(ob.keyword, "ONBUILD");
  ASSERT_EQ(ob.trigger.size(), 1u);
  EXPECT_EQ(ob.trigger[0].keyword, "COPY");
  EXPECT_EQ(nth(df.stages[0], 2).trigger.at(0).keyword, "RUN");
  EXPECT_THROW(parse("FROM a:1\nONBUILD FROM b:2\n"), moat::Error);
  EXPECT_THROW(parse("FROM a:1\nONBUILD ONBUILD RUN x\n"), moat::Error);
}

TEST(DockerfileParser, HealthcheckForms) {
  auto df = parse(
      "FROM nginx:1.25\n"
      "HEALTHCHECK --interval=30s --timeout=3s CMD curl -f http://localhost/ || exit 1\n"
      "HEALTHCHECK CMD [\"/bin/check\"]\n"
      "HEALTHCHECK NONE\n");
  const Stage& st = df.stages[0];
  EXPECT_EQ(nth(st, 1).flag("interval")->value, "30s");
  EXPECT_EQ(nth(st, 1).arguments, (std::vector<std::string>{"CMD", "curl -f http://localhost/ || exit 1"}));
  EXPECT_TRUE(nth(st, 2).json_form);
  EXPECT_EQ(nth(st, 3).arguments, std::vector<std::string>{"NONE"});
  EXPECT_THROW(parse("FROM a:1\nHEALTHCHECK echo\n"), moat::Error);
}

TEST(DockerfileParser, CommentsKeepPositionsAndCrlfIsAccepted) {
  auto df = parse("\xEF\xBB\xBF# leading comment\r\nFROM alpine:3.19\r\n  # moat:ignore X reason: y\r\nRUN true\r\n");
  ASSERT_EQ(df.comments.size(), 2u);
  EXPECT_EQ(df.comments[1].where.line, 3);
  EXPECT_EQ(df.comments[1].where.column, 3);
  EXPECT_EQ(df.comments[1].text, "moat:ignore X reason: y");
  EXPECT_EQ(nth(df.stages[0], 1).args, "true");
}

TEST(DockerfileParser, MalformedInputsAreErrors) {
  EXPECT_THROW(parse(""), moat::Error);
  EXPECT_THROW(parse("# only a comment\n"), moat::Error);
  EXPECT_THROW(parse("ARG X=1\n"), moat::Error);
  EXPECT_THROW(parse("RUN echo before from\nFROM a:1\n"), moat::Error);
  EXPECT_THROW(parse("FROM a:1\nFOO bar\n"), moat::Error);
  EXPECT_THROW(parse(std::string("FROM a:1\nRUN \0x\n", 16)), moat::Error);
  EXPECT_THROW(parse("FROM\n"), moat::Error);
  EXPECT_THROW(parse("FROM a b c d\n"), moat::Error);
  EXPECT_THROW(parse("FROM a:1\nSHELL /bin/bash -c\n"), moat::Error);
  EXPECT_THROW(parse("FROM a:1\nENV ONLYNAME\n"), moat::Error);
  std::string huge = "FROM a:1\n" + std::string(kMaxDockerfileSize, '#');
  try {
    parse(huge);
    FAIL() << "a file over 1 MiB must be rejected";
  } catch (const moat::Error& e) {
    EXPECT_NE(std::string(e.what()).find("Dockerfile: "), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("1 MiB"), std::string::npos);
  }
}

TEST(DockerfileParser, ExpansionBombIsBounded) {
  std::string text = "FROM a:1\nARG A0=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n";
  for (int i = 1; i < 40; ++i)
    text += "ARG A" + std::to_string(i) + "=$A" + std::to_string(i - 1) + "$A" + std::to_string(i - 1) + "\n";
  EXPECT_THROW(parse(text), moat::Error);
  std::string nested = "FROM a:1\nENV X=";
  for (int i = 0; i < 200; ++i) nested += "${U:-";
  nested += std::string(200, '}') + "\n";
  EXPECT_THROW(parse(nested), moat::Error);
  // Many modest substitutions add up too.
  std::string chain = "FROM a:1\nENV A0=x\n";
  for (int i = 1; i < 20000; ++i) chain += "ENV A" + std::to_string(i) + "=${A" + std::to_string(i - 1) + "}x\n";
  EXPECT_THROW(parse(chain), moat::Error);
  // Each stage built FROM the previous one inherits its ENV: copies are bounded as well.
  std::string stages = "FROM a:1 AS s0\nENV BIG=" + std::string(500000, 'v') + "\n";
  for (int i = 0; i < 500; ++i) stages += "FROM s" + std::to_string(i) + " AS s" + std::to_string(i + 1) + "\n";
  EXPECT_THROW(parse(stages), moat::Error);
}

TEST(DockerfileParser, LocatePointsIntoContinuationLines) {
  auto df = parse("FROM debian:12\nRUN apt-get update \\\n  && sudo apt-get install -y vim\n");
  Position p = nth(df.stages[0], 1).locate("sudo");
  EXPECT_EQ(p.line, 3);
  EXPECT_EQ(p.column, 6);
}
