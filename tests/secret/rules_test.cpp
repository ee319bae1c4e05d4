#include "secret/rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "base/error.h"
#include "secret/regex.h"
#include "secret/scanner.h"

namespace moat::secret {
namespace {

using ::testing::HasSubstr;

// The error text of parsing `yaml`, or "" when it parses.
std::string parse_error(const std::string& yaml) {
  try {
    parse_secret_rules(yaml, "user.yaml");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// Rules that parse but that Hyperscan cannot take are refused when the scanner is built.
std::string scanner_error(const std::string& yaml) {
  try {
    SecretScanner scanner(parse_secret_rules(yaml, "user.yaml"));
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

const char* kRule =
    "rules:\n"
    "  - id: acme-token\n"
    "    title: ACME token\n"
    "    severity: HIGH\n"
    "    regex: '\\b(?P<secret>acme_[a-z0-9]{20})\\b'\n"
    "    examples: ['acme_abcdefghij0123456789']\n"
    "    counterexamples: ['acme_short']\n";

TEST(SecretRules, BuiltinSetIsLargeWithUniqueIdsAndExamples) {
  const RuleSet& set = builtin_secret_rules();
  EXPECT_GE(set.rules.size(), 80u);
  std::set<std::string> ids;
  for (const SecretRule& rule : set.rules) {
    EXPECT_TRUE(ids.insert(rule.id).second) << rule.id;
    EXPECT_FALSE(rule.examples.empty()) << rule.id << " has no example";
    EXPECT_FALSE(rule.counterexamples.empty()) << rule.id << " has no counterexample";
  }
  EXPECT_FALSE(set.allow_paths.empty());
  EXPECT_FALSE(set.allow_secrets.empty());
  for (const char* id : {"aws-access-key-id", "aws-secret-access-key", "github-personal-access-token",
                         "slack-webhook-url", "stripe-secret-key", "rsa-private-key", "putty-private-key", "jwt",
                         "postgres-connection-string", "generic-secret-assignment", "age-secret-key"}) {
    EXPECT_TRUE(ids.count(id)) << id;
  }
}

TEST(SecretRules, ParsesEveryField) {
  const RuleSet set = parse_secret_rules(
      "rules:\n"
      "  - id: acme-token\n"
      "    title: ACME token\n"
      "    severity: MEDIUM\n"
      "    keywords: [ACME]\n"
      "    regex: 'acme_(?P<secret>[a-z0-9]{20})'\n"
      "    min_entropy: 2.5\n"
      "    allow: ['^0+$']\n"
      "    paths: '\\.env$'\n"
      "    generic: true\n"
      "    examples: ['acme_abcdefghij0123456789']\n"
      "disable: [jwt]\n"
      "allow:\n"
      "  paths: ['^/srv/fixtures/']\n"
      "  secrets: ['^notreal']\n",
      "acme.yaml");
  ASSERT_EQ(set.rules.size(), 1u);
  const SecretRule& rule = set.rules[0];
  EXPECT_EQ(rule.id, "acme-token");
  EXPECT_EQ(rule.severity, "MEDIUM");
  EXPECT_EQ(rule.keywords, std::vector<std::string>{"acme"});
  EXPECT_DOUBLE_EQ(rule.min_entropy, 2.5);
  EXPECT_TRUE(rule.generic);
  EXPECT_EQ(rule.paths, "\\.env$");
  EXPECT_EQ(rule.origin, "acme.yaml:2");
  ASSERT_EQ(set.disabled.size(), 1u);
  EXPECT_EQ(set.disabled[0].id, "jwt");
  EXPECT_EQ(set.disabled[0].origin, "acme.yaml:12");
  EXPECT_EQ(set.allow_paths.size(), 1u);
  EXPECT_EQ(set.allow_secrets.size(), 1u);
}

TEST(SecretRules, EmptyFileIsAnEmptySet) {
  EXPECT_TRUE(parse_secret_rules("", "e.yaml").rules.empty());
  EXPECT_TRUE(parse_secret_rules("# only a comment\n", "e.yaml").rules.empty());
}

TEST(SecretRules, MalformedFilesNameFileLineAndProblem) {
  EXPECT_THAT(parse_error(std::string(kRule) + "    colour: red\n"), HasSubstr("user.yaml:8: unknown key \"colour\""));
  EXPECT_THAT(parse_error("rules:\n  - id: a\n    title: t\n    severity: SEVERE\n    regex: abc\n"),
              HasSubstr("user.yaml:4: severity of rule a is \"SEVERE\""));
  EXPECT_THAT(parse_error("rules:\n  - id: broken\n    title: t\n    severity: LOW\n    regex: 'abc(['\n"),
              HasSubstr("user.yaml:2: rule broken: bad regex"));
  EXPECT_THAT(parse_error(std::string(kRule) + std::string(kRule).substr(7)),
              HasSubstr("user.yaml:8: duplicate rule id acme-token (first at line 2)"));
  EXPECT_THAT(parse_error("rules:\n  - id: Bad_Id\n    title: t\n    severity: LOW\n    regex: abc\n"),
              HasSubstr("user.yaml:2: rule id \"Bad_Id\""));
  EXPECT_THAT(parse_error("rules:\n  - id: a\n    title: t\n    severity: LOW\n"), HasSubstr("rule a has no regex"));
  EXPECT_THAT(parse_error("rules:\n  - title: t\n"), HasSubstr("user.yaml:2: rule without an id"));
  EXPECT_THAT(parse_error("rules: {a: 1}\n"), HasSubstr("user.yaml:1: rules must be a list"));
  EXPECT_THAT(parse_error("- a\n- b\n"), HasSubstr("the rule file must be a mapping"));
  EXPECT_THAT(parse_error("rules:\n  - id: a\n    title: [unclosed\n"), HasSubstr("user.yaml:"));
  EXPECT_THAT(parse_error("rules:\n  - id: a\n    title: t\n    severity: LOW\n    regex: abc\n    min_entropy: 9\n"),
              HasSubstr("min_entropy of rule a must be a number from 0 to 8"));
  EXPECT_THAT(parse_error("rules:\n  - id: a\n    title: t\n    severity: LOW\n    regex: abc\n    generic: 'yes'\n"),
              HasSubstr("generic of rule a must be true or false"));
  EXPECT_THAT(scanner_error("rules:\n  - id: a\n    title: t\n    severity: LOW\n    regex: 'a*'\n"),
              HasSubstr("user.yaml:2: rule a: regex can match the empty string"));
  EXPECT_THAT(parse_error("allow:\n  secrets: ['(']\n"), HasSubstr("user.yaml:2: allow secrets: bad regex"));
  EXPECT_THAT(parse_error("allow:\n  files: []\n"), HasSubstr("unknown key \"files\" in allow"));
  EXPECT_THAT(parse_error("base: &b {id: a}\nrules: [*b]\n"), HasSubstr("anchors and aliases are not supported"));
  EXPECT_THAT(parse_error("rules: []\n---\nrules: []\n"), HasSubstr("more than one YAML document"));
  EXPECT_THAT(parse_error(std::string("rules:\0", 7)), HasSubstr("binary content"));
  EXPECT_THAT(parse_error(std::string(100, '[') + std::string(100, ']')), HasSubstr("nested deeper than"));
  EXPECT_THAT(parse_error(std::string(50000, '-') + " x\n"), HasSubstr("user.yaml"));
}

TEST(SecretRules, RuleMustFindItsExamplesAndNotItsCounterexamples) {
  EXPECT_EQ(parse_error(kRule), "");
  std::string missed(kRule);
  missed.replace(missed.find("acme_abcdefghij0123456789"), 25, "acme_ABCDEFGHIJ0123456789");
  EXPECT_THAT(parse_error(missed), HasSubstr("user.yaml:2: rule acme-token does not find its example"));
  std::string found(kRule);
  found.replace(found.find("acme_short"), 10, "acme_01234567890123456789");
  EXPECT_THAT(parse_error(found), HasSubstr("rule acme-token finds its counterexample"));
}

TEST(SecretRules, KeywordsEntropyAndAllowDecideExamples) {
  const std::string base = "rules:\n  - id: k\n    title: t\n    severity: LOW\n    regex: '(?P<secret>[a-z]{12})'\n";
  EXPECT_EQ(
      parse_error(base + "    keywords: [zq]\n    examples: ['abzqefghijkl']\n    counterexamples: ['abcdefghijkl']\n"),
      "");
  EXPECT_EQ(
      parse_error(base + "    min_entropy: 3\n    examples: ['abcdefghijkl']\n    counterexamples: ['aaaaaabbbbbb']\n"),
      "");
  EXPECT_EQ(parse_error(base +
                        "    allow: ['^abc']\n    examples: ['zbcdefghijkl']\n    counterexamples: ['abcdefghijkl']\n"),
            "");
  // The file's own allowed secret values apply to its counterexamples.
  EXPECT_EQ(parse_error(base + "    counterexamples: ['qqqqqqqqqqqq']\nallow:\n  secrets: ['^q+$']\n"), "");
}

TEST(SecretRules, MergeAddsDisablesAndRefusesClashes) {
  RuleSet set = builtin_secret_rules();
  const size_t before = set.rules.size();
  merge_secret_rules(set, parse_secret_rules(std::string(kRule) + "disable: [jwt, generic-env-secret]\n"
                                                                  "allow:\n  secrets: ['^acme_demo']\n",
                                             "user.yaml"));
  EXPECT_EQ(set.rules.size(), before - 1);
  EXPECT_EQ(set.rules.back().id, "acme-token");
  for (const SecretRule& rule : set.rules) EXPECT_NE(rule.id, "jwt");
  EXPECT_EQ(set.allow_secrets.back().regex, "^acme_demo");

  RuleSet again = set;
  try {
    merge_secret_rules(again, parse_secret_rules(kRule, "second.yaml"));
    FAIL() << "duplicate id accepted";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("second.yaml:2: rule id acme-token is already defined at user.yaml:2"));
  }
  try {
    merge_secret_rules(again, parse_secret_rules("disable:\n  - no-such-rule\n", "third.yaml"));
    FAIL() << "unknown id disabled";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("third.yaml:2: disables \"no-such-rule\""));
  }
}

TEST(SecretRules, ShannonEntropy) {
  EXPECT_DOUBLE_EQ(shannon_entropy(""), 0);
  EXPECT_DOUBLE_EQ(shannon_entropy("aaaa"), 0);
  EXPECT_DOUBLE_EQ(shannon_entropy("abab"), 1);
  EXPECT_DOUBLE_EQ(shannon_entropy("abcdefgh"), 3);
  EXPECT_NEAR(shannon_entropy("0123456789abcdef0123456789abcdef"), 4, 1e-9);
}

TEST(SecretRegex, HyperscanFormDropsGroupNamesOnly) {
  EXPECT_EQ(hyperscan_form("a(?P<secret>b)c"), "a(b)c");
  EXPECT_EQ(hyperscan_form("(?<secret>b)(?'x'c)"), "(b)(c)");
  EXPECT_EQ(hyperscan_form("(?<=a)b(?<!c)"), "(?<=a)b(?<!c)");
  EXPECT_EQ(hyperscan_form("\\(?P<x>"), "\\(?P<x>");
  EXPECT_EQ(hyperscan_form("[(?P<x>]"), "[(?P<x>]");
  EXPECT_EQ(hyperscan_form("[]](?P<s>a)"), "[]](a)");
}

TEST(SecretRegex, PlansPrefilterModeForLookaround) {
  const HyperscanPlan exact = plan_hyperscan("ghp_[A-Za-z0-9]{36}", "r");
  ASSERT_TRUE(exact.max_width.has_value());
  EXPECT_EQ(*exact.max_width, 40u);
  const HyperscanPlan prefilter = plan_hyperscan("(?<![a-z])key_[0-9]{4}(?![0-9])", "r");
  EXPECT_NE(prefilter.flags, exact.flags);
  EXPECT_FALSE(plan_hyperscan("token=.+", "r").max_width.has_value());
  EXPECT_THROW(plan_hyperscan("(a)(?1)", "r"), Error);  // subroutine calls: PCRE2 only
  try {
    SecretScanner(
        parse_secret_rules("rules:\n  - id: sub\n    title: t\n    severity: LOW\n    regex: '(a)(?1)b'\n", "u.yaml"));
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("u.yaml:2: rule sub: regex not usable by Hyperscan: Subpattern reference"));
  }
}

}  // namespace
}  // namespace moat::secret
