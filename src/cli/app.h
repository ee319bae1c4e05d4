#pragma once

namespace moat::cli {

// Parses the command line, runs the subcommand and returns the process exit code.
int run(int argc, char** argv);

}  // namespace moat::cli
