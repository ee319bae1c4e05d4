#include "runtime/falco_compile.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <regex>
#include <unordered_set>

#include "base/error.h"

namespace moat::runtime::falco {
namespace {

constexpr int kMaxMacroDepth = 64;
constexpr uint32_t kMaxValues = kMaxAncestors + 2;  // bound on values of a multi-valued field
constexpr size_t kMaxRegexSubject = 4096;           // std::regex recurses per character
constexpr size_t kMaxRegexPattern = 1024;
// Falco's RE2 allows repeat counts up to 1000; libstdc++'s regex compiler reads the digits of a
// count or back-reference into a long without an overflow check (undefined behaviour found by
// fuzz_falco_condition), and large counts expand into huge automata.
constexpr unsigned long kMaxRegexNumber = 1000;

// The first number in a {n,m} repeat or \N back-reference of pattern above kMaxRegexNumber, or "".
std::string oversized_regex_number(std::string_view pattern) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    bool escape = pattern[i] == '\\';
    if (!escape && pattern[i] != '{' && pattern[i] != ',') continue;
    size_t b = i + 1, e = b;
    while (e < pattern.size() && pattern[e] >= '0' && pattern[e] <= '9') ++e;
    std::string_view digits = pattern.substr(b, e - b);
    if (digits.size() > 4 || (!digits.empty() && std::stoul(std::string(digits)) > kMaxRegexNumber))
      return std::string(digits);
    if (escape) ++i;  // the escaped character is not a '{' or ','
  }
  return "";
}
constexpr size_t kLinearSetLimit = 8;  // below this a vector beats hashing

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool iequals_at(std::string_view text, size_t at, std::string_view lowered) {
  for (size_t k = 0; k < lowered.size(); ++k) {
    if (lower(text[at + k]) != lowered[k]) return false;
  }
  return true;
}

bool icontains(std::string_view text, std::string_view lowered) {
  if (lowered.size() > text.size()) return false;
  for (size_t at = 0; at + lowered.size() <= text.size(); ++at) {
    if (iequals_at(text, at, lowered)) return true;
  }
  return false;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

// ------------------------------------------------------------------------------------------
// Logic nodes

class AndNode final : public Node {
 public:
  std::vector<std::unique_ptr<Node>> children;
  bool eval(Env& env) const override {
    for (const auto& c : children) {
      if (!c->eval(env)) return false;
    }
    return true;
  }
};

class OrNode final : public Node {
 public:
  std::vector<std::unique_ptr<Node>> children;
  bool eval(Env& env) const override {
    for (const auto& c : children) {
      if (c->eval(env)) return true;
    }
    return false;
  }
};

class NotNode final : public Node {
 public:
  std::unique_ptr<Node> child;
  bool eval(Env& env) const override { return !child->eval(env); }
};

class TypeNode final : public Node {
 public:
  explicit TypeNode(TypeMask m) : mask(m) {}
  TypeMask mask;
  bool eval(Env& env) const override { return (type_bit(env.ev->type) & mask) != 0; }
};

// A macro shared by many rules: evaluated once per event, then answered from the memo.
class MacroNode final : public Node {
 public:
  MacroNode(std::unique_ptr<Node> b, uint32_t s) : body(std::move(b)), slot(s) {}
  bool eval(Env& env) const override {
    if (env.memo_epoch[slot] == env.epoch) return env.memo_value[slot] != 0;
    const bool v = body->eval(env);
    env.memo_epoch[slot] = env.epoch;
    env.memo_value[slot] = v;
    return v;
  }
  std::unique_ptr<Node> body;
  uint32_t slot;
};

class MacroRefNode final : public Node {
 public:
  explicit MacroRefNode(const MacroNode* m) : macro(m) {}
  bool eval(Env& env) const override { return macro->eval(env); }
  const MacroNode* macro;
};

}  // namespace

struct MacroCache::Entry {
  std::string name;
  std::unique_ptr<MacroNode> node;
  TypeMask possible = kAllTypes, certain = 0;
  bool uses_evt_type = false;
};
MacroCache::MacroCache() = default;
MacroCache::~MacroCache() = default;

