// The container path end to end on a real engine: podman's Docker-compatible service, a real
// container made from the bookworm fixture, the resolver reading the container's real cgroup.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include "runtime/container_resolver.h"
#include "runtime/engine_api_cache.h"
#include "support/podman.h"
#include "support/temp_dir.h"

namespace moat::runtime {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

const std::string kImage = test::kPodmanImage;
const std::string kName = "moat-t1";
using test::PodmanService;
using test::sh;

TEST(EnginePodman, ResolvesAndDescribesARealContainer) {
  if (std::string why = test::podman_skip_reason(); !why.empty()) GTEST_SKIP() << why;
  test::TempDir dir;
  PodmanService service(dir);
  ASSERT_TRUE(service.start()) << "scripts/podman-service.sh start failed";
  ASSERT_TRUE(service.ensure_image(std::getenv("MOAT_FIXTURES"))) << "podman load of the bookworm fixture";
  sh(service.podman("rm -f -t 0 " + kName));

  EngineCacheOptions options;
  options.socket_path = service.socket();
  int warnings = 0;
  options.warn = [&](const std::string& w) {
    ++warnings;
    std::cerr << w << "\n";
  };
  ContainerMetadataCache cache(options);
  cache.start();
  ASSERT_TRUE(cache.wait_events_connected(10s));

  auto [ran, id] = sh(service.podman("run -d --name " + kName +
                                     " --label app=x --label io.kubernetes.pod.name=p1 --label io.kubernetes.pod.namespace=ns1 " +
                                     kImage + " sleep 60"));
  ASSERT_TRUE(ran) << "podman run failed";
  struct Cleanup {
    const PodmanService& s;
    ~Cleanup() { sh(s.podman("rm -f -t 0 " + kName)); }
  } cleanup{service};
  ASSERT_EQ(id.size(), 64u) << id;
  int pid = std::atoi(sh(service.podman("inspect -f '{{.State.Pid}}' " + kName)).second.c_str());
  ASSERT_GT(pid, 0);

  // cgroup: /proc/<pid>/cgroup and the cgroup v2 id both lead to podman's id.
  ContainerResolver resolver;
  auto by_proc = resolver.resolve(0, pid);
  ASSERT_TRUE(by_proc);
  EXPECT_EQ(by_proc->id, id);
  EXPECT_EQ(by_proc->runtime, ContainerRuntime::Podman);
  std::ifstream in("/proc/" + std::to_string(pid) + "/cgroup");
  std::string proc_text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!resolver.paths().mount_point().empty()) {
    size_t at = proc_text.find("0::");
    ASSERT_NE(at, std::string::npos) << proc_text;
    std::string v2_path = proc_text.substr(at + 3, proc_text.find('\n', at) - at - 3);
    struct stat st {};
    ASSERT_EQ(::stat((resolver.paths().mount_point() + v2_path).c_str(), &st), 0) << v2_path;
    auto by_id = resolver.resolve(st.st_ino, 0);
    ASSERT_TRUE(by_id) << v2_path;
    EXPECT_EQ(by_id->id, id);
  }

  // Engine metadata.
  ContainerMetadata first = cache.lookup(id);
  EXPECT_EQ(first.id, id);
  ASSERT_TRUE(cache.wait_resolved(id, 10s));
  ContainerMetadata m = cache.lookup(id);
  EXPECT_TRUE(m.known);
  EXPECT_EQ(m.name, kName);
  EXPECT_EQ(m.image, kImage);
  EXPECT_EQ(m.image_id.rfind("sha256:", 0), 0u) << m.image_id;
  EXPECT_EQ(m.image_digest.rfind("sha256:", 0), 0u) << m.image_digest;
  EXPECT_EQ(m.labels["app"], "x");
  EXPECT_EQ(m.pod_name, "p1");
  EXPECT_EQ(m.pod_namespace, "ns1");
  EXPECT_FALSE(m.privileged);
  EXPECT_EQ(m.pid, pid);

  // stop + rm: the engine's events evict the container.
  ASSERT_TRUE(sh(service.podman("stop -t 0 " + kName)).first);
  ASSERT_TRUE(sh(service.podman("rm " + kName)).first);
  auto t0 = Clock::now();
  while (cache.peek(id) && Clock::now() - t0 < 10s) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(cache.peek(id), std::nullopt) << "still cached after podman rm";
  EXPECT_EQ(warnings, 0);
  cache.stop();

  // The engine goes away: ids only, promptly, one warning.
  service.stop();
  EngineCacheOptions gone = options;
  ContainerMetadataCache orphan(gone);
  orphan.start();
  auto worst = Clock::duration::zero();
  for (int i = 0; i < 100; ++i) {
    auto s = Clock::now();
    ContainerMetadata x = orphan.lookup(id);
    worst = std::max(worst, Clock::now() - s);
    EXPECT_EQ(x.id, id);
    EXPECT_FALSE(x.known);
    std::this_thread::sleep_for(1ms);
  }
  std::cout << "[ measure ] slowest of 100 lookups after the podman service stopped: "
            << std::chrono::duration_cast<std::chrono::microseconds>(worst).count() << " us\n";
  EXPECT_LT(worst, 100ms);
  orphan.stop();
  EXPECT_EQ(warnings, 1);
}

}  // namespace
}  // namespace moat::runtime
