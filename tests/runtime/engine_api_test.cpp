#include "runtime/engine_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/error.h"
#include "runtime/engine_api_cache.h"
#include "runtime/engine_api_http.h"
#include "support/temp_dir.h"

namespace moat::runtime {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Recorded from podman 4.3.1's Docker-compatible service on this machine (see tests/data/runtime).
const std::string kPrivilegedId = "169869fb1e945b5f3bbfe83bfb55bfab4af2ea811d7b1adb4ff1b98ca640d2b1";
const std::string kPlainId = "c4c170bdd16aab0e3b14fcff760e50d54456158dbe8293919dddc9bdf4fd862b";
const std::string kImageId = "sha256:b335ee5fe678bb1d2734306dabcceafef9ef9fd53834feaaedb06c66cbd17a51";
const std::string kDigest = "sha256:bf21108bdd07482a31b755831ebca184fbced68d0f63838ce6c5e6a3269a4367";

std::string data(const std::string& name) {
  std::ifstream in(std::string(MOAT_SOURCE_DIR) + "/tests/data/runtime/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("missing test data " + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

TEST(EngineApiDecode, PrivilegedKubernetesContainer) {
  ContainerMetadata m = parse_container_inspect(data("podman_container_inspect_privileged.json"), "inspect");
  EXPECT_TRUE(m.known);
  EXPECT_EQ(m.id, kPrivilegedId);
  EXPECT_EQ(m.name, "moat-rec");
  EXPECT_EQ(m.image, "localhost/moat-test:bookworm");
  EXPECT_EQ(m.image_id, kImageId);
  EXPECT_TRUE(m.privileged);
  EXPECT_TRUE(m.running);
  EXPECT_GT(m.pid, 0);
  EXPECT_EQ(m.labels.at("app"), "x");
  EXPECT_EQ(m.labels.size(), 5u);
  EXPECT_EQ(m.pod_name, "p1");
  EXPECT_EQ(m.pod_namespace, "ns1");
  EXPECT_EQ(m.pod_uid, "0b1d3a52-8c1e-4c8e-9d8e-5a3c1f2e7d10");
  EXPECT_EQ(m.k8s_container_name, "web");
  ASSERT_EQ(m.mounts.size(), 1u);
  EXPECT_EQ(m.mounts[0].type, "bind");
  EXPECT_EQ(m.mounts[0].source, "/tmp/containers-vol");
  EXPECT_EQ(m.mounts[0].destination, "/data");
  EXPECT_FALSE(m.mounts[0].read_write);
}

TEST(EngineApiDecode, PlainContainer) {
  ContainerMetadata m = parse_container_inspect(data("podman_container_inspect.json"), "inspect");
  EXPECT_EQ(m.id, kPlainId);
  EXPECT_EQ(m.name, "moat-x1");
  EXPECT_FALSE(m.privileged);
  EXPECT_TRUE(m.mounts.empty());
  EXPECT_EQ(m.labels.at("io.kubernetes.pod.name"), "p1");
  EXPECT_EQ(m.pod_namespace, "");
}

TEST(EngineApiDecode, ImageDigest) {
  std::string image = data("podman_image_inspect.json");
  EXPECT_EQ(parse_image_digest(image, "localhost/moat-test:bookworm", "image"), kDigest);
  EXPECT_EQ(parse_image_digest(image, "docker.io/moat-fixtures/bookworm:latest", "image"), kDigest);
  EXPECT_EQ(parse_image_digest(image, "elsewhere/x", "image"), kDigest);  // the first, when none matches
  EXPECT_EQ(parse_image_digest(R"({"RepoDigests":[]})", "x", "image"), "");
  EXPECT_EQ(parse_image_digest(R"({"RepoDigests":[1,"nodigest",null]})", "x", "image"), "");
  EXPECT_EQ(parse_image_digest("[]", "x", "image"), "");
}

TEST(EngineApiDecode, ImageReferences) {
  auto r = split_image_reference("registry.local:5000/team/app:1.2@sha256:abc");
  EXPECT_EQ(r.repository, "registry.local:5000/team/app");
  EXPECT_EQ(r.tag, "1.2");
  EXPECT_EQ(r.digest, "sha256:abc");
  r = split_image_reference("registry.local:5000/team/app");
  EXPECT_EQ(r.repository, "registry.local:5000/team/app");
  EXPECT_EQ(r.tag, "");
  r = split_image_reference("nginx");
  EXPECT_EQ(r.repository, "nginx");
  r = split_image_reference("");
  EXPECT_EQ(r.repository, "");
  r = split_image_reference("@:/:@");
  EXPECT_EQ(r.repository, "");
}

TEST(EngineApiDecode, RecordedEventStream) {
  std::vector<std::string> actions;
  for (const auto& line : lines_of(data("podman_events.jsonl"))) {
    auto event = parse_engine_event(line, "events");
    ASSERT_TRUE(event) << line;
    EXPECT_EQ(event->id, kPrivilegedId);
    EXPECT_GT(event->time_ns, 1700000000000000000);
    actions.push_back(event->action);
    if (event->action == "rename") {
      EXPECT_EQ(event->name, "moat-rec2");
    }
  }
  EXPECT_THAT(actions, testing::ElementsAre("create", "init", "start", "rename", "stop", "die", "cleanup", "cleanup", "remove"));
  // Docker's own shape, and events that are not about containers.
  auto docker = parse_engine_event(R"({"Type":"container","Action":"destroy","Actor":{"ID":")" + kPlainId +
                                       R"(","Attributes":{"name":"web"}},"time":1,"timeNano":1000})", "events");
  ASSERT_TRUE(docker);
  EXPECT_EQ(docker->action, "destroy");
  EXPECT_EQ(docker->name, "web");
  EXPECT_FALSE(parse_engine_event(R"({"Type":"image","Action":"pull","Actor":{"ID":")" + kPlainId + R"("}})", "events"));
  EXPECT_FALSE(parse_engine_event(R"({"Type":"container","Action":"start","Actor":{"ID":"../../etc"}})", "events"));
  EXPECT_FALSE(parse_engine_event("[]", "events"));
}

