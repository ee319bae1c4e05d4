// The condition parser: grammar, precedence, values, and errors with their position.
#include "runtime/falco_condition.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "runtime/falco_compile.h"

namespace moat::runtime::falco {
namespace {

std::string shape(const Expr& e) {
  switch (e.kind) {
    case ExprKind::And:
    case ExprKind::Or: {
      std::string out = e.kind == ExprKind::And ? "and(" : "or(";
      for (size_t k = 0; k < e.children.size(); ++k) out += (k ? "," : "") + shape(*e.children[k]);
      return out + ")";
    }
    case ExprKind::Not:
      return "not(" + shape(*e.children[0]) + ")";
    case ExprKind::Macro:
      return e.name;
    case ExprKind::Check: {
      std::string out = e.field.text() + " " + e.op;
      if (e.operand == Operand::Value) out += " [" + e.value + "]";
      if (e.operand == Operand::ListName) out += " list:" + e.value;
      if (e.operand == Operand::Field) out += " field:" + e.rhs_field.text();
      if (e.operand == Operand::List) {
        out += " (";
        for (size_t k = 0; k < e.values.size(); ++k) out += (k ? "|" : "") + e.values[k];
        out += ")";
      }
      return out;
    }
  }
  return "?";
}

std::string parsed(const std::string& text) { return shape(*parse_condition(text, "t")); }

std::string error_of(const std::string& text) {
  try {
    parse_condition(text, "rules.yaml:7: rule 'x' condition");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(FalcoCondition, PrecedenceNotAndOr) {
  EXPECT_EQ(parsed("a or b and not c"), "or(a,and(b,not(c)))");
  EXPECT_EQ(parsed("(a or b) and c"), "and(or(a,b),c)");
  EXPECT_EQ(parsed("not not a"), "a");
  EXPECT_EQ(parsed("not(a)and(b)"), "and(not(a),b)");
  EXPECT_EQ(parsed("notice_macro and order_macro"), "and(notice_macro,order_macro)");
}

TEST(FalcoCondition, OperatorsAndValues) {
  EXPECT_EQ(parsed("evt.type in (open,openat, openat2)"), "evt.type in (open|openat|openat2)");
  EXPECT_EQ(parsed("fd.typechar='f' and fd.num>=0"), "and(fd.typechar = [f],fd.num >= [0])");
  EXPECT_EQ(parsed("proc.name == bash"), "proc.name = [bash]");
  EXPECT_EQ(parsed("proc.aname[2] != sshd"), "proc.aname[2] != [sshd]");
  EXPECT_EQ(parsed("evt.arg.flags contains O_TRUNC"), "evt.arg.flags contains [O_TRUNC]");
  EXPECT_EQ(parsed("evt.arg[0] exists"), "evt.arg[0] exists");
  EXPECT_EQ(parsed("not proc.pname exists"), "not(proc.pname exists)");
  EXPECT_EQ(parsed("proc.pname in (runc:[0:PARENT], \"a b\", 'c,d')"), "proc.pname in (runc:[0:PARENT]|a b|c,d)");
  EXPECT_EQ(parsed("proc.name in shell_binaries"), "proc.name in list:shell_binaries");
  EXPECT_EQ(parsed("fd.name glob '/home/*/.ssh/*'"), "fd.name glob [/home/*/.ssh/*]");
  EXPECT_EQ(parsed("proc.args intersects ()"), "proc.args intersects ()");
  EXPECT_EQ(parsed("fd.name pmatch (/etc, /var/lib)"), "fd.name pmatch (/etc|/var/lib)");
  EXPECT_EQ(parsed("proc.cmdline contains org.apache.zookeeper.server"),
            "proc.cmdline contains [org.apache.zookeeper.server]");
  EXPECT_EQ(parsed("proc.name = val(proc.pname)"), "proc.name = field:proc.pname");
  EXPECT_EQ(parsed("tolower(proc.name) = bash"), "tolower(proc.name) = [bash]");
  EXPECT_EQ(parsed("evt.rawres < -1"), "evt.rawres < [-1]");
  EXPECT_EQ(parsed("proc.name regex '^ba.h$'"), "proc.name regex [^ba.h$]");
  EXPECT_EQ(parsed("proc.cmdline contains \"say \\\"hi\\\"\""), "proc.cmdline contains [say \"hi\"]");
}

TEST(FalcoCondition, ErrorsNameWhereAndPosition) {
  EXPECT_EQ(error_of(""), "rules.yaml:7: rule 'x' condition: condition is empty at 1:1");
  EXPECT_EQ(error_of("proc.name = bash and"),
            "rules.yaml:7: rule 'x' condition: unexpected text 'and', expecting 'and', 'or' or ')' at 1:18");
  EXPECT_NE(error_of("proc.name ~ bash").find("expected an operator after proc.name"), std::string::npos);
  EXPECT_NE(error_of("(a or b").find("expected ')'"), std::string::npos);
  EXPECT_NE(error_of("a\nand proc.name in (x").find("at 2:"), std::string::npos) << error_of("a\nand proc.name in (x");
  EXPECT_NE(error_of("proc.name = 'open").find("unterminated"), std::string::npos);
  EXPECT_NE(error_of("a b").find("unexpected text"), std::string::npos);
  EXPECT_NE(error_of("proc.aname[2 = x").find("']'"), std::string::npos);
  EXPECT_NE(error_of(std::string(500, '(') + "a" + std::string(500, ')')).find("nesting deeper"), std::string::npos);
}

TEST(FalcoCondition, GlobMatching) {
  EXPECT_TRUE(glob_match("/home/*/.ssh/*", "/home/ann/.ssh/id_rsa", false));
  EXPECT_FALSE(glob_match("/home/*/.ssh/*", "/root/.ssh/id_rsa", false));
  EXPECT_TRUE(glob_match("*../*../*", "/var/../etc/../x", false));
  EXPECT_TRUE(glob_match("/proc/*/environ", "/proc/12/environ", false));
  EXPECT_TRUE(glob_match("file?.[ch]", "file1.c", false));
  EXPECT_FALSE(glob_match("file?.[!ch]", "file1.c", false));
  EXPECT_TRUE(glob_match("*.TXT", "a.txt", true));
  EXPECT_FALSE(glob_match("*.TXT", "a.txt", false));
  EXPECT_TRUE(glob_match("a[", "a[", false));
  // Many stars on a long subject stay linear enough to finish at once.
  EXPECT_FALSE(glob_match("*a*a*a*a*a*a*a*b", std::string(10000, 'a'), false));
}

}  // namespace
}  // namespace moat::runtime::falco
