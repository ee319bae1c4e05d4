#include "cli/app.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "base/error.h"
#include "cli/agent_commands.h"
#include "cli/config_commands.h"
#include "cli/inventory_commands.h"
#include "cli/output.h"
#include "cli/vuln_commands.h"

namespace moat::cli {

int run(int argc, char** argv) {
  CLI::App app{"moat: container security and operations"};
  app.require_subcommand(1);
  app.set_version_flag("--version", MOAT_VERSION);
  add_inventory_commands(app);
  add_vuln_commands(app);
  add_config_commands(app);
  add_agent_commands(app);
  try {
    app.parse(argc, argv);
    return 0;
  } catch (const ExitStatus& s) {
    return s.code;
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const Error& e) {
    std::cerr << "moat: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "moat: internal error: " << e.what() << '\n';
    return 3;
  }
}

}  // namespace moat::cli