TEST(EngineApiDecode, MalformedInputsAreErrors) {
  EXPECT_THROW(parse_container_inspect("", "x"), Error);
  EXPECT_THROW(parse_container_inspect("{", "x"), Error);
  EXPECT_THROW(parse_container_inspect("[]", "x"), Error);
  EXPECT_THROW(parse_container_inspect(data("podman_container_inspect_404.json"), "x"), Error);
  EXPECT_THROW(parse_container_inspect(R"({"Id":"abc"})", "x"), Error);
  EXPECT_THROW(parse_container_inspect(std::string(100000, '[') + std::string(100000, ']'), "x"), Error);
  EXPECT_THROW(parse_engine_event("not json", "x"), Error);
  EXPECT_THROW(parse_image_digest("\xff\xfe", "x", "y"), Error);
  // Wrong types are left empty rather than trusted.
  auto m = parse_container_inspect(R"({"Id":")" + kPlainId +
                                       R"(","Name":7,"Config":{"Labels":{"a":1,"b":"c"},"Image":[]},"HostConfig":{"Privileged":"yes"},"Mounts":[1,{"RW":"no"}],"State":{"Pid":"12"}})",
                                   "x");
  EXPECT_EQ(m.name, "");
  EXPECT_EQ(m.labels.size(), 1u);
  EXPECT_FALSE(m.privileged);
  EXPECT_EQ(m.pid, 0);
  ASSERT_EQ(m.mounts.size(), 1u);
  EXPECT_TRUE(m.mounts[0].read_write);
  try {
    parse_container_inspect("{\"Id\":", "GET /containers/x/json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), testing::HasSubstr("GET /containers/x/json"));
  }
}

std::string parse_http(std::string_view raw, size_t step, HttpResponseParser::Limits limits = {}, int* status = nullptr) {
  std::string body;
  HttpResponseParser parser("raw", limits, [&](std::string_view b) { body.append(b); });
  for (size_t i = 0; i < raw.size(); i += step) parser.feed(raw.substr(i, step));
  parser.finish();
  if (status) *status = parser.status();
  return body;
}

