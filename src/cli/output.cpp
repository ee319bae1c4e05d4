#include "cli/output.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "base/files.h"

namespace moat::cli {

void emit(const std::string& text, const std::string& path) {
  if (path.empty() || path == "-") {
    std::cout << text;
    std::cout.flush();
    return;
  }
  write_file_atomic(path, text);
}

Progress::Progress() : tty_(::isatty(STDERR_FILENO) == 1) {}

Progress::~Progress() {
  if (shown_) std::fputs("\r\033[K", stderr);
}

void Progress::update(const std::string& line) {
  if (!tty_) return;
  std::fprintf(stderr, "\r\033[Kmoat: %s", line.c_str());
  std::fflush(stderr);
  shown_ = true;
}

}  // namespace moat::cli
