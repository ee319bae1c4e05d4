#include "secret/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <hs/hs.h>
#include <pcre2.h>

#include <cctype>
#include <climits>
#include <cstdlib>
#include <new>
#include <utility>

#include "base/error.h"

namespace moat::secret {
namespace {

// Bounds one PCRE2 match attempt: a hostile pattern or subject costs at most this much backtracking.
constexpr uint32_t kMatchLimit = 200'000;
constexpr uint32_t kDepthLimit = 2'000;
constexpr uint32_t kHeapLimitKiB = 20'000;
constexpr size_t kMaxPatternBytes = 8192;

// Read-only during matching, so one context serves every thread.
pcre2_match_context* limits_context() {
  static pcre2_match_context* context = [] {
    pcre2_match_context* c = pcre2_match_context_create(nullptr);
    if (c == nullptr) throw std::bad_alloc();
    pcre2_set_match_limit(c, kMatchLimit);
    pcre2_set_depth_limit(c, kDepthLimit);
    pcre2_set_heap_limit(c, kHeapLimitKiB);
    return c;
  }();
  return context;
}

pcre2_code* as_code(void* p) { return static_cast<pcre2_code*>(p); }

}  // namespace

MatchScratch::MatchScratch(uint32_t pairs) : data_(pcre2_match_data_create(pairs, nullptr)) {
  if (data_ == nullptr) throw std::bad_alloc();
}

MatchScratch::~MatchScratch() { pcre2_match_data_free(static_cast<pcre2_match_data*>(data_)); }

Regex::Regex(std::string_view pattern, const std::string& where) {
  if (pattern.size() > kMaxPatternBytes) {
    fail(where, "bad regex: longer than " + std::to_string(kMaxPatternBytes) + " bytes");
  }
  int error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), PCRE2_MULTILINE,
                                   &error, &offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    fail(where,
         "bad regex: " + std::string(reinterpret_cast<const char*>(message)) + " at offset " + std::to_string(offset));
  }
  code_ = code;
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // without JIT the interpreter runs: slower, same result
  pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &capture_count_);
  const int named = pcre2_substring_number_from_name(code, reinterpret_cast<PCRE2_SPTR>("secret"));
  if (named > 0) {
    secret_group_ = static_cast<uint32_t>(named);
  } else if (capture_count_ > 0) {
    secret_group_ = 1;
  }
}

Regex::~Regex() { pcre2_code_free(as_code(code_)); }

Regex::Regex(Regex&& other) noexcept
    : code_(std::exchange(other.code_, nullptr)),
      capture_count_(other.capture_count_),
      secret_group_(other.secret_group_) {}

Regex& Regex::operator=(Regex&& other) noexcept {
  std::swap(code_, other.code_);
  capture_count_ = other.capture_count_;
  secret_group_ = other.secret_group_;
  return *this;
}

std::optional<RegexMatch> Regex::find(std::string_view subject, size_t from, size_t end, MatchScratch& scratch) const {
  if (end > subject.size() || from > end) return std::nullopt;
  auto* data = static_cast<pcre2_match_data*>(scratch.get());
  if (pcre2_get_ovector_count(data) <= secret_group_) return std::nullopt;
  const uint32_t options = end < subject.size() ? PCRE2_NOTEOL : 0;
  const int rc = pcre2_match(as_code(code_), reinterpret_cast<PCRE2_SPTR>(subject.data()), end, from, options, data,
                             limits_context());
  if (rc < 0) return std::nullopt;  // no match, or a limit was hit
  const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data);
  RegexMatch match{ovector[0], ovector[1], ovector[0], ovector[1]};
  // An optional secret group that did not take part leaves PCRE2_UNSET: the match stands for it.
  if (secret_group_ > 0 && ovector[2 * secret_group_] != PCRE2_UNSET) {
    match.secret_start = ovector[2 * secret_group_];
    match.secret_end = ovector[2 * secret_group_ + 1];
  }
  // \K can put the start after the end; such a match is no use for reporting.
  if (match.start > match.end || match.secret_start > match.secret_end) return std::nullopt;
  return match;
}

bool Regex::matches(std::string_view s) const {
  MatchScratch scratch(capture_count_ + 1);
  return find(s, 0, s.size(), scratch).has_value();
}

std::string hyperscan_form(std::string_view pattern) {
  std::string out;
  out.reserve(pattern.size());
  bool in_class = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      out += c;
      out += pattern[++i];
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      out += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal member, not the end of the class.
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') out += pattern[++i];
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') out += pattern[++i];
      continue;
    }
    if (c == '(' && pattern.substr(i, 2) == "(?") {
      size_t name = std::string_view::npos;
      char close = '>';
      if (pattern.substr(i, 4) == "(?P<") {
        name = i + 4;
      } else if (pattern.substr(i, 3) == "(?<" || pattern.substr(i, 3) == "(?'") {
        name = i + 3;
        close = pattern[i + 2] == '<' ? '>' : '\'';
      }
      // (?<= and (?<! are lookbehinds, not names.
      if (name != std::string_view::npos && name < pattern.size() &&
          (std::isalpha(static_cast<unsigned char>(pattern[name])) || pattern[name] == '_')) {
        const size_t stop = pattern.find(close, name);
        if (stop != std::string_view::npos) {
          out += '(';
          i = stop;
          continue;
        }
      }
    }
    out += c;
  }
  return out;
}

HyperscanPlan plan_hyperscan(std::string_view pattern, const std::string& where) {
  const std::string form = hyperscan_form(pattern);
  std::string first_error;
  for (const unsigned flags : {unsigned{HS_FLAG_MULTILINE}, unsigned{HS_FLAG_MULTILINE | HS_FLAG_PREFILTER}}) {
    hs_expr_info_t* info = nullptr;
    hs_compile_error_t* error = nullptr;
    if (hs_expression_info(form.c_str(), flags, &info, &error) == HS_SUCCESS) {
      HyperscanPlan plan{flags, std::nullopt};
      if (info->max_width != UINT_MAX) plan.max_width = info->max_width;
      const bool can_be_empty = info->min_width == 0;
      free(info);  // allocated by Hyperscan's default allocator, which is malloc
      if (can_be_empty) fail(where, "regex can match the empty string");
      return plan;
    }
    if (first_error.empty()) first_error = error->message;
    hs_free_compile_error(error);
  }
  fail(where, "regex not usable by Hyperscan: " + first_error);
}

}  // namespace moat::secret