namespace {

// ------------------------------------------------------------------------------------------
// Checks: one field against pre-parsed operands. `Test` decides one value; the check passes
// when any value of the field passes (most fields have one), and `negate` gives != its meaning
// "present and equal to none".

template <typename Test>
class CheckNode final : public Node {
 public:
  CheckNode(BoundField f, Test t, bool neg) : field(std::move(f)), test(std::move(t)), negate(neg) {}
  bool eval(Env& env) const override {
    Value v;
    bool any_value = false;
    for (uint32_t idx = 0; idx < kMaxValues; ++idx) {
      if (!field.get(env, idx, v, env.lhs_buf)) break;
      any_value = true;
      if (test(v)) return !negate;
    }
    return negate && any_value;
  }
  BoundField field;
  Test test;
  bool negate;
};

template <typename Test>
std::unique_ptr<Node> make_check(BoundField f, Test t, bool negate = false) {
  return std::make_unique<CheckNode<Test>>(std::move(f), std::move(t), negate);
}

struct Exists {
  bool operator()(const Value&) const { return true; }
};

// FNV-1a, inlined: most values are short names, where calling out to a generic hash costs more
// than hashing.
struct TransparentHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const {
    uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
    return static_cast<size_t>(h);
  }
};

// Length and first bytes in one word: rejects nearly every non-match without a memcmp call.
uint64_t fingerprint(std::string_view s) {
  uint64_t fp = static_cast<uint64_t>(std::min<size_t>(s.size(), 255)) << 56;
  for (size_t k = 0; k < s.size() && k < 7; ++k)
    fp |= static_cast<uint64_t>(static_cast<unsigned char>(s[k])) << (8 * k);
  return fp;
}

struct StringSet {
  std::vector<uint64_t> small_fp;
  std::vector<std::string> small;
  std::unordered_set<std::string, TransparentHash, std::equal_to<>> big;
  bool has(std::string_view s) const {
    if (!big.empty()) return big.find(s) != big.end();
    const uint64_t fp = fingerprint(s);
    for (size_t k = 0; k < small.size(); ++k) {
      if (small_fp[k] == fp && (s.size() <= 7 || small[k] == s)) return true;
    }
    return false;
  }
};

StringSet make_set(const std::vector<std::string>& values) {
  StringSet set;
  if (values.size() <= kLinearSetLimit) {
    set.small = values;
    for (const auto& v : values) set.small_fp.push_back(fingerprint(v));
  } else {
    set.big.insert(values.begin(), values.end());
  }
  return set;
}

// startswith/endswith against a constant: the first (last) up-to-8 bytes compared as one word
// before any memcmp, since paths that differ mostly differ early (late).
uint64_t load_word(const char* p, size_t n) {
  uint64_t w = 0;
  std::memcpy(&w, p, n);
  return w;
}

struct StartsWith {
  std::string s;
  uint64_t head = load_word(s.data(), std::min<size_t>(s.size(), 8));
  bool operator()(const Value& v) const {
    if (v.s.size() < s.size()) return false;
    const size_t n = std::min<size_t>(s.size(), 8);
    if (load_word(v.s.data(), n) != head) return false;
    return s.size() <= 8 || std::memcmp(v.s.data() + 8, s.data() + 8, s.size() - 8) == 0;
  }
};

struct EndsWith {
  std::string s;
  uint64_t tail = load_word(s.data() + s.size() - std::min<size_t>(s.size(), 8), std::min<size_t>(s.size(), 8));
  bool operator()(const Value& v) const {
    if (v.s.size() < s.size()) return false;
    const size_t n = std::min<size_t>(s.size(), 8);
    if (load_word(v.s.data() + v.s.size() - n, n) != tail) return false;
    return s.size() <= 8 || std::memcmp(v.s.data() + v.s.size() - s.size(), s.data(), s.size() - 8) == 0;
  }
};

struct Equals {
  std::string s;
  uint64_t fp;
  bool operator()(const Value& v) const { return fingerprint(v.s) == fp && (v.s.size() <= 7 || v.s == s); }
};

std::string hex_bytes(const std::string& hex, const std::string& where) {
  if (hex.size() % 2 != 0) fail(where, "bcontains/bstartswith need an even number of hex digits, got '" + hex + "'");
  std::string out;
  for (size_t k = 0; k < hex.size(); k += 2) {
    uint8_t b = 0;
    auto r = std::from_chars(hex.data() + k, hex.data() + k + 2, b, 16);
    if (r.ec != std::errc() || r.ptr != hex.data() + k + 2) fail(where, "invalid hex byte string '" + hex + "'");
    out += static_cast<char>(b);
  }
  return out;
}

