#include "runtime/container_resolver.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "support/temp_dir.h"

namespace moat::runtime {
namespace {

namespace fs = std::filesystem;
const std::string kId = "c4c170bdd16aab0e3b14fcff760e50d54456158dbe8293919dddc9bdf4fd862b";

uint64_t inode_of(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) throw std::runtime_error("stat " + p.string());
  return st.st_ino;
}

// The resolver walks any directory tree the same way, so the map and its limits can be checked
// without root on a tree that looks like a cgroup hierarchy.
TEST(CgroupResolver, MapsDirectoryInodesToHierarchyPaths) {
  test::TempDir tree;
  fs::create_directories(tree.path() / "system.slice" / ("docker-" + kId + ".scope"));
  fs::create_directories(tree.path() / "init.scope");
  CgroupResolverOptions options;
  options.mount_point = tree.str();
  CgroupPathResolver resolver(options);
  EXPECT_EQ(resolver.path_of(inode_of(tree.path())), "/");
  EXPECT_EQ(resolver.path_of(inode_of(tree.path() / "init.scope")), "/init.scope");
  EXPECT_EQ(resolver.path_of(inode_of(tree.path() / "system.slice" / ("docker-" + kId + ".scope"))),
            "/system.slice/docker-" + kId + ".scope");
}

TEST(CgroupResolver, MountRootIsPrefixed) {
  test::TempDir tree;
  fs::create_directories(tree.path() / "libpod-x");
  CgroupResolverOptions options;
  options.mount_point = tree.str();
  options.mount_root = "/machine.slice";
  CgroupPathResolver resolver(options);
  EXPECT_EQ(resolver.path_of(inode_of(tree.path() / "libpod-x")), "/machine.slice/libpod-x");
  EXPECT_EQ(resolver.path_of(inode_of(tree.path())), "/machine.slice");
}

TEST(CgroupResolver, RescansOnAMissAtMostOncePerInterval) {
  test::TempDir tree;
  CgroupResolverOptions options;
  options.mount_point = tree.str();
  options.min_rescan_interval = std::chrono::hours(1);
  CgroupPathResolver slow(options);
  options.min_rescan_interval = std::chrono::milliseconds(0);
  CgroupPathResolver eager(options);
  slow.rescan();
  eager.rescan();
  fs::create_directories(tree.path() / "new");
  uint64_t id = inode_of(tree.path() / "new");
  EXPECT_EQ(slow.path_of(id), std::nullopt);  // rate-limited: no second walk within the interval
  EXPECT_EQ(eager.path_of(id), "/new");
  EXPECT_EQ(eager.path_of(1), std::nullopt);
}

TEST(CgroupResolver, BoundsTheWalk) {
  test::TempDir tree;
  for (int i = 0; i < 40; ++i) fs::create_directories(tree.path() / ("d" + std::to_string(i)));
  fs::path deep = tree.path();
  for (int i = 0; i < 10; ++i) deep /= "x";
  fs::create_directories(deep);
  fs::create_directory_symlink(tree.path(), tree.path() / "loop");  // never followed
  CgroupResolverOptions options;
  options.mount_point = tree.str();
  options.max_directories = 10;
  EXPECT_LE(CgroupPathResolver(options).rescan(), 10u);
  options.max_directories = 1000;
  options.max_depth = 3;
  CgroupPathResolver shallow(options);
  EXPECT_EQ(shallow.rescan(), 1u + 40u + 3u);  // the root, d*, x to x/x/x (the link is no cgroup)
  EXPECT_EQ(shallow.path_of(inode_of(deep)), std::nullopt);
}

TEST(CgroupResolver, NoHierarchyResolvesNothing) {
  test::TempDir proc;
  proc.write("self/mountinfo", "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n");
  CgroupResolverOptions options;
  options.proc_root = proc.path();
  CgroupPathResolver resolver(options);
  EXPECT_EQ(resolver.mount_point(), "");
  EXPECT_EQ(resolver.path_of(1), std::nullopt);
}

TEST(ContainerResolver, FallsBackToProcPidCgroup) {
  test::TempDir tree, proc;
  fs::create_directories(tree.path() / "system.slice");
  proc.write("4242/cgroup", "4:memory:/docker/" + kId + "\n0::/\n");
  proc.write("4343/cgroup", "0::/system.slice/sshd.service\n");
  ContainerResolverOptions options;
  options.cgroups.mount_point = tree.str();
  options.cgroups.proc_root = proc.path();
  ContainerResolver resolver(options);
  ContainerRef docker{ContainerRuntime::Docker, kId, ""};
  EXPECT_EQ(resolver.resolve(999999999, 4242), docker);  // unknown id → /proc
  EXPECT_EQ(resolver.resolve(999999999, 4343), std::nullopt);
  EXPECT_EQ(resolver.resolve(999999999, 1), std::nullopt);  // no such /proc entry
  EXPECT_EQ(resolver.resolve(0, 0), std::nullopt);
  // A known id whose path is the host's: /proc is read only when asked to.
  uint64_t root = inode_of(tree.path());
  EXPECT_EQ(resolver.resolve(root, 4242), std::nullopt);
  options.check_proc_for_host_paths = true;
  EXPECT_EQ(ContainerResolver(options).resolve(root, 4242), docker);
}

// A child process in a real cgroup of this machine's unified hierarchy.
TEST(ContainerResolver, RealCgroupV2Directory) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to create a cgroup";
  ContainerResolver resolver;
  const std::string mount = resolver.paths().mount_point();
  if (mount.empty()) GTEST_SKIP() << "no cgroup v2 hierarchy is mounted";
  fs::path parent = fs::path(mount) / ("moat-test-" + std::to_string(::getpid()));
  fs::path dir = parent / ("docker-" + kId + ".scope");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) GTEST_SKIP() << "cannot create a cgroup under " << mount << ": " << ec.message();

  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::pause();
    ::_exit(0);
  }
  bool moved = static_cast<bool>(std::ofstream(dir / "cgroup.procs") << child << std::flush);
  std::ifstream in("/proc/" + std::to_string(child) + "/cgroup");
  std::string proc_text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  uint64_t id = inode_of(dir);
  auto by_id = resolver.paths().path_of(id);
  auto ref = resolver.resolve(id, child);
  auto by_proc = resolver.resolve(0, child);  // no cgroup id from the sensor: /proc decides

  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  for (int i = 0; i < 50 && fs::exists(dir); ++i) {
    if (::rmdir(dir.c_str()) != 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::rmdir(parent.c_str());

  ASSERT_TRUE(moved);
  EXPECT_NE(proc_text.find("0::/moat-test-"), std::string::npos) << proc_text;
  std::string expected_path = "/moat-test-" + std::to_string(::getpid()) + "/docker-" + kId + ".scope";
  EXPECT_EQ(by_id, expected_path);
  ContainerRef docker{ContainerRuntime::Docker, kId, ""};
  EXPECT_EQ(ref, docker);
  EXPECT_EQ(by_proc, docker);
}

// A cgroup made after the last walk is found at once, by its id as a kernfs file handle, without
// waiting for the rate-limited rescan.
TEST(CgroupResolver, NewCgroupIsFoundByHandleBeforeAnyRescan) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (CAP_DAC_READ_SEARCH for open_by_handle_at, and to create a cgroup)";
  CgroupResolverOptions options;
  options.min_rescan_interval = std::chrono::hours(1);
  CgroupPathResolver resolver(options);
  if (resolver.mount_point().empty()) GTEST_SKIP() << "no cgroup v2 hierarchy is mounted";
  resolver.rescan();  // the only walk this test allows
  fs::path dir = fs::path(resolver.mount_point()) / ("moat-handle-" + std::to_string(::getpid()));
  std::error_code ec;
  fs::create_directory(dir, ec);
  if (ec) GTEST_SKIP() << "cannot create a cgroup under " << resolver.mount_point() << ": " << ec.message();
  auto path = resolver.path_of(inode_of(dir));
  ::rmdir(dir.c_str());
  EXPECT_EQ(path, "/moat-handle-" + std::to_string(::getpid()));
}

}  // namespace
}  // namespace moat::runtime
