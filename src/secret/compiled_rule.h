#pragma once
// One rule with its regexes compiled: the check that turns a regex match into a reportable secret,
// shared by the rule reader (a rule must find its own examples) and the scanner.
#include <optional>
#include <string_view>
#include <vector>

#include "secret/regex.h"
#include "secret/rules.h"

namespace moat::secret {

class CompiledRule {
 public:
  // Throws moat::Error naming the rule's origin and id for a regex that does not compile.
  explicit CompiledRule(const SecretRule& rule);

  const SecretRule& rule() const { return *rule_; }
  const Regex& regex() const { return regex_; }
  // Whether the rule looks at a file with this path.
  bool applies_to(std::string_view path) const;
  // Whether a regex match in `text` is a secret for this rule: a keyword occurs in the match, the
  // secret reaches min_entropy and none of the rule's allow regexes finds it.
  bool accepts(std::string_view text, const RegexMatch& match) const;
  // The first match anywhere in `text` that this rule accepts and none of `also_allow` finds.
  std::optional<RegexMatch> find_accepted(std::string_view text, const std::vector<Regex>& also_allow) const;

 private:
  const SecretRule* rule_;
  Regex regex_;
  std::vector<Regex> allow_;
  std::optional<Regex> paths_;
};

}  // namespace moat::secret
