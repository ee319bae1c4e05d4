// Workloads for bench/runtime.sh, each printing its wall time and its CPU time (user + system, its
// own and its children's) in seconds. The CPU time holds what the sensor's programs cost inside
// the workload's syscalls and is less disturbed than the wall time by whatever else the machine runs.
//   bench_runtime_workload exec N        N fork+exec of /bin/true, one after another
//   bench_runtime_workload open N        N open(O_WRONLY|O_CREAT|O_TRUNC)+close: opens the agent reports
//   bench_runtime_workload openr N       N read-only open+close of a file outside the watched prefixes
//   bench_runtime_workload connect N     N TCP connects to a listener on 127.0.0.1, accepted and closed
//   bench_runtime_workload rate R S      write opens at R per second for S seconds (paced every ms)
//   bench_runtime_workload tree N DIR    N passes reading every file under DIR (open, read, close), as a
//                                        build reads its headers: opens among real work
#include <fcntl.h>
#include <ftw.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

namespace {

using Clock = std::chrono::steady_clock;

double cpu_seconds(int who) {
  rusage u{};
  ::getrusage(who, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

void exec_loop(long n) {
  for (long i = 0; i < n; ++i) {
    pid_t pid = ::fork();
    if (pid == 0) {
      ::execl("/bin/true", "true", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::waitpid(pid, nullptr, 0);
  }
}

void open_loop(long n, const char* path, int flags) {
  for (long i = 0; i < n; ++i) {
    int fd = ::open(path, flags, 0600);
    if (fd >= 0) ::close(fd);
  }
}

void connect_loop(long n) {
  int server = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(server, reinterpret_cast<sockaddr*>(&addr), &len);
  ::listen(server, 1024);
  std::thread acceptor([&] {
    for (long i = 0; i < n; ++i) {
      int c = ::accept(server, nullptr, nullptr);
      if (c >= 0) ::close(c);
    }
  });
  for (long i = 0; i < n; ++i) {
    int c = ::socket(AF_INET, SOCK_STREAM, 0);
    ::connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::close(c);
  }
  acceptor.join();
  ::close(server);
}

char read_buffer[1 << 16];

int read_whole(const char* path, const struct stat*, int type, FTW*) {
  if (type != FTW_F) return 0;
  int fd = ::open(path, O_RDONLY);
  if (fd < 0) return 0;
  while (::read(fd, read_buffer, sizeof read_buffer) > 0) {
  }
  ::close(fd);
  return 0;
}

void tree_loop(long passes, const char* dir) {
  for (long i = 0; i < passes; ++i) ::nftw(dir, read_whole, 32, FTW_PHYS);
}

void rate_loop(long per_second, long seconds, const char* path) {
  const long per_ms = std::max(1L, per_second / 1000);
  auto start = Clock::now();
  for (long ms = 0; ms < seconds * 1000; ++ms) {
    open_loop(per_ms, path, O_WRONLY | O_CREAT | O_TRUNC);
    std::this_thread::sleep_until(start + std::chrono::milliseconds(ms + 1));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s exec|open|openr|connect N, tree N DIR, or rate PER_SECOND SECONDS\n", argv[0]);
    return 2;
  }
  std::string mode = argv[1];
  long n = std::atol(argv[2]);
  char dir[] = "/tmp/moat-bench-XXXXXX";
  if (!::mkdtemp(dir)) return 1;
  std::string file = std::string(dir) + "/f";
  auto start = Clock::now();
  if (mode == "exec") {
    exec_loop(n);
  } else if (mode == "open") {
    open_loop(n, file.c_str(), O_WRONLY | O_CREAT | O_TRUNC);
  } else if (mode == "openr") {
    open_loop(1, file.c_str(), O_WRONLY | O_CREAT);
    open_loop(n, file.c_str(), O_RDONLY);
  } else if (mode == "connect") {
    connect_loop(n);
  } else if (mode == "tree" && argc >= 4) {
    tree_loop(n, argv[3]);
  } else if (mode == "rate" && argc >= 4) {
    rate_loop(n, std::atol(argv[3]), file.c_str());
  } else {
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
  }
  double wall = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("%.3f %.3f\n", wall, cpu_seconds(RUSAGE_SELF) + cpu_seconds(RUSAGE_CHILDREN));
  ::unlink(file.c_str());
  ::rmdir(dir);
  return 0;
}
