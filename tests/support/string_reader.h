#pragma once
// An image::Reader over bytes held in memory: a layer for tests, without a file.
#include <algorithm>
#include <cstring>
#include <string>

#include "image/reader.h"

namespace moat::test {

class StringReader : public image::Reader {
 public:
  explicit StringReader(std::string s) : s_(std::move(s)) {}
  size_t read(char* buf, size_t n) override {
    n = std::min(n, s_.size() - pos_);
    std::memcpy(buf, s_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string s_;
  size_t pos_ = 0;
};

}  // namespace moat::test