bool parse_int(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  bool neg = false;
  if (s.front() == '+' || s.front() == '-') {
    neg = s.front() == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  uint64_t u = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), u, base);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || u > static_cast<uint64_t>(INT64_MAX)) return false;
  out = neg ? -static_cast<int64_t>(u) : static_cast<int64_t>(u);
  return true;
}

bool pmatch(std::string_view value, std::string_view prefix) {
  while (prefix.size() > 1 && prefix.back() == '/') prefix.remove_suffix(1);
  if (prefix == "/") return value.starts_with('/');
  if (!value.starts_with(prefix)) return false;
  return value.size() == prefix.size() || value[prefix.size()] == '/';
}

// ------------------------------------------------------------------------------------------

class Compiler {
 public:
  Compiler(const NameResolver& names, const std::string& where, MacroCache& cache)
      : names_(names), where_(where), cache_(cache) {}

  struct Result {
    std::unique_ptr<Node> node;
    TypeMask possible = kAllTypes;  // types on which it may be true
    TypeMask certain = 0;           // types on which it is true whatever the other fields
  };

  Result compile(const Expr& e) {
    switch (e.kind) {
      case ExprKind::And:
      case ExprKind::Or:
        return compile_logic(e);
      case ExprKind::Not: {
        Result child = compile(*e.children.at(0));
        auto n = std::make_unique<NotNode>();
        n->child = std::move(child.node);
        return {std::move(n), kAllTypes & ~child.certain, kAllTypes & ~child.possible};
      }
      case ExprKind::Macro:
        return compile_macro(e);
      case ExprKind::Check:
        return compile_check(e);
    }
    fail(where_, "internal: unknown expression kind");
  }

  bool uses_evt_type = false;

 private:
  Result compile_logic(const Expr& e) {
    const bool is_and = e.kind == ExprKind::And;
    std::vector<std::unique_ptr<Node>> nodes;
    TypeMask possible = is_and ? kAllTypes : 0;
    TypeMask certain = is_and ? kAllTypes : 0;
    for (const auto& c : e.children) {
      Result r = compile(*c);
      possible = is_and ? (possible & r.possible) : (possible | r.possible);
      certain = is_and ? (certain & r.certain) : (certain | r.certain);
      // Splice nested nodes of the same kind (macros in parentheses) to keep the tree shallow.
      if (is_and) {
        if (auto* inner = dynamic_cast<AndNode*>(r.node.get())) {
          for (auto& n : inner->children) nodes.push_back(std::move(n));
          continue;
        }
      } else if (auto* inner = dynamic_cast<OrNode*>(r.node.get())) {
        for (auto& n : inner->children) nodes.push_back(std::move(n));
        continue;
      }
      nodes.push_back(std::move(r.node));
    }
    if (is_and) {
      // The cheapest test first: event type checks are pure, so moving them keeps the meaning.
      std::stable_partition(nodes.begin(), nodes.end(),
                            [](const auto& n) { return dynamic_cast<const TypeNode*>(n.get()) != nullptr; });
      auto n = std::make_unique<AndNode>();
      n->children = std::move(nodes);
      return {std::move(n), possible, certain};
    }
    auto n = std::make_unique<OrNode>();
    n->children = std::move(nodes);
    return {std::move(n), possible, certain};
  }

  Result compile_macro(const Expr& e) {
    const Expr* body = names_.macro(e.name);
    if (body == nullptr) fail(where_, "undefined macro '" + e.name + "'");
    if (std::find(stack_.begin(), stack_.end(), e.name) != stack_.end())
      fail(where_, "macro '" + e.name + "' refers to itself");
    if (stack_.size() >= kMaxMacroDepth) fail(where_, "macros nested deeper than " + std::to_string(kMaxMacroDepth));
    for (const auto& entry : cache_.entries) {
      if (entry->name == e.name) {
        uses_evt_type = uses_evt_type || entry->uses_evt_type;
        return {std::make_unique<MacroRefNode>(entry->node.get()), entry->possible, entry->certain};
      }
    }
    stack_.push_back(e.name);
    const bool outer_uses = uses_evt_type;
    uses_evt_type = false;
    Result r = compile(*body);
    stack_.pop_back();
    auto entry = std::make_unique<MacroCache::Entry>();
    entry->name = e.name;
    entry->node = std::make_unique<MacroNode>(std::move(r.node), static_cast<uint32_t>(cache_.entries.size()));
    entry->possible = r.possible;
    entry->certain = r.certain;
    entry->uses_evt_type = uses_evt_type;
    uses_evt_type = outer_uses || uses_evt_type;
    const MacroNode* node = entry->node.get();
    cache_.entries.push_back(std::move(entry));
    return {std::make_unique<MacroRefNode>(node), r.possible, r.certain};
  }

