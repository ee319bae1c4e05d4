// The webshell scorer on arbitrary bytes, once per language it reads. It has no error path: any
// input must give a verdict, within bounded time and memory.
#include <cstdint>
#include <string_view>

#include "base/error.h"
#include "malware/webshell.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    for (const char* path : {"f.php", "f.jsp", "f.asp", "f.aspx", "f.cfm", "f.pl", "f.py"}) {
      moat::malware::WebshellVerdict v = moat::malware::score_webshell(path, in);
      // A verdict needs the threshold; reaching it is not enough without a code signal.
      if (v.score < 0 || (v.webshell && (v.language.empty() || v.score < moat::malware::webshell_threshold(v.language))))
        __builtin_trap();
      auto d = moat::malware::detect_webshell(path, in);
      if (d.has_value() != v.webshell) __builtin_trap();
    }
  } catch (const moat::Error&) {
  }
  return 0;
}
