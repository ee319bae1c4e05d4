#include "cli/config_commands.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <memory>
#include <sstream>

#include "base/error.h"
#include "base/text.h"
#include "cli/output.h"
#include "misconfig/config_scan.h"
#include "report/config_report.h"

namespace moat::cli {

namespace {

struct ConfigOptions {
  std::vector<std::string> paths, policies;
  std::string format = "table", output, severity;
  int exit_code = 0;
};

std::vector<misconfig::Level> parse_levels(const std::string& text) {
  std::vector<misconfig::Level> out;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    std::string up = ascii_lower(item);
    if (up == "low")
      out.push_back(misconfig::Level::Low);
    else if (up == "medium")
      out.push_back(misconfig::Level::Medium);
    else if (up == "high")
      out.push_back(misconfig::Level::High);
    else if (up == "critical")
      out.push_back(misconfig::Level::Critical);
    else
      fail("--severity", "unknown level '" + item + "' (LOW, MEDIUM, HIGH, CRITICAL)");
  }
  return out;
}

}  // namespace

void add_config_commands(CLI::App& app) {
  auto o = std::make_shared<ConfigOptions>();
  auto* cmd = app.add_subcommand("config", "check Dockerfiles, Kubernetes manifests and Compose files (files or directories)");
  cmd->add_option("paths", o->paths, "files or directories to walk")->required();
  cmd->add_option("-f,--format", o->format, "table, json or sarif")->check(CLI::IsMember({"table", "json", "sarif"}));
  cmd->add_option("-o,--output", o->output, "write the report to this file instead of standard output");
  cmd->add_option("--severity", o->severity, "report only these levels, e.g. HIGH,CRITICAL");
  cmd->add_option("--policy", o->policies, "custom policy file or directory of them (docs/policies.md); repeatable")
      ->allow_extra_args(false);
  cmd->add_option("--exit-code", o->exit_code, "exit with this status when findings remain (CI gating)");
  cmd->callback([o] {
    auto levels = o->severity.empty() ? std::vector<misconfig::Level>{} : parse_levels(o->severity);
    misconfig::ConfigScanOptions scan_options;
    scan_options.policy_paths = o->policies;
    auto report = misconfig::scan_config(o->paths, scan_options);
    if (!levels.empty())
      std::erase_if(report.findings, [&](const misconfig::ConfigFinding& f) {
        return std::find(levels.begin(), levels.end(), f.level) == levels.end();
      });
    if (o->format != "table" || !o->output.empty())
      for (const auto& e : report.errors) std::cerr << "moat: " << e.file << ": " << e.message << '\n';
    std::ostringstream out;
    if (o->format == "json")
      report::write_config_json(report, out);
    else if (o->format == "sarif")
      report::write_config_sarif(report, out);
    else
      report::write_config_table(report, out);
    emit(out.str(), o->output);
    throw ExitStatus{report.findings.empty() ? 0 : o->exit_code};
  });
}

}  // namespace moat::cli