  // Values of a list operand, with names of lists expanded (Falco expands list names anywhere
  // in a parenthesised list).
  std::vector<std::string> operand_values(const Expr& e) {
    std::vector<std::string> out;
    if (e.operand == Operand::ListName) {
      const auto* items = names_.list(e.value);
      if (items == nullptr) fail(where_, "unknown list '" + e.value + "'");
      return *items;
    }
    if (e.operand == Operand::Value) return {e.value};
    for (const auto& v : e.values) {
      if (const auto* items = names_.list(v)) {
        out.insert(out.end(), items->begin(), items->end());
      } else {
        out.push_back(v);
      }
    }
    return out;
  }

  [[noreturn]] void bad_op(const Expr& e, const BoundField& f) {
    fail(where_, "operator '" + e.op + "' is not supported on field " + f.name);
  }

  Result compile_check(const Expr& e) {
    BoundField f = bind_field(e.field, where_);
    const std::string& op = e.op;
    if (op == "exists") return {make_check(std::move(f), Exists{}), kAllTypes, 0};
    if (e.operand == Operand::Field) return {compile_field_compare(e, std::move(f)), kAllTypes, 0};
    if (e.field.name == "evt.type" && e.field.transformers.empty() && (op == "=" || op == "!=" || op == "in")) {
      return compile_evt_type(e);
    }
    const bool list_op = is_list_op(op);
    std::vector<std::string> values = operand_values(e);
    if (!list_op && values.size() != 1) fail(where_, "operator '" + op + "' needs one value");
    const ValueType type = f.transformers.empty() ? f.type : ValueType::String;
    switch (type) {
      case ValueType::String:
        return {compile_string(e, std::move(f), values), kAllTypes, 0};
      case ValueType::Int:
      case ValueType::Bool:
        return {compile_number(e, std::move(f), values, type == ValueType::Bool), kAllTypes, 0};
      case ValueType::Ip:
      case ValueType::Net:
        return {compile_ip(e, std::move(f), values), kAllTypes, 0};
    }
    fail(where_, "internal: unknown field type");
  }

  Result compile_evt_type(const Expr& e) {
    uses_evt_type = true;
    TypeMask mask = 0;
    for (const auto& v : operand_values(e)) mask |= types_for_syscall(v);
    if (e.op == "!=") mask = kAllTypes & ~mask;
    return {std::make_unique<TypeNode>(mask), mask, mask};
  }

