#include "runtime/engine_api_http.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "base/error.h"
#include "base/text.h"

namespace moat::runtime {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kMaxChunkLine = 1024;

bool iequals(std::string_view a, std::string_view b) { return ascii_lower(a) == ascii_lower(b); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool parse_size(std::string_view s, int base, size_t& out) {
  if (s.empty() || s.size() > 16) return false;
  size_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return false;
    v = v * static_cast<size_t>(base) + static_cast<size_t>(d);
  }
  out = v;
  return true;
}

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(left);
}

// Waits for `events` on fd until deadline; false on timeout.
bool wait_fd(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  for (;;) {
    int r = ::poll(&p, 1, timeout_ms);
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) return false;
  }
}

// Opens the connection and writes the request; returns the connected fd.
int open_request(const std::string& socket_path, const std::string& target, Clock::time_point deadline) {
  for (char c : target)
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) fail(socket_path, "request target has a control byte or space");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.empty() || socket_path.size() >= sizeof(addr.sun_path)) fail(socket_path, "not a usable unix socket path");
  std::memcpy(addr.sun_path, socket_path.data(), socket_path.size());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) fail(socket_path, std::string("socket: ") + std::strerror(errno));
  try {
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
      if (errno != EINPROGRESS && errno != EAGAIN) fail(socket_path, std::string("connect: ") + std::strerror(errno));
      if (!wait_fd(fd, POLLOUT, remaining_ms(deadline))) fail(socket_path, "connect timed out");
      int err = 0;
      socklen_t len = sizeof(err);
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) fail(socket_path, std::string("connect: ") + std::strerror(err));
    }
    std::string request = "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nUser-Agent: moat\r\nConnection: close\r\n\r\n";
    size_t sent = 0;
    while (sent < request.size()) {
      ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n > 0) {
        sent += static_cast<size_t>(n);
      } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        if (!wait_fd(fd, POLLOUT, remaining_ms(deadline))) fail(socket_path, "sending the request timed out");
      } else {
        fail(socket_path, std::string("send: ") + std::strerror(errno));
      }
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  return fd;
}

}  // namespace

HttpResponseParser::HttpResponseParser(std::string source, Limits limits, std::function<void(std::string_view)> on_body)
    : source_(std::move(source)), limits_(limits), on_body_(std::move(on_body)) {}

void HttpResponseParser::deliver(std::string_view bytes) {
  if (bytes.empty()) return;
  if (!limits_.body_is_stream) {
    delivered_ += bytes.size();
    if (delivered_ > limits_.max_body_bytes) fail(source_, "response body is larger than " + std::to_string(limits_.max_body_bytes) + " bytes");
  }
  on_body_(bytes);
}

void HttpResponseParser::parse_headers(std::string_view block) {
  size_t eol = block.find("\r\n");
  std::string_view status_line = block.substr(0, eol);
  // "HTTP/1.1 200 OK"
  if (status_line.substr(0, 7) != "HTTP/1." || status_line.size() < 12 || status_line[8] != ' ')
    fail(source_, "not an HTTP/1.x response: " + quoted_excerpt(status_line));
  size_t code = 0;
  if (!parse_size(status_line.substr(9, 3), 10, code) || code < 100 || code > 599 ||
      (status_line.size() > 12 && status_line[12] != ' '))
    fail(source_, "bad HTTP status line: " + quoted_excerpt(status_line));
  status_ = static_cast<int>(code);
  bool chunked = false, has_length = false;
  size_t length = 0;
  size_t pos = eol == std::string_view::npos ? block.size() : eol + 2;
  while (pos < block.size()) {
    size_t end = block.find("\r\n", pos);
    if (end == std::string_view::npos) end = block.size();
    std::string_view line = block.substr(pos, end - pos);
    pos = end + 2;
    if (line.empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) fail(source_, "bad HTTP header line: " + quoted_excerpt(line));
    std::string_view name = line.substr(0, colon), value = trim(line.substr(colon + 1));
    if (iequals(name, "transfer-encoding")) {
      if (!iequals(value, "chunked")) fail(source_, "unsupported transfer encoding " + quoted_excerpt(value));
      chunked = true;
    } else if (iequals(name, "content-length")) {
      size_t n = 0;
      if (!parse_size(value, 10, n) || (has_length && n != length)) fail(source_, "bad Content-Length " + quoted_excerpt(value));
      has_length = true;
      length = n;
    }
  }
  if (chunked) {
    state_ = State::ChunkSize;
  } else if (has_length) {
    if (!limits_.body_is_stream && length > limits_.max_body_bytes)
      fail(source_, "response body is larger than " + std::to_string(limits_.max_body_bytes) + " bytes");
    remaining_ = length;
    state_ = length == 0 ? State::Done : State::Fixed;
  } else if (status_ == 204 || status_ == 304 || status_ < 200) {
    state_ = State::Done;
  } else {
    state_ = State::UntilClose;
  }
}

