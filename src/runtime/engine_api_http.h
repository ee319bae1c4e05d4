#pragma once
// The little HTTP/1.1 the Docker Engine API needs, over a unix socket: one GET at a time, bodies
// by Content-Length, chunked or until close, every size and wait capped. (Debian's cpp-httplib
// 0.11 cannot dial unix sockets.)
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace moat::runtime {

// Parses one HTTP/1.1 response from bytes as they arrive; body bytes go to on_body. Throws
// moat::Error (naming `source`) on anything malformed or over the limits.
class HttpResponseParser {
 public:
  struct Limits {
    size_t max_header_bytes = 16 * 1024;
    size_t max_body_bytes = 1024 * 1024;  // for streams: the most held per chunk, not in total
    bool body_is_stream = false;          // an endless body (events): no total cap
  };

  HttpResponseParser(std::string source, Limits limits, std::function<void(std::string_view)> on_body);

  void feed(std::string_view bytes);
  // The peer closed the connection: completes an until-close body, or throws if cut short.
  void finish();

  bool headers_done() const { return state_ != State::Headers; }
  bool complete() const { return state_ == State::Done; }
  int status() const { return status_; }

 private:
  enum class State { Headers, Fixed, ChunkSize, ChunkData, ChunkDataEnd, Trailers, UntilClose, Done };
  void parse_headers(std::string_view block);
  void deliver(std::string_view bytes);

  std::string source_;
  Limits limits_;
  std::function<void(std::string_view)> on_body_;
  State state_ = State::Headers;
  std::string pending_;  // header bytes or a partial chunk-size line
  int status_ = 0;
  size_t remaining_ = 0;
  size_t delivered_ = 0;
};

struct HttpResponse {
  int status = 0;
  std::string body;
};

// GET `target` (e.g. "/v1.41/containers/<id>/json") from the server on `socket_path`. The whole
// exchange, connect included, ends within `timeout`; bodies over max_body_bytes fail. Throws
// moat::Error on any failure; a non-2xx status is returned, not thrown.
HttpResponse unix_http_get(const std::string& socket_path, const std::string& target,
                           std::chrono::milliseconds timeout, size_t max_body_bytes = 1024 * 1024);

// Streams the body of GET `target` to on_data until the server closes, on_data returns false, or
// `stop` becomes true (checked at least every 200 ms). Connecting and receiving the response
// headers must succeed within connect_timeout; after that silence is allowed. on_connected is
// called once a 200 response has begun. Throws moat::Error on failure or a non-200 status.
void unix_http_stream(const std::string& socket_path, const std::string& target,
                      std::chrono::milliseconds connect_timeout, const std::atomic<bool>& stop,
                      const std::function<void()>& on_connected,
                      const std::function<bool(std::string_view)>& on_data);

}  // namespace moat::runtime
