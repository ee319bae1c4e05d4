#include "runtime/alert_sink.h"

#include <fcntl.h>
#include <httplib.h>
#include <syslog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <iostream>
#include <regex>
#include <thread>

#include "base/error.h"

namespace moat::runtime {

namespace {

class StdoutSink : public AlertSink {
 public:
  void write(std::string_view line, int) override {
    std::cout << line << '\n' << std::flush;
    if (!std::cout) ++failed_;
  }
  uint64_t failed() const override { return failed_; }

 private:
  uint64_t failed_ = 0;
};

class FileSink : public AlertSink {
 public:
  explicit FileSink(std::string path) : path_(std::move(path)) { open(); }
  ~FileSink() override {
    if (fd_ >= 0) ::close(fd_);
  }
  void write(std::string_view line, int) override {
    std::string buf(line);
    buf += '\n';
    // O_APPEND writes of one line are atomic with respect to other appenders.
    if (::write(fd_, buf.data(), buf.size()) != static_cast<ssize_t>(buf.size())) ++failed_;
  }
  uint64_t failed() const override { return failed_; }
  void reopen() override {
    if (fd_ >= 0) ::close(fd_);
    open();
  }

 private:
  void open() {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd_ < 0) fail(path_, std::string("cannot open the alert file: ") + std::strerror(errno));
  }
  std::string path_;
  int fd_ = -1;
  uint64_t failed_ = 0;
};

class SyslogSink : public AlertSink {
 public:
  SyslogSink() { ::openlog("moat", LOG_PID | LOG_NDELAY, LOG_DAEMON); }
  ~SyslogSink() override { ::closelog(); }
  void write(std::string_view line, int priority) override {
    ::syslog(std::clamp(priority, 0, 7), "%.*s", static_cast<int>(line.size()), line.data());
  }
  uint64_t failed() const override { return 0; }  // syslog(3) reports nothing
};

class WebhookSink : public AlertSink {
 public:
  WebhookSink(const std::string& url, size_t queue_limit) : limit_(queue_limit) {
    static const std::regex kUrl(R"((https?://[^/\s]+)(/\S*)?)");
    std::smatch m;
    if (!std::regex_match(url, m, kUrl)) fail(url, "a webhook must be an http:// or https:// URL");
    origin_ = m[1];
    path_ = m[2].matched ? m[2].str() : "/";
    worker_ = std::thread([this] { run(); });
  }
  ~WebhookSink() override {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    worker_.join();
  }
  void write(std::string_view line, int) override {
    {
      std::lock_guard lock(mu_);
      if (queue_.size() >= limit_) {
        ++failed_;
        return;
      }
      queue_.emplace_back(line);
    }
    cv_.notify_one();
  }
  uint64_t failed() const override { return failed_; }

 private:
  void run() {
    httplib::Client client(origin_);
    client.set_connection_timeout(std::chrono::seconds(2));
    client.set_read_timeout(std::chrono::seconds(5));
    client.set_write_timeout(std::chrono::seconds(5));
    client.set_keep_alive(true);
    for (;;) {
      std::string line;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and everything queued was sent
        line = std::move(queue_.front());
        queue_.pop_front();
      }
      auto res = client.Post(path_, line, "application/json");
      if (!res || res->status < 200 || res->status >= 300) ++failed_;
    }
  }

  std::string origin_, path_;
  size_t limit_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  bool stop_ = false;
  std::atomic<uint64_t> failed_{0};
  std::thread worker_;
};

}  // namespace

std::unique_ptr<AlertSink> stdout_sink() { return std::make_unique<StdoutSink>(); }
std::unique_ptr<AlertSink> file_sink(const std::string& path) { return std::make_unique<FileSink>(path); }
std::unique_ptr<AlertSink> syslog_sink() { return std::make_unique<SyslogSink>(); }
std::unique_ptr<AlertSink> webhook_sink(const std::string& url, size_t queue_limit) {
  return std::make_unique<WebhookSink>(url, queue_limit);
}

RateLimiter::RateLimiter(double rate, double burst)
    : rate_(rate), burst_(std::max(1.0, burst)), tokens_(burst_), last_(std::chrono::steady_clock::now()) {}

bool RateLimiter::allow(std::chrono::steady_clock::time_point now) {
  if (now > last_) {
    tokens_ = std::min(burst_, tokens_ + rate_ * std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

AlertOutputs::AlertOutputs(std::vector<std::unique_ptr<AlertSink>> sinks, double rate, double burst)
    : sinks_(std::move(sinks)), limiter_(rate, burst) {}

void AlertOutputs::publish(std::string_view json_line, int syslog_priority) {
  std::lock_guard lock(mu_);
  if (!limiter_.allow()) {
    ++stats_.rate_limited;
    return;
  }
  ++stats_.published;
  for (auto& s : sinks_) s->write(json_line, syslog_priority);
}

void AlertOutputs::reopen() {
  std::lock_guard lock(mu_);
  for (auto& s : sinks_) s->reopen();
}

AlertStats AlertOutputs::stats() const {
  std::lock_guard lock(mu_);
  AlertStats s = stats_;
  for (const auto& sink : sinks_) s.failed += sink->failed();
  return s;
}

}  // namespace moat::runtime
