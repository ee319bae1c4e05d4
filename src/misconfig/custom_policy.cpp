#include "misconfig/custom_policy.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <optional>
#include <regex>
#include <set>

#include "base/error.h"
#include "base/files.h"
#include "misconfig/kubernetes.h"

namespace moat::misconfig {

namespace {

constexpr size_t kMaxRules = 10'000;              // over all files of a set
constexpr size_t kMaxConditionsPerRule = 256;
constexpr size_t kMaxPathSteps = 64;
constexpr size_t kMaxPatternLength = 512;
constexpr size_t kMaxMatchInput = 1024;          // std::regex backtracks recursively: bound its input
constexpr size_t kMaxHits = 10'000;              // nodes one path may resolve to
constexpr size_t kMaxMessageLength = 4096;
constexpr size_t kMaxPolicyBytes = 1u << 20;
constexpr std::string_view kAnnotationPrefix = "moat.dev/ignore.";

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string at(const std::string& file, Position where) {
  if (where.line == 0) return file;
  return file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
}

[[noreturn]] void bad(const std::string& file, const YamlNode* node, const std::string& what) {
  fail(at(file, node == nullptr ? Position{} : node->where()), what);
}

// ---- paths ---------------------------------------------------------------------------------------

struct Step {
  enum Type { Key, All, Index, Select } type = Key;
  std::string key;    // Key: the map key; Select: the field compared
  std::string value;  // Select: the value it must have
  size_t index = 0;
};

using Path = std::vector<Step>;

// "spec.containers[*].ports[name=http].containerPort", "metadata.annotations[\"a.b/c\"]"
std::optional<Path> parse_path(std::string_view text, std::string& why) {
  Path path;
  size_t i = 0;
  auto fail_with = [&](std::string what) -> std::optional<Path> {
    why = std::move(what);
    return std::nullopt;
  };
  if (text.empty()) return fail_with("is empty");
  bool need_key = true;
  while (i < text.size()) {
    if (path.size() >= kMaxPathSteps) return fail_with("has more than " + std::to_string(kMaxPathSteps) + " steps");
    if (text[i] == '[') {
      size_t close = text.find(']', i);
      if (close == std::string_view::npos) return fail_with("has an unclosed '['");
      std::string_view inner = text.substr(i + 1, close - i - 1);
      Step step;
      if (inner == "*") {
        step.type = Step::All;
      } else if (inner.size() >= 2 && inner.front() == '"' && inner.back() == '"') {
        step.key = std::string(inner.substr(1, inner.size() - 2));
      } else if (size_t eq = inner.find('='); eq != std::string_view::npos) {
        step.type = Step::Select;
        step.key = std::string(inner.substr(0, eq));
        step.value = std::string(inner.substr(eq + 1));
        if (step.key.empty()) return fail_with("has a selector without a field: [" + std::string(inner) + "]");
      } else if (!inner.empty() && std::all_of(inner.begin(), inner.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        step.type = Step::Index;
        auto [p, ec] = std::from_chars(inner.data(), inner.data() + inner.size(), step.index);
        if (ec != std::errc()) return fail_with("has an index out of range: [" + std::string(inner) + "]");
      } else {
        return fail_with("has '[" + std::string(inner) + "]'; expected [*], [N], [field=value] or [\"key\"]");
      }
      path.push_back(std::move(step));
      i = close + 1;
      need_key = false;
      continue;
    }
    if (text[i] == '.') {
      if (need_key) return fail_with("has an empty segment");
      ++i;
      need_key = true;
      if (i == text.size()) return fail_with("ends with '.'");
      continue;
    }
    if (!need_key) return fail_with("needs '.' before '" + std::string(text.substr(i, 1)) + "'");
    size_t end = text.find_first_of(".[]", i);
    if (end == std::string_view::npos) end = text.size();
    if (end < text.size() && text[end] == ']') return fail_with("has a ']' without '['");
    path.push_back({Step::Key, std::string(text.substr(i, end - i)), {}, 0});
    i = end;
    need_key = false;
  }
  return path;
}

// std::regex compiles {n,m} by copying the repeated state n..m times (and overflows on huge n), and
// reads back-reference numbers unchecked: bound both before compiling. The product of all counted
// repetitions is bounded, not just each one, because nesting multiplies them.
std::optional<std::string> unsafe_regex(std::string_view pattern) {
  constexpr std::uint64_t kMaxRepetition = 10'000;
  std::uint64_t product = 1;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      size_t digits = 0;
      while (i + 1 + digits < pattern.size() && std::isdigit(static_cast<unsigned char>(pattern[i + 1 + digits]))) ++digits;
      if (digits > 2) return "back-reference \\" + std::string(pattern.substr(i + 1, digits)) + " is too large";
      ++i;
      continue;
    }
    if (pattern[i] != '{') continue;
    std::uint64_t bound = 0;
    for (size_t j = i + 1; j < pattern.size() && pattern[j] != '}'; ++j) {
      if (pattern[j] == ',') continue;
      if (!std::isdigit(static_cast<unsigned char>(pattern[j]))) break;
      std::uint64_t n = 0;
      while (j < pattern.size() && std::isdigit(static_cast<unsigned char>(pattern[j])) && n <= kMaxRepetition)
        n = n * 10 + static_cast<std::uint64_t>(pattern[j++] - '0');
      --j;
      bound = std::max(bound, n);
    }
    product *= std::max<std::uint64_t>(bound, 1);
    if (product > kMaxRepetition) return "counted repetitions {n,m} multiply to more than 10000";
  }
  return std::nullopt;
}

// ---- values the rules look at --------------------------------------------------------------------

// Dockerfile facts arranged as a small tree, so one path evaluator serves both targets.
struct Fact {
  YamlKind kind = YamlKind::Null;
  std::string text;
  bool plain = false;  // numbers are plain; Dockerfile text is not, so "true" stays a string
  Position where;
  std::string key;             // when this is the value of a map entry
  std::vector<Fact> entries;   // of a map, each with its key
  std::vector<Fact> items;

