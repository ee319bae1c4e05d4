// A layer blob (any compression) through the entry stream and every analyzer, as an image scan does.
#include <cstdint>
#include <cstring>
#include <string>

#include "base/error.h"
#include "image/entries.h"
#include "inventory/collect.h"

namespace {
class Bytes : public moat::image::Reader {
 public:
  Bytes(const uint8_t* d, size_t n) : d_(d), n_(n) {}
  size_t read(char* buf, size_t n) override {
    n = std::min(n, n_ - pos_);
    std::memcpy(buf, d_ + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  const uint8_t* d_;
  size_t n_, pos_ = 0;
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  moat::image::LayerLimits limits;
  limits.max_uncompressed = 64 << 20;
  limits.bomb_floor = 1 << 20;
  try {
    auto entries = moat::image::open_layer_entries(std::make_unique<Bytes>(data, size), "fuzz", limits);
    moat::inventory::collect(*entries, moat::inventory::TargetKind::Image, "fuzz");
  } catch (const moat::Error&) {
  }
  return 0;
}
