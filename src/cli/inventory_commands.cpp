#include "cli/inventory_commands.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <memory>
#include <sstream>

#include "base/files.h"
#include "cli/output.h"
#include "inventory/scan.h"
#include "report/cyclonedx.h"
#include "report/inventory_table.h"
#include "report/spdx.h"

namespace moat::cli {

namespace {

struct TargetOptions {
  std::string target;
  std::string platform;
  std::string cache_dir;
  bool no_cache = false;
  std::string output;
  std::string format;
};

void add_target_options(CLI::App* cmd, TargetOptions& o) {
  cmd->add_option("target", o.target, "image archive (docker-archive or OCI tar), OCI layout or root-fs directory")
      ->required();
  cmd->add_option("--platform", o.platform, "OS/ARCH[/VARIANT] to pick from a multi-platform image (default linux/amd64)");
  cmd->add_option("--cache-dir", o.cache_dir, "layer cache directory (default $XDG_CACHE_HOME/moat)");
  cmd->add_flag("--no-cache", o.no_cache, "analyse every layer afresh and write no cache");
  cmd->add_option("-o,--output", o.output, "write the result to this file instead of standard output");
}

inventory::ScanResult scan(const TargetOptions& o, Progress& progress) {
  inventory::ScanOptions opts;
  if (!o.platform.empty()) opts.platform = image::Platform::parse(o.platform);
  if (!o.no_cache) opts.cache_dir = o.cache_dir.empty() ? default_cache_dir() : std::filesystem::path(o.cache_dir);
  opts.progress = [&progress](const std::string& line) { progress.update(line); };
  auto result = inventory::scan_target(o.target, opts);
  for (const auto& w : result.warnings) std::cerr << "moat: warning: " << w << '\n';
  return result;
}

}  // namespace

void add_inventory_commands(CLI::App& app) {
  auto sbom_opts = std::make_shared<TargetOptions>();
  sbom_opts->format = "cyclonedx";
  auto* sbom = app.add_subcommand("sbom", "write a software bill of materials (CycloneDX 1.5 or SPDX 2.3 JSON)");
  add_target_options(sbom, *sbom_opts);
  sbom->add_option("-f,--format", sbom_opts->format, "cyclonedx or spdx")
      ->check(CLI::IsMember({"cyclonedx", "spdx"}));
  sbom->callback([sbom_opts] {
    std::ostringstream out;
    {
      Progress progress;
      auto result = scan(*sbom_opts, progress);
      if (sbom_opts->format == "spdx")
        report::write_spdx(result.inventory, out);
      else
        report::write_cyclonedx(result.inventory, out);
    }
    emit(out.str(), sbom_opts->output);
  });

  auto inv_opts = std::make_shared<TargetOptions>();
  inv_opts->format = "table";
  auto* inv = app.add_subcommand("inventory", "list the packages installed in an image or directory");
  add_target_options(inv, *inv_opts);
  inv->add_option("-f,--format", inv_opts->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  inv->callback([inv_opts] {
    std::ostringstream out;
    {
      Progress progress;
      auto result = scan(*inv_opts, progress);
      if (inv_opts->format == "json")
        report::write_inventory_json(result.inventory, out);
      else
        report::write_inventory_table(result.inventory, out);
    }
    emit(out.str(), inv_opts->output);
  });
}

}  // namespace moat::cli
