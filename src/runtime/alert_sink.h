#pragma once
// Where the agent's alerts go — standard output, a file, syslog, an HTTP webhook — behind one rate
// limit, so that an attack loop firing a rule thousands of times a second cannot flood the outputs
// or stall the event path. Each alert arrives already formatted as one Falco-compatible JSON line.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace moat::runtime {

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  // syslog_priority: LOG_EMERG (0) ... LOG_DEBUG (7), as the rule's priority maps to it.
  virtual void write(std::string_view json_line, int syslog_priority) = 0;
  // Alerts this sink could not deliver (a full queue, a failed request, a failed write).
  virtual uint64_t failed() const = 0;
  // Files are reopened (after log rotation) on SIGHUP; others ignore it.
  virtual void reopen() {}
};

std::unique_ptr<AlertSink> stdout_sink();
// Appends; the file is created 0600. Throws moat::Error when it cannot be opened.
std::unique_ptr<AlertSink> file_sink(const std::string& path);
std::unique_ptr<AlertSink> syslog_sink();
// POSTs each line as application/json from a background thread; at most `queue_limit` alerts wait,
// more are counted as failed rather than blocking the caller. Throws moat::Error for a URL that is
// not http(s)://host[:port]/path.
std::unique_ptr<AlertSink> webhook_sink(const std::string& url, size_t queue_limit = 10000);

// A token bucket: `rate` alerts per second on average, bursts of up to `burst`.
class RateLimiter {
 public:
  RateLimiter(double rate, double burst);
  bool allow(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());

 private:
  double rate_, burst_, tokens_;
  std::chrono::steady_clock::time_point last_;
};

struct AlertStats {
  uint64_t published = 0;     // passed the rate limit and handed to every sink
  uint64_t rate_limited = 0;  // dropped by the rate limit
  uint64_t failed = 0;        // summed over sinks
};

// Thread-safe: rules may fire from several threads.
class AlertOutputs {
 public:
  AlertOutputs(std::vector<std::unique_ptr<AlertSink>> sinks, double rate, double burst);
  void publish(std::string_view json_line, int syslog_priority);
  void reopen();
  AlertStats stats() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<AlertSink>> sinks_;
  RateLimiter limiter_;
  AlertStats stats_;
};

}  // namespace moat::runtime
