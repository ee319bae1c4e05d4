#include "secret/rules.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "base/error.h"
#include "base/text.h"
#include "secret/builtin_rules.h"
#include "secret/compiled_rule.h"

namespace moat::secret {
namespace {

// A rule file is small; these bound what a hostile one can make the reader build.
constexpr size_t kMaxFileBytes = 4 << 20;
constexpr int kMaxDepth = 16;
constexpr size_t kMaxNodes = 200'000;
constexpr size_t kMaxScalarBytes = 64 << 10;

// The YAML of a rule file as a small tree that keeps each node's line.
struct Node {
  enum class Kind { Null, Scalar, Sequence, Map } kind = Kind::Null;
  std::string text;
  bool plain = false;  // an unquoted scalar: only those are read as booleans
  int line = 0;
  std::vector<std::unique_ptr<Node>> items;  // a map holds key, value, key, value, ...
};

class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(std::string origin) : origin_(std::move(origin)) {}

  std::unique_ptr<Node> take() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1) fail(at(mark), "more than one YAML document in a rule file");
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { add(make(Node::Kind::Null, mark)); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    fail(at(mark), "anchors and aliases are not supported in rule files");
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t, const std::string& value) override {
    if (value.size() > kMaxScalarBytes)
      fail(at(mark), "value longer than " + std::to_string(kMaxScalarBytes) + " bytes");
    auto node = make(Node::Kind::Scalar, mark);
    node->text = value;
    node->plain = tag == "?";
    add(std::move(node));
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    open(make(Node::Kind::Sequence, mark), mark);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    open(make(Node::Kind::Map, mark), mark);
  }
  void OnMapEnd() override { close(); }

 private:
  std::string at(const YAML::Mark& mark) const { return origin_ + ":" + std::to_string(mark.line + 1); }

  std::unique_ptr<Node> make(Node::Kind kind, const YAML::Mark& mark) {
    if (++nodes_ > kMaxNodes) fail(at(mark), "more than " + std::to_string(kMaxNodes) + " YAML nodes");
    auto node = std::make_unique<Node>();
    node->kind = kind;
    node->line = mark.line + 1;
    return node;
  }
  void add(std::unique_ptr<Node> node) {
    if (open_.empty()) {
      root_ = std::move(node);  // the only top-level node: a second document is refused
    } else {
      open_.back()->items.push_back(std::move(node));
    }
  }
  // Failing here, before yaml-cpp recurses further, bounds its stack on hostile nesting.
  void open(std::unique_ptr<Node> node, const YAML::Mark& mark) {
    if (static_cast<int>(open_.size()) >= kMaxDepth)
      fail(at(mark), "YAML nested deeper than " + std::to_string(kMaxDepth));
    Node* raw = node.get();
    add(std::move(node));
    open_.push_back(raw);
  }
  void close() {
    if (!open_.empty()) open_.pop_back();
  }

  std::string origin_;
  std::unique_ptr<Node> root_;
  std::vector<Node*> open_;
  size_t nodes_ = 0;
  int documents_ = 0;
};

class Reader {
 public:
  explicit Reader(std::string_view origin) : origin_(origin) {}

  [[noreturn]] void error(const Node& node, const std::string& what) const {
    fail(origin_ + ":" + std::to_string(node.line), what);
  }
  std::string where(const Node& node) const { return origin_ + ":" + std::to_string(node.line); }

