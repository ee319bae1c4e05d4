#include "runtime/engine_api_cache.h"

#include <iostream>

#include "base/error.h"
#include "runtime/engine_api_http.h"

namespace moat::runtime {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kMaxRemembered = 1024;      // destroyed ids remembered against late fetch results
constexpr size_t kMaxEventLine = 256 * 1024; // one event is a few hundred bytes; labels can add some

// GET /events?filters={"type":["container"]}
constexpr std::string_view kEventsTarget = "/events?filters=%7B%22type%22%3A%5B%22container%22%5D%7D";

}  // namespace

ContainerMetadataCache::ContainerMetadataCache(EngineCacheOptions options) : options_(std::move(options)) {
  if (!options_.warn) options_.warn = [](const std::string& message) { std::cerr << "moat: warning: " << message << "\n"; };
  if (options_.max_entries == 0) options_.max_entries = 1;
}

ContainerMetadataCache::~ContainerMetadataCache() { stop(); }

void ContainerMetadataCache::start() {
  if (fetcher_.joinable()) return;
  stopping_ = false;
  fetcher_ = std::thread([this] { fetch_loop(); });
  events_ = std::thread([this] { events_loop(); });
}

void ContainerMetadataCache::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  changed_.notify_all();
  if (fetcher_.joinable()) fetcher_.join();
  if (events_.joinable()) events_.join();
}

bool ContainerMetadataCache::sleep_for(std::chrono::milliseconds d) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, d, [this] { return stopping_.load(); });
  return !stopping_;
}

ContainerMetadataCache::Entry& ContainerMetadataCache::entry_locked(const std::string& id) {
  auto it = entries_.find(id);
  if (it != entries_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return it->second;
  }
  while (entries_.size() >= options_.max_entries && !lru_.empty()) {
    entries_.erase(lru_.back());
    lru_.pop_back();
  }
  lru_.push_front(id);
  Entry& e = entries_[id];
  e.meta.id = id;
  e.lru = lru_.begin();
  return e;
}

void ContainerMetadataCache::evict_locked(const std::string& id) {
  auto it = entries_.find(id);
  if (it != entries_.end()) {
    lru_.erase(it->second.lru);
    entries_.erase(it);
  }
  if (removed_.insert(id).second) {
    removed_order_.push_back(id);
    if (removed_order_.size() > kMaxRemembered) {
      removed_.erase(removed_order_.front());
      removed_order_.pop_front();
    }
  }
}

void ContainerMetadataCache::queue_locked(const std::string& id) {
  if (queued_.count(id) || queue_.size() >= options_.max_pending) return;
  queued_.insert(id);
  queue_.push_back(id);
  work_.notify_one();
}

ContainerMetadata ContainerMetadataCache::lookup(std::string_view id_view) {
  std::string id(id_view);
  std::lock_guard lock(mutex_);
  bool is_new = !entries_.count(id);
  Entry& e = entry_locked(id);
  bool due = (e.state == State::Absent || e.state == State::Unreachable) && Clock::now() >= e.retry_at;
  bool dropped = e.state == State::Pending && !queued_.count(id);  // the queue was full last time
  if ((is_new || due || dropped) && !removed_.count(id)) {
    e.state = State::Pending;
    queue_locked(id);
  }
  return e.meta;
}

std::optional<ContainerMetadata> ContainerMetadataCache::peek(std::string_view id) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(std::string(id));
  if (it == entries_.end()) return std::nullopt;
  return it->second.meta;
}

bool ContainerMetadataCache::wait_resolved(std::string_view id_view, std::chrono::milliseconds timeout) const {
  std::string id(id_view);
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    auto it = entries_.find(id);
    return it != entries_.end() && (it->second.state == State::Known || it->second.state == State::Absent);
  });
}

bool ContainerMetadataCache::wait_events_connected(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return events_connected_.load(); });
}

size_t ContainerMetadataCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void ContainerMetadataCache::note_unreachable(const std::string& why) {
  reachable_ = false;
  if (!warned_.exchange(true))
    options_.warn("container engine at " + options_.socket_path + " unreachable (" + why +
                  "); containers are reported by id only until it answers");
}

