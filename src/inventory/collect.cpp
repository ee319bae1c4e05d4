#include "inventory/collect.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <iterator>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "base/error.h"

namespace moat::inventory {

namespace {

constexpr size_t kHead = 4096;

// A claimed file's bytes: in memory when small, else in an unlinked temporary file mapped read-only,
// so memory stays bounded whatever the file size.
class Content {
 public:
  Content() = default;
  Content(const Content&) = delete;
  Content& operator=(const Content&) = delete;
  ~Content() {
    if (map_) ::munmap(map_, map_size_);
    if (fd_ >= 0) ::close(fd_);
  }

  void load(image::EntrySource& src, std::string head, uint64_t size, uint64_t max_in_memory, const std::string& what) {
    if (size <= max_in_memory) {
      size_t done = head.size();
      buf_ = std::move(head);
      buf_.resize(std::max<uint64_t>(size, done));
      done = fill(src, done);
      buf_.resize(done);
      view_ = buf_;
      return;
    }
    std::string dir = std::filesystem::temp_directory_path().string();
    fd_ = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd_ < 0) fail(what, "cannot stage a large file in " + dir + ": " + std::strerror(errno));
    write_all(head.data(), head.size(), what);
    std::vector<char> chunk(1 << 20);
    uint64_t total = head.size();
    while (size_t n = src.read(chunk.data(), chunk.size())) {
      write_all(chunk.data(), n, what);
      total += n;
    }
    if (total == 0) return;
    map_size_ = total;
    map_ = ::mmap(nullptr, map_size_, PROT_READ, MAP_PRIVATE, fd_, 0);
    if (map_ == MAP_FAILED) {
      map_ = nullptr;
      fail(what, std::string("cannot map staged file: ") + std::strerror(errno));
    }
    view_ = std::string_view(static_cast<const char*>(map_), map_size_);
  }

  std::string_view view() const { return view_; }

 private:
  size_t fill(image::EntrySource& src, size_t done) {
    while (done < buf_.size()) {
      size_t n = src.read(buf_.data() + done, buf_.size() - done);
      if (n == 0) break;
      done += n;
    }
    return done;
  }

  void write_all(const char* p, size_t n, const std::string& what) {
    while (n > 0) {
      ssize_t w = ::write(fd_, p, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) fail(what, std::string("cannot stage a large file: ") + std::strerror(errno));
      p += w;
      n -= static_cast<size_t>(w);
    }
  }

  std::string buf_;
  std::string_view view_;
  int fd_ = -1;
  void* map_ = nullptr;
  size_t map_size_ = 0;
};

std::string read_head(image::EntrySource& src, uint64_t size) {
  std::string head(std::min<uint64_t>(size, kHead), '\0');
  size_t done = 0;
  while (done < head.size()) {
    size_t n = src.read(head.data() + done, head.size() - done);
    if (n == 0) break;
    done += n;
  }
  head.resize(done);
  return head;
}

void run(const Analyzer& a, std::string_view path, std::string_view content, LayerFindings& out,
         const std::string& what) {
  try {
    a.analyze(path, content, out);
  } catch (const Error& e) {
    if (a.fatal_errors) fail(what, e.what());
    out.warnings.push_back(std::string(e.what()));
  }
}

// One file's content and what the inspectors that wanted it found there.
struct Inspection {
  image::FileEntry entry;
  std::vector<const FileInspector*> inspectors;
  std::unique_ptr<Content> content;  // released as soon as the inspectors are done
  std::vector<FileFinding> findings;
  std::vector<std::string> warnings;
  std::exception_ptr error;  // anything but a moat::Error fails the scan

  void run(const std::string& what) noexcept {
    try {
      for (const FileInspector* i : inspectors) {
        try {
          i->inspect(entry, content->view(), findings);
        } catch (const Error& err) {
          warnings.push_back(what + ": " + entry.path + ": " + err.what());
        }
      }
    } catch (...) {
      error = std::current_exception();
    }
    content.reset();
  }
};

// The inspections one collect() hands to the pool, in batches: a handoff costs a wakeup of another
// thread, more than the inspectors spend on a small file. The workers write into the inspections,
// so collect() waits for every one, also when it leaves by an exception.
class PendingInspections {
 public:
  PendingInspections(InspectionPool& pool, const std::string& what) : pool_(pool), what_(what) {}
  PendingInspections(const PendingInspections&) = delete;
  PendingInspections& operator=(const PendingInspections&) = delete;
  ~PendingInspections() { wait(); }

  void add(Inspection& inspection) {
    batch_.push_back(&inspection);
    batch_bytes_ += inspection.content->view().size();
    if (batch_bytes_ >= kBatchBytes || batch_.size() >= kBatchFiles) submit();
  }

  // Hands over the last batch and waits for all of them.
  void finish_all() {
    submit();
    wait();
  }

 private:
  static constexpr uint64_t kBatchBytes = 256 << 10;
  static constexpr size_t kBatchFiles = 64;

  void submit() {
    if (batch_.empty()) return;
    {
      std::lock_guard lock(mutex_);
      ++pending_;
    }
    try {
      pool_.submit(
          [this, batch = std::move(batch_)] {
            for (Inspection* inspection : batch) inspection->run(what_);
            finish();
          },
          batch_bytes_);
    } catch (...) {  // out of memory: the job was never queued
      finish();
      throw;
    }
    batch_.clear();
    batch_bytes_ = 0;
  }