  const std::string& scalar(const Node& node, std::string_view field) const {
    if (node.kind != Node::Kind::Scalar) error(node, std::string(field) + " must be a string");
    return node.text;
  }
  std::vector<const Node*> sequence(const Node& node, std::string_view field) const {
    if (node.kind == Node::Kind::Null) return {};
    if (node.kind != Node::Kind::Sequence) error(node, std::string(field) + " must be a list");
    std::vector<const Node*> out;
    for (const auto& item : node.items) out.push_back(item.get());
    return out;
  }
  std::vector<std::string> strings(const Node& node, std::string_view field) const {
    std::vector<std::string> out;
    for (const Node* item : sequence(node, field)) out.push_back(scalar(*item, std::string(field) + " entry"));
    return out;
  }
  // The entries of a map as (key node, value node), refusing keys outside `known` and repeats.
  template <size_t N>
  std::vector<std::pair<const Node*, const Node*>> entries(const Node& node, std::string_view what,
                                                           const std::array<std::string_view, N>& known) const {
    if (node.kind != Node::Kind::Map) error(node, std::string(what) + " must be a mapping");
    std::vector<std::pair<const Node*, const Node*>> out;
    std::set<std::string> seen;
    for (size_t i = 0; i + 1 < node.items.size(); i += 2) {
      const Node& key = *node.items[i];
      const std::string& name = scalar(key, "a key");
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        error(key, "unknown key " + quoted_excerpt(name) + " in " + std::string(what));
      }
      if (!seen.insert(name).second) error(key, "key " + name + " given twice in " + std::string(what));
      out.emplace_back(&key, node.items[i + 1].get());
    }
    return out;
  }

  SecretRule rule(const Node& node) const {
    static constexpr std::array<std::string_view, 11> kKeys = {"id",      "title",       "severity",       "keywords",
                                                               "regex",   "min_entropy", "allow",          "paths",
                                                               "generic", "examples",    "counterexamples"};
    SecretRule rule;
    rule.origin = where(node);
    const auto fields = entries(node, "a rule", kKeys);
    for (const auto& [key, value] : fields) {
      if (key->text == "id") rule.id = scalar(*value, "id");
    }
    if (rule.id.empty()) error(node, "rule without an id");
    if (!valid_id(rule.id))
      error(node, "rule id " + quoted_excerpt(rule.id) + " is not lower-case words joined by dashes");
    const std::string in_rule = " of rule " + rule.id;
    for (const auto& [key, value] : fields) {
      const std::string& name = key->text;
      if (name == "title") {
        rule.title = scalar(*value, "title");
        if (rule.title.find('\n') != std::string::npos) error(*value, "title" + in_rule + " spans lines");
      } else if (name == "severity") {
        rule.severity = scalar(*value, "severity");
        static constexpr std::array<std::string_view, 4> kLevels = {"LOW", "MEDIUM", "HIGH", "CRITICAL"};
        if (std::find(kLevels.begin(), kLevels.end(), rule.severity) == kLevels.end()) {
          error(*value, "severity" + in_rule + " is " + quoted_excerpt(rule.severity) +
                            ", not one of LOW, MEDIUM, HIGH, CRITICAL");
        }
      } else if (name == "keywords") {
        for (const std::string& k : strings(*value, "keywords")) {
          if (k.empty()) error(*value, "empty keyword" + in_rule);
          rule.keywords.push_back(ascii_lower(k));
        }
      } else if (name == "regex") {
        rule.regex = scalar(*value, "regex");
      } else if (name == "min_entropy") {
        rule.min_entropy = entropy(*value, in_rule);
      } else if (name == "allow") {
        rule.allow = strings(*value, "allow");
      } else if (name == "paths") {
        rule.paths = scalar(*value, "paths");
      } else if (name == "generic") {
        if (value->kind != Node::Kind::Scalar || !value->plain || (value->text != "true" && value->text != "false")) {
          error(*value, "generic" + in_rule + " must be true or false");
        }
        rule.generic = value->text == "true";
      } else if (name == "examples") {
        rule.examples = strings(*value, "examples");
      } else if (name == "counterexamples") {
        rule.counterexamples = strings(*value, "counterexamples");
      }
    }
    if (rule.title.empty()) error(node, "rule " + rule.id + " has no title");
    if (rule.severity.empty()) error(node, "rule " + rule.id + " has no severity");
    if (rule.regex.empty()) error(node, "rule " + rule.id + " has no regex");
    const std::string named = rule.origin + ": rule " + rule.id;
    // PCRE2, the dialect rules are written in, checks the regex here. Whether Hyperscan can take it is
    // checked where it is compiled for Hyperscan (SecretScanner), and only then: with a compiled
    // database cached for the same rules, that check was passed when it was built.
    Regex(rule.regex, named);
    return rule;
  }

  std::vector<AllowPattern> patterns(const Node& node, std::string_view field) const {
    std::vector<AllowPattern> out;
    for (const Node* item : sequence(node, field)) {
      AllowPattern pattern{scalar(*item, std::string(field) + " entry"), where(*item)};
      Regex(pattern.regex, pattern.origin + ": " + std::string(field));  // compiles, or fails naming the line
      out.push_back(std::move(pattern));
    }
    return out;
  }

 private:
  static bool valid_id(std::string_view id) {
    if (id.size() > 64 || id.front() == '-' || id.back() == '-' || id.find("--") != std::string_view::npos)
      return false;
    return std::all_of(id.begin(), id.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
  }

  double entropy(const Node& value, const std::string& in_rule) const {
    const std::string& text = scalar(value, "min_entropy");
    double number = -1;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc() || end != text.data() + text.size() || !(number >= 0 && number <= 8)) {
      error(value, "min_entropy" + in_rule + " must be a number from 0 to 8 (bits per character)");
    }
    return number;
  }

  std::string origin_;
};

