#pragma once
// `moat config`: Dockerfiles and Kubernetes manifests checked before they ship.
namespace CLI {
class App;
}

namespace moat::cli {

void add_config_commands(CLI::App& app);

}  // namespace moat::cli