  static Fact scalar(std::string text, Position where, bool plain = false) {
    Fact f;
    f.kind = YamlKind::Scalar;
    f.text = std::move(text);
    f.where = where;
    f.plain = plain;
    return f;
  }
  static Fact map(Position where) {
    Fact f;
    f.kind = YamlKind::Map;
    f.where = where;
    return f;
  }
  static Fact list(Position where) {
    Fact f;
    f.kind = YamlKind::Sequence;
    f.where = where;
    return f;
  }
  void put(std::string name, Fact value) {
    value.key = std::move(name);
    entries.push_back(std::move(value));
  }
};

// A scalar reduced to the forms a comparison needs.
struct Scalar {
  std::string text;
  std::optional<bool> boolean;
  std::optional<std::int64_t> integer;
  std::optional<double> number;
};

std::optional<double> to_number(std::string_view text) {
  double d = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec != std::errc() || p != text.data() + text.size() || text.empty()) return std::nullopt;
  return d;
}

Scalar scalar_of(const YamlNode& n) {
  Scalar s{n.text(), n.as_bool(), n.as_int(), std::nullopt};
  if (n.plain()) s.number = to_number(n.text());
  return s;
}

Scalar scalar_of(const Fact& f) {
  Scalar s{f.text, std::nullopt, std::nullopt, std::nullopt};
  if (f.plain) {
    s.number = to_number(f.text);
    std::int64_t i = 0;
    auto [p, ec] = std::from_chars(f.text.data(), f.text.data() + f.text.size(), i);
    if (ec == std::errc() && p == f.text.data() + f.text.size() && !f.text.empty()) s.integer = i;
  }
  return s;
}

bool same(const Scalar& subject, const Scalar& literal) {
  if (literal.boolean && subject.boolean) return *literal.boolean == *subject.boolean;
  if (literal.integer && subject.integer) return *literal.integer == *subject.integer;
  if (literal.number && subject.number) return *literal.number == *subject.number;
  return literal.text == subject.text;
}

// Tree access for both node types.
YamlKind kind_of(const YamlNode& n) { return n.kind(); }
YamlKind kind_of(const Fact& f) { return f.kind; }
Position where_of(const YamlNode& n) { return n.where(); }
Position where_of(const Fact& f) { return f.where; }

template <typename F>
void for_each_entry(const YamlNode& n, F&& f) {
  for (const YamlEntry& e : n.entries()) f(e.key->text(), *e.value, e.key->where());
}
template <typename F>
void for_each_entry(const Fact& n, F&& f) {
  for (const Fact& v : n.entries) f(v.key, v, v.where);
}
template <typename F>
void for_each_item(const YamlNode& n, F&& f) {
  for (const YamlNode* item : n.items()) f(*item);
}
template <typename F>
void for_each_item(const Fact& n, F&& f) {
  for (const Fact& item : n.items) f(item);
}

std::pair<const YamlNode*, Position> child(const YamlNode& n, std::string_view key) {
  const YamlEntry* e = n.find(key);
  if (e == nullptr) return {nullptr, {}};
  return {e->value, e->key->where()};
}
std::pair<const Fact*, Position> child(const Fact& n, std::string_view key) {
  for (const Fact& v : n.entries) {
    if (v.key == key) return {&v, v.where};
  }
  return {nullptr, {}};
}

template <typename N>
struct Hit {
  const N* node = nullptr;  // null for a `missing` condition: the finding names the subject
  Position where;
};

