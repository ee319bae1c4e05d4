#pragma once
// Secret rules as data: the YAML format of docs/secret-rules.md, read and validated here. The
// built-in rules (src/secret/builtin_rules.yaml) and user rule files share the format; a user file
// may add rules, disable built-in ones by id and add allow entries.
#include <string>
#include <string_view>
#include <vector>

namespace moat::secret {

struct SecretRule {
  std::string id;                            // lower-case words joined by dashes, unique in a set
  std::string title;                         // one line
  std::string severity;                      // LOW, MEDIUM, HIGH or CRITICAL
  std::vector<std::string> keywords;         // lower-cased; when given, one must occur in the matched text
  std::string regex;                         // PCRE2 syntax; the secret is group `secret`, else group 1, else the match
  double min_entropy = 0;                    // Shannon bits per character the secret must reach
  std::vector<std::string> allow;            // regexes: a secret any of them finds is not reported
  std::string paths;                         // regex on the file path; empty: every path
  bool generic = false;                      // gives way to any other rule finding an overlapping secret
  std::vector<std::string> examples;         // each must be found by this rule
  std::vector<std::string> counterexamples;  // none may be found by this rule
  std::string origin;                        // "file:line" of the rule, for messages
};

// An allow entry of a rule file's `allow:` section, with where it was written.
struct AllowPattern {
  std::string regex;
  std::string origin;
};

struct DisabledRule {
  std::string id;
  std::string origin;
};

struct RuleSet {
  std::vector<SecretRule> rules;            // in file order: on overlapping secrets an earlier rule wins
  std::vector<AllowPattern> allow_paths;    // a file whose path any of these finds is not scanned
  std::vector<AllowPattern> allow_secrets;  // a secret value any of these finds is not reported
  std::vector<DisabledRule> disabled;       // ids this file turns off (applied by merge_secret_rules)
};

// Reads and validates one rule file. `origin` names it in errors, which come as moat::Error
// "<origin>:<line>: <what>" for malformed YAML, an unknown key, a missing or mistyped field, a bad
// id, severity or regex (naming the rule id), a duplicate id, or a rule that misses one of its own
// examples or finds one of its counterexamples.
RuleSet parse_secret_rules(std::string_view yaml, std::string_view origin);

// The rules moat ships, parsed once.
const RuleSet& builtin_secret_rules();

// Adds `user` to `into`: its rules (an id `into` already has fails), its disable list (an id that
// `into` does not define fails, so a typo does not silently keep a rule on) and its allow entries.
void merge_secret_rules(RuleSet& into, const RuleSet& user);

// Shannon entropy of the bytes of `s` in bits per character (0 for an empty string).
double shannon_entropy(std::string_view s);

}  // namespace moat::secret