// A rule carries its own test: it must find every example and none of its counterexamples, with
// the allowed secret values of its own file applied.
void check_examples(const SecretRule& rule, const std::vector<Regex>& file_allow) {
  const CompiledRule compiled(rule);
  for (const std::string& example : rule.examples) {
    if (!compiled.find_accepted(example, file_allow)) {
      fail(rule.origin, "rule " + rule.id + " does not find its example " + quoted_excerpt(example));
    }
  }
  for (const std::string& counter : rule.counterexamples) {
    if (compiled.find_accepted(counter, file_allow)) {
      fail(rule.origin, "rule " + rule.id + " finds its counterexample " + quoted_excerpt(counter));
    }
  }
}

RuleSet read(const Node& root, const Reader& reader) {
  RuleSet set;
  if (root.kind == Node::Kind::Null) return set;
  static constexpr std::array<std::string_view, 3> kTop = {"rules", "disable", "allow"};
  static constexpr std::array<std::string_view, 2> kAllow = {"paths", "secrets"};
  std::map<std::string, int> lines;
  for (const auto& [key, value] : reader.entries(root, "the rule file", kTop)) {
    if (key->text == "rules") {
      for (const Node* item : reader.sequence(*value, "rules")) {
        SecretRule rule = reader.rule(*item);
        const auto [first, fresh] = lines.emplace(rule.id, item->line);
        if (!fresh)
          reader.error(*item,
                       "duplicate rule id " + rule.id + " (first at line " + std::to_string(first->second) + ")");
        set.rules.push_back(std::move(rule));
      }
    } else if (key->text == "disable") {
      for (const Node* item : reader.sequence(*value, "disable")) {
        set.disabled.push_back({reader.scalar(*item, "disable entry"), reader.where(*item)});
      }
    } else {
      for (const auto& [allow_key, allow_value] : reader.entries(*value, "allow", kAllow)) {
        auto& into = allow_key->text == "paths" ? set.allow_paths : set.allow_secrets;
        into = reader.patterns(*allow_value, "allow " + allow_key->text);
      }
    }
  }
  std::vector<Regex> file_allow;
  for (const AllowPattern& allow : set.allow_secrets) file_allow.emplace_back(allow.regex, allow.origin);
  for (const SecretRule& rule : set.rules) check_examples(rule, file_allow);
  return set;
}

}  // namespace

RuleSet parse_secret_rules(std::string_view yaml, std::string_view origin) {
  const std::string name(origin);
  if (yaml.size() > kMaxFileBytes) fail(name, "rule file larger than " + std::to_string(kMaxFileBytes) + " bytes");
  if (yaml.find('\0') != std::string_view::npos) fail(name, "binary content (NUL bytes), not a YAML rule file");
  TreeBuilder builder(name);
  try {
    std::istringstream input{std::string(yaml)};
    YAML::Parser parser(input);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const YAML::Exception& e) {
    fail(name + ":" + std::to_string(e.mark.is_null() ? 0 : e.mark.line + 1), "malformed YAML: " + e.msg);
  }
  const std::unique_ptr<Node> root = builder.take();
  if (!root) return {};
  return read(*root, Reader(origin));
}

const RuleSet& builtin_secret_rules() {
  static const RuleSet rules = parse_secret_rules(builtin_rules_text(), "builtin_rules.yaml");
  return rules;
}

void merge_secret_rules(RuleSet& into, const RuleSet& user) {
  std::map<std::string, std::string> defined;
  for (const SecretRule& rule : into.rules) defined.emplace(rule.id, rule.origin);
  for (const DisabledRule& off : user.disabled) {
    if (!defined.count(off.id))
      fail(off.origin, "disables " + quoted_excerpt(off.id) + ", which no earlier rule file defines");
  }
  for (const SecretRule& rule : user.rules) {
    const auto found = defined.find(rule.id);
    if (found != defined.end()) fail(rule.origin, "rule id " + rule.id + " is already defined at " + found->second);
  }
  std::erase_if(into.rules, [&](const SecretRule& rule) {
    return std::any_of(user.disabled.begin(), user.disabled.end(),
                       [&](const DisabledRule& d) { return d.id == rule.id; });
  });
  into.rules.insert(into.rules.end(), user.rules.begin(), user.rules.end());
  into.allow_paths.insert(into.allow_paths.end(), user.allow_paths.begin(), user.allow_paths.end());
  into.allow_secrets.insert(into.allow_secrets.end(), user.allow_secrets.begin(), user.allow_secrets.end());
  into.disabled.insert(into.disabled.end(), user.disabled.begin(), user.disabled.end());
}

double shannon_entropy(std::string_view s) {
  if (s.empty()) return 0;
  std::array<size_t, 256> counts{};
  for (const char c : s) ++counts[static_cast<unsigned char>(c)];
  double bits = 0;
  const double n = static_cast<double>(s.size());
  for (const size_t count : counts) {
    if (count == 0) continue;
    const double p = static_cast<double>(count) / n;
    bits -= p * std::log2(p);
  }
  return bits;
}

}  // namespace moat::secret
