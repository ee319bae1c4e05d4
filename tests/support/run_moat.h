#pragma once
// Runs the real moat binary of this build as a user would, capturing its status and output.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/temp_dir.h"

namespace moat::test {

struct Run {
  int status;
  std::string out, err;
};

// args is shell text: quote paths that may hold spaces.
inline Run run_moat(const std::string& args) {
  TempDir tmp;
  std::string cmd = std::string(MOAT_BINARY_DIR) + "/moat " + args + " >" + tmp.str() + "/out 2>" + tmp.str() + "/err";
  int rc = std::system(cmd.c_str());
  auto slurp = [](const std::filesystem::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, slurp(tmp.path() / "out"), slurp(tmp.path() / "err")};
}

}  // namespace moat::test