// Every node `path` leads to from `node`; a map key's position is that of the key, as in the built-in checks.
template <typename N>
void resolve(const N& node, const Path& path, size_t step, Position where, std::vector<Hit<N>>& out) {
  if (out.size() >= kMaxHits) return;
  if (step == path.size()) {
    out.push_back({&node, where});
    return;
  }
  const Step& s = path[step];
  switch (s.type) {
    case Step::Key:
      if (kind_of(node) == YamlKind::Map) {
        auto [next, pos] = child(node, s.key);
        if (next != nullptr) resolve(*next, path, step + 1, pos, out);
      }
      break;
    case Step::All:
      if (kind_of(node) == YamlKind::Sequence)
        for_each_item(node, [&](const N& item) { resolve(item, path, step + 1, where_of(item), out); });
      else if (kind_of(node) == YamlKind::Map)
        for_each_entry(node, [&](const std::string&, const N& v, Position pos) { resolve(v, path, step + 1, pos, out); });
      break;
    case Step::Index: {
      size_t i = 0;
      if (kind_of(node) == YamlKind::Sequence)
        for_each_item(node, [&](const N& item) {
          if (i++ == s.index) resolve(item, path, step + 1, where_of(item), out);
        });
      break;
    }
    case Step::Select:
      if (kind_of(node) == YamlKind::Sequence)
        for_each_item(node, [&](const N& item) {
          if (kind_of(item) != YamlKind::Map) return;
          auto [field, pos] = child(item, s.key);
          if (field != nullptr && kind_of(*field) == YamlKind::Scalar && scalar_of(*field).text == s.value)
            resolve(item, path, step + 1, where_of(item), out);
        });
      break;
  }
}

// ---- conditions ----------------------------------------------------------------------------------

enum class Op { Equals, NotEquals, Exists, Missing, In, NotIn, Matches, GreaterThan, LessThan, Contains };

const std::vector<std::pair<std::string_view, Op>> kOps = {
    {"equals", Op::Equals},     {"not_equals", Op::NotEquals}, {"exists", Op::Exists},
    {"missing", Op::Missing},   {"in", Op::In},                {"not_in", Op::NotIn},
    {"matches", Op::Matches},   {"greater_than", Op::GreaterThan}, {"less_than", Op::LessThan},
    {"contains", Op::Contains}};

struct Condition {
  enum Type { Leaf, Any, All, Not } type = Leaf;
  std::vector<Condition> children;
  Path path;
  Op op = Op::Exists;
  std::vector<Scalar> values;  // one, or the list of in / not_in
  std::optional<std::regex> pattern;
};

bool holds_for(const Condition& c, const Scalar* subject, bool is_sequence, const std::vector<Scalar>& items) {
  switch (c.op) {
    case Op::Equals:
      return subject != nullptr && same(*subject, c.values[0]);
    case Op::NotEquals:
      return subject != nullptr && !same(*subject, c.values[0]);
    case Op::In:
    case Op::NotIn: {
      if (subject == nullptr) return false;
      bool found = std::any_of(c.values.begin(), c.values.end(), [&](const Scalar& v) { return same(*subject, v); });
      return c.op == Op::In ? found : !found;
    }
    case Op::Matches: {
      if (subject == nullptr) return false;
      std::string_view text = subject->text;
      text = text.substr(0, kMaxMatchInput);
      try {
        return std::regex_search(text.begin(), text.end(), *c.pattern);
      } catch (const std::regex_error&) {
        return false;  // the library gave up (complexity, stack): no match rather than a crash
      }
    }
    case Op::GreaterThan:
    case Op::LessThan:
      if (subject == nullptr || !subject->number) return false;
      return c.op == Op::GreaterThan ? *subject->number > *c.values[0].number : *subject->number < *c.values[0].number;
    case Op::Contains:
      if (is_sequence)
        return std::any_of(items.begin(), items.end(), [&](const Scalar& s) { return same(s, c.values[0]); });
      return subject != nullptr && subject->text.find(c.values[0].text) != std::string::npos;
    default:
      return false;
  }
}

template <typename N>
bool leaf_holds(const Condition& c, const N& node) {
  const YamlKind k = kind_of(node);
  if (k == YamlKind::Sequence) {
    std::vector<Scalar> items;
    for_each_item(node, [&](const N& item) {
      if (kind_of(item) == YamlKind::Scalar) items.push_back(scalar_of(item));
    });
    return holds_for(c, nullptr, true, items);
  }
  if (k != YamlKind::Scalar) return false;
  Scalar s = scalar_of(node);
  return holds_for(c, &s, false, {});
}

// Whether `c` holds for `subject`; `hit` gets the node that made it hold (first in document order).
template <typename N>
bool evaluate(const Condition& c, const N& subject, Position subject_where, std::optional<Hit<N>>& hit) {
  switch (c.type) {
    case Condition::All:
      for (const Condition& child_condition : c.children) {
        std::optional<Hit<N>> h;
        if (!evaluate(child_condition, subject, subject_where, h)) return false;
        if (!hit) hit = h;
      }
      return true;
    case Condition::Any:
      for (const Condition& child_condition : c.children) {
        if (evaluate(child_condition, subject, subject_where, hit)) return true;
      }
      return false;
    case Condition::Not: {
      std::optional<Hit<N>> ignored;
      return !evaluate(c.children[0], subject, subject_where, ignored);
    }
    case Condition::Leaf:
      break;
  }
  std::vector<Hit<N>> hits;
  resolve(subject, c.path, 0, subject_where, hits);
  if (c.op == Op::Exists) {
    if (hits.empty()) return false;
    hit = hits.front();
    return true;
  }
  if (c.op == Op::Missing) {
    if (!hits.empty()) return false;
    hit = Hit<N>{nullptr, subject_where};
    return true;
  }
  for (const Hit<N>& h : hits) {
    if (leaf_holds(c, *h.node)) {
      hit = h;
      return true;
    }
  }
  return false;
}

