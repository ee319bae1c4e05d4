// libFuzzer target: the cgroup path and /proc/<pid>/cgroup readers and the mountinfo reader
// never throw and never crash; what they report as a container id is always 64 lowercase hex,
// and a pod uid is always a UUID or 32 hex digits.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runtime/container.h"
#include "runtime/container_resolver.h"

namespace {

void check(const std::optional<moat::runtime::ContainerRef>& ref) {
  if (!ref) return;
  if (ref->id.size() != 64) std::abort();
  for (char c : ref->id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) std::abort();
  if (!ref->pod_uid.empty() && ref->pod_uid.size() != 36 && ref->pod_uid.size() != 32) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check(moat::runtime::container_from_cgroup_path(input));
  check(moat::runtime::container_from_proc_cgroup(input));
  static_cast<void>(moat::runtime::cgroup2_mount_from_mountinfo(input));
  return 0;
}
