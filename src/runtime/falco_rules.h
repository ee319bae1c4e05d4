#pragma once
// Falco rule files: lists, macros and rules (with append/override and exceptions) loaded from
// YAML, compiled once, and matched against runtime events. Upstream falcosecurity/rules files load
// unmodified. Usage:
//
//   falco::RuleSet rules;
//   rules.load(text, "falco_rules.yaml");      // any number of files, in order
//   rules.compile();                          // resolves names, binds fields, indexes by evt.type
//   std::vector<const falco::Rule*> hits;
//   rules.match(event, context, hits);
//   for (auto* r : hits) emit(rules.alert_json(*r, event, context));
//
// A compiled RuleSet is read-only: match() and alert_json() may run on several threads at once.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/event.h"
#include "runtime/falco_condition.h"
#include "runtime/falco_context.h"

namespace moat::runtime::falco {

enum class Priority { Emergency, Alert, Critical, Error, Warning, Notice, Informational, Debug };
std::string_view priority_name(Priority p);  // "Warning", as Falco prints it

struct Exception {
  std::string name;
  std::vector<std::string> fields;
  std::vector<std::string> comps;
  bool single_field = false;  // `fields: proc.name` (not a list): each value is one item
  // One entry per value tuple; each item is one field's value: a scalar, or a list for in/pmatch.
  std::vector<std::vector<std::vector<std::string>>> values;
};

struct Program;
class OutputFormat;

struct Rule {
  std::string name, desc, condition, output, source = "syscall";
  Priority priority = Priority::Debug;
  std::vector<std::string> tags;
  std::vector<Exception> exceptions;
  bool enabled = true;
  std::string file;
  int line = 0;
};

struct RuleSetOptions {
  // What %container.info stands for, and what is appended to outputs that do not name
  // container.id themselves (Falco's container plugin does the same).
  std::string container_info = "container_id=%container.id container_name=%container.name";
  bool append_container_info = true;
};

class RuleSet {
 public:
  explicit RuleSet(RuleSetOptions options = {});
  ~RuleSet();
  RuleSet(RuleSet&&) noexcept;
  RuleSet& operator=(RuleSet&&) noexcept;

  // Adds one file's items in order. Throws moat::Error("<file>:<line>: ...") on malformed YAML,
  // unknown items or keys, a condition that does not parse, or an append to something undefined.
  void load(std::string_view yaml, const std::string& file);

  // Compiles every enabled syscall rule. Throws moat::Error naming the rule and its file:line for
  // an unknown macro, list or field, or a bad operator or value.
  void compile();

  // Enabled rules whose condition holds, in file order (Falco's rule_matching: all; take the first
  // for rule_matching: first). Does not allocate once warmed up.
  void match(const Event& ev, const EvalContext& ctx, std::vector<const Rule*>& out) const;

  // The Falco JSON alert line:
  // {"hostname","output","output_fields","priority","rule","source","tags","time"}.
  std::string alert_json(const Rule& rule, const Event& ev, const EvalContext& ctx) const;

  // Bit (1 << EventType) set for each event type the compiled rule can fire on; 0 when it can
  // fire on none (it watches syscalls our sensor does not report) or is not compiled. The union
  // over all rules tells the sensor which probes are worth attaching.
  uint64_t event_types(const Rule& rule) const;

  const std::vector<Rule>& rules() const { return rules_; }
  size_t macro_count() const { return macros_.size(); }
  size_t list_count() const { return lists_.size(); }
  size_t compiled_rule_count() const;
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  struct Impl;
  struct MacroDef {
    std::string condition, file;
    int line = 0;
    std::shared_ptr<const Expr> ast;
  };
  struct ListDef {
    std::vector<std::string> items;
    std::string file;
    int line = 0;
  };

  RuleSetOptions options_;
  std::vector<Rule> rules_;
  std::map<std::string, size_t, std::less<>> rule_index_;
  std::map<std::string, MacroDef, std::less<>> macros_;
  std::map<std::string, ListDef, std::less<>> lists_;
  std::vector<std::string> warnings_;
  std::unique_ptr<Impl> impl_;  // compiled programs and the per-event-type index
};

}  // namespace moat::runtime::falco