// ---- messages ------------------------------------------------------------------------------------

struct Placeholder {
  std::string literal;  // text before it
  std::string name;     // "@object", or a path
  Path path;
};

template <typename N>
std::string text_of(const N& node) {
  if (kind_of(node) == YamlKind::Scalar) return scalar_of(node).text;
  if (kind_of(node) == YamlKind::Sequence) {
    std::string out;
    for_each_item(node, [&](const N& item) {
      if (kind_of(item) != YamlKind::Scalar) return;
      if (!out.empty()) out += ", ";
      out += scalar_of(item).text;
    });
    return out;
  }
  return kind_of(node) == YamlKind::Map ? "{...}" : "";
}

}  // namespace

// ---- rules ---------------------------------------------------------------------------------------

enum class Target { Kubernetes, Dockerfile };
enum class Scope { Object, Pod, Container, Instruction, Stage, File };

struct CustomRule {
  std::string id, title, message, resolution;
  Level level = Level::Medium;
  std::vector<std::string> references;
  Target target = Target::Kubernetes;
  Scope scope = Scope::Object;
  std::set<std::string> kinds;         // Kubernetes kinds; empty: every kind
  std::set<std::string> instructions;  // upper-case keywords; empty: every instruction
  Condition when;
  std::vector<Placeholder> message_parts;
  std::string message_tail;
};

namespace {

class RuleReader {
 public:
  explicit RuleReader(const std::string& file) : file_(file) {}

  std::unique_ptr<CustomRule> read(const YamlNode& node) {
    if (!node.is_map()) bad(file_, &node, "a rule must be a map");
    auto rule = std::make_unique<CustomRule>();
    const YamlNode* id = node.get("id");
    if (id == nullptr || !id->is_scalar() || id->text().empty()) bad(file_, &node, "rule has no id");
    rule->id = id->text();
    check_id(*id);
    static const std::set<std::string> kKeys = {"id",   "title", "level",       "message", "resolution", "references",
                                                "target", "kinds", "scope", "instruction", "when"};
    for (const YamlEntry& e : node.entries()) {
      if (!kKeys.contains(e.key->text()))
        bad(file_, e.key, "unknown key '" + e.key->text() + "' in rule " + rule->id);
    }
    rule->title = required_text(node, "title", rule->id);
    rule->message = required_text(node, "message", rule->id);
    if (rule->message.size() > kMaxMessageLength) bad(file_, node.get("message"), "message is too long");
    if (const YamlNode* r = node.get("resolution"); r != nullptr) rule->resolution = text(*r, "resolution");
    rule->level = level(required(node, "level", rule->id));
    if (const YamlNode* refs = node.get("references"); refs != nullptr) rule->references = strings(*refs, "references");
    read_target(node, *rule);
    const YamlNode& when = required(node, "when", rule->id);
    size_t budget = kMaxConditionsPerRule;
    rule->when = conditions(when, budget, "when");
    read_message(*node.get("message"), *rule);
    return rule;
  }

 private:
  void check_id(const YamlNode& id) {
    const std::string& text = id.text();
    if (upper(text).rfind("MOAT-", 0) == 0)
      bad(file_, &id, "rule id " + text + " collides with the built-in rules: ids starting with MOAT- are reserved");
    bool ok = text.size() <= 64 && std::isalnum(static_cast<unsigned char>(text[0])) &&
              std::all_of(text.begin(), text.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
              });
    if (!ok) bad(file_, &id, "rule id '" + text + "' must be letters, digits, '-', '_' or '.' (at most 64)");
  }

  const YamlNode& required(const YamlNode& node, std::string_view key, const std::string& id) {
    const YamlNode* v = node.get(key);
    if (v == nullptr || v->is_null()) bad(file_, &node, "rule " + id + " has no " + std::string(key));
    return *v;
  }
  std::string required_text(const YamlNode& node, std::string_view key, const std::string& id) {
    return text(required(node, key, id), key);
  }
  std::string text(const YamlNode& v, std::string_view key) {
    if (!v.is_scalar()) bad(file_, &v, std::string(key) + " must be a string");
    return v.text();
  }
  std::vector<std::string> strings(const YamlNode& v, std::string_view key) {
    std::vector<std::string> out;
    if (v.is_scalar()) return {v.text()};
    if (!v.is_sequence()) bad(file_, &v, std::string(key) + " must be a string or a list of strings");
    for (const YamlNode* item : v.items()) out.push_back(text(*item, key));
    return out;
  }

  Level level(const YamlNode& v) {
    const std::string t = upper(text(v, "level"));
    if (t == "LOW") return Level::Low;
    if (t == "MEDIUM") return Level::Medium;
    if (t == "HIGH") return Level::High;
    if (t == "CRITICAL") return Level::Critical;
    bad(file_, &v, "unknown level '" + v.text() + "' (LOW, MEDIUM, HIGH, CRITICAL)");
  }

