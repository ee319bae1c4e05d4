#pragma once
// The two regex engines behind the secret rules. PCRE2 confirms a candidate and extracts the secret
// under bounded match limits; Hyperscan, which has no capture groups or lookaround, finds the
// candidates, from a form of the same pattern it can compile (see hyperscan_form).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace moat::secret {

// One match of a rule pattern: byte offsets of the whole match and of the secret in it.
struct RegexMatch {
  size_t start = 0;
  size_t end = 0;
  size_t secret_start = 0;
  size_t secret_end = 0;
};

// Per-call PCRE2 scratch (the ovector); one per thread, never shared.
class MatchScratch {
 public:
  explicit MatchScratch(uint32_t pairs);
  ~MatchScratch();
  MatchScratch(const MatchScratch&) = delete;
  MatchScratch& operator=(const MatchScratch&) = delete;
  void* get() const { return data_; }

 private:
  void* data_;
};

// A compiled PCRE2 pattern (8-bit, no UTF, ^ and $ at line ends), JIT-compiled when the library
// can. Immutable after construction, so one object serves every thread.
class Regex {
 public:
  // Throws moat::Error "<where>: bad regex: <PCRE2 message> at offset N".
  Regex(std::string_view pattern, const std::string& where);
  ~Regex();
  Regex(Regex&& other) noexcept;
  Regex& operator=(Regex&& other) noexcept;
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // The first match starting at or after `from` in subject[0, end); text before `from` is still
  // seen by lookbehind and ^. When end < subject.size(), $ does not match at `end`. Hitting the
  // match limit counts as no match.
  std::optional<RegexMatch> find(std::string_view subject, size_t from, size_t end, MatchScratch& scratch) const;
  // Whether the pattern matches anywhere in `s`.
  bool matches(std::string_view s) const;
  uint32_t capture_count() const { return capture_count_; }

 private:
  void* code_ = nullptr;
  uint32_t capture_count_ = 0;
  uint32_t secret_group_ = 0;
};

// The pattern with named groups turned into plain groups, which Hyperscan parses.
std::string hyperscan_form(std::string_view pattern);

// How Hyperscan takes a rule pattern: its compile flags (exact, or prefilter mode when the pattern
// uses constructs only PCRE2 has, so Hyperscan may report more candidates but never fewer) and the
// longest match it can have (nullopt: unbounded).
struct HyperscanPlan {
  unsigned flags = 0;
  std::optional<size_t> max_width;
};

// Throws moat::Error "<where>: regex not usable by Hyperscan: <message>".
HyperscanPlan plan_hyperscan(std::string_view pattern, const std::string& where);

}  // namespace moat::secret
