// Hostile /proc/<pid>/stat and cmdline texts (a process names itself: its comm is attacker-chosen)
// through the process table's parser: it must return nullopt or a value, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/process_table.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t split = in.find('\n');
  std::string_view stat = in.substr(0, split);
  std::string_view cmdline = split == std::string_view::npos ? std::string_view() : in.substr(split + 1);
  moat::runtime::process_from_proc(1, stat, cmdline, cmdline.substr(0, 64));
  return 0;
}
