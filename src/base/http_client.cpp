#include "base/http_client.h"

#include <fcntl.h>
#include <httplib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include "base/error.h"

namespace moat {
namespace {

using Clock = std::chrono::steady_clock;

// An open output file that reports write errors (a full disk above all) with the URL in them.
class Sink {
 public:
  Sink(const std::filesystem::path& path, const std::string& url) : path_(path), url_(url) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) fail(url, "cannot write " + path.string() + ": " + std::strerror(errno));
  }
  ~Sink() {
    if (fd_ >= 0) ::close(fd_);
  }
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;

  void write(const char* data, size_t size) {
    while (size > 0) {
      ssize_t n = ::write(fd_, data, size);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail(url_, "cannot write " + path_.string() + ": " + std::strerror(n < 0 ? errno : ENOSPC));
      data += n;
      size -= static_cast<size_t>(n);
    }
  }
  void close() {
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail(url_, "cannot write " + path_.string() + ": " + std::strerror(errno));
  }

 private:
  std::filesystem::path path_;
  std::string url_;
  int fd_ = -1;
};

std::string percent_decode(std::string_view in, const std::string& url) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    auto hex = [&](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int hi = i + 2 < in.size() ? hex(in[i + 1]) : -1;
    int lo = i + 2 < in.size() ? hex(in[i + 2]) : -1;
    if (hi < 0 || lo < 0) fail(url, "bad percent-encoding in the path");
    char c = static_cast<char>(hi * 16 + lo);
    if (c == '\0') fail(url, "bad percent-encoding in the path");
    out += c;
    i += 2;
  }
  return out;
}

FetchResult fetch_file_url(const std::string& url, const std::filesystem::path& dest, const FetchOptions& options) {
  std::string_view rest = std::string_view(url).substr(7);  // after "file://"
  if (rest.starts_with("localhost/")) rest.remove_prefix(9);
  if (!rest.starts_with("/")) fail(url, "a file URL needs an absolute path (file:///...)");
  std::filesystem::path source = percent_decode(rest, url);
  int in = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    if (errno == ENOENT) throw NotFound(url + ": " + std::strerror(errno));
    fail(url, std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(in);
    fail(url, "not a regular file");
  }
  auto expected = static_cast<uint64_t>(st.st_size);
  if (expected > options.max_bytes) {
    ::close(in);
    fail(url, "larger than the limit of " + std::to_string(options.max_bytes) + " bytes");
  }
  FetchResult result{0, url};
  try {
    Sink sink(dest, url);
    std::string buf(1 << 20, '\0');
    for (;;) {
      ssize_t n = ::read(in, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail(url, std::strerror(errno));
      if (n == 0) break;
      result.bytes += static_cast<uint64_t>(n);
      if (result.bytes > options.max_bytes)
        fail(url, "larger than the limit of " + std::to_string(options.max_bytes) + " bytes");
      sink.write(buf.data(), static_cast<size_t>(n));
      if (options.progress) options.progress(result.bytes, expected);
    }
    sink.close();
  } catch (...) {
    ::close(in);
    throw;
  }
  ::close(in);
  return result;
}

struct HttpUrl {
  std::string origin;  // scheme://host[:port], what httplib::Client takes
  std::string target;  // path and query
  bool https = false;
};

HttpUrl split_http_url(const std::string& url) {
  HttpUrl out;
  size_t scheme_end = url.find("://");
  std::string scheme = url.substr(0, scheme_end);
  out.https = scheme == "https";
  size_t path_start = url.find_first_of("/?#", scheme_end + 3);
  out.origin = url.substr(0, path_start);
  std::string authority = out.origin.substr(scheme_end + 3);
  if (authority.empty()) fail(url, "no host in the URL");
  if (authority.find('@') != std::string::npos) fail(url, "credentials in a URL are not supported");
  out.target = path_start == std::string::npos ? "/" : url.substr(path_start);
  if (size_t hash = out.target.find('#'); hash != std::string::npos) out.target.resize(hash);
  if (out.target.empty() || out.target[0] != '/') out.target.insert(out.target.begin(), '/');
  return out;
}

// RFC 3986 5.2.4: "a/./b/../c" -> "a/c", the query left alone.
std::string remove_dot_segments(const std::string& target) {
  size_t query = target.find('?');
  std::string path = target.substr(0, query);
  std::vector<std::string> kept;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string segment = path.substr(start, end - start);
    bool last = end == path.size();
    if (segment == "..") {
      if (!kept.empty()) kept.pop_back();
      if (last) kept.emplace_back();
    } else if (segment == ".") {
      if (last) kept.emplace_back();
    } else {
      kept.push_back(segment);
    }
    start = end + 1;
  }
  std::string out;
  for (const std::string& s : kept) out += "/" + s;
  if (out.empty()) out.push_back('/');
  return query == std::string::npos ? out : out + target.substr(query);
}