  void read_target(const YamlNode& node, CustomRule& rule) {
    const YamlNode& target = required(node, "target", rule.id);
    const std::string t = text(target, "target");
    if (t == "kubernetes")
      rule.target = Target::Kubernetes;
    else if (t == "dockerfile")
      rule.target = Target::Dockerfile;
    else
      bad(file_, &target, "unknown target '" + t + "' (kubernetes, dockerfile)");
    const YamlNode* scope = node.get("scope");
    const std::string s = scope == nullptr ? "" : text(*scope, "scope");
    const bool kube = rule.target == Target::Kubernetes;
    if (s.empty())
      rule.scope = kube ? Scope::Object : Scope::Instruction;
    else if (kube && s == "object")
      rule.scope = Scope::Object;
    else if (kube && s == "pod")
      rule.scope = Scope::Pod;
    else if (kube && s == "container")
      rule.scope = Scope::Container;
    else if (!kube && s == "instruction")
      rule.scope = Scope::Instruction;
    else if (!kube && s == "stage")
      rule.scope = Scope::Stage;
    else if (!kube && s == "file")
      rule.scope = Scope::File;
    else
      bad(file_, scope, "unknown scope '" + s + "' for target " + t +
                            (kube ? " (object, pod, container)" : " (instruction, stage, file)"));
    if (const YamlNode* kinds = node.get("kinds"); kinds != nullptr) {
      if (!kube) bad(file_, kinds, "kinds applies only to target kubernetes");
      for (auto& k : strings(*kinds, "kinds")) rule.kinds.insert(k);
    }
    if (const YamlNode* ins = node.get("instruction"); ins != nullptr) {
      if (rule.scope != Scope::Instruction) bad(file_, ins, "instruction applies only to target dockerfile, scope instruction");
      for (auto& k : strings(*ins, "instruction")) rule.instructions.insert(upper(k));
    }
  }

  Condition conditions(const YamlNode& node, size_t& budget, std::string_view where) {
    Condition all;
    all.type = Condition::All;
    if (node.is_sequence()) {
      if (node.items().empty()) bad(file_, &node, std::string(where) + " has no conditions");
      for (const YamlNode* item : node.items()) all.children.push_back(condition(*item, budget));
      return all;
    }
    all.children.push_back(condition(node, budget));
    return all;
  }

