#pragma once
// Incremental SHA-256 (OpenSSL) with the "sha256:<hex>" form image digests use.
#include <memory>
#include <string>
#include <string_view>

namespace moat {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, size_t size);
  std::string hex();     // finishes the hash
  std::string digest();  // "sha256:" + hex()

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

std::string sha256_digest(std::string_view data);

// True for "sha256:" followed by 64 lowercase hex digits: the only digest form moat accepts as a name.
bool is_sha256_digest(std::string_view s);

}  // namespace moat
