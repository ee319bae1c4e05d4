#include "runtime/alert_sink.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "base/error.h"
#include "support/temp_dir.h"

namespace moat::runtime {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// A port on 127.0.0.1 that was free a moment ago and has no listener: connections are refused.
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    ADD_FAILURE() << "cannot bind a probe socket";
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST(RateLimiter, AllowsTheBurstThenTheRate) {
  RateLimiter limiter(10, 5);
  auto t = std::chrono::steady_clock::now();
  int allowed = 0;
  for (int i = 0; i < 100; ++i) allowed += limiter.allow(t);
  EXPECT_EQ(allowed, 5);  // the burst, at one instant
  t += 1s;                // ten more tokens, capped at the burst
  allowed = 0;
  for (int i = 0; i < 100; ++i) allowed += limiter.allow(t);
  EXPECT_EQ(allowed, 5);
  t += 200ms;  // two tokens
  allowed = 0;
  for (int i = 0; i < 100; ++i) allowed += limiter.allow(t);
  EXPECT_EQ(allowed, 2);
}

TEST(AlertOutputs, FileSinkAppendsOneLinePerAlertAndReopensAfterRotation) {
  test::TempDir dir;
  std::string path = dir.str() + "/alerts.json";
  std::vector<std::unique_ptr<AlertSink>> sinks;
  sinks.push_back(file_sink(path));
  AlertOutputs outputs(std::move(sinks), 1000, 1000);
  outputs.publish(R"({"rule":"a"})", 4);
  outputs.publish(R"({"rule":"b"})", 4);
  std::filesystem::rename(path, path + ".1");  // logrotate
  outputs.reopen();
  outputs.publish(R"({"rule":"c"})", 4);
  EXPECT_EQ(lines_of(path + ".1"), (std::vector<std::string>{R"({"rule":"a"})", R"({"rule":"b"})"}));
  EXPECT_EQ(lines_of(path), (std::vector<std::string>{R"({"rule":"c"})"}));
  EXPECT_EQ(outputs.stats().published, 3u);
  EXPECT_EQ(outputs.stats().failed, 0u);
}

TEST(AlertOutputs, RateLimitCountsWhatItDrops) {
  test::TempDir dir;
  std::vector<std::unique_ptr<AlertSink>> sinks;
  sinks.push_back(file_sink(dir.str() + "/alerts.json"));
  AlertOutputs outputs(std::move(sinks), 1, 10);
  for (int i = 0; i < 1000; ++i) outputs.publish("{}", 4);
  auto s = outputs.stats();
  EXPECT_GE(s.published, 10u);
  EXPECT_LE(s.published, 12u);  // the burst, plus what a slow machine refilled meanwhile
  EXPECT_EQ(s.published + s.rate_limited, 1000u);
  EXPECT_EQ(lines_of(dir.str() + "/alerts.json").size(), s.published);
}

TEST(AlertOutputs, FileSinkRefusesAPathItCannotOpen) {
  EXPECT_THROW(file_sink("/nonexistent-dir/alerts.json"), moat::Error);
}

// A real HTTP server on 127.0.0.1 receives the webhook's POSTs.
TEST(AlertOutputs, WebhookPostsEachAlertAsJson) {
  httplib::Server server;
  std::mutex mu;
  std::vector<std::string> bodies, types;
  server.Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu);
    bodies.push_back(req.body);
    types.push_back(req.get_header_value("Content-Type"));
    res.status = 204;
  });
  int port = server.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { server.listen_after_bind(); });
  {
    std::vector<std::unique_ptr<AlertSink>> sinks;
    sinks.push_back(webhook_sink("http://127.0.0.1:" + std::to_string(port) + "/hook"));
    AlertOutputs outputs(std::move(sinks), 1000, 1000);
    outputs.publish(R"({"rule":"Terminal shell in container"})", 4);
    outputs.publish(R"({"rule":"Drop and execute new binary in container"})", 2);
  }  // destroying the sink drains its queue
  server.stop();
  serving.join();
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_EQ(bodies[0], R"({"rule":"Terminal shell in container"})");
  EXPECT_EQ(types[1], "application/json");
}

// Every alert is either dropped at the full queue or fails to post: all are counted, none block.
TEST(AlertOutputs, WebhookThatIsDownCountsEveryAlertAsFailed) {
  int port = closed_port();
  auto sink = webhook_sink("http://127.0.0.1:" + std::to_string(port) + "/hook", 4);
  for (int i = 0; i < 100; ++i) sink->write("{}", 4);
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (sink->failed() < 100 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(sink->failed(), 100u);
}

TEST(AlertOutputs, WebhookRejectsWhatIsNotAnHttpUrl) {
  EXPECT_THROW(webhook_sink("ftp://example.com/x"), moat::Error);
  EXPECT_THROW(webhook_sink("not a url"), moat::Error);
}

}  // namespace
}  // namespace moat::runtime
