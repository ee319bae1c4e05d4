#pragma once
// The one way moat reports a failure: throw moat::Error with a message that names the input and
// says what is wrong. The CLI prints it as a single line and exits non-zero.
#include <stdexcept>
#include <string>

namespace moat {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Throws Error("<input>: <what>") — for parsers that know which file or entry they read.
[[noreturn]] void fail(const std::string& input, const std::string& what);

}  // namespace moat
