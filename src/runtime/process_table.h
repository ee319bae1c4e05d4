#pragma once
// The agent's view of every live process, for the rules' ancestry fields (proc.pname, proc.aname[N],
// proc.sname, ...): filled once from /proc when the agent starts, then kept current from the sensor's
// fork, exec and exit events, so that a process that lived for a millisecond still has its parents
// named. Bounded: beyond max_entries the oldest entries go first.
#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "runtime/event.h"
#include "runtime/falco_context.h"

namespace moat::runtime {

// One /proc/<pid> directory's worth, from the texts of its stat and cmdline files and its exe link;
// nullopt when the stat text is malformed. The start time (stat's boot-relative starttime) is
// shifted by boot_to_realtime_ns into ProcessInfo::start_ns. Pure, for tests and fuzzing.
std::optional<ProcessInfo> process_from_proc(int32_t pid, std::string_view stat, std::string_view cmdline,
                                             std::string_view exe_link, int64_t boot_to_realtime_ns = 0);

class ProcessTable final : public ProcessLookup {
 public:
  explicit ProcessTable(size_t max_entries = 1 << 20) : max_entries_(max_entries) {}

  // Reads every /proc/<pid> under proc_root; processes that vanish meanwhile are skipped.
  void scan_proc(const std::filesystem::path& proc_root = "/proc");

  // Before the rules see the event: a fork copies its parent, an exec replaces the image.
  void apply(const Event& ev);
  // After the rules saw it: an exit removes the process.
  void retire(const Event& ev);

  const ProcessInfo* find(int32_t pid) const override;
  size_t size() const { return by_pid_.size(); }

 private:
  void put(ProcessInfo info);
  size_t max_entries_;
  std::unordered_map<int32_t, ProcessInfo> by_pid_;
  std::deque<int32_t> order_;  // insertion order for eviction; may hold pids already gone
};

}  // namespace moat::runtime
