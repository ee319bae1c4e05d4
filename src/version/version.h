#pragma once
// Version ordering per package ecosystem, for matching installed versions against advisory ranges.
//
// Every scheme follows its ecosystem's reference implementation; what each does with input that is
// not a version of its kind:
//   Dpkg      dpkg's verrevcmp. Accepts almost anything; throws only for an empty version, a
//             non-numeric epoch or an empty upstream part.
//   Apk       apk-tools 2.x tokenizer. Throws for anything apk_version_validate rejects.
//   Rpm       rpmvercmp over [epoch:]version[-release]. Accepts almost anything; throws only for an
//             empty version or a non-numeric epoch. A missing release sorts before any release.
//   Pep440    PEP 440 (normalisation rules of pypa/packaging). Throws for non-PEP 440 versions:
//             modern pip no longer orders "legacy" versions, so neither do we.
//   Semver    SemVer 2.0.0, strict (no leading zeros, all three parts), plus node-semver's
//             tolerance of a leading "v" or "=" and surrounding blanks. Build metadata is ignored.
//             Throws for anything else (note: OSV's "introduced": "0" sentinel is the matcher's job).
//   Gem       Gem::Version (rubygems 3.x canonical segments). Throws where Gem::Version would raise
//             ArgumentError ("Malformed version number string").
//   Composer  composer/semver VersionParser::normalize, then PHP's version_compare. Throws for
//             strings normalize rejects and for dev-branches ("dev-main"), which have no order.
//   Maven     Maven's ComparableVersion. Accepts anything non-empty.
//   Go        golang.org/x/mod/semver, with the "v" optional (OSV writes Go versions without it).
//             "+incompatible" is build metadata and ignored; pseudo-versions order as the
//             pre-releases they are. Throws for anything x/mod/semver calls invalid.
// Every scheme throws for an empty version and for one longer than kMaxVersionLength bytes.
#include <cstddef>
#include <optional>
#include <string_view>

namespace moat::version {

enum class Scheme { Dpkg, Apk, Rpm, Pep440, Semver, Gem, Composer, Maven, Go };

inline constexpr std::size_t kMaxVersionLength = 1024;

// <0 if a sorts before b, 0 if they are the same version, >0 if a sorts after b.
// Throws moat::Error naming the version if either cannot be parsed under the scheme.
int compare(Scheme s, std::string_view a, std::string_view b);

// Whether compare() would accept v under the scheme.
bool is_valid(Scheme s, std::string_view v);

// The scheme for an OSV ecosystem name ("Debian:11", "PyPI", ...); nullopt for ecosystems without one
// here (crates.io versions are SemVer and map to Semver).
std::optional<Scheme> scheme_for_ecosystem(std::string_view osv_ecosystem);

std::string_view scheme_name(Scheme s);

}  // namespace moat::version
