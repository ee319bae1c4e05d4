#pragma once
// Container metadata for the event path: a bounded cache in front of the Engine API, filled by a
// background fetcher and kept current by the engine's event stream. lookup() never does I/O, so
// a slow or absent engine never holds up an event: an unknown id returns just the id and queues
// a fetch; an absent socket gives one warning and a retry every retry_interval.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "runtime/engine_api.h"

namespace moat::runtime {

struct EngineCacheOptions {
  std::string socket_path = "/var/run/docker.sock";
  size_t max_entries = 4096;                       // least recently used beyond this are dropped
  size_t max_pending = 256;                        // queued fetches beyond this are dropped (retried on next lookup)
  std::chrono::milliseconds request_timeout{2000}; // one inspect (on the fetcher thread, never the caller's)
  std::chrono::milliseconds retry_interval{5000};  // after the engine could not be reached
  std::chrono::milliseconds not_found_retry{30000};// an id the engine did not know (another engine's container)
  std::chrono::milliseconds backoff_initial{100};  // event stream reconnects: doubling up to backoff_max
  std::chrono::milliseconds backoff_max{10000};
  // Where the single "engine unreachable" warning goes; stderr when empty.
  std::function<void(const std::string&)> warn;
};

class ContainerMetadataCache {
 public:
  explicit ContainerMetadataCache(EngineCacheOptions options);
  ~ContainerMetadataCache();
  ContainerMetadataCache(const ContainerMetadataCache&) = delete;
  ContainerMetadataCache& operator=(const ContainerMetadataCache&) = delete;

  // Starts the fetcher and the event-stream threads; stop() (or the destructor) joins them.
  void start();
  void stop();

  // What is known about container `id` (at least the id; `known` says whether the engine
  // answered). Queues a fetch when the id is new or due for a retry. No I/O; a mutex only.
  ContainerMetadata lookup(std::string_view id);

  // The cached entry without queueing anything.
  std::optional<ContainerMetadata> peek(std::string_view id) const;

  // Waits until the engine has answered for `id` (known, or known not to exist) or timeout.
  bool wait_resolved(std::string_view id, std::chrono::milliseconds timeout) const;
  // Waits until the event stream is connected, or timeout.
  bool wait_events_connected(std::chrono::milliseconds timeout) const;

  bool engine_reachable() const { return reachable_.load(); }
  size_t size() const;

 private:
  enum class State { Pending, Known, Absent, Unreachable };
  struct Entry {
    ContainerMetadata meta;
    State state = State::Pending;
    std::chrono::steady_clock::time_point retry_at{};
    std::list<std::string>::iterator lru;
  };

  void fetch_loop();
  void events_loop();
  void handle_event(const EngineEvent& event);
  void queue_locked(const std::string& id);
  Entry& entry_locked(const std::string& id);
  void evict_locked(const std::string& id);
  void store_result(const std::string& id, std::optional<ContainerMetadata> meta, bool unreachable);
  void note_unreachable(const std::string& why);
  void note_reachable();
  bool sleep_for(std::chrono::milliseconds d);  // false when stopping

  EngineCacheOptions options_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;  // entries resolved, events connected, stop
  std::condition_variable work_;             // fetch queue or stop
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;  // front = most recently used
  std::deque<std::string> queue_;
  std::unordered_set<std::string> queued_;
  std::unordered_set<std::string> removed_;  // ids destroyed while a fetch may be in flight
  std::deque<std::string> removed_order_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> reachable_{true};
  std::atomic<bool> warned_{false};
  std::atomic<bool> events_connected_{false};
  int64_t last_event_ns_ = 0;
  std::thread fetcher_, events_;
};

}  // namespace moat::runtime