void ContainerMetadataCache::note_reachable() {
  reachable_ = true;
  warned_ = false;
}

void ContainerMetadataCache::store_result(const std::string& id, std::optional<ContainerMetadata> meta, bool unreachable) {
  std::lock_guard lock(mutex_);
  queued_.erase(id);
  if (removed_.count(id)) return;  // destroyed while we asked: the answer is already stale
  auto it = entries_.find(id);
  if (it == entries_.end()) return;  // dropped from the cache meanwhile
  Entry& e = it->second;
  if (meta) {
    e.meta = std::move(*meta);
    e.state = State::Known;
  } else {
    e.state = unreachable ? State::Unreachable : State::Absent;
    e.retry_at = Clock::now() + (unreachable ? options_.retry_interval : options_.not_found_retry);
  }
  changed_.notify_all();
}

void ContainerMetadataCache::fetch_loop() {
  for (;;) {
    std::string id;
    {
      std::unique_lock lock(mutex_);
      work_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      id = queue_.front();
      queue_.pop_front();
    }
    try {
      auto meta = engine_inspect_container(options_.socket_path, id, options_.request_timeout);
      note_reachable();
      store_result(id, std::move(meta), false);
    } catch (const Error& e) {
      note_unreachable(e.what());
      store_result(id, std::nullopt, true);
    }
  }
}

void ContainerMetadataCache::handle_event(const EngineEvent& event) {
  std::lock_guard lock(mutex_);
  last_event_ns_ = std::max(last_event_ns_, event.time_ns);
  const std::string& a = event.action;
  if (a == "destroy" || a == "remove") {
    evict_locked(event.id);
    changed_.notify_all();
    return;
  }
  auto it = entries_.find(event.id);
  if (a == "start") {
    // Fetch before the container's first syscall event asks for it.
    Entry& e = entry_locked(event.id);
    e.state = State::Pending;
    // The event already names the container and its image: enough for an alert about a container
    // that is gone before an inspect could answer.
    if (!event.name.empty()) e.meta.name = event.name;
    if (!event.image.empty()) e.meta.image = event.image;
    queue_locked(event.id);
    changed_.notify_all();
  } else if (it == entries_.end()) {
    return;
  } else if (a == "die") {
    it->second.meta.running = false;
    it->second.meta.pid = 0;
  } else if (a == "rename" && it->second.state == State::Known && !event.name.empty()) {
    it->second.meta.name = event.name;
  }
}

void ContainerMetadataCache::events_loop() {
  auto backoff = options_.backoff_initial;
  while (!stopping_) {
    std::string target = std::string(kEngineApiPrefix) + std::string(kEventsTarget);
    int64_t since_ns;
    {
      std::lock_guard lock(mutex_);
      since_ns = last_event_ns_;
    }
    // Replays what was missed while disconnected (whole seconds: repeats are harmless).
    if (since_ns > 0) target += "&since=" + std::to_string(since_ns / 1000000000);
    std::string line;
    bool overflow = false;
    try {
      unix_http_stream(
          options_.socket_path, target, options_.request_timeout, stopping_,
          [&] {
            note_reachable();
            backoff = options_.backoff_initial;
            events_connected_ = true;
            std::lock_guard lock(mutex_);
            changed_.notify_all();
          },
          [&](std::string_view data) {
            for (char c : data) {
              if (c != '\n') {
                if (line.size() >= kMaxEventLine) overflow = true;
                else line.push_back(c);
                continue;
              }
              if (!overflow && !line.empty()) {
                try {
                  if (auto event = parse_engine_event(line, options_.socket_path + " events")) handle_event(*event);
                } catch (const Error&) {
                  // One garbled event is skipped; the stream goes on.
                }
              }
              line.clear();
              overflow = false;
            }
            return true;
          });
    } catch (const Error& e) {
      note_unreachable(e.what());
    }
    events_connected_ = false;
    if (!sleep_for(backoff)) return;
    backoff = std::min(backoff * 2, options_.backoff_max);
  }
}

}  // namespace moat::runtime
