#pragma once
// `moat agent`: the runtime agent in the foreground; `moat rules check`: a rule file validated.
namespace CLI {
class App;
}

namespace moat::cli {

void add_agent_commands(CLI::App& app);

}  // namespace moat::cli
