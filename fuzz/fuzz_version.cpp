#include <cstdint>
#include <string_view>

#include "base/error.h"
#include "version/version.h"

// First byte picks the scheme; the rest is two versions separated by the first newline.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  using moat::version::Scheme;
  constexpr Scheme kSchemes[] = {Scheme::Dpkg, Scheme::Apk,      Scheme::Rpm,   Scheme::Pep440, Scheme::Semver,
                                 Scheme::Gem,  Scheme::Composer, Scheme::Maven, Scheme::Go};
  Scheme scheme = kSchemes[data[0] % (sizeof(kSchemes) / sizeof(kSchemes[0]))];
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::size_t nl = in.find('\n');
  std::string_view a = in.substr(0, nl);
  std::string_view b = nl == std::string_view::npos ? in : in.substr(nl + 1);
  try {
    int ab = moat::version::compare(scheme, a, b);
    int ba = moat::version::compare(scheme, b, a);
    if (ab != -ba) __builtin_trap();  // ordering must be antisymmetric
  } catch (const moat::Error&) {
  }
  moat::version::is_valid(scheme, a);
  return 0;
}
