#pragma once
// Downloads one URL to a file: http://, https:// (system CA store, certificates verified) and
// file:// (an absolute local path), so that offline mirrors and real servers work the same way.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "base/error.h"

namespace moat {

// The URL names nothing: HTTP 404, or a file:// path that does not exist.
class NotFound : public Error {
 public:
  using Error::Error;
};

struct FetchOptions {
  uint64_t max_bytes = uint64_t{2} << 30;       // the body is cut off, and the fetch fails, above this
  std::chrono::seconds connect_timeout{15};     // per connection attempt
  std::chrono::seconds read_timeout{60};        // longest silence while a body is being received
  std::chrono::seconds total_timeout{30 * 60};  // the whole fetch, redirects included
  int max_redirects = 5;
  // Called as bytes arrive: (received, expected or 0 when the server did not say). Cheap calls only.
  std::function<void(uint64_t, uint64_t)> progress;
};

struct FetchResult {
  uint64_t bytes = 0;
  std::string final_url;  // after redirects
};

// Writes the body of url to dest (created or truncated). Any failure — bad URL, connection, TLS,
// a status other than 200, a body shorter than announced, the size cap, a timeout, a full disk —
// throws moat::Error naming the URL; dest may then hold a partial file, which the caller discards.
FetchResult fetch_to_file(const std::string& url, const std::filesystem::path& dest, const FetchOptions& options = {});

}  // namespace moat