  Condition condition(const YamlNode& node, size_t& budget) {
    if (budget-- == 0) bad(file_, &node, "more than " + std::to_string(kMaxConditionsPerRule) + " conditions in one rule");
    if (!node.is_map()) bad(file_, &node, "a condition must be a map (path/op/value, any, all or not)");
    for (std::string_view combinator : {"any", "all", "not"}) {
      const YamlEntry* e = node.find(combinator);
      if (e == nullptr) continue;
      if (node.entries().size() != 1)
        bad(file_, e->key, "'" + std::string(combinator) + "' must be the only key of its condition");
      Condition c = conditions(*e->value, budget, combinator);
      if (combinator == "any") c.type = Condition::Any;
      if (combinator == "not") {
        Condition n;
        n.type = Condition::Not;
        n.children.push_back(std::move(c));
        return n;
      }
      return c;
    }
    for (const YamlEntry& e : node.entries()) {
      const std::string& k = e.key->text();
      if (k != "path" && k != "op" && k != "value") bad(file_, e.key, "unknown key '" + k + "' in condition");
    }
    Condition c;
    const YamlNode* path = node.get("path");
    if (path == nullptr || !path->is_scalar()) bad(file_, &node, "condition has no path");
    std::string why;
    auto parsed = parse_path(path->text(), why);
    if (!parsed) bad(file_, path, "bad path '" + path->text() + "': " + why);
    c.path = std::move(*parsed);
    const YamlNode* op = node.get("op");
    if (op == nullptr || !op->is_scalar()) bad(file_, &node, "condition has no op");
    auto found = std::find_if(kOps.begin(), kOps.end(), [&](const auto& p) { return p.first == op->text(); });
    if (found == kOps.end())
      bad(file_, op, "unknown op '" + op->text() +
                         "' (equals, not_equals, exists, missing, in, not_in, matches, greater_than, less_than, contains)");
    c.op = found->second;
    const YamlNode* value = node.get("value");
    const std::string op_name(found->first);
    if (c.op == Op::Exists || c.op == Op::Missing) {
      if (value != nullptr) bad(file_, value, "op " + op_name + " takes no value");
      return c;
    }
    if (value == nullptr) bad(file_, op, "op " + op_name + " needs a value");
    if (c.op == Op::In || c.op == Op::NotIn) {
      if (!value->is_sequence()) bad(file_, value, "op " + op_name + " needs a list value");
      for (const YamlNode* item : value->items()) {
        if (!item->is_scalar()) bad(file_, item, "op " + op_name + " needs a list of scalars");
        c.values.push_back(scalar_of(*item));
      }
      return c;
    }
    if (!value->is_scalar()) bad(file_, value, "op " + op_name + " needs a scalar value");
    c.values.push_back(scalar_of(*value));
    if ((c.op == Op::GreaterThan || c.op == Op::LessThan) && !c.values[0].number)
      bad(file_, value, "op " + op_name + " needs a number, not '" + value->text() + "'");
    if (c.op == Op::Matches) {
      if (value->text().size() > kMaxPatternLength)
        bad(file_, value, "regex longer than " + std::to_string(kMaxPatternLength) + " characters");
      if (auto why = unsafe_regex(value->text())) bad(file_, value, "bad regex '" + value->text() + "': " + *why);
      try {
        c.pattern.emplace(value->text(), std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        bad(file_, value, "bad regex '" + value->text() + "': " + e.what());
      }
    }
    return c;
  }

  void read_message(const YamlNode& node, CustomRule& rule) {
    const std::string& m = rule.message;
    std::string literal;
    for (size_t i = 0; i < m.size();) {
      if (m.compare(i, 2, "${") != 0) {
        literal += m[i++];
        continue;
      }
      size_t close = m.find('}', i);
      if (close == std::string::npos) bad(file_, &node, "message has an unclosed '${'");
      Placeholder p{std::move(literal), m.substr(i + 2, close - i - 2), {}};
      literal.clear();
      static const std::set<std::string> kK8s = {"@object", "@kind", "@name", "@namespace", "@container", "@value"};
      static const std::set<std::string> kDf = {"@stage", "@instruction", "@value"};
      if (!p.name.empty() && p.name[0] == '@') {
        const auto& known = rule.target == Target::Kubernetes ? kK8s : kDf;
        if (!known.contains(p.name)) bad(file_, &node, "unknown placeholder ${" + p.name + "} in message");
      } else {
        std::string why;
        auto parsed = parse_path(p.name, why);
        if (!parsed) bad(file_, &node, "bad path '" + p.name + "' in message: " + why);
        p.path = std::move(*parsed);
      }
      rule.message_parts.push_back(std::move(p));
      i = close + 1;
    }
    rule.message_tail = std::move(literal);
  }

  const std::string& file_;
};

// What a placeholder like ${@object} stands for in one finding.
using Specials = std::map<std::string, std::string>;

template <typename N>
std::string fill_message(const CustomRule& rule, const N& subject, Position subject_where, Specials specials) {
  std::string out;
  for (const Placeholder& p : rule.message_parts) {
    out += p.literal;
    if (!p.path.empty()) {
      std::vector<Hit<N>> hits;
      resolve(subject, p.path, 0, subject_where, hits);
      out += hits.empty() ? std::string("<none>") : text_of(*hits.front().node);
    } else {
      out += specials[p.name];
    }
    if (out.size() > kMaxMessageLength) break;
  }
  out += rule.message_tail;
  if (out.size() > kMaxMessageLength) out.resize(kMaxMessageLength);
  return out;
}

template <typename N>
void apply_rule(const CustomRule& rule, const N& subject, Position subject_where, Specials specials,
                const std::string& file, const std::string& object, std::vector<ConfigFinding>& out) {
  std::optional<Hit<N>> hit;
  if (!evaluate(rule.when, subject, subject_where, hit)) return;
  const Position where = hit ? hit->where : subject_where;
  specials["@value"] = hit && hit->node != nullptr ? text_of(*hit->node) : std::string();
  ConfigFinding f;
  f.rule_id = rule.id;
  f.title = rule.title;
  f.level = rule.level;
  f.file = file;
  f.where = where.line != 0 ? where : subject_where;
  f.message = fill_message(rule, subject, subject_where, std::move(specials));
  f.resolution = rule.resolution;
  f.references = rule.references;
  f.object = object;
  out.push_back(std::move(f));
}

// ---- Dockerfile facts ----------------------------------------------------------------------------

std::string stage_object(const Stage& st) {
  return st.name.empty() ? "stage " + std::to_string(st.index) : "stage " + st.name;
}

Fact instruction_fact(const Instruction& ins, const Stage* stage) {
  Fact f = Fact::map(ins.start);
  f.put("keyword", Fact::scalar(ins.keyword, ins.start));
  std::string args = ins.args;
  for (const Heredoc& h : ins.heredocs) args += "\n" + h.content;
  f.put("arguments", Fact::scalar(std::move(args), ins.start));
  Fact words = Fact::list(ins.start);
  for (const std::string& w : ins.arguments) words.items.push_back(Fact::scalar(w, ins.start));
  f.put("words", std::move(words));
  Fact flags = Fact::map(ins.start);
  for (const Flag& fl : ins.flags) flags.put(fl.name, Fact::scalar(fl.value, ins.start));
  f.put("flags", std::move(flags));
  f.put("form", Fact::scalar(ins.json_form ? "exec" : "shell", ins.start));
  if (stage != nullptr) {
    f.put("stage", Fact::scalar(stage->name, ins.start));
    f.put("base_image", Fact::scalar(stage->base_image, ins.start));
  }
  return f;
}

Fact stage_fact(const Stage& st) {
  const Position from = st.instructions.empty() ? Position{1, 1} : st.instructions.front().start;
  Fact f = Fact::map(from);
  f.put("name", Fact::scalar(st.name, from));
  f.put("index", Fact::scalar(std::to_string(st.index), from, true));
  f.put("base_image", Fact::scalar(st.base_image, from));
  Fact labels = Fact::map(from);
  Fact instructions = Fact::list(from);
  for (const Instruction& ins : st.instructions) {
    if (ins.keyword == "LABEL") {
      for (const std::string& kv : ins.arguments) {
        size_t eq = kv.find('=');
        labels.put(kv.substr(0, eq), Fact::scalar(eq == std::string::npos ? "" : kv.substr(eq + 1), ins.start));
      }
    }
    instructions.items.push_back(instruction_fact(ins, &st));
  }
  Fact env = Fact::map(from);
  for (const auto& [k, v] : st.env) env.put(k, Fact::scalar(v, from));
  f.put("labels", std::move(labels));
  f.put("env", std::move(env));
  f.put("instructions", std::move(instructions));
  return f;
}

// `# moat:ignore ID[, ID...] reason: why` on a line above an instruction covers that instruction:
// the syntax of dockerfile_checks, read here for the custom ids it does not know.
struct CommentSuppression {
  std::set<std::string> ids;  // upper case
  int first_line = 0, last_line = 0;
};

std::optional<CommentSuppression> read_ignore_comment(const Comment& c) {
  const std::string u = upper(c.text);
  if (u.rfind("MOAT:IGNORE", 0) != 0) return std::nullopt;
  size_t r = u.find("REASON:");
  if (r == std::string::npos) return std::nullopt;
  std::string_view reason = std::string_view(c.text).substr(r + 7);
  if (reason.find_first_not_of(" \t\r") == std::string_view::npos) return std::nullopt;
  CommentSuppression s;
  std::string id;
  for (char ch : u.substr(11, r - 11) + " ") {
    if (ch == ',' || std::isspace(static_cast<unsigned char>(ch))) {
      if (!id.empty()) s.ids.insert(id);
      id.clear();
    } else {
      id += ch;
    }
  }
  return s;
}

std::vector<CommentSuppression> comment_suppressions(const Dockerfile& df) {
  std::vector<const Instruction*> all;
  for (const auto& a : df.global_args) all.push_back(&a);
  for (const auto& st : df.stages) {
    for (const auto& ins : st.instructions) all.push_back(&ins);
  }
  std::sort(all.begin(), all.end(), [](const Instruction* a, const Instruction* b) { return a->start.line < b->start.line; });
  std::vector<CommentSuppression> out;
  for (const Comment& c : df.comments) {
    auto s = read_ignore_comment(c);
    if (!s) continue;
    auto target = std::upper_bound(all.begin(), all.end(), c.where.line,
                                   [](int line, const Instruction* i) { return line < i->start.line; });
    if (target == all.end()) continue;
    s->first_line = (*target)->start.line;
    s->last_line = (*target)->end.line;
    out.push_back(std::move(*s));
  }
  return out;
}

// Annotation keys `moat.dev/ignore.<id>` with a non-empty reason; an empty reason is reported by the
// built-in checks (MOAT-K8S-099) for every id, custom ones included.
std::set<std::string> annotation_suppressions(const KubernetesObject& object) {
  std::set<std::string> out;
  const YamlNode* annotations = object.node->get("metadata", "annotations");
  if (annotations == nullptr || !annotations->is_map()) return out;
  for (const YamlEntry& e : annotations->entries()) {
    const std::string& key = e.key->text();
    if (key.rfind(kAnnotationPrefix, 0) != 0) continue;
    if (e.value->text().find_first_not_of(" \t\r\n") == std::string::npos) continue;
    out.insert(upper(key.substr(kAnnotationPrefix.size())));
  }
  return out;
}

}  // namespace