  std::unique_ptr<Node> compile_string(const Expr& e, BoundField f, const std::vector<std::string>& values) {
    const std::string& op = e.op;
    if (op == "=" || op == "!=") {
      return make_check(std::move(f), Equals{values[0], fingerprint(values[0])}, op == "!=");
    }
    if (op == "in" || op == "intersects") {
      return make_check(std::move(f), [set = make_set(values)](const Value& v) { return set.has(v.s); });
    }
    if (op == "pmatch") {
      return make_check(std::move(f), [prefixes = values](const Value& v) {
        for (const auto& p : prefixes) {
          if (pmatch(v.s, p)) return true;
        }
        return false;
      });
    }
    const std::string& s = values[0];
    if (op == "contains") {
      return make_check(std::move(f), [s](const Value& v) { return v.s.find(s) != std::string_view::npos; });
    }
    if (op == "icontains") {
      return make_check(std::move(f), [l = to_lower(s)](const Value& v) { return icontains(v.s, l); });
    }
    if (op == "startswith") return make_check(std::move(f), StartsWith{s});
    if (op == "endswith") return make_check(std::move(f), EndsWith{s});
    if (op == "glob") return make_check(std::move(f), [s](const Value& v) { return glob_match(s, v.s, false); });
    if (op == "iglob") return make_check(std::move(f), [s](const Value& v) { return glob_match(s, v.s, true); });
    if (op == "bcontains") {
      return make_check(std::move(f),
                        [b = hex_bytes(s, where_)](const Value& v) { return v.s.find(b) != std::string_view::npos; });
    }
    if (op == "bstartswith") {
      return make_check(std::move(f), [b = hex_bytes(s, where_)](const Value& v) { return v.s.starts_with(b); });
    }
    if (op == "regex") {
      if (s.size() > kMaxRegexPattern)
        fail(where_, "regex longer than " + std::to_string(kMaxRegexPattern) + " characters");
      if (std::string n = oversized_regex_number(s); !n.empty())
        fail(where_,
             "regex repeat count or back-reference " + n + " is larger than " + std::to_string(kMaxRegexNumber));
      std::shared_ptr<const std::regex> re;
      try {
        re = std::make_shared<const std::regex>(s, std::regex::ECMAScript | std::regex::optimize);
      } catch (const std::regex_error& err) {
        fail(where_, "invalid regex '" + s + "': " + err.what());
      }
      return make_check(std::move(f), [re](const Value& v) {
        if (v.s.size() > kMaxRegexSubject) return false;
        return std::regex_match(v.s.begin(), v.s.end(), *re);
      });
    }
    bad_op(e, f);
  }

  std::unique_ptr<Node> compile_number(const Expr& e, BoundField f, const std::vector<std::string>& values,
                                       bool is_bool) {
    std::vector<int64_t> nums;
    for (const auto& s : values) {
      int64_t n = 0;
      if (is_bool && (s == "true" || s == "false")) {
        n = s == "true";
      } else if (!parse_int(s, n)) {
        fail(where_, "field " + f.name + " needs " + (is_bool ? "true or false" : "a number") + ", got '" + s + "'");
      }
      nums.push_back(n);
    }
    const std::string& op = e.op;
    const int64_t n = nums.empty() ? 0 : nums[0];
    if (op == "=" || op == "!=")
      return make_check(
          std::move(f), [n](const Value& v) { return v.i == n; }, op == "!=");
    if (op == "in" || op == "intersects") {
      return make_check(std::move(f),
                        [nums](const Value& v) { return std::find(nums.begin(), nums.end(), v.i) != nums.end(); });
    }
    if (!is_bool) {
      if (op == "<") return make_check(std::move(f), [n](const Value& v) { return v.i < n; });
      if (op == "<=") return make_check(std::move(f), [n](const Value& v) { return v.i <= n; });
      if (op == ">") return make_check(std::move(f), [n](const Value& v) { return v.i > n; });
      if (op == ">=") return make_check(std::move(f), [n](const Value& v) { return v.i >= n; });
    }
    bad_op(e, f);
  }

  std::unique_ptr<Node> compile_ip(const Expr& e, BoundField f, const std::vector<std::string>& values) {
    std::vector<Cidr> nets;
    for (const auto& s : values) {
      Cidr c;
      if (!parse_cidr(s, c)) fail(where_, "field " + f.name + " needs an IP address or network, got '" + s + "'");
      nets.push_back(c);
    }
    const std::string& op = e.op;
    auto any = [nets](const Value& v) {
      for (const auto& c : nets) {
        if (c.contains(v.ip)) return true;
      }
      return false;
    };
    if (op == "=" || op == "in" || op == "intersects") return make_check(std::move(f), any);
    if (op == "!=") return make_check(std::move(f), any, true);
    bad_op(e, f);
  }

  // field op val(other) or op transformer(other): both sides extracted per event.
  std::unique_ptr<Node> compile_field_compare(const Expr& e, BoundField f) {
    BoundField rhs = bind_field(e.rhs_field, where_);
    const ValueType lt = f.transformers.empty() ? f.type : ValueType::String;
    const ValueType rt = rhs.transformers.empty() ? rhs.type : ValueType::String;
    if (lt != rt) fail(where_, "cannot compare " + f.name + " with " + rhs.name + ": different types");
    const std::string op = e.op;
    if (lt == ValueType::String) {
      static const std::vector<std::string> kOps = {"=", "!=", "contains", "icontains", "startswith", "endswith", "in"};
      if (std::find(kOps.begin(), kOps.end(), op) == kOps.end()) bad_op(e, f);
    } else if (lt == ValueType::Int) {
      static const std::vector<std::string> kOps = {"=", "!=", "<", "<=", ">", ">=", "in"};
      if (std::find(kOps.begin(), kOps.end(), op) == kOps.end()) bad_op(e, f);
    } else if (op != "=" && op != "!=") {
      bad_op(e, f);
    }
    return std::make_unique<FieldCompareNode>(std::move(f), std::move(rhs), op, lt);
  }

