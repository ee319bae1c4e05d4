#pragma once
// A cpp-httplib server on 127.0.0.1 with an ephemeral port, run on its own thread for one test.
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

namespace moat::test {

class HttpServer {
 public:
  // Serves the files under root (if not empty) at "/"; add handlers through server() before start().
  explicit HttpServer(const std::filesystem::path& root = {}) {
    if (!root.empty() && !server_.set_mount_point("/", root.string()))
      throw std::runtime_error("cannot serve " + root.string());
  }
  ~HttpServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  httplib::Server& server() { return server_; }

  void start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("cannot bind 127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 2000 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace moat::test
