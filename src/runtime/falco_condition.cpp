// Hand-written recursive-descent parser for Falco conditions, following the grammar of Falco's
// own parser: `not` binds tighter than `and`, which binds tighter than `or`; bare strings are
// anything up to a blank, parenthesis, quote, '=' or ','; field names have at least one dot.
#include "runtime/falco_condition.h"

#include <array>
#include <cctype>

#include "base/error.h"

namespace moat::runtime::falco {
namespace {

constexpr int kMaxDepth = 100;

constexpr std::array<std::string_view, 4> kNumOps = {"<=", "<", ">=", ">"};
constexpr std::array<std::string_view, 3> kSymbolStrOps = {"==", "=", "!="};
constexpr std::array<std::string_view, 9> kWordStrOps = {
    "glob", "iglob", "contains", "icontains", "bcontains", "startswith", "bstartswith", "endswith", "regex"};
constexpr std::array<std::string_view, 3> kListOps = {"intersects", "in", "pmatch"};
constexpr std::array<std::string_view, 4> kTransformers = {"tolower", "toupper", "b64", "basename"};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ident_char(char c) { return is_alpha(c) || (c >= '0' && c <= '9') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

class Parser {
 public:
  Parser(std::string_view text, const std::string& where) : s_(text), where_(where) {}

  ExprPtr parse() {
    if (s_.find_first_not_of(" \t\b\r\n") == std::string_view::npos) error("condition is empty");
    auto e = parse_or();
    blanks();
    if (!at_end()) error("unexpected text " + excerpt() + ", expecting 'and', 'or' or ')'");
    return e;
  }

 private:
  struct DepthGuard {
    explicit DepthGuard(Parser& p) : p_(p) {
      if (++p_.depth_ > kMaxDepth) p_.error("nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    ~DepthGuard() { --p_.depth_; }
    Parser& p_;
  };

  [[noreturn]] void error(const std::string& what) const {
    fail(where_, what + " at " + std::to_string(pos_.line) + ":" + std::to_string(pos_.col));
  }

  std::string excerpt() const {
    std::string out = "'";
    for (size_t i = i_; i < s_.size() && i < i_ + 20; ++i) {
      const char c = s_[i];
      out += (c >= 0x20 && c < 0x7f) ? c : '?';
    }
    return out + "'";
  }

  bool at_end() const { return i_ >= s_.size(); }
  char peek(size_t ahead = 0) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }

  void advance(size_t n) {
    for (size_t k = 0; k < n && i_ < s_.size(); ++k, ++i_) {
      if (s_[i_] == '\n') {
        ++pos_.line;
        pos_.col = 1;
      } else {
        ++pos_.col;
      }
    }
  }

  bool blanks() {
    const size_t start = i_;
    while (!at_end() && is_blank(peek())) advance(1);
    return i_ != start;
  }

  bool starts_with(std::string_view w) const { return s_.substr(i_).starts_with(w); }

  // A keyword (and, or, not, in...) counts only when followed by a blank or, if allowed, '('.
  bool keyword(std::string_view w, bool paren_ok) {
    if (!starts_with(w)) return false;
    const char next = peek(w.size());
    if (!(is_blank(next) || (paren_ok && next == '('))) return false;
    advance(w.size());
    return true;
  }

  ExprPtr make(ExprKind kind, Pos pos) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->pos = pos;
    return e;
  }

  ExprPtr parse_or() {
    DepthGuard guard(*this);
    blanks();
    const Pos pos = pos_;
    std::vector<ExprPtr> children;
    children.push_back(parse_and());
    blanks();
    while (keyword("or", true)) {
      children.push_back(parse_and());
      blanks();
    }
    if (children.size() == 1) return std::move(children[0]);
    auto e = make(ExprKind::Or, pos);
    e->children = std::move(children);
    return e;
  }

  ExprPtr parse_and() {
    DepthGuard guard(*this);
    blanks();
    const Pos pos = pos_;
    std::vector<ExprPtr> children;
    children.push_back(parse_not());
    blanks();
    while (keyword("and", true)) {
      children.push_back(parse_not());
      blanks();
    }
    if (children.size() == 1) return std::move(children[0]);
    auto e = make(ExprKind::And, pos);
    e->children = std::move(children);
    return e;
  }

  ExprPtr parse_not() {
    DepthGuard guard(*this);
    blanks();
    const Pos pos = pos_;
    bool negate = false;
    while (keyword("not", true)) {
      negate = !negate;
      blanks();
    }
    auto child = parse_check();
    if (!negate) return child;
    auto e = make(ExprKind::Not, pos);
    e->children.push_back(std::move(child));
    return e;
  }

  ExprPtr parse_check() {
    DepthGuard guard(*this);
    blanks();
    const Pos pos = pos_;
    if (peek() == '(') {
      advance(1);
      auto inner = parse_or();
      blanks();
      if (peek() != ')') error("expected ')'");
      advance(1);
      return inner;
    }
    FieldRef field;
    if (lex_field_or_transformer(field, false)) return parse_comparison(std::move(field), pos);
    std::string ident;
    if (lex_identifier(ident)) {
      auto e = make(ExprKind::Macro, pos);
      e->name = std::move(ident);
      return e;
    }
    if (at_end()) error("unexpected end of condition, expecting a field, a macro or '('");
    error("unexpected text " + excerpt() + ", expecting a field, a macro or '('");
  }

  bool lex_identifier(std::string& out) {
    if (!is_alpha(peek())) return false;
    size_t n = 1;
    while (is_ident_char(peek(n))) ++n;
    out.assign(s_.substr(i_, n));
    advance(n);
    return true;
  }

  // [a-zA-Z][a-zA-Z0-9_]*(\.[a-zA-Z][a-zA-Z0-9_]*)+ followed by an optional [arg].
  bool lex_field_name(FieldRef& f) {
    if (!is_alpha(peek())) return false;
    size_t n = 1;
    while (is_ident_char(peek(n))) ++n;
    int segments = 1;
    while (peek(n) == '.' && is_alpha(peek(n + 1))) {
      n += 2;
      while (is_ident_char(peek(n))) ++n;
      ++segments;
    }
    if (segments < 2) return false;
    f.name.assign(s_.substr(i_, n));
    advance(n);
    if (peek() == '[') {
      advance(1);
      if (peek() == '"' || peek() == '\'') {
        f.arg = lex_quoted();
      } else {
        size_t m = 0;
        while (!at_end() && peek(m) != '\0' && peek(m) != '[' && peek(m) != ']' && peek(m) != '"' && peek(m) != '\'' &&
               !is_blank(peek(m))) {
          ++m;
        }
        if (m == 0) error("expected a field argument after '['");
        f.arg.assign(s_.substr(i_, m));
        advance(m);
      }
      if (peek() != ']') error("expected ']' closing the argument of " + f.name);
      advance(1);
      f.has_arg = true;
    }
    return true;
  }

  // A field, possibly wrapped in transformers. On the right side of an operator (`rhs`) a bare
  // field name is a string value; only val(field) or a transformer makes it a field.
  bool lex_field_or_transformer(FieldRef& f, bool rhs) {
    DepthGuard guard(*this);
    for (std::string_view t : kTransformers) {
      if (starts_with(t) && peek(t.size()) == '(') {
        advance(t.size() + 1);
        blanks();
        if (!lex_field_or_transformer(f, false)) error("expected a field inside " + std::string(t) + "()");
        f.transformers.insert(f.transformers.begin(), std::string(t));
        close_paren();
        return true;
      }
    }
    if (rhs && starts_with("val(")) {
      advance(4);
      blanks();
      if (!lex_field_name(f)) error("expected a field inside val()");
      close_paren();
      return true;
    }
    return !rhs && lex_field_name(f);
  }

  void close_paren() {
    blanks();
    if (peek() != ')') error("expected ')' closing the transformer");
    advance(1);
  }

  std::string lex_quoted() {
    const char delim = peek();
    advance(1);
    std::string out;
    while (true) {
      if (at_end()) error("unterminated quoted string");
      const char c = peek();
      if (c == delim) {
        advance(1);
        return out;
      }
      if (c == '\\' && i_ + 1 < s_.size()) {
        const char e = peek(1);
        switch (e) {
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          case 'r':
            out += '\r';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case '\\':
          case '"':
          case '\'':
            out += e;
            break;
          default:
            out += '\\';
            out += e;
            break;
        }
        advance(2);
        continue;
      }
      out += c;
      advance(1);
    }
  }

  bool lex_bare(std::string& out) {
    size_t n = 0;
    while (i_ + n < s_.size()) {
      const char c = s_[i_ + n];
      if (is_blank(c) || c == '(' || c == ')' || c == '"' || c == '\'' || c == '=' || c == ',') break;
      ++n;
    }
    if (n == 0) return false;
    out.assign(s_.substr(i_, n));
    advance(n);
    return true;
  }

  bool lex_number(std::string& out) {
    size_t n = 0;
    if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X') && std::isalnum(static_cast<unsigned char>(peek(2)))) {
      n = 2;
      while (std::isalnum(static_cast<unsigned char>(peek(n)))) ++n;
    } else {
      if (peek(n) == '+' || peek(n) == '-') ++n;
      if (!is_digit(peek(n))) return false;
      while (is_digit(peek(n))) ++n;
      if (peek(n) == '.') {
        ++n;
        while (is_digit(peek(n))) ++n;
      }
      if ((peek(n) == 'e' || peek(n) == 'E') && (peek(n + 1) == '+' || peek(n + 1) == '-') && is_digit(peek(n + 2))) {
        n += 2;
        while (is_digit(peek(n))) ++n;
      }
    }
    out.assign(s_.substr(i_, n));
    advance(n);
    return true;
  }

  bool lex_string_value(std::string& out) {
    if (peek() == '"' || peek() == '\'') {
      out = lex_quoted();
      return true;
    }
    return lex_bare(out);
  }

  ExprPtr parse_comparison(FieldRef field, Pos pos) {
    blanks();
    auto e = make(ExprKind::Check, pos);
    e->field = std::move(field);
    if (starts_with("exists") && !is_ident_char(peek(6))) {
      advance(6);
      e->op = "exists";
      return e;
    }
    for (std::string_view op : kNumOps) {
      if (starts_with(op)) {
        advance(op.size());
        e->op = op;
        blanks();
        if (lex_field_or_transformer(e->rhs_field, true)) {
          e->operand = Operand::Field;
        } else if (lex_number(e->value)) {
          e->operand = Operand::Value;
        } else {
          error("expected a number after '" + e->op + "'");
        }
        return e;
      }
    }
    bool is_str_op = false;
    for (std::string_view op : kSymbolStrOps) {
      if (starts_with(op)) {
        advance(op.size());
        e->op = op == "==" ? "=" : op;
        is_str_op = true;
        break;
      }
    }
    if (!is_str_op) {
      for (std::string_view op : kWordStrOps) {
        if (keyword(op, false)) {
          e->op = op;
          is_str_op = true;
          break;
        }
      }
    }
    if (is_str_op) {
      blanks();
      if (lex_field_or_transformer(e->rhs_field, true)) {
        e->operand = Operand::Field;
      } else if (lex_string_value(e->value)) {
        e->operand = Operand::Value;
      } else {
        error("expected a value after '" + e->op + "'");
      }
      return e;
    }
    for (std::string_view op : kListOps) {
      if (keyword(op, true)) {
        e->op = op;
        parse_list_operand(*e);
        return e;
      }
    }
    error("expected an operator after " + e->field.text() + ", got " + excerpt());
  }

  void parse_list_operand(Expr& e) {
    blanks();
    if (peek() == '(') {
      advance(1);
      blanks();
      e.operand = Operand::List;
      if (peek() == ')') {
        advance(1);
        return;
      }
      while (true) {
        blanks();
        std::string v;
        if (!lex_string_value(v)) error("expected a list item");
        e.values.push_back(std::move(v));
        blanks();
        if (peek() == ',') {
          advance(1);
          continue;
        }
        if (peek() == ')') {
          advance(1);
          return;
        }
        error("expected ',' or ')' in list");
      }
    }
    if (lex_field_or_transformer(e.rhs_field, true)) {
      e.operand = Operand::Field;
      return;
    }
    if (lex_identifier(e.value)) {
      e.operand = Operand::ListName;
      return;
    }
    error("expected a list after '" + e.op + "'");
  }

  std::string_view s_;
  const std::string& where_;
  size_t i_ = 0;
  Pos pos_;
  int depth_ = 0;
};

}  // namespace

std::string FieldRef::text() const {
  std::string out = name;
  if (has_arg) out += "[" + arg + "]";
  for (const auto& t : transformers) out = t + "(" + out + ")";
  return out;
}

ExprPtr parse_condition(std::string_view text, const std::string& where) { return Parser(text, where).parse(); }

bool is_list_op(std::string_view op) {
  for (std::string_view o : kListOps) {
    if (o == op) return true;
  }
  return false;
}

}  // namespace moat::runtime::falco
