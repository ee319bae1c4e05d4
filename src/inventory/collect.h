#pragma once
// One pass over the entries of a layer or directory, offering each file to the analyzers that claim it.
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "image/entries.h"
#include "inventory/analyzer.h"
#include "inventory/file_inspector.h"
#include "inventory/layer_findings.h"

namespace moat::inventory {

struct CollectLimits {
  uint64_t max_file = 1ull << 30;        // larger claimed files are skipped with a warning
  uint64_t max_in_memory = 32ull << 20;  // larger ones are staged in an unlinked temporary file
};

// Worker threads that run the file inspectors (the bulk of the work: YARA, secret rules) while the
// threads reading layers go on decompressing. Contents waiting for a worker are bounded in bytes
// (a file larger than the bound waits alone), so memory stays bounded however fast reading goes.
// One pool serves every layer of a scan.
class InspectionPool {
 public:
  InspectionPool(unsigned threads, uint64_t max_pending_bytes);
  ~InspectionPool();
  InspectionPool(const InspectionPool&) = delete;
  InspectionPool& operator=(const InspectionPool&) = delete;

  // Queues job, which must not throw; blocks while `bytes` more would exceed the bound. The bytes
  // count as pending until the job has returned.
  void submit(std::function<void()> job, uint64_t bytes);

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::vector<std::thread> workers_;
};

// what names the layer or directory in errors and warnings. The inspectors see every entry and
// the content of the files they want, on the pool's workers when a pool is given, else on this
// thread; their findings go to file_findings in the order of the files, their errors to warnings.
LayerFindings collect(image::EntrySource& entries, TargetKind kind, const std::string& what,
                      const std::vector<const FileInspector*>& inspectors = {}, CollectLimits limits = {},
                      InspectionPool* pool = nullptr);

}  // namespace moat::inventory
