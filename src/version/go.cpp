// Go module version ordering, as golang.org/x/mod/semver: SemVer with a "v" prefix and the
// shorthands vMAJOR and vMAJOR.MINOR. OSV writes Go versions without the "v", so it is optional.
#include "version/schemes.h"
#include "version/semver_parts.h"

namespace moat::version::detail {
namespace {

SemverParts parse_go(std::string_view v) {
  std::string_view s = v;
  if (!s.empty() && s[0] == 'v') s.remove_prefix(1);
  SemverParts parts;
  if (const char* why = parse_semver(s, true, parts)) fail_version("go", v, why);
  return parts;
}

}  // namespace

int compare_go(std::string_view a, std::string_view b) { return compare_semver_parts(parse_go(a), parse_go(b)); }

}  // namespace moat::version::detail
