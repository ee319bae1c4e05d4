#pragma once
// `moat db update|status`, and the vulnerability scans `moat image`, `moat fs`, `moat sbom-scan`.
namespace CLI {
class App;
}

namespace moat::cli {

void add_vuln_commands(CLI::App& app);

}  // namespace moat::cli
