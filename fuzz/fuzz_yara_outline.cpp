// Hostile text through moat's own reading of YARA rules (yara_outline.h), which sees rule text
// libyara has accepted but must never crash on any; then whatever it reads is compiled for the
// prefilter (hex strings and regular expressions rewritten for Hyperscan) and run over the input
// itself. Only moat::Error may come out of the reading; the prefilter must not fail at all.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"
#include "malware/yara_outline.h"
#include "malware/yara_prefilter.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<moat::malware::YaraRuleOutline> rules;
  try {
    rules = moat::malware::outline_yara_rules(input, "fuzz.yar");
  } catch (const moat::Error&) {
    return 0;
  }
  for (const auto& rule : rules) {
    // Requirements are monotone: more strings present never makes one stop holding.
    std::vector<bool> none(rule.strings.size(), false), all(rule.strings.size(), true);
    if (rule.requirement.holds(none) && !rule.requirement.holds(all)) __builtin_trap();
  }
  const moat::malware::YaraPrefilter prefilter(rules);
  prefilter.may_match(input);
  return 0;
}
