#include "base/http_client.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/error.h"
#include "support/http_server.h"
#include "support/temp_dir.h"

namespace moat {
namespace {

using test::HttpServer;
using test::TempDir;
using ::testing::AllOf;
using ::testing::HasSubstr;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string error_of(const std::string& url, const std::filesystem::path& dest, const FetchOptions& options = {}) {
  try {
    fetch_to_file(url, dest, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

class HttpClient : public ::testing::Test {
 protected:
  void SetUp() override {
    body_ = std::string(300000, 'x');
    for (size_t i = 0; i < body_.size(); i += 7) body_[i] = static_cast<char>('a' + i % 26);
    tmp_.write("www/data.bin", body_);
    server_ = std::make_unique<HttpServer>(tmp_.path() / "www");
    auto& s = server_->server();
    s.Get("/redirect/(\\d+)", [](const httplib::Request& req, httplib::Response& res) {
      int n = std::stoi(req.matches[1]);
      res.set_redirect(n == 0 ? "/data.bin" : "/redirect/" + std::to_string(n - 1));
    });
    s.Get("/relative/here", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("../data.bin"); });
    s.Get("/truncated", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content_provider(body_.size(), "application/zip", [this](size_t offset, size_t, httplib::DataSink& sink) {
        if (offset >= body_.size() / 2) return false;  // drop the connection half-way
        sink.write(body_.data() + offset, body_.size() / 2);
        return true;
      });
    });
    s.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2500));
      res.set_content("late", "text/plain");
    });
    server_->start();
  }

  TempDir tmp_;
  std::string body_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpClient, FetchesOverHttp) {
  auto dest = tmp_.path() / "out";
  uint64_t last = 0;
  FetchOptions options;
  options.progress = [&](uint64_t done, uint64_t) { last = done; };
  FetchResult r = fetch_to_file(server_->url() + "/data.bin", dest, options);
  EXPECT_EQ(r.bytes, body_.size());
  EXPECT_EQ(last, body_.size());
  EXPECT_EQ(slurp(dest), body_);
}

TEST_F(HttpClient, FetchesFileUrls) {
  auto dest = tmp_.path() / "out";
  FetchResult r = fetch_to_file("file://" + (tmp_.path() / "www" / "data.bin").string(), dest);
  EXPECT_EQ(r.bytes, body_.size());
  EXPECT_EQ(slurp(dest), body_);
  tmp_.write("www/with space.bin", "spaced");
  fetch_to_file("file://" + (tmp_.path() / "www").string() + "/with%20space.bin", dest);
  EXPECT_EQ(slurp(dest), "spaced");
}

TEST_F(HttpClient, FollowsBoundedRedirects) {
  auto dest = tmp_.path() / "out";
  FetchResult r = fetch_to_file(server_->url() + "/redirect/3", dest);
  EXPECT_EQ(slurp(dest), body_);
  EXPECT_EQ(r.final_url, server_->url() + "/data.bin");
  fetch_to_file(server_->url() + "/relative/here", dest);
  EXPECT_EQ(slurp(dest), body_);
  std::string url = server_->url() + "/redirect/9";
  EXPECT_THAT(error_of(url, dest), AllOf(HasSubstr(url), HasSubstr("more than 5 redirects")));
}

TEST_F(HttpClient, NotFoundNamesTheUrl) {
  std::string url = server_->url() + "/missing.zip";
  EXPECT_THAT(error_of(url, tmp_.path() / "out"), AllOf(HasSubstr(url), HasSubstr("HTTP 404")));
  std::string file_url = "file://" + (tmp_.path() / "nothing.zip").string();
  EXPECT_THAT(error_of(file_url, tmp_.path() / "out"), AllOf(HasSubstr(file_url), HasSubstr("No such file")));
}

TEST_F(HttpClient, TruncatedBodyIsAnError) {
  std::string url = server_->url() + "/truncated";
  EXPECT_THAT(error_of(url, tmp_.path() / "out"), HasSubstr(url));
}

TEST_F(HttpClient, SizeCapApplies) {
  FetchOptions small;
  small.max_bytes = 1000;
  EXPECT_THAT(error_of(server_->url() + "/data.bin", tmp_.path() / "out", small), HasSubstr("larger than the limit"));
  EXPECT_THAT(error_of("file://" + (tmp_.path() / "www" / "data.bin").string(), tmp_.path() / "out", small),
              HasSubstr("larger than the limit"));
}

TEST_F(HttpClient, ReadTimeoutApplies) {
  FetchOptions quick;
  quick.read_timeout = std::chrono::seconds(1);
  std::string url = server_->url() + "/slow";
  EXPECT_THAT(error_of(url, tmp_.path() / "out", quick), HasSubstr(url));
}

TEST_F(HttpClient, ClearErrorsForBadUrlsAndPeers) {
  auto dest = tmp_.path() / "out";
  EXPECT_THAT(error_of("ftp://example.org/x", dest), HasSubstr("unsupported URL scheme"));
  EXPECT_THAT(error_of("file://relative/path", dest), HasSubstr("absolute path"));
  EXPECT_THAT(error_of("http://user:pw@127.0.0.1/x", dest), HasSubstr("credentials"));
  // TLS against a plain HTTP port fails cleanly.
  std::string tls = "https://127.0.0.1:" + std::to_string(server_->port()) + "/data.bin";
  EXPECT_THAT(error_of(tls, dest), HasSubstr(tls));
  // A closed port: bind one, remember it, close it.
  int closed_port = 0;
  {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    closed_port = ntohs(addr.sin_port);
    ::close(fd);
  }
  std::string refused = "http://127.0.0.1:" + std::to_string(closed_port) + "/x";
  EXPECT_THAT(error_of(refused, dest), AllOf(HasSubstr(refused), HasSubstr("cannot connect")));
  EXPECT_THAT(error_of(server_->url() + "/data.bin", tmp_.path() / "no" / "such" / "dir" / "out"),
              HasSubstr("cannot write"));
}

}  // namespace
}  // namespace moat
