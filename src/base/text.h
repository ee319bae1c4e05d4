#pragma once
// Small text helpers that every parser needs for hostile input and error messages.
#include <string>
#include <string_view>

namespace moat {

// Input quoted for an error message: one short line whatever the input holds (control bytes become '?';
// quotes and backslashes are escaped, so the quoting stays unambiguous).
std::string quoted_excerpt(std::string_view s, size_t max_chars = 80);

std::string ascii_lower(std::string_view s);
std::string ascii_upper(std::string_view s);

// Whether JSON text nests arrays and objects at most limit deep, counted outside strings, so a
// recursive parser never meets a hostile depth.
bool json_nesting_within(std::string_view text, int limit);

}  // namespace moat
