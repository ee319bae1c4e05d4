#include "image/reader.h"

#include "base/error.h"
#include "base/sha256.h"

namespace moat::image {

namespace {

class DigestReader : public Reader {
 public:
  DigestReader(std::unique_ptr<Reader> inner, std::string expected, std::string what)
      : inner_(std::move(inner)), expected_(std::move(expected)), what_(std::move(what)) {}

  size_t read(char* buf, size_t n) override {
    size_t got = inner_->read(buf, n);
    if (got > 0) {
      hash_.update(buf, got);
    } else if (!checked_) {
      checked_ = true;
      std::string actual = hash_.digest();
      if (actual != expected_) fail(what_, "content digest " + actual + " does not match " + expected_);
    }
    return got;
  }

 private:
  std::unique_ptr<Reader> inner_;
  std::string expected_, what_;
  Sha256 hash_;
  bool checked_ = false;
};

}  // namespace

std::unique_ptr<Reader> verify_digest(std::unique_ptr<Reader> inner, std::string expected, std::string what) {
  return std::make_unique<DigestReader>(std::move(inner), std::move(expected), std::move(what));
}

}  // namespace moat::image
