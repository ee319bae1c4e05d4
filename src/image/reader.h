#pragma once
// A forward-only byte stream: layer blobs are read once, start to end.
#include <cstddef>
#include <memory>
#include <string>

namespace moat::image {

class Reader {
 public:
  virtual ~Reader() = default;
  // Reads up to n bytes; 0 means end of stream. Fails with moat::Error on I/O errors.
  virtual size_t read(char* buf, size_t n) = 0;
};

// Wraps a reader so that reaching its end checks the bytes' sha256 against expected ("sha256:...")
// and fails with a clear error naming what when they differ.
std::unique_ptr<Reader> verify_digest(std::unique_ptr<Reader> inner, std::string expected, std::string what);

}  // namespace moat::image
