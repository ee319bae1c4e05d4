#include "report/license_expression.h"

#include <unordered_map>
#include <vector>

namespace moat::report {
namespace {

#include "report/spdx_license_list.inc"

// Longer fields are licence texts pasted into metadata, never expressions; bounding them also
// bounds the parser's work and recursion.
constexpr std::size_t kMaxExpressionLength = 1024;
constexpr int kMaxNesting = 32;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// SPDX identifiers match case-insensitively; the map gives each its listed spelling.
using IdMap = std::unordered_map<std::string, std::string_view>;
IdMap index(const std::string_view* begin, const std::string_view* end) {
  IdMap map;
  for (auto it = begin; it != end; ++it) map.emplace(lower(*it), *it);
  return map;
}
const IdMap& license_ids() {
  static const IdMap map = index(std::begin(kSpdxLicenseIds), std::end(kSpdxLicenseIds));
  return map;
}
const IdMap& exception_ids() {
  static const IdMap map = index(std::begin(kSpdxExceptionIds), std::end(kSpdxExceptionIds));
  return map;
}

bool is_idstring(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == lower(prefix);
}

// ["DocumentRef-" idstring ":"] "LicenseRef-" idstring, in the canonical prefix case.
std::optional<std::string> license_ref(std::string_view token) {
  std::string out;
  if (starts_with_nocase(token, "DocumentRef-")) {
    const auto colon = token.find(':');
    if (colon == std::string_view::npos || !is_idstring(token.substr(12, colon - 12))) return std::nullopt;
    out = "DocumentRef-" + std::string(token.substr(12, colon - 12)) + ":";
    token.remove_prefix(colon + 1);
  }
  if (!starts_with_nocase(token, "LicenseRef-") || !is_idstring(token.substr(11))) return std::nullopt;
  return out + "LicenseRef-" + std::string(token.substr(11));
}

std::vector<std::string_view> tokenize(std::string_view text) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (c == '(' || c == ')') {
      tokens.push_back(text.substr(i, 1));
      ++i;
    } else {
      const auto end = text.find_first_of(" \t\n\r()", i);
      tokens.push_back(text.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
      i = end == std::string_view::npos ? text.size() : end;
    }
  }
  return tokens;
}

// Recursive descent over Annex D: OR binds loosest, then AND, then WITH.
class Parser {
 public:
  explicit Parser(std::vector<std::string_view> tokens) : tokens_(std::move(tokens)) {}

  std::optional<std::string> parse() {
    auto out = compound(0);
    if (!out || pos_ != tokens_.size()) return std::nullopt;
    return out;
  }

 private:
  bool next_is(std::string_view op) const { return pos_ < tokens_.size() && lower(tokens_[pos_]) == lower(op); }

  std::optional<std::string> compound(int depth) { return binary(depth, "OR", &Parser::and_expression); }
  std::optional<std::string> and_expression(int depth) { return binary(depth, "AND", &Parser::with_expression); }

  std::optional<std::string> binary(int depth, std::string_view op,
                                    std::optional<std::string> (Parser::*operand)(int)) {
    auto out = (this->*operand)(depth);
    while (out && next_is(op)) {
      ++pos_;
      auto rhs = (this->*operand)(depth);
      if (!rhs) return std::nullopt;
      *out += " " + std::string(op) + " " + *rhs;
    }
    return out;
  }

  std::optional<std::string> with_expression(int depth) {
    if (pos_ < tokens_.size() && tokens_[pos_] == "(") {
      if (depth >= kMaxNesting) return std::nullopt;
      ++pos_;
      auto inner = compound(depth + 1);
      if (!inner || pos_ >= tokens_.size() || tokens_[pos_] != ")") return std::nullopt;
      ++pos_;
      return "(" + *inner + ")";
    }
    auto out = simple();
    if (out && next_is("WITH")) {
      ++pos_;
      if (pos_ >= tokens_.size()) return std::nullopt;
      const auto exception = exception_ids().find(lower(tokens_[pos_++]));
      if (exception == exception_ids().end()) return std::nullopt;
      *out += " WITH " + std::string(exception->second);
    }
    return out;
  }

  // license-id ["+"] / license-ref
  std::optional<std::string> simple() {
    if (pos_ >= tokens_.size()) return std::nullopt;
    const std::string_view token = tokens_[pos_++];
    if (auto ref = license_ref(token)) return ref;
    const auto& ids = license_ids();
    if (auto it = ids.find(lower(token)); it != ids.end())
      return std::string(it->second);  // e.g. deprecated "GPL-2.0+"
    if (token.size() > 1 && token.back() == '+') {
      if (auto it = ids.find(lower(token.substr(0, token.size() - 1))); it != ids.end()) {
        return std::string(it->second) + "+";
      }
    }
    return std::nullopt;
  }

  std::vector<std::string_view> tokens_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<std::string> spdx_expression(std::string_view text) {
  if (text.size() > kMaxExpressionLength) return std::nullopt;
  auto tokens = tokenize(text);
  if (tokens.empty()) return std::nullopt;
  return Parser(std::move(tokens)).parse();
}

bool is_single_license_id(std::string_view expression) {
  if (expression.find_first_of(" ()+") != std::string_view::npos) return false;
  const auto it = license_ids().find(lower(expression));
  return it != license_ids().end() && it->second == expression;
}

}  // namespace moat::report
