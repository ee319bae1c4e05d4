#pragma once
// Where a command's result goes, and how it talks to a person while it works.
#include <string>

namespace moat::cli {

// CLI11 callbacks return nothing: a command whose exit status depends on its result throws this,
// and run() turns it into the process's status.
struct ExitStatus {
  int code;
};

// Writes text to path atomically, or to stdout when path is empty or "-".
void emit(const std::string& text, const std::string& path);

// Prints a transient status line on stderr when it is a terminal; silent otherwise.
class Progress {
 public:
  Progress();
  ~Progress();
  void update(const std::string& line);

 private:
  bool tty_;
  bool shown_ = false;
};

}  // namespace moat::cli