PolicySet::PolicySet() = default;
PolicySet::~PolicySet() = default;
PolicySet::PolicySet(PolicySet&&) noexcept = default;
PolicySet& PolicySet::operator=(PolicySet&&) noexcept = default;

void PolicySet::add(std::string_view text, const std::string& file) {
  if (text.size() > kMaxPolicyBytes) fail(file, "policy file larger than " + std::to_string(kMaxPolicyBytes) + " bytes");
  YamlStream stream = load_yaml_stream(text, file);
  if (stream.error) throw Error(*stream.error);
  std::vector<std::unique_ptr<CustomRule>> added;
  std::map<std::string, std::string> defined = defined_at_;
  RuleReader reader(file);
  bool any_document = false;
  for (const YamlDocument& doc : stream.documents) {
    const YamlNode& root = *doc.root;
    if (root.is_null()) continue;
    any_document = true;
    if (!root.is_map()) bad(file, &root, "a policy file must be a map with a 'rules' list");
    for (const YamlEntry& e : root.entries()) {
      if (e.key->text() != "rules") bad(file, e.key, "unknown key '" + e.key->text() + "' (a policy file holds 'rules')");
    }
    const YamlNode* rules = root.get("rules");
    if (rules == nullptr || !rules->is_sequence()) bad(file, rules == nullptr ? &root : rules, "'rules' must be a list");
    for (const YamlNode* node : rules->items()) {
      if (rules_.size() + added.size() >= kMaxRules) bad(file, node, "more than " + std::to_string(kMaxRules) + " rules");
      auto rule = reader.read(*node);
      const YamlNode* id = node->get("id");
      const std::string key = upper(rule->id);
      if (auto prior = defined.find(key); prior != defined.end())
        bad(file, id, "duplicate rule id " + rule->id + " (already defined at " + prior->second + ")");
      defined.emplace(key, at(file, id->where()));
      added.push_back(std::move(rule));
    }
  }
  if (!any_document) fail(file, "empty policy file: expected a 'rules' list");
  defined_at_ = std::move(defined);
  for (auto& r : added) rules_.push_back(std::move(r));
}