void HttpResponseParser::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    switch (state_) {
      case State::Headers: {
        size_t old = pending_.size();
        pending_.append(bytes.substr(0, limits_.max_header_bytes + 4 - std::min(old, limits_.max_header_bytes + 4)));
        size_t end = pending_.find("\r\n\r\n", old >= 3 ? old - 3 : 0);
        if (end == std::string::npos) {
          if (pending_.size() > limits_.max_header_bytes) fail(source_, "response headers are larger than " + std::to_string(limits_.max_header_bytes) + " bytes");
          return;
        }
        size_t used = end + 4 - old;
        std::string block = pending_.substr(0, end + 2);
        pending_.clear();
        parse_headers(block);
        bytes.remove_prefix(used);
        break;
      }
      case State::Fixed: {
        size_t n = std::min(remaining_, bytes.size());
        deliver(bytes.substr(0, n));
        bytes.remove_prefix(n);
        remaining_ -= n;
        if (remaining_ == 0) state_ = State::Done;
        break;
      }
      case State::ChunkSize:
      case State::Trailers: {
        size_t nl = bytes.find('\n');
        std::string_view part = bytes.substr(0, nl == std::string_view::npos ? bytes.size() : nl + 1);
        if (pending_.size() + part.size() > kMaxChunkLine) fail(source_, "chunk header line too long");
        pending_.append(part);
        bytes.remove_prefix(part.size());
        if (nl == std::string_view::npos) return;
        std::string_view line = trim(std::string_view(pending_).substr(0, pending_.size() - 1));
        if (state_ == State::Trailers) {
          if (line.empty()) state_ = State::Done;
          pending_.clear();
          break;
        }
        line = line.substr(0, line.find(';'));  // chunk extensions
        size_t size = 0;
        if (!parse_size(trim(line), 16, size)) fail(source_, "bad chunk size " + quoted_excerpt(line));
        if (size > limits_.max_body_bytes) fail(source_, "chunk larger than " + std::to_string(limits_.max_body_bytes) + " bytes");
        pending_.clear();
        remaining_ = size;
        state_ = size == 0 ? State::Trailers : State::ChunkData;
        break;
      }
      case State::ChunkData: {
        size_t n = std::min(remaining_, bytes.size());
        deliver(bytes.substr(0, n));
        bytes.remove_prefix(n);
        remaining_ -= n;
        if (remaining_ == 0) state_ = State::ChunkDataEnd;
        break;
      }
      case State::ChunkDataEnd: {  // the CRLF after a chunk's data
        char c = bytes.front();
        bytes.remove_prefix(1);
        if (c == '\n') state_ = State::ChunkSize;
        else if (c != '\r') fail(source_, "chunk data not followed by CRLF");
        break;
      }
      case State::UntilClose:
        deliver(bytes);
        return;
      case State::Done:
        return;  // bytes after the response (none with Connection: close) are ignored
    }
  }
}

void HttpResponseParser::finish() {
  if (state_ == State::UntilClose) state_ = State::Done;
  if (state_ != State::Done) fail(source_, "connection closed before the response was complete");
}

HttpResponse unix_http_get(const std::string& socket_path, const std::string& target,
                           std::chrono::milliseconds timeout, size_t max_body_bytes) {
  auto deadline = Clock::now() + timeout;
  Socket sock(open_request(socket_path, target, deadline));
  HttpResponse response;
  HttpResponseParser::Limits limits;
  limits.max_body_bytes = max_body_bytes;
  HttpResponseParser parser(socket_path + " GET " + target, limits,
                            [&](std::string_view body) { response.body.append(body); });
  char buf[16 * 1024];
  while (!parser.complete()) {
    if (!wait_fd(sock.fd(), POLLIN, remaining_ms(deadline))) fail(socket_path, "GET " + target + " timed out");
    ssize_t n = ::recv(sock.fd(), buf, sizeof(buf), 0);
    if (n > 0) {
      parser.feed(std::string_view(buf, static_cast<size_t>(n)));
    } else if (n == 0) {
      parser.finish();
    } else if (errno != EAGAIN && errno != EINTR) {
      fail(socket_path, std::string("recv: ") + std::strerror(errno));
    }
  }
  response.status = parser.status();
  return response;
}

void unix_http_stream(const std::string& socket_path, const std::string& target,
                      std::chrono::milliseconds connect_timeout, const std::atomic<bool>& stop,
                      const std::function<void()>& on_connected,
                      const std::function<bool(std::string_view)>& on_data) {
  auto deadline = Clock::now() + connect_timeout;
  Socket sock(open_request(socket_path, target, deadline));
  std::string error_body;
  bool keep_going = true, announced = false;
  HttpResponseParser::Limits limits;
  limits.body_is_stream = true;
  HttpResponseParser* self = nullptr;
  HttpResponseParser parser(socket_path + " GET " + target, limits, [&](std::string_view body) {
    if (self->status() != 200) {
      error_body.append(body.substr(0, 512 - std::min<size_t>(512, error_body.size())));
      return;
    }
    if (keep_going) keep_going = on_data(body);
  });
  self = &parser;
  char buf[16 * 1024];
  while (keep_going && !stop.load()) {
    if (parser.headers_done() && parser.status() == 200 && !announced) {
      announced = true;
      on_connected();
    }
    int wait_ms = 200;
    if (!parser.headers_done()) {
      wait_ms = std::min(wait_ms, remaining_ms(deadline));
      if (wait_ms == 0) fail(socket_path, "GET " + target + ": no response headers in time");
    }
    if (!wait_fd(sock.fd(), POLLIN, wait_ms)) continue;
    ssize_t n = ::recv(sock.fd(), buf, sizeof(buf), 0);
    if (n > 0) {
      parser.feed(std::string_view(buf, static_cast<size_t>(n)));
    } else if (n == 0) {
      break;
    } else if (errno != EAGAIN && errno != EINTR) {
      fail(socket_path, std::string("recv: ") + std::strerror(errno));
    }
    if (parser.complete()) break;
  }
  if (parser.headers_done() && parser.status() != 200)
    fail(socket_path, "GET " + target + ": HTTP " + std::to_string(parser.status()) + " " + quoted_excerpt(error_body));
  if (!parser.headers_done() && !stop.load()) fail(socket_path, "GET " + target + ": connection closed before a response");
}

}  // namespace moat::runtime
