#pragma once
// One comparator per scheme, each in its own file; version.cpp dispatches. Each throws moat::Error
// (through fail_version) for a version it cannot parse.
#include <string_view>

namespace moat::version::detail {

int compare_dpkg(std::string_view a, std::string_view b);
int compare_apk(std::string_view a, std::string_view b);
int compare_rpm(std::string_view a, std::string_view b);
int compare_pep440(std::string_view a, std::string_view b);
int compare_semver(std::string_view a, std::string_view b);
int compare_gem(std::string_view a, std::string_view b);
int compare_composer(std::string_view a, std::string_view b);
int compare_maven(std::string_view a, std::string_view b);
int compare_go(std::string_view a, std::string_view b);

[[noreturn]] void fail_version(std::string_view scheme, std::string_view version, std::string_view what);

// Compares two runs of ASCII digits as unbounded non-negative integers (leading zeros ignored),
// so that hostile 1000-digit components neither overflow nor allocate.
int compare_digits(std::string_view a, std::string_view b);

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
inline char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
inline int sign(int v) { return (v > 0) - (v < 0); }

std::string_view trim_blanks(std::string_view s);

}  // namespace moat::version::detail
