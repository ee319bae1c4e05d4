#pragma once
// Real containers for the runtime tests: podman's Docker-compatible service started with
// scripts/podman-service.sh (runc, cgroupfs, no default ulimits, file events), and the bookworm
// fixture image loaded into podman as localhost/moat-test:bookworm.
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>

#include "support/temp_dir.h"

namespace moat::test {

inline const std::string kPodmanImage = "localhost/moat-test:bookworm";

// Runs a shell command; returns whether it exited 0 and its stdout, trimmed.
inline std::pair<bool, std::string> sh(const std::string& command) {
  std::string out;
  FILE* p = ::popen((command + " 2>/dev/null").c_str(), "r");
  if (!p) return {false, ""};
  std::array<char, 4096> buf{};
  while (size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  int rc = ::pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return {rc == 0, out};
}

class PodmanService {
 public:
  explicit PodmanService(const TempDir& dir)
      : dir_(dir.str()), script_(std::string(MOAT_SOURCE_DIR) + "/scripts/podman-service.sh") {}
  ~PodmanService() { stop(); }
  bool start() { return sh(script_ + " start " + dir_).first; }
  void stop() { sh(script_ + " stop " + dir_); }
  // Bounded: a podman call that hangs fails its test instead of stalling the suite.
  std::string podman(const std::string& args) const {
    return "CONTAINERS_CONF=" + dir_ + "/containers.conf timeout 300 podman " + args;
  }
  std::string socket() const { return dir_ + "/podman.sock"; }
  // Loads the bookworm fixture once; later runs find it in podman's storage.
  bool ensure_image(const std::filesystem::path& fixtures) const {
    if (sh(podman("image exists " + kPodmanImage)).first) return true;
    return sh(podman("load -q -i " + (fixtures / "bookworm/docker.tar").string())).first &&
           sh(podman("tag docker.io/moat-fixtures/bookworm:latest " + kPodmanImage)).first;
  }

 private:
  std::string dir_, script_;
};

// Why a test that needs real containers cannot run here, or "" when it can.
inline std::string podman_skip_reason() {
  if (::geteuid() != 0) return "needs root to run podman containers";
  if (!sh("command -v podman").first) return "podman is not installed";
  const char* fixtures = std::getenv("MOAT_FIXTURES");
  if (!fixtures || !*fixtures) return "MOAT_FIXTURES is unset (point it at the fixture directory, e.g. build/fixtures)";
  if (!std::filesystem::exists(std::filesystem::path(fixtures) / "bookworm/docker.tar"))
    return std::string(fixtures) + "/bookworm/docker.tar is missing";
  return "";
}

}  // namespace moat::test
