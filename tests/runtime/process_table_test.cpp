#include "runtime/process_table.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <string>

#include "runtime/sensor_decode.h"

namespace moat::runtime {
namespace {

using namespace std::string_literals;

TEST(ProcessFromProc, ParsesStatWithSpacesAndParenthesesInTheName) {
  auto p = process_from_proc(42, "42 (a (b) c) S 7 42 40 34817 42 4194560 0 0", "bash\0-c\0echo hi\0"s,
                             "/usr/bin/bash");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->comm, "a (b) c");
  EXPECT_EQ(p->ppid, 7);
  EXPECT_EQ(p->vpgid, 42);
  EXPECT_EQ(p->sid, 40);
  EXPECT_EQ(p->tty, 34817u);
  EXPECT_EQ(p->exe, "bash");
  EXPECT_EQ(p->exepath, "/usr/bin/bash");
  EXPECT_EQ(p->args, (std::vector<std::string>{"-c", "echo hi"}));
}

TEST(ProcessFromProc, StartTimeComesFromStatInWallClockTime) {
  std::ifstream in("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), {});
  const int64_t offset = boot_to_realtime_ns();
  auto p = process_from_proc(getpid(), stat, "", "", offset);
  ASSERT_TRUE(p);
  const auto now = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  EXPECT_GT(p->start_ns, static_cast<uint64_t>(offset));  // after boot
  EXPECT_LE(p->start_ns, now);
  EXPECT_GT(p->start_ns + 3600ull * 1000000000, now);  // this test started within the hour
  // A stat without the field leaves the start unknown.
  EXPECT_EQ(process_from_proc(1, "1 (x) S 0 1 1 0 -1", "", "")->start_ns, 0u);
}

TEST(ProcessFromProc, RejectsMalformedStat) {
  EXPECT_FALSE(process_from_proc(1, "", "", ""));
  EXPECT_FALSE(process_from_proc(1, "1 (x", "", ""));
  EXPECT_FALSE(process_from_proc(1, "1 (x) S notanumber 1 1 0", "", ""));
  EXPECT_FALSE(process_from_proc(1, "1 (x) S 1", "", ""));
}

// The real /proc of this machine: our own process and our parent are there, named as ps names them.
TEST(ProcessTable, ScanProcFindsThisProcessAndItsParent) {
  ProcessTable t;
  t.scan_proc();
  const ProcessInfo* self = t.find(::getpid());
  ASSERT_TRUE(self);
  EXPECT_EQ(self->ppid, ::getppid());
  EXPECT_NE(self->exepath.find("test_runtime"), std::string::npos) << self->exepath;
  EXPECT_TRUE(t.find(::getppid()));
  EXPECT_TRUE(t.find(1));
}

TEST(ProcessTable, ForkCopiesTheParentExecReplacesTheImageExitRemoves) {
  ProcessTable t;
  Event exec;
  exec.type = EventType::Exec;
  exec.pid = exec.tid = 100;
  exec.ppid = 1;
  exec.comm = "nginx";
  exec.exe = "/usr/sbin/nginx";
  exec.argv = {"nginx", "-g", "daemon off;"};
  t.apply(exec);
  Event fork;
  fork.type = EventType::Fork;
  fork.pid = fork.tid = 101;
  fork.ppid = 100;
  t.apply(fork);
  ASSERT_TRUE(t.find(101));
  EXPECT_EQ(t.find(101)->comm, "nginx");  // a fork is its parent until it execs
  EXPECT_EQ(t.find(101)->ppid, 100);
  Event sh = exec;
  sh.pid = sh.tid = 101;
  sh.ppid = 100;
  sh.comm = "sh";
  sh.exe = "/usr/bin/dash";
  sh.argv = {"sh", "-c", "id"};
  t.apply(sh);
  EXPECT_EQ(t.find(101)->comm, "sh");
  EXPECT_EQ(t.find(101)->exepath, "/usr/bin/dash");
  EXPECT_EQ(t.find(t.find(101)->ppid)->comm, "nginx");
  Event thread_exit;
  thread_exit.type = EventType::Exit;
  thread_exit.pid = 101;
  thread_exit.tid = 102;  // a thread of it: the process lives on
  t.retire(thread_exit);
  EXPECT_TRUE(t.find(101));
  Event exit = thread_exit;
  exit.tid = 101;
  t.retire(exit);
  EXPECT_FALSE(t.find(101));
}

TEST(ProcessTable, StaysWithinItsBound) {
  ProcessTable t(100);
  Event fork;
  fork.type = EventType::Fork;
  for (int32_t pid = 1000; pid < 6000; ++pid) {
    fork.pid = fork.tid = pid;
    fork.ppid = pid - 1;
    t.apply(fork);
  }
  EXPECT_EQ(t.size(), 100u);
  EXPECT_TRUE(t.find(5999));
  EXPECT_FALSE(t.find(1000));
}

}  // namespace
}  // namespace moat::runtime
