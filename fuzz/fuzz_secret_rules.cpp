// Hostile rule files through the secret rule reader; a set that loads is compiled and run over a
// fixed text, so the engine sees every regex, path filter and allow entry the reader accepts.
// Only moat::Error may come out.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/error.h"
#include "secret/rules.h"
#include "secret/scanner.h"

namespace {

constexpr std::string_view kText =
    "DB_PASSWORD=Zt7pQ2mW9xLk\npassword = \"Kx9!mQ2#vL7pZ4\"\nghp_R2d4F6h8J0k2L4m6N8p0Q2s4T6v8W0x2Y4z6\n"
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQR\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    const moat::secret::RuleSet rules = moat::secret::parse_secret_rules(input, "fuzz.yaml");
    const moat::secret::SecretScanner scanner(rules);
    for (const auto& match : scanner.scan("app/.env", kText)) {
      if (match.rule_id.empty() || match.line < 1 || match.redacted.size() > 16) __builtin_trap();
    }
  } catch (const moat::Error&) {
  }
  return 0;
}