TEST(EngineApiHttp, RecordedChunkedEventStream) {
  std::string raw = data("podman_events_raw_http.bin");
  // The capture ends where the recorder stopped reading: complete it as the server would on close.
  raw += "0\r\n\r\n";
  HttpResponseParser::Limits limits;
  limits.body_is_stream = true;
  int status = 0;
  std::string whole = parse_http(raw, raw.size(), limits, &status);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(parse_http(raw, 1, limits), whole);
  EXPECT_EQ(parse_http(raw, 7, limits), whole);
  auto lines = lines_of(whole);
  ASSERT_GE(lines.size(), 3u);
  for (const auto& line : lines) EXPECT_TRUE(parse_engine_event(line, "events")) << line;
  EXPECT_EQ(parse_engine_event(lines.back(), "events")->action, "remove");
}

TEST(EngineApiHttp, ContentLengthAndUntilClose) {
  std::string body = data("podman_container_inspect_404.json");
  std::string raw = "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\n\r\n" + body;
  int status = 0;
  EXPECT_EQ(parse_http(raw, 3, {}, &status), body);
  EXPECT_EQ(status, 404);
  EXPECT_EQ(parse_http("HTTP/1.0 200 OK\r\n\r\nabc", 2, {}, &status), "abc");
  EXPECT_EQ(parse_http("HTTP/1.1 204 No Content\r\n\r\n", 5, {}, &status), "");
}

TEST(EngineApiHttp, MalformedResponsesAreErrors) {
  HttpResponseParser::Limits small;
  small.max_body_bytes = 10;
  small.max_header_bytes = 64;
  for (std::string raw : {std::string("SSH-2.0-OpenSSH\r\n\r\n"), std::string("HTTP/1.1 2000 OK\r\n\r\n"),
                          std::string("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"),
                          std::string("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"),
                          std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"),
                          std::string("HTTP/1.1 200 OK\r\nbad header\r\n\r\n"),
                          std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
                          std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX"),
                          std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n"),
                          std::string("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n"),
                          std::string("HTTP/1.1 200 OK\r\n\r\n0123456789A"),
                          std::string("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab"),  // cut short
                          std::string("HTTP/1.1 200 OK\r\nX: ") + std::string(100, 'a') + "\r\n\r\n",
                          std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") + std::string(2000, '1'),
                          std::string(""), std::string(1000, '\0')}) {
    EXPECT_THROW(parse_http(raw, 1, small), Error) << raw.substr(0, 80);
    EXPECT_THROW(parse_http(raw, raw.size() + 1, small), Error) << raw.substr(0, 80);
  }
}

// A stand-in engine on a unix socket: canned answers per request target, an events stream the
// test writes to, and a mode that accepts and then never answers.
class FakeEngine {
 public:
  explicit FakeEngine(std::string path) : path_(std::move(path)) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd_, 16) != 0)
      throw std::runtime_error("cannot listen on " + path_);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeEngine() {
    stop_ = true;
    thread_.join();
    for (int fd : clients_) ::close(fd);
    ::close(fd_);
  }
  void answer(const std::string& target, int status, const std::string& body) {
    std::lock_guard lock(mutex_);
    answers_[target] = {status, body};
  }
  void set_silent(bool silent) { silent_ = silent; }
  // Sends one event line to every connected /events client.
  void emit(const std::string& line) {
    std::lock_guard lock(mutex_);
    std::string body = line + "\n";
    std::ostringstream chunk;
    chunk << std::hex << body.size() << "\r\n" << body << "\r\n";
    for (int fd : event_clients_) (void)!::send(fd, chunk.str().data(), chunk.str().size(), MSG_NOSIGNAL);
  }
  int requests(const std::string& prefix) {
    std::lock_guard lock(mutex_);
    int n = 0;
    for (const auto& t : seen_)
      if (t.rfind(prefix, 0) == 0) ++n;
    return n;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      std::string request;
      char buf[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        pollfd q{c, POLLIN, 0};
        if (::poll(&q, 1, 1000) <= 0) break;
        ssize_t n = ::recv(c, buf, sizeof(buf), 0);
        if (n <= 0) break;
        request.append(buf, static_cast<size_t>(n));
      }
      std::string target = request.substr(4, request.find(' ', 4) - 4);
      std::lock_guard lock(mutex_);
      seen_.push_back(target);
      clients_.push_back(c);
      if (silent_) continue;
      std::string head = "HTTP/1.1 ";
      if (target.rfind("/v1.41/events", 0) == 0) {
        std::string h = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        (void)!::send(c, h.data(), h.size(), MSG_NOSIGNAL);
        event_clients_.push_back(c);
        continue;
      }
      auto it = answers_.find(target);
      int status = it == answers_.end() ? 404 : it->second.first;
      std::string body = it == answers_.end() ? R"({"message":"no such container","response":404})" : it->second.second;
      std::string r = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
      (void)!::send(c, r.data(), r.size(), MSG_NOSIGNAL);
    }
  }

  std::string path_;
  int fd_ = -1;
  std::thread thread_;
  std::atomic<bool> stop_{false}, silent_{false};
  std::mutex mutex_;
  std::map<std::string, std::pair<int, std::string>> answers_;
  std::vector<int> clients_, event_clients_;
  std::vector<std::string> seen_;
};

