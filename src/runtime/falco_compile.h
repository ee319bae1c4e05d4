#pragma once
// A parsed condition compiled into a tree of evaluator nodes: macros inlined, lists expanded,
// fields bound, operands pre-parsed into the field's type (numbers, CIDRs, hash sets, byte
// strings), and the set of event types on which the condition can be true computed, so the rule
// set only tries a rule on events that may match it.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/falco_condition.h"
#include "runtime/falco_fields.h"

namespace moat::runtime::falco {

// Names a condition may refer to, as the rule set knows them after all files are loaded.
class NameResolver {
 public:
  virtual ~NameResolver() = default;
  virtual const Expr* macro(std::string_view name) const = 0;                     // nullptr: unknown
  virtual const std::vector<std::string>* list(std::string_view name) const = 0;  // items, lists expanded
};

class Node {
 public:
  virtual ~Node() = default;
  virtual bool eval(Env& env) const = 0;
};

struct Program {
  std::unique_ptr<Node> root;
  TypeMask types = kAllTypes;  // event types on which the condition can be true
  bool uses_evt_type = false;  // false: Falco would warn that the rule runs on every event
  bool eval(Env& env) const { return root->eval(env); }
};

// Macros compiled once and shared by every rule that uses them, each with a memo slot in Env.
struct MacroCache {
  struct Entry;
  MacroCache();
  ~MacroCache();
  std::vector<std::unique_ptr<Entry>> entries;
  size_t slots() const { return entries.size(); }
};

// Throws moat::Error("<where>: <what>") for an unknown macro, list or field, an operator the
// field does not support, a value of the wrong type, or macros that refer to themselves.
Program compile(const Expr& root, const NameResolver& names, const std::string& where, MacroCache& macros);

// Wildcard match with *, ? and [...] (Falco's glob); exposed for tests.
bool glob_match(std::string_view pattern, std::string_view text, bool ignore_case);

}  // namespace moat::runtime::falco
