// Hostile Falco rule files through the loader and compiler; a file that compiles is then matched
// against a few fixed events and every hit formatted as an alert, so the evaluator and the output
// formatter see whatever the loader accepts. Only moat::Error may come out.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "runtime/falco_rules.h"

namespace {

using moat::runtime::Event;
using moat::runtime::EventType;

std::vector<Event> fixed_events() {
  std::vector<Event> events(4);
  events[0].type = EventType::Exec;
  events[0].comm = "bash";
  events[0].exe = "/bin/bash";
  events[0].argv = {"bash", "-c", "id"};
  events[0].tty = true;
  events[1].type = EventType::Open;
  events[1].comm = "cat";
  events[1].path = "/etc/shadow";
  events[1].ret = 3;
  events[2].type = EventType::Connect;
  events[2].family = 2;
  events[2].l4proto = 6;
  events[2].src_addr = "10.0.0.1";
  events[2].dst_addr = "10.0.0.2";
  events[2].dst_port = 443;
  events[3].type = EventType::Ptrace;
  events[3].flags = 16;
  return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<Event> events = fixed_events();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    moat::runtime::falco::RuleSet rules;
    rules.load(input, "fuzz.yaml");
    rules.compile();
    moat::runtime::ContainerInfo container;
    container.id = "0123456789ab";
    moat::runtime::EvalContext ctx;
    ctx.container = &container;
    std::vector<const moat::runtime::falco::Rule*> hits;
    for (const auto& ev : events) {
      hits.clear();
      rules.match(ev, ctx, hits);
      for (const auto* rule : hits) {
        if (rules.alert_json(*rule, ev, ctx).empty()) __builtin_trap();
      }
    }
  } catch (const moat::Error&) {
  }
  return 0;
}
