// An image archive (docker-archive or OCI-layout tar): the outer tar index, manifests, configs and
// indexes. libFuzzer gives bytes; the image reader wants a file, so each input is written to one.
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "base/error.h"
#include "image/image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/moat-fuzz-image-" + std::to_string(::getpid()) + ".tar";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    auto img = moat::image::Image::open(path, moat::image::Platform{});
    for (size_t i = 0; i < img->metadata().layers.size() && i < 4; ++i) img->open_layer(i);
  } catch (const moat::Error&) {
  }
  return 0;
}
