#include "secret/compiled_rule.h"

#include <algorithm>
#include <cctype>

namespace moat::secret {
namespace {

bool contains_lowercase(std::string_view haystack, std::string_view lower_needle) {
  const auto it = std::search(haystack.begin(), haystack.end(), lower_needle.begin(), lower_needle.end(),
                              [](char h, char n) { return std::tolower(static_cast<unsigned char>(h)) == n; });
  return it != haystack.end();
}

std::string where(const SecretRule& rule) { return rule.origin + ": rule " + rule.id; }

}  // namespace

CompiledRule::CompiledRule(const SecretRule& rule) : rule_(&rule), regex_(rule.regex, where(rule)) {
  for (const std::string& allow : rule.allow) allow_.emplace_back(allow, where(rule) + " allow");
  if (!rule.paths.empty()) paths_.emplace(rule.paths, where(rule) + " paths");
}

bool CompiledRule::applies_to(std::string_view path) const { return !paths_ || paths_->matches(path); }

bool CompiledRule::accepts(std::string_view text, const RegexMatch& match) const {
  const std::string_view whole = text.substr(match.start, match.end - match.start);
  const std::string_view secret = text.substr(match.secret_start, match.secret_end - match.secret_start);
  if (secret.empty()) return false;
  if (!rule_->keywords.empty() && std::none_of(rule_->keywords.begin(), rule_->keywords.end(),
                                               [&](const std::string& k) { return contains_lowercase(whole, k); })) {
    return false;
  }
  if (rule_->min_entropy > 0 && shannon_entropy(secret) < rule_->min_entropy) return false;
  return std::none_of(allow_.begin(), allow_.end(), [&](const Regex& r) { return r.matches(secret); });
}

std::optional<RegexMatch> CompiledRule::find_accepted(std::string_view text,
                                                      const std::vector<Regex>& also_allow) const {
  MatchScratch scratch(regex_.capture_count() + 1);
  size_t from = 0;
  while (from <= text.size()) {
    const auto match = regex_.find(text, from, text.size(), scratch);
    if (!match) return std::nullopt;
    const std::string_view secret = text.substr(match->secret_start, match->secret_end - match->secret_start);
    if (accepts(text, *match) &&
        std::none_of(also_allow.begin(), also_allow.end(), [&](const Regex& r) { return r.matches(secret); })) {
      return match;
    }
    from = std::max(match->end, match->start + 1);
  }
  return std::nullopt;
}

}  // namespace moat::secret
