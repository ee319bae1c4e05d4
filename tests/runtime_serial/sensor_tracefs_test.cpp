// The eBPF sensor on a host that booted without tracefs mounted: libbpf reads tracepoint ids
// there, so the sensor mounts it itself, for every group (a process-only sensor once failed with
// "attaching to sched/sched_process_exec: No such file or directory"). The test unmounts tracefs
// from the whole host, so it runs serially (RUN_SERIAL in CMakeLists.txt) and puts it back.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/sensor.h"
#include "support/mounts.h"

namespace moat::runtime {
namespace {

TEST(SensorWithoutTracefs, MountsItAndAttachesAProcessOnlySensor) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to load eBPF programs and to unmount tracefs";
  if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) GTEST_SKIP() << "kernel has no BTF";
  // With debugfs mounted, /sys/kernel/debug/tracing is an automount that brings tracefs back.
  if (!test::mount_points("debugfs").empty()) GTEST_SKIP() << "debugfs is mounted: its tracing automount hides the case";
  std::vector<std::string> before = test::mount_points("tracefs");
  for (const std::string& m : before)
    if (umount2(m.c_str(), MNT_DETACH) != 0) GTEST_SKIP() << "cannot unmount " << m << ": " << std::strerror(errno);
  // Whatever happens below, the host gets its tracefs back where it was.
  struct Restore {
    std::vector<std::string> points;
    ~Restore() {
      std::vector<std::string> now = test::mount_points("tracefs");
      for (const std::string& m : points)
        if (std::find(now.begin(), now.end(), m) == now.end()) mount("nodev", m.c_str(), "tracefs", 0, nullptr);
    }
  } restore{before};
  ASSERT_TRUE(test::mount_points("tracefs").empty());

  SensorOptions options;
  options.groups = kGroupProcess;
  options.ignore_pid = -1;
  auto sensor = Sensor::open(options);
  EXPECT_FALSE(test::mount_points("tracefs").empty()) << "the sensor mounts tracefs when none is mounted";

  pid_t child = fork();
  if (child == 0) {
    execl("/bin/true", "/bin/true", nullptr);
    _exit(127);
  }
  int status = 0;
  waitpid(child, &status, 0);
  bool exec_seen = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!exec_seen && std::chrono::steady_clock::now() < deadline)
    sensor->poll(100, [&](const Event& e) { exec_seen |= e.type == EventType::Exec && e.pid == child; });
  EXPECT_TRUE(exec_seen) << "no exec event for /bin/true from a sensor that had to mount tracefs";
}

}  // namespace
}  // namespace moat::runtime