  void wait() {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return pending_ == 0; });
  }

  void finish() {
    std::lock_guard lock(mutex_);
    if (--pending_ == 0) done_.notify_all();
  }

  InspectionPool& pool_;
  const std::string& what_;
  std::vector<Inspection*> batch_;
  uint64_t batch_bytes_ = 0;
  std::mutex mutex_;
  std::condition_variable done_;
  size_t pending_ = 0;
};

}  // namespace

struct InspectionPool::State {
  std::mutex mutex;
  std::condition_variable work;   // a job was queued, or the pool is closing
  std::condition_variable room;   // pending bytes went down
  std::deque<std::pair<std::function<void()>, uint64_t>> queue;
  uint64_t pending_bytes = 0;
  uint64_t max_pending_bytes = 0;
  bool closing = false;
};

InspectionPool::InspectionPool(unsigned threads, uint64_t max_pending_bytes) : state_(std::make_unique<State>()) {
  state_->max_pending_bytes = max_pending_bytes;
  for (unsigned t = 0; t < std::max(1u, threads); ++t)
    workers_.emplace_back([s = state_.get()] {
      for (;;) {
        std::unique_lock lock(s->mutex);
        s->work.wait(lock, [&] { return s->closing || !s->queue.empty(); });
        if (s->queue.empty()) return;
        auto [job, bytes] = std::move(s->queue.front());
        s->queue.pop_front();
        lock.unlock();
        job();
        lock.lock();
        s->pending_bytes -= bytes;
        s->room.notify_all();
      }
    });
}

InspectionPool::~InspectionPool() {
  {
    std::lock_guard lock(state_->mutex);
    state_->closing = true;
  }
  state_->work.notify_all();
  for (auto& w : workers_) w.join();
}

void InspectionPool::submit(std::function<void()> job, uint64_t bytes) {
  std::unique_lock lock(state_->mutex);
  state_->room.wait(lock, [&] {
    return state_->pending_bytes == 0 || state_->pending_bytes + bytes <= state_->max_pending_bytes;
  });
  state_->queue.emplace_back(std::move(job), bytes);
  state_->pending_bytes += bytes;
  state_->work.notify_one();
}

LayerFindings collect(image::EntrySource& entries, TargetKind kind, const std::string& what,
                      const std::vector<const FileInspector*>& inspectors, CollectLimits limits,
                      InspectionPool* pool) {
  LayerFindings out;
  std::unordered_map<std::string, std::string> hardlinks;  // claimed link path -> target path
  std::vector<const Analyzer*> wanted;
  std::vector<const FileInspector*> inspecting;
  std::deque<Inspection> inspections;  // in the order of the files; a deque keeps them in place
  // Declared after `inspections`, so it waits for the workers before they go.
  std::optional<PendingInspections> pending;
  if (pool) pending.emplace(*pool, what);
  image::FileEntry e;
  while (entries.next(e)) {
    for (const FileInspector* i : inspectors) i->entry(e, out.file_findings);
    switch (e.kind) {
      case image::EntryKind::Whiteout:
        out.whiteouts.push_back(e.path);
        continue;
      case image::EntryKind::Opaque:
        out.opaques.push_back(e.path);
        continue;
      case image::EntryKind::Directory:
        continue;
      default:
        out.replaced.push_back(e.path);
    }
    wanted.clear();
    for (const auto& a : analyzers())
      if (a.claims(e.path, e.mode, kind)) wanted.push_back(&a);
    inspecting.clear();
    if (e.kind == image::EntryKind::File && e.size > 0)
      for (const FileInspector* i : inspectors)
        if (i->wants(e)) inspecting.push_back(i);
    if (wanted.empty() && inspecting.empty()) continue;
    if (!wanted.empty() && e.kind == image::EntryKind::Symlink) {
      out.symlinks[e.path] = e.link;
      continue;
    }
    if (!wanted.empty() && e.kind == image::EntryKind::Hardlink) {
      hardlinks[e.path] = e.link;
      continue;
    }
    if (e.kind != image::EntryKind::File || e.size == 0) continue;
    if (e.size > limits.max_file) {
      out.warnings.push_back(what + ": " + e.path + ": skipped, larger than " + std::to_string(limits.max_file) +
                             " bytes");
      continue;
    }
    std::string head = read_head(entries, e.size);
    std::erase_if(wanted, [&](const Analyzer* a) { return a->accepts_head && !a->accepts_head(head); });
    if (wanted.empty() && inspecting.empty()) continue;
    auto content = std::make_unique<Content>();
    content->load(entries, std::move(head), e.size, limits.max_in_memory, what + ": " + e.path);
    for (const Analyzer* a : wanted) run(*a, e.path, content->view(), out, what);
    if (inspecting.empty()) continue;
    Inspection& inspection = inspections.emplace_back(Inspection{e, inspecting, std::move(content), {}, {}, {}});
    if (pending)
      pending->add(inspection);
    else
      inspection.run(what);
  }
  if (pending) pending->finish_all();
  for (auto& inspection : inspections) {
    if (inspection.error) std::rethrow_exception(inspection.error);
    std::move(inspection.findings.begin(), inspection.findings.end(), std::back_inserter(out.file_findings));
    std::move(inspection.warnings.begin(), inspection.warnings.end(), std::back_inserter(out.warnings));
  }
  // A hard link shares its target's bytes, which the stream showed under the target's name.
  for (const auto& [link, target] : hardlinks) {
    size_t n = out.packages.size();
    for (size_t i = 0; i < n; ++i)
      if (out.packages[i].found_in == target) {
        Package copy = out.packages[i];
        copy.found_in = link;
        out.packages.push_back(std::move(copy));
      }
    if (auto it = out.captured.find(target); it != out.captured.end()) out.captured[link] = it->second;
  }
  return out;
}

}  // namespace moat::inventory
