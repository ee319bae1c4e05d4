#include "base/error.h"

namespace moat {

void fail(const std::string& input, const std::string& what) { throw Error(input + ": " + what); }

}  // namespace moat