  class FieldCompareNode final : public Node {
   public:
    FieldCompareNode(BoundField l, BoundField r, std::string o, ValueType t)
        : lhs(std::move(l)), rhs(std::move(r)), op(std::move(o)), type(t) {}
    bool eval(Env& env) const override {
      Value a, b;
      if (!lhs.get(env, 0, a, env.lhs_buf) || !rhs.get(env, 0, b, env.rhs_buf)) return false;
      if (type == ValueType::String) {
        if (op == "=" || op == "in") return a.s == b.s;
        if (op == "!=") return a.s != b.s;
        if (op == "contains") return a.s.find(b.s) != std::string_view::npos;
        if (op == "icontains") return icontains(a.s, to_lower(b.s));
        if (op == "startswith") return a.s.starts_with(b.s);
        return a.s.ends_with(b.s);
      }
      if (type == ValueType::Ip || type == ValueType::Net) return (a.ip == b.ip) == (op == "=");
      if (op == "=" || op == "in") return a.i == b.i;
      if (op == "!=") return a.i != b.i;
      if (op == "<") return a.i < b.i;
      if (op == "<=") return a.i <= b.i;
      if (op == ">") return a.i > b.i;
      return a.i >= b.i;
    }
    BoundField lhs, rhs;
    std::string op;
    ValueType type;
  };

  const NameResolver& names_;
  const std::string& where_;
  MacroCache& cache_;
  std::vector<std::string> stack_;
};

bool class_match(std::string_view pattern, size_t& p, char c, bool ignore_case) {
  // pattern[p] == '['; on return p is past the closing ']'. An unclosed '[' matches itself.
  size_t k = p + 1;
  bool negate = false;
  if (k < pattern.size() && (pattern[k] == '!' || pattern[k] == '^')) {
    negate = true;
    ++k;
  }
  bool matched = false;
  bool first = true;
  const char cc = ignore_case ? lower(c) : c;
  while (k < pattern.size() && (first || pattern[k] != ']')) {
    first = false;
    char lo = pattern[k];
    char hi = lo;
    if (k + 2 < pattern.size() && pattern[k + 1] == '-' && pattern[k + 2] != ']') {
      hi = pattern[k + 2];
      k += 3;
    } else {
      ++k;
    }
    if (ignore_case) {
      lo = lower(lo);
      hi = lower(hi);
    }
    if (cc >= lo && cc <= hi) matched = true;
  }
  if (k >= pattern.size()) {  // no closing bracket: a literal '['
    ++p;
    return c == '[';
  }
  p = k + 1;
  return matched != negate;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text, bool ignore_case) {
  size_t p = 0, t = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      const char pc = pattern[p];
      if (pc == '*') {
        star_p = ++p;
        star_t = t;
        continue;
      }
      if (pc == '?') {
        ++p;
        ++t;
        continue;
      }
      if (pc == '[') {
        size_t q = p;
        if (class_match(pattern, q, text[t], ignore_case)) {
          p = q;
          ++t;
          continue;
        }
      } else {
        char lit = pc;
        size_t next = p + 1;
        if (pc == '\\' && p + 1 < pattern.size()) {
          lit = pattern[p + 1];
          next = p + 2;
        }
        if (ignore_case ? lower(lit) == lower(text[t]) : lit == text[t]) {
          p = next;
          ++t;
          continue;
        }
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Program compile(const Expr& root, const NameResolver& names, const std::string& where, MacroCache& macros) {
  Compiler c(names, where, macros);
  auto r = c.compile(root);
  Program p;
  p.root = std::move(r.node);
  p.types = r.possible;
  p.uses_evt_type = c.uses_evt_type;
  return p;
}

}  // namespace moat::runtime::falco