// Resolves a Location header against the URL that answered with it.
std::string resolve_location(const HttpUrl& from, const std::string& location) {
  if (location.starts_with("http://") || location.starts_with("https://")) return location;
  if (location.starts_with("//")) return (from.https ? "https:" : "http:") + location;
  if (location.starts_with("/")) return from.origin + remove_dot_segments(location);
  std::string dir = from.target.substr(0, from.target.find('?'));
  dir.resize(dir.rfind('/') + 1);
  return from.origin + remove_dot_segments(dir + location);
}

std::string describe(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
      return "cannot connect";
    case httplib::Error::ConnectionTimeout:
      return "connection timed out";
    case httplib::Error::Read:
      return "connection closed or timed out before the whole response arrived";
    case httplib::Error::Write:
      return "cannot send the request";
    case httplib::Error::SSLConnection:
      return "TLS handshake failed";
    case httplib::Error::SSLLoadingCerts:
      return "cannot load the system CA certificates";
    case httplib::Error::SSLServerVerification:
      return "server certificate verification failed";
    case httplib::Error::Compression:
      return "cannot decompress the response";
    default:
      return "request failed (" + httplib::to_string(error) + ")";
  }
}

}  // namespace

FetchResult fetch_to_file(const std::string& url, const std::filesystem::path& dest, const FetchOptions& options) {
  if (url.starts_with("file://")) return fetch_file_url(url, dest, options);
  if (!url.starts_with("http://") && !url.starts_with("https://"))
    fail(url, "unsupported URL scheme (use http://, https:// or file://)");

  const auto deadline = Clock::now() + options.total_timeout;
  std::string current = url;
  for (int hop = 0;; ++hop) {
    HttpUrl parts = split_http_url(current);
    httplib::Client client(parts.origin);
    if (!client.is_valid()) fail(current, "cannot use this URL");
    client.set_connection_timeout(options.connect_timeout);
    client.set_read_timeout(options.read_timeout);
    client.set_follow_location(false);  // redirects are followed below, bounded and checked
    if (parts.https) client.enable_server_certificate_verification(true);

    std::optional<Sink> sink;
    FetchResult result{0, current};
    uint64_t expected = 0;
    int status = 0;
    std::string reason, location, stop;  // stop: why the receiver cancelled the transfer
    std::string error_message;
    auto on_response = [&](const httplib::Response& r) {
      status = r.status;
      reason = r.reason;
      if (status != 200) {
        location = r.get_header_value("Location");
        return false;
      }
      if (r.has_header("Content-Length") && !r.has_header("Content-Encoding")) {
        expected = std::strtoull(r.get_header_value("Content-Length").c_str(), nullptr, 10);
        if (expected > options.max_bytes) {
          stop = "larger than the limit of " + std::to_string(options.max_bytes) + " bytes";
          return false;
        }
      }
      try {
        sink.emplace(dest, current);
      } catch (const Error& e) {
        error_message = e.what();
        return false;
      }
      return true;
    };
    auto on_data = [&](const char* data, size_t size) {
      if (Clock::now() > deadline) {
        stop = "timed out after " + std::to_string(options.total_timeout.count()) + " s";
        return false;
      }
      result.bytes += size;
      if (result.bytes > options.max_bytes) {
        stop = "larger than the limit of " + std::to_string(options.max_bytes) + " bytes";
        return false;
      }
      try {
        sink->write(data, size);
      } catch (const Error& e) {
        error_message = e.what();
        return false;
      }
      if (options.progress) options.progress(result.bytes, expected);
      return true;
    };
    httplib::Headers headers{{"User-Agent", "moat/" MOAT_VERSION}};
    auto res = client.Get(parts.target, headers, on_response, on_data);

    if (!error_message.empty()) throw Error(error_message);
    if (!stop.empty()) fail(current, stop);
    if (status >= 300 && status < 400 && !location.empty()) {
      if (hop >= options.max_redirects) fail(url, "more than " + std::to_string(options.max_redirects) + " redirects");
      std::string next = resolve_location(parts, location);
      if (parts.https && !next.starts_with("https://")) fail(current, "refusing a redirect from https to " + next);
      current = next;
      continue;
    }
    if (status == 404) throw NotFound(current + ": HTTP 404" + (reason.empty() ? "" : " " + reason));
    if (status > 0 && status != 200)
      fail(current, "HTTP " + std::to_string(status) + (reason.empty() ? "" : " " + reason));
    if (res.error() != httplib::Error::Success) fail(current, describe(res.error()));
    if (expected != 0 && result.bytes != expected)
      fail(current,
           "truncated: received " + std::to_string(result.bytes) + " of " + std::to_string(expected) + " bytes");
    if (!sink) sink.emplace(dest, current);  // an empty 200 body
    sink->close();
    return result;
  }
}

}  // namespace moat
