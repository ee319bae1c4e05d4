#pragma once
// Falco's condition language parsed into a syntax tree: and/or/not, parentheses, macro
// references, and checks `field[arg] op value`. Names are not resolved here (a macro may be
// defined after the rule that uses it); the compiler (falco_compile.h) does that.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace moat::runtime::falco {

struct Pos {
  uint32_t line = 1, col = 1;  // within the condition text, 1-based
};

// A field as written: `proc.aname[2]`, `evt.arg.flags`, or wrapped in transformers
// `tolower(proc.name)` (outermost first in `transformers`).
struct FieldRef {
  std::string name;
  std::string arg;
  bool has_arg = false;
  std::vector<std::string> transformers;
  std::string text() const;  // as it would be written back
};

enum class ExprKind { And, Or, Not, Macro, Check };
enum class Operand { None, Value, List, ListName, Field };

struct Expr {
  ExprKind kind = ExprKind::Check;
  Pos pos;
  std::vector<std::unique_ptr<Expr>> children;  // And, Or (two or more), Not (one)
  std::string name;                             // Macro

  // Check: `field op operand`. Unary ops (exists) have Operand::None.
  FieldRef field;
  std::string op;
  Operand operand = Operand::None;
  std::string value;                // Value, or the list's name for ListName
  std::vector<std::string> values;  // List
  FieldRef rhs_field;               // Field: val(x) or a transformer on the right side
};
using ExprPtr = std::unique_ptr<Expr>;

// Parses a whole condition; throws moat::Error("<where>: <what> at line:col") on a syntax error.
ExprPtr parse_condition(std::string_view text, const std::string& where);

// Whether an operator takes a list operand (in, intersects, pmatch).
bool is_list_op(std::string_view op);

}  // namespace moat::runtime::falco
