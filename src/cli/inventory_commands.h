#pragma once
// `moat sbom` and `moat inventory`.
namespace CLI {
class App;
}

namespace moat::cli {

void add_inventory_commands(CLI::App& app);

}  // namespace moat::cli
