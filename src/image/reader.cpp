#include "image/reader.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "base/error.h"
#include "base/sha256.h"

namespace moat::image {

namespace {

// Hashes on a thread of its own: SHA-256 of a layer costs as much CPU as reading and parsing it, and
// on the reader's thread it would hold up everything that waits for the layer's files. Each chunk
// read is copied to a queue that the hasher drains; at most kInFlight bytes wait.
class DigestReader : public Reader {
 public:
  DigestReader(std::unique_ptr<Reader> inner, std::string expected, std::string what)
      : inner_(std::move(inner)), expected_(std::move(expected)), what_(std::move(what)), hasher_([this] { hash(); }) {}

  ~DigestReader() override {
    {
      const std::lock_guard lock(mutex_);
      stop_ = true;
    }
    ready_.notify_all();
    hasher_.join();
  }

  size_t read(char* buf, size_t n) override {
    const size_t got = inner_->read(buf, n);
    std::unique_lock lock(mutex_);
    if (got > 0) {
      drained_.wait(lock, [&] { return in_flight_ < kInFlight; });
      queue_.emplace_back(buf, got);
      in_flight_ += got;
      ready_.notify_one();
    } else if (!checked_) {
      checked_ = true;
      drained_.wait(lock, [&] { return in_flight_ == 0; });
      const std::string actual = hash_.digest();
      if (actual != expected_) fail(what_, "content digest " + actual + " does not match " + expected_);
    }
    return got;
  }

 private:
  static constexpr size_t kInFlight = 8u << 20;

  void hash() {
    for (;;) {
      std::string chunk;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;
        chunk = std::move(queue_.front());
        queue_.pop_front();
      }
      hash_.update(chunk.data(), chunk.size());
      {
        const std::lock_guard lock(mutex_);
        in_flight_ -= chunk.size();
      }
      drained_.notify_all();
    }
  }

  std::unique_ptr<Reader> inner_;
  std::string expected_, what_;
  Sha256 hash_;  // touched only by the hasher until in_flight_ is back to 0
  bool checked_ = false;
  std::mutex mutex_;
  std::condition_variable ready_, drained_;
  std::deque<std::string> queue_;
  size_t in_flight_ = 0;  // bytes queued or being hashed
  bool stop_ = false;
  std::thread hasher_;  // last: starts once everything it uses exists
};

}  // namespace

std::unique_ptr<Reader> verify_digest(std::unique_ptr<Reader> inner, std::string expected, std::string what) {
  return std::make_unique<DigestReader>(std::move(inner), std::move(expected), std::move(what));
}

}  // namespace moat::image