TEST(EngineApiHttp, GetAgainstAServer) {
  test::TempDir dir;
  std::string sock = dir.str() + "/engine.sock";
  FakeEngine engine(sock);
  engine.answer("/v1.41/containers/" + kPrivilegedId + "/json", 200, data("podman_container_inspect_privileged.json"));
  engine.answer("/v1.41/images/" + kImageId + "/json", 200, data("podman_image_inspect.json"));
  auto meta = engine_inspect_container(sock, kPrivilegedId, 2s);
  ASSERT_TRUE(meta);
  EXPECT_EQ(meta->name, "moat-rec");
  EXPECT_EQ(meta->image_digest, kDigest);
  EXPECT_EQ(engine_inspect_container(sock, kPlainId, 2s), std::nullopt);  // 404
  engine.answer("/v1.41/containers/" + kPlainId + "/json", 500, "{}");
  EXPECT_THROW(engine_inspect_container(sock, kPlainId, 2s), Error);
  EXPECT_THROW(unix_http_get(sock, "/a b", 2s), Error);  // no request smuggling through the target
  EXPECT_THROW(unix_http_get(sock, "/x\r\nHost: y", 2s), Error);
}

TEST(EngineApiHttp, TimeoutsAndAbsentSockets) {
  test::TempDir dir;
  std::string sock = dir.str() + "/engine.sock";
  auto t0 = Clock::now();
  EXPECT_THROW(unix_http_get(sock, "/v1.41/_ping", 100ms), Error);  // no such socket
  EXPECT_THROW(unix_http_get(std::string(200, 'a'), "/", 100ms), Error);
  EXPECT_LT(Clock::now() - t0, 1s);
  FakeEngine engine(sock);
  engine.set_silent(true);
  t0 = Clock::now();
  EXPECT_THROW(unix_http_get(sock, "/v1.41/_ping", 150ms), Error);
  auto took = Clock::now() - t0;
  EXPECT_GE(took, 140ms);
  EXPECT_LT(took, 2s);
  std::atomic<bool> stop{false};
  EXPECT_THROW(unix_http_stream(sock, "/v1.41/events", 150ms, stop, [] {}, [](std::string_view) { return true; }), Error);
}

