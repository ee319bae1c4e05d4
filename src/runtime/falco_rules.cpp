// Loader for Falco rule files and the compiled, event-type-indexed rule set.
//
// Semantics follow Falco's rule loader: items apply in file order; a list, macro or rule defined
// again replaces the earlier one; `append: true` (old style) or `override: {key: append|replace}`
// (new style) change an existing one; a rule item holding only `enabled` toggles an existing rule;
// names are resolved only when compiling, after every file is loaded, and only for enabled rules.
#include "runtime/falco_rules.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "base/error.h"
#include "runtime/falco_compile.h"
#include "runtime/falco_output.h"

namespace moat::runtime::falco {
namespace {

constexpr size_t kMaxFileBytes = 16u << 20;
constexpr int kMaxListDepth = 32;
constexpr size_t kMaxListItems = 1u << 20;
constexpr size_t kMaxListBytes = 64u << 20;  // lists of lists could otherwise multiply a small file

std::string at(const std::string& file, const YAML::Node& n) { return file + ":" + std::to_string(n.Mark().line + 1); }

std::string scalar(const YAML::Node& n, const std::string& file, const std::string& what) {
  if (!n.IsScalar()) fail(at(file, n), what + " must be a string");
  return n.Scalar();
}

bool boolean(const YAML::Node& n, const std::string& file, const std::string& what) {
  const std::string s = scalar(n, file, what);
  if (s == "true" || s == "True" || s == "TRUE" || s == "yes") return true;
  if (s == "false" || s == "False" || s == "FALSE" || s == "no") return false;
  fail(at(file, n), what + " must be true or false, not '" + s + "'");
}

std::vector<std::string> string_seq(const YAML::Node& n, const std::string& file, const std::string& what) {
  if (n.IsNull()) return {};
  if (!n.IsSequence()) fail(at(file, n), what + " must be a list");
  std::vector<std::string> out;
  for (const auto& item : n) out.push_back(scalar(item, file, "each item of " + what));
  return out;
}

// List items are pasted into conditions by Falco, so an item written with its own quotes
// ('"10.0.0.0/8"') stands for the unquoted text.
std::string unquote_item(std::string s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    return s.substr(1, s.size() - 2);
  }
  return s;
}

Priority parse_priority(const YAML::Node& n, const std::string& file) {
  std::string s = scalar(n, file, "priority");
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::array<std::pair<std::string_view, Priority>, 10> kNames = {{
      {"emergency", Priority::Emergency},
      {"alert", Priority::Alert},
      {"critical", Priority::Critical},
      {"error", Priority::Error},
      {"warning", Priority::Warning},
      {"notice", Priority::Notice},
      {"informational", Priority::Informational},
      {"info", Priority::Informational},
      {"debug", Priority::Debug},
      {"warn", Priority::Warning},
  }};
  for (const auto& [name, p] : kNames) {
    if (name == s) return p;
  }
  fail(at(file, n), "unknown priority '" + n.Scalar() + "'");
}

const std::set<std::string, std::less<>> kListKeys = {"list", "items", "append", "override"};
const std::set<std::string, std::less<>> kMacroKeys = {"macro", "condition", "append", "override"};
const std::set<std::string, std::less<>> kRuleKeys = {"rule",
                                                      "desc",
                                                      "condition",
                                                      "output",
                                                      "priority",
                                                      "tags",
                                                      "enabled",
                                                      "exceptions",
                                                      "source",
                                                      "append",
                                                      "override",
                                                      "warn_evttypes",
                                                      "skip-if-unknown-filter",
                                                      "capture",
                                                      "capture_duration"};
const std::set<std::string, std::less<>> kRuleAppendable = {"condition", "output", "desc", "tags", "exceptions"};

struct Overrides {
  std::map<std::string, bool, std::less<>> append;  // key -> true: append, false: replace
  bool any = false;
};

// The `override:` mapping of an item: every other key must be named there, with append only for
// keys that can be appended.
Overrides read_overrides(const YAML::Node& item, const std::string& name_key, const std::string& file,
                         const std::set<std::string, std::less<>>& appendable) {
  Overrides o;
  const YAML::Node ov = item["override"];
  if (!ov) return o;
  if (!ov.IsMap()) fail(at(file, ov), "override must be a mapping of key: append|replace");
  if (item["append"]) fail(at(file, ov), "an item may not have both append and override");
  o.any = true;
  for (const auto& kv : ov) {
    const std::string key = scalar(kv.first, file, "override key");
    const std::string how = scalar(kv.second, file, "override of " + key);
    if (how != "append" && how != "replace")
      fail(at(file, kv.second), "override of " + key + " must be append or replace");
    if (how == "append" && !appendable.contains(key)) fail(at(file, kv.second), "key " + key + " cannot be appended");
    if (!item[key]) fail(at(file, kv.first), "override names " + key + " but the item has no " + key);
    o.append[key] = how == "append";
  }
  for (const auto& kv : item) {
    const std::string key = kv.first.Scalar();
    if (key == name_key || key == "override") continue;
    if (!o.append.contains(key)) fail(at(file, kv.first), "key " + key + " needs an entry in override");
  }
  return o;
}

FieldRef parse_field_text(const std::string& text, const std::string& where) {
  auto e = parse_condition(text + " exists", where);
  if (e->kind != ExprKind::Check) fail(where, "'" + text + "' is not a field");
  return e->field;
}

bool valid_comp(std::string_view c) {
  static const std::set<std::string_view> kOps = {
      "=",          "==",          "!=",       "<",    "<=",    ">",      ">=", "contains",   "icontains", "bcontains",
      "startswith", "bstartswith", "endswith", "glob", "iglob", "pmatch", "in", "intersects", "regex"};
  return kOps.contains(c);
}

// With `appending`, an exception may give only a name and values: they extend the exception of
// that name already on the rule (checked in merge_exceptions).
std::vector<Exception> read_exceptions(const YAML::Node& n, const std::string& file, const std::string& rule,
                                       bool appending) {
  if (!n.IsSequence()) fail(at(file, n), "rule '" + rule + "': exceptions must be a list");
  std::vector<Exception> out;
  for (const auto& item : n) {
    const std::string where = at(file, item) + ": rule '" + rule + "' exception";
    if (!item.IsMap()) fail(where, "must be a mapping");
    Exception e;
    for (const auto& kv : item) {
      const std::string key = kv.first.Scalar();
      if (key != "name" && key != "fields" && key != "comps" && key != "values")
        fail(at(file, kv.first), "rule '" + rule + "' exception: unknown key " + key);
    }
    if (!item["name"]) fail(where, "needs a name");
    e.name = scalar(item["name"], file, "exception name");
    const YAML::Node fields = item["fields"];
    if (!fields && appending) {
      if (const YAML::Node values = item["values"]) {
        if (!values.IsSequence())
          fail(at(file, values), "rule '" + rule + "' exception '" + e.name + "': values must be a list");
        for (const auto& v : values) {
          std::vector<std::vector<std::string>> tuple;
          if (v.IsSequence()) {
            for (const auto& part : v) {
              tuple.push_back(part.IsSequence() ? string_seq(part, file, "exception value")
                                                : std::vector<std::string>{scalar(part, file, "exception value")});
            }
          } else {
            tuple.push_back({scalar(v, file, "exception value")});
          }
          e.values.push_back(std::move(tuple));
        }
      }
      out.push_back(std::move(e));
      continue;
    }
    if (!fields) fail(where, "'" + e.name + "' needs fields");
    if (fields.IsScalar()) {
      e.single_field = true;
      e.fields = {fields.Scalar()};
    } else {
      e.fields = string_seq(fields, file, "exception fields");
    }
    if (e.fields.empty()) fail(where, "'" + e.name + "' needs at least one field");
    for (const auto& f : e.fields) parse_field_text(f, where + " '" + e.name + "'");
    if (const YAML::Node comps = item["comps"]) {
      e.comps =
          comps.IsScalar() ? std::vector<std::string>{comps.Scalar()} : string_seq(comps, file, "exception comps");
    } else {
      e.comps.assign(e.fields.size(), e.single_field ? "in" : "=");
    }
    if (e.comps.size() != e.fields.size())
      fail(where, "'" + e.name + "' has " + std::to_string(e.fields.size()) + " fields but " +
                      std::to_string(e.comps.size()) + " comps");
    for (const auto& c : e.comps) {
      if (!valid_comp(c)) fail(where, "'" + e.name + "' has an unknown comparison operator '" + c + "'");
    }
    if (const YAML::Node values = item["values"]) {
      if (!values.IsSequence())
        fail(at(file, values), "rule '" + rule + "' exception '" + e.name + "': values must be a list");
      for (const auto& v : values) {
        std::vector<std::vector<std::string>> tuple;
        if (e.single_field) {
          if (v.IsSequence()) {
            tuple.push_back(string_seq(v, file, "exception value"));
          } else {
            tuple.push_back({scalar(v, file, "exception value")});
          }
        } else {
          if (!v.IsSequence() || v.size() != e.fields.size())
            fail(at(file, v), "rule '" + rule + "' exception '" + e.name + "': each value must be a list of " +
                                  std::to_string(e.fields.size()) + " items");
          for (const auto& part : v) {
            if (part.IsSequence()) {
              tuple.push_back(string_seq(part, file, "exception value"));
            } else {
              tuple.push_back({scalar(part, file, "exception value")});
            }
          }
        }
        e.values.push_back(std::move(tuple));
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

void merge_exceptions(std::vector<Exception>& into, std::vector<Exception> more, const std::string& where) {
  for (auto& e : more) {
    auto it = std::find_if(into.begin(), into.end(), [&](const Exception& x) { return x.name == e.name; });
    if (it == into.end()) {
      if (e.fields.empty()) fail(where, "exception '" + e.name + "' is new here and needs fields");
      into.push_back(std::move(e));
      continue;
    }
    for (auto& v : e.values) {
      if (it->single_field) {
        std::vector<std::string> flat;
        for (auto& part : v) flat.insert(flat.end(), part.begin(), part.end());
        it->values.push_back({std::move(flat)});
      } else {
        if (v.size() != it->fields.size())
          fail(where, "exception '" + e.name + "': each value must be a list of " + std::to_string(it->fields.size()) +
                          " items");
        it->values.push_back(std::move(v));
      }
    }
  }
}

ExprPtr make_check(const FieldRef& field, const std::string& op, const std::vector<std::string>& value) {
  auto c = std::make_unique<Expr>();
  c->kind = ExprKind::Check;
  c->field = field;
  c->op = op == "==" ? "=" : op;
  if (is_list_op(c->op)) {
    c->operand = Operand::List;
    c->values = value;
  } else {
    c->operand = Operand::Value;
    c->value = value.empty() ? std::string() : value[0];
  }
  return c;
}

ExprPtr group(ExprKind kind, std::vector<ExprPtr> children) {
  if (children.size() == 1) return std::move(children[0]);
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->children = std::move(children);
  return e;
}

// `not (tuple1 or tuple2 ...)` for every exception with values.
ExprPtr exceptions_expr(const std::vector<Exception>& exceptions, const std::string& where) {
  std::vector<ExprPtr> alternatives;
  for (const auto& e : exceptions) {
    std::vector<FieldRef> fields;
    for (const auto& f : e.fields) fields.push_back(parse_field_text(f, where));
    for (const auto& tuple : e.values) {
      if (e.single_field) {
        const std::string& op = e.comps[0];
        if (is_list_op(op == "==" ? "=" : op)) {
          alternatives.push_back(make_check(fields[0], op, tuple[0]));
        } else {
          for (const auto& v : tuple[0]) alternatives.push_back(make_check(fields[0], op, {v}));
        }
        continue;
      }
      std::vector<ExprPtr> parts;
      for (size_t k = 0; k < fields.size(); ++k) {
        const std::string op = e.comps[k] == "==" ? "=" : e.comps[k];
        if (!is_list_op(op) && tuple[k].size() != 1)
          fail(where, "exception '" + e.name + "': operator " + op + " needs a single value");
        parts.push_back(make_check(fields[k], op, tuple[k]));
      }
      alternatives.push_back(group(ExprKind::And, std::move(parts)));
    }
  }
  if (alternatives.empty()) return nullptr;
  auto n = std::make_unique<Expr>();
  n->kind = ExprKind::Not;
  n->children.push_back(group(ExprKind::Or, std::move(alternatives)));
  return n;
}

std::string iso_time(uint64_t ts_ns) {
  const time_t secs = static_cast<time_t>(ts_ns / 1000000000ULL);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char tmp[64];
  std::snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%09lluZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<unsigned long long>(ts_ns % 1000000000ULL));
  return tmp;
}

std::string clock_time(uint64_t ts_ns) {
  const time_t secs = static_cast<time_t>(ts_ns / 1000000000ULL);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char tmp[32];
  std::snprintf(tmp, sizeof tmp, "%02d:%02d:%02d.%09llu", tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<unsigned long long>(ts_ns % 1000000000ULL));
  return tmp;
}

}  // namespace

std::string_view priority_name(Priority p) {
  switch (p) {
    case Priority::Emergency:
      return "Emergency";
    case Priority::Alert:
      return "Alert";
    case Priority::Critical:
      return "Critical";
    case Priority::Error:
      return "Error";
    case Priority::Warning:
      return "Warning";
    case Priority::Notice:
      return "Notice";
    case Priority::Informational:
      return "Informational";
    case Priority::Debug:
      return "Debug";
  }
  return "Debug";
}

struct RuleSet::Impl {
  struct Compiled {
    const Rule* rule = nullptr;
    Program program;
    std::unique_ptr<OutputFormat> output;
  };
  MacroCache macros;  // before `compiled`: programs point into it
  std::vector<Compiled> compiled;
  std::array<std::vector<const Compiled*>, kEventTypeCount> by_type;
  std::map<const Rule*, const Compiled*> by_rule;
};

RuleSet::RuleSet(RuleSetOptions options) : options_(std::move(options)) {}
RuleSet::~RuleSet() = default;
RuleSet::RuleSet(RuleSet&&) noexcept = default;
RuleSet& RuleSet::operator=(RuleSet&&) noexcept = default;

size_t RuleSet::compiled_rule_count() const { return impl_ ? impl_->compiled.size() : 0; }

void RuleSet::load(std::string_view yaml, const std::string& file) {
  impl_.reset();  // anything loaded invalidates a previous compile
  if (yaml.size() > kMaxFileBytes) fail(file, "rules file larger than " + std::to_string(kMaxFileBytes >> 20) + " MiB");
  if (yaml.find('\0') != std::string_view::npos) fail(file, "rules file contains NUL bytes");
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    fail(file + ":" + std::to_string(e.mark.line + 1), "invalid YAML: " + e.msg);
  }
  if (root.IsNull()) return;
  if (!root.IsSequence()) fail(at(file, root), "a rules file must be a list of rule, macro and list items");

  for (const auto& item : root) {
    if (!item.IsMap()) fail(at(file, item), "each item must be a mapping (rule, macro, list...)");
    if (item["required_engine_version"]) {
      if (item.size() != 1) fail(at(file, item), "required_engine_version stands alone");
      scalar(item["required_engine_version"], file, "required_engine_version");
      continue;
    }
    if (item["required_plugin_versions"]) {
      const YAML::Node pv = item["required_plugin_versions"];
      if (!pv.IsSequence()) fail(at(file, pv), "required_plugin_versions must be a list");
      for (const auto& p : pv) {
        if (!p.IsMap() || !p["name"] || !p["version"])
          fail(at(file, p), "each required plugin needs a name and a version");
        scalar(p["name"], file, "plugin name");
        scalar(p["version"], file, "plugin version");
      }
      continue;
    }
    const char* kind = item["rule"] ? "rule" : item["macro"] ? "macro" : item["list"] ? "list" : nullptr;
    if (kind == nullptr) {
      std::string first = item.begin() != item.end() ? item.begin()->first.Scalar() : "";
      fail(at(file, item), "unknown item '" + first +
                               "', expected rule, macro, list, required_engine_version or required_plugin_versions");
    }
    const std::string name = scalar(item[kind], file, std::string(kind) + " name");
    if (name.empty()) fail(at(file, item), std::string(kind) + " name is empty");
    const std::string kind_s = kind;
    const auto& allowed = kind_s == "rule" ? kRuleKeys : kind_s == "macro" ? kMacroKeys : kListKeys;
    for (const auto& kv : item) {
      const std::string key = kv.first.Scalar();
      if (!allowed.contains(key))
        warnings_.push_back(at(file, kv.first) + ": " + kind_s + " '" + name + "': unknown key " + key);
    }
    const bool append = item["append"] && boolean(item["append"], file, "append");
    const std::string where = at(file, item) + ": " + kind_s + " '" + name + "'";

    if (kind_s == "list") {
      const Overrides ov = read_overrides(item, "list", file, {"items"});
      if (!item["items"]) fail(where, "needs items");
      std::vector<std::string> items = string_seq(item["items"], file, "items");
      for (auto& s : items) s = unquote_item(std::move(s));
      auto it = lists_.find(name);
      const bool add = append || (ov.any && ov.append.at("items"));
      if (append || ov.any) {
        if (it == lists_.end()) fail(where, "append/override of a list that is not defined");
        if (add) {
          it->second.items.insert(it->second.items.end(), items.begin(), items.end());
        } else {
          it->second.items = std::move(items);
        }
        if (it->second.items.size() > kMaxListItems) fail(where, "list is too long");
      } else {
        lists_[name] = ListDef{std::move(items), file, static_cast<int>(item.Mark().line + 1)};
      }
      continue;
    }

    if (kind_s == "macro") {
      const Overrides ov = read_overrides(item, "macro", file, {"condition"});
      if (!item["condition"]) fail(where, "needs a condition");
      const std::string cond = scalar(item["condition"], file, "condition");
      auto it = macros_.find(name);
      std::string text = cond;
      if (append || ov.any) {
        if (it == macros_.end()) fail(where, "append/override of a macro that is not defined");
        if (append || ov.append.at("condition")) text = it->second.condition + " " + cond;
      }
      auto ast = parse_condition(text, where + " condition");
      macros_[name] = MacroDef{text, file, static_cast<int>(item.Mark().line + 1), std::move(ast)};
      continue;
    }

    // rule
    const Overrides ov = read_overrides(item, "rule", file, kRuleAppendable);
    auto existing = rule_index_.find(name);
    const bool only_enabled = item["enabled"] && item.size() == 2;
    if (append || ov.any || (only_enabled && existing != rule_index_.end())) {
      if (existing == rule_index_.end()) fail(where, "append/override of a rule that is not defined");
      Rule& r = rules_[existing->second];
      auto wants_append = [&](const char* key) { return append || (ov.any && ov.append.at(key)); };
      if (item["condition"]) {
        const std::string cond = scalar(item["condition"], file, "condition");
        r.condition = wants_append("condition") ? r.condition + " " + cond : cond;
        parse_condition(r.condition, where + " condition");
      }
      if (item["output"]) {
        const std::string out = scalar(item["output"], file, "output");
        r.output = wants_append("output") ? r.output + " " + out : out;
      }
      if (item["desc"]) {
        const std::string desc = scalar(item["desc"], file, "desc");
        r.desc = wants_append("desc") ? r.desc + " " + desc : desc;
      }
      if (item["tags"]) {
        auto tags = string_seq(item["tags"], file, "tags");
        if (!wants_append("tags")) r.tags.clear();
        r.tags.insert(r.tags.end(), tags.begin(), tags.end());
      }
      if (item["exceptions"]) {
        const bool add = wants_append("exceptions");
        auto exc = read_exceptions(item["exceptions"], file, name, add);
        if (add) {
          merge_exceptions(r.exceptions, std::move(exc), where);
        } else {
          r.exceptions = std::move(exc);
        }
      }
      if (item["priority"]) {
        if (append) fail(where, "priority cannot be appended");
        r.priority = parse_priority(item["priority"], file);
      }
      if (item["enabled"]) r.enabled = boolean(item["enabled"], file, "enabled");
      continue;
    }
    if (only_enabled) fail(where, "sets enabled but no such rule is defined");
    Rule r;
    r.name = name;
    for (const char* key : {"condition", "output", "desc", "priority"}) {
      if (!item[key]) fail(where, std::string("needs ") + key);
    }
    r.condition = scalar(item["condition"], file, "condition");
    r.output = scalar(item["output"], file, "output");
    r.desc = scalar(item["desc"], file, "desc");
    r.priority = parse_priority(item["priority"], file);
    if (item["tags"]) r.tags = string_seq(item["tags"], file, "tags");
    if (item["enabled"]) r.enabled = boolean(item["enabled"], file, "enabled");
    if (item["source"]) r.source = scalar(item["source"], file, "source");
    if (item["exceptions"]) r.exceptions = read_exceptions(item["exceptions"], file, name, false);
    r.file = file;
    r.line = static_cast<int>(item.Mark().line + 1);
    parse_condition(r.condition, where + " condition");
    if (existing != rule_index_.end()) {
      rules_[existing->second] = std::move(r);
    } else {
      rule_index_[name] = rules_.size();
      rules_.push_back(std::move(r));
    }
  }
}

namespace {

class Resolver final : public NameResolver {
 public:
  Resolver(const std::map<std::string, std::shared_ptr<const Expr>, std::less<>>& macros,
           const std::map<std::string, std::vector<std::string>, std::less<>>& lists)
      : macros_(macros), lists_(lists) {}
  const Expr* macro(std::string_view name) const override {
    auto it = macros_.find(name);
    return it == macros_.end() ? nullptr : it->second.get();
  }
  const std::vector<std::string>* list(std::string_view name) const override {
    auto it = lists_.find(name);
    return it == lists_.end() ? nullptr : &it->second;
  }

 private:
  const std::map<std::string, std::shared_ptr<const Expr>, std::less<>>& macros_;
  const std::map<std::string, std::vector<std::string>, std::less<>>& lists_;
};

}  // namespace

void RuleSet::compile() {
  // Lists with the names of other lists among their items expanded (Falco does this too).
  std::map<std::string, std::vector<std::string>, std::less<>> lists;
  std::function<const std::vector<std::string>&(const std::string&, int)> expand =
      [&](const std::string& name, int depth) -> const std::vector<std::string>& {
    if (auto it = lists.find(name); it != lists.end()) return it->second;
    const ListDef& def = lists_.at(name);
    if (depth > kMaxListDepth)
      fail(def.file + ":" + std::to_string(def.line), "list '" + name + "' nests too deep or refers to itself");
    std::vector<std::string> items;
    size_t bytes = 0;
    for (const auto& item : def.items) {
      if (item != name && lists_.contains(item)) {
        const auto& inner = expand(item, depth + 1);
        for (const auto& x : inner) bytes += x.size();
        if (bytes > kMaxListBytes || items.size() + inner.size() > kMaxListItems)
          fail(def.file + ":" + std::to_string(def.line), "list '" + name + "' is too long once expanded");
        items.insert(items.end(), inner.begin(), inner.end());
      } else {
        bytes += item.size();
        items.push_back(item);
      }
    }
    return lists.emplace(name, std::move(items)).first->second;
  };
  for (const auto& [name, def] : lists_) expand(name, 0);

  std::map<std::string, std::shared_ptr<const Expr>, std::less<>> macros;
  for (const auto& [name, def] : macros_) macros[name] = def.ast;
  const Resolver resolver(macros, lists);

  auto impl = std::make_unique<Impl>();
  impl->compiled.reserve(rules_.size());
  for (const Rule& r : rules_) {
    if (!r.enabled) continue;
    if (r.source != "syscall") {
      warnings_.push_back(r.file + ":" + std::to_string(r.line) + ": rule '" + r.name + "' has source " + r.source +
                          ", which this engine does not evaluate");
      continue;
    }
    const std::string where = r.file + ":" + std::to_string(r.line) + ": rule '" + r.name + "'";
    ExprPtr ast = parse_condition(r.condition, where + " condition");
    if (ExprPtr exc = exceptions_expr(r.exceptions, where)) {
      std::vector<ExprPtr> both;
      both.push_back(std::move(ast));
      both.push_back(std::move(exc));
      ast = group(ExprKind::And, std::move(both));
    }
    Impl::Compiled c;
    c.rule = &r;
    c.program = falco::compile(*ast, resolver, where, impl->macros);
    std::string output = r.output;
    if (options_.append_container_info && output.find("%container.id") == std::string::npos &&
        output.find("%container.info") == std::string::npos) {
      output += " " + options_.container_info;
    }
    c.output = std::make_unique<OutputFormat>(output, options_.container_info, where);
    if (!c.program.uses_evt_type) {
      warnings_.push_back(where + ": condition does not restrict evt.type; the rule runs on every event");
    }
    impl->compiled.push_back(std::move(c));
  }
  for (const auto& c : impl->compiled) {
    for (int t = 0; t < kEventTypeCount; ++t) {
      if (c.program.types & (TypeMask{1} << t)) impl->by_type[static_cast<size_t>(t)].push_back(&c);
    }
    impl->by_rule[c.rule] = &c;
  }
  impl_ = std::move(impl);
}

void RuleSet::match(const Event& ev, const EvalContext& ctx, std::vector<const Rule*>& out) const {
  if (!impl_) fail("rule set", "match() before compile()");
  const size_t t = static_cast<size_t>(ev.type);
  if (t >= impl_->by_type.size()) return;
  thread_local Env env;
  env.reset(ev, ctx, impl_->macros.slots());
  for (const Impl::Compiled* c : impl_->by_type[t]) {
    if (c->program.eval(env)) out.push_back(c->rule);
  }
}

uint64_t RuleSet::event_types(const Rule& rule) const {
  if (!impl_) return 0;
  auto it = impl_->by_rule.find(&rule);
  return it == impl_->by_rule.end() ? 0 : it->second->program.types;
}

std::string RuleSet::alert_json(const Rule& rule, const Event& ev, const EvalContext& ctx) const {
  if (!impl_) fail("rule set", "alert_json() before compile()");
  auto it = impl_->by_rule.find(&rule);
  if (it == impl_->by_rule.end()) fail("rule set", "rule '" + rule.name + "' is not compiled here");
  Env env;
  env.reset(ev, ctx, impl_->macros.slots());
  std::string text = clock_time(ev.ts_ns) + ": " + std::string(priority_name(rule.priority)) + " ";
  nlohmann::json fields = nlohmann::json::object();
  it->second->output->render(env, text, &fields);
  nlohmann::json alert = {
      {"hostname", std::string(ctx.hostname)},
      {"output", text},
      {"output_fields", fields},
      {"priority", std::string(priority_name(rule.priority))},
      {"rule", rule.name},
      {"source", rule.source},
      {"tags", rule.tags},
      {"time", iso_time(ev.ts_ns)},
  };
  return alert.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace moat::runtime::falco
