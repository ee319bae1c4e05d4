// Hostile condition text through the parser and the compiler (with a few known macros and lists),
// then evaluated on fixed events. Only moat::Error may come out.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "runtime/falco_compile.h"
#include "runtime/falco_condition.h"

namespace {

using namespace moat::runtime;
using namespace moat::runtime::falco;

class Names final : public NameResolver {
 public:
  Names() {
    macros_["spawned_process"] = parse_condition("evt.type in (execve, execveat)", "m");
    macros_["container"] = parse_condition("container.id != host", "m");
    macros_["loop"] = parse_condition("loop or proc.name = x", "m");
    lists_["shells"] = {"bash", "sh", "10.0.0.0/8", "0x10"};
  }
  const Expr* macro(std::string_view name) const override {
    auto it = macros_.find(std::string(name));
    return it == macros_.end() ? nullptr : it->second.get();
  }
  const std::vector<std::string>* list(std::string_view name) const override {
    auto it = lists_.find(std::string(name));
    return it == lists_.end() ? nullptr : &it->second;
  }

 private:
  std::map<std::string, ExprPtr> macros_;
  std::map<std::string, std::vector<std::string>> lists_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Names names;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    ExprPtr ast = parse_condition(input, "fuzz");
    MacroCache macros;
    Program program = compile(*ast, names, "fuzz", macros);
    Event events[3];
    events[0].type = EventType::Exec;
    events[0].argv = {"sh", "-c", "x"};
    events[1].type = EventType::Open;
    events[1].path = "/etc/passwd";
    events[2].type = EventType::Accept;
    events[2].family = 10;
    events[2].src_addr = "::1";
    events[2].dst_addr = "fe80::1";
    EvalContext ctx;
    Env env;
    for (const auto& ev : events) {
      env.reset(ev, ctx, macros.slots());
      program.eval(env);
    }
  } catch (const moat::Error&) {
  }
  return 0;
}