bool PolicySet::defines(std::string_view id) const { return defined_at_.contains(upper(id)); }

bool PolicySet::only_custom_ids(const Comment& comment) const {
  auto s = read_ignore_comment(comment);
  return s && !s->ids.empty() &&
         std::all_of(s->ids.begin(), s->ids.end(), [&](const std::string& id) { return defines(id); });
}

PolicyCheckResult PolicySet::check_kubernetes(const YamlStream& stream, const std::string& file) const {
  PolicyCheckResult result;
  if (std::none_of(rules_.begin(), rules_.end(), [](const auto& r) { return r->target == Target::Kubernetes; }))
    return result;
  for (const KubernetesObject& object : kubernetes_objects(stream)) {
    std::vector<ConfigFinding> found;
    const std::string id = object.id();
    const Specials base = {{"@object", id}, {"@kind", object.kind}, {"@name", object.name},
                           {"@namespace", object.namespace_name}};
    const PodTemplate pod = pod_template(object);
    for (const auto& rule : rules_) {
      if (rule->target != Target::Kubernetes) continue;
      if (!rule->kinds.empty() && !rule->kinds.contains(object.kind)) continue;
      if (rule->scope == Scope::Object) {
        apply_rule(*rule, *object.node, object.node->where(), base, file, id, found);
      } else if (pod.spec != nullptr && rule->scope == Scope::Pod) {
        apply_rule(*rule, *pod.spec, pod.spec->where(), base, file, id, found);
      } else if (pod.spec != nullptr && rule->scope == Scope::Container) {
        for (const ContainerRef& c : containers_of(*pod.spec)) {
          Specials specials = base;
          specials["@container"] = c.name;
          apply_rule(*rule, *c.node, c.node->where(), std::move(specials), file, id, found);
        }
      }
    }
    const std::set<std::string> ignored = annotation_suppressions(object);
    for (ConfigFinding& f : found) {
      if (ignored.contains(upper(f.rule_id)))
        ++result.suppressed;
      else
        result.findings.push_back(std::move(f));
    }
  }
  return result;
}

PolicyCheckResult PolicySet::check_dockerfile(const Dockerfile& dockerfile, const std::string& file) const {
  PolicyCheckResult result;
  std::vector<ConfigFinding> found;
  for (const auto& rule : rules_) {
    if (rule->target != Target::Dockerfile) continue;
    if (rule->scope == Scope::File) {
      Fact f = Fact::map({1, 1});
      Fact stages = Fact::list({1, 1});
      for (const Stage& st : dockerfile.stages) stages.items.push_back(stage_fact(st));
      Fact directives = Fact::map({1, 1});
      for (const auto& [k, v] : dockerfile.directives) directives.put(k, Fact::scalar(v, {1, 1}));
      f.put("stages", std::move(stages));
      f.put("directives", std::move(directives));
      apply_rule(*rule, f, {1, 1}, {}, file, "", found);
      continue;
    }
    for (const Stage& st : dockerfile.stages) {
      const std::string object = stage_object(st);
      if (rule->scope == Scope::Stage) {
        Fact f = stage_fact(st);
        apply_rule(*rule, f, f.where, {{"@stage", object}}, file, object, found);
        continue;
      }
      for (const Instruction& ins : st.instructions) {
        if (!rule->instructions.empty() && !rule->instructions.contains(ins.keyword)) continue;
        Fact f = instruction_fact(ins, &st);
        apply_rule(*rule, f, ins.start, {{"@stage", object}, {"@instruction", ins.keyword}}, file, object, found);
      }
    }
  }
  const auto suppressions = comment_suppressions(dockerfile);
  for (ConfigFinding& f : found) {
    const std::string id = upper(f.rule_id);
    bool ignored = std::any_of(suppressions.begin(), suppressions.end(), [&](const CommentSuppression& s) {
      return s.ids.contains(id) && f.where.line >= s.first_line && f.where.line <= s.last_line;
    });
    if (ignored)
      ++result.suppressed;
    else
      result.findings.push_back(std::move(f));
  }
  return result;
}

PolicySet load_policy_files(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  PolicySet set;
  for (const std::string& p : paths) {
    std::error_code ec;
    auto status = fs::status(p, ec);
    if (ec || !fs::exists(status)) fail(p, "no such policy file or directory");
    std::vector<fs::path> files;
    if (fs::is_directory(status)) {
      for (fs::directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string ext = it->path().extension().string();
        if ((ext == ".yaml" || ext == ".yml") && it->is_regular_file(ec)) files.push_back(it->path());
      }
      if (ec) fail(p, ec.message());
      std::sort(files.begin(), files.end());
    } else {
      files.emplace_back(p);
    }
    for (const fs::path& f : files) set.add(read_file(f, kMaxPolicyBytes), f.string());
  }
  return set;
}

}  // namespace moat::misconfig
