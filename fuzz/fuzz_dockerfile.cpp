#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"
#include "misconfig/dockerfile.h"
#include "misconfig/dockerfile_checks.h"

// Parses and checks: the rules walk the parsed model, so they see the same hostile shapes.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    auto df = moat::misconfig::parse_dockerfile(in, "fuzz");
    auto result = moat::misconfig::check_dockerfile_with_suppressions(df, "fuzz");
    for (const auto& f : result.findings) {
      if (f.where.line <= 0 || f.where.column <= 0) __builtin_trap();
    }
  } catch (const moat::Error&) {
  }
  return 0;
}