TEST(EngineMetadataCache, FillsFromTheEngineAndFollowsEvents) {
  test::TempDir dir;
  std::string sock = dir.str() + "/engine.sock";
  FakeEngine engine(sock);
  engine.answer("/v1.41/containers/" + kPrivilegedId + "/json", 200, data("podman_container_inspect_privileged.json"));
  engine.answer("/v1.41/images/" + kImageId + "/json", 200, data("podman_image_inspect.json"));
  EngineCacheOptions options;
  options.socket_path = sock;
  int warnings = 0;
  options.warn = [&](const std::string&) { ++warnings; };
  ContainerMetadataCache cache(options);
  cache.start();
  ASSERT_TRUE(cache.wait_events_connected(5s));

  ContainerMetadata first = cache.lookup(kPrivilegedId);
  EXPECT_EQ(first.id, kPrivilegedId);
  ASSERT_TRUE(cache.wait_resolved(kPrivilegedId, 5s));
  ContainerMetadata m = cache.lookup(kPrivilegedId);
  EXPECT_TRUE(m.known);
  EXPECT_EQ(m.name, "moat-rec");
  EXPECT_EQ(m.pod_namespace, "ns1");
  EXPECT_EQ(m.image_digest, kDigest);
  for (int i = 0; i < 10; ++i) cache.lookup(kPrivilegedId);
  EXPECT_EQ(engine.requests("/v1.41/containers/"), 1);  // answered from the cache

  // The recorded stream: rename, die, remove.
  for (const auto& line : lines_of(data("podman_events.jsonl"))) engine.emit(line);
  for (int i = 0; i < 100 && cache.peek(kPrivilegedId); ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(cache.peek(kPrivilegedId), std::nullopt);  // evicted by "remove"
  // A fetch answered after the removal must not bring it back.
  cache.lookup(kPrivilegedId);
  EXPECT_FALSE(cache.lookup(kPrivilegedId).known);

  // An id the engine does not know stays id-only.
  cache.lookup(kPlainId);
  ASSERT_TRUE(cache.wait_resolved(kPlainId, 5s));
  EXPECT_FALSE(cache.lookup(kPlainId).known);
  EXPECT_EQ(warnings, 0);
  EXPECT_TRUE(cache.engine_reachable());
  cache.stop();
}

TEST(EngineMetadataCache, BoundedSize) {
  EngineCacheOptions options;
  options.socket_path = "/nonexistent/moat.sock";
  options.max_entries = 3;
  options.warn = [](const std::string&) {};
  ContainerMetadataCache cache(options);  // not started: lookups only queue
  for (char c : std::string("0123456789")) cache.lookup(std::string(64, c));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_TRUE(cache.peek(std::string(64, '9')));
  EXPECT_FALSE(cache.peek(std::string(64, '0')));
}

TEST(EngineMetadataCache, AbsentSocketGivesIdsWithoutStalling) {
  test::TempDir dir;
  EngineCacheOptions options;
  options.socket_path = dir.str() + "/absent.sock";
  options.retry_interval = 100ms;
  options.backoff_initial = 20ms;
  options.backoff_max = 50ms;
  std::atomic<int> warnings{0};
  options.warn = [&](const std::string&) { ++warnings; };
  ContainerMetadataCache cache(options);
  cache.start();
  auto worst = Clock::duration::zero();
  for (int i = 0; i < 200; ++i) {
    auto t0 = Clock::now();
    ContainerMetadata m = cache.lookup(kPlainId);
    worst = std::max(worst, Clock::now() - t0);
    EXPECT_EQ(m.id, kPlainId);
    EXPECT_FALSE(m.known);
    std::this_thread::sleep_for(2ms);
  }
  std::cout << "[ measure ] slowest of 200 lookups with the engine absent: "
            << std::chrono::duration_cast<std::chrono::microseconds>(worst).count() << " us\n";
  EXPECT_LT(worst, 100ms);
  EXPECT_FALSE(cache.engine_reachable());
  EXPECT_EQ(warnings.load(), 1);  // one warning for the whole outage, retries included

  // The engine appears: the periodic retry finds it.
  FakeEngine engine(options.socket_path);
  engine.answer("/v1.41/containers/" + kPlainId + "/json", 200, data("podman_container_inspect.json"));
  bool known = false;
  for (int i = 0; i < 250 && !known; ++i) {
    known = cache.lookup(kPlainId).known;
    if (!known) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(known);
  EXPECT_TRUE(cache.wait_events_connected(5s));
  auto t0 = Clock::now();
  cache.stop();
  EXPECT_LT(Clock::now() - t0, 2s);
}

}  // namespace
}  // namespace moat::runtime
