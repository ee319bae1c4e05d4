#include "cli/vuln_commands.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "base/error.h"
#include "base/files.h"
#include "cli/output.h"
#include "detect/detectors.h"
#include "inventory/sbom_reader.h"
#include "inventory/scan.h"
#include "match/matcher.h"
#include "match/policy.h"
#include "match/store_source.h"
#include "report/cyclonedx_vex.h"
#include "report/junit.h"
#include "report/scan_report.h"
#include "report/sarif.h"
#include "report/vuln_json.h"
#include "report/vuln_table.h"
#include "vulndb/store.h"
#include "vulndb/update.h"

namespace moat::cli {

namespace {

constexpr uint64_t kMaxPolicyFile = 32ull << 20;

struct ScanOptions {
  std::string target, db, format = "table", output, severity, platform, cache_dir;
  std::string scanners = "vuln", clamav_db;
  std::vector<std::string> ignore_files, vex_files, secret_rules, yara_rules;
  bool ignore_unfixed = false, include_owned = false, no_cache = false;
  int exit_code = 0;
  int max_db_age_days = 7;
};

std::filesystem::path db_path(const std::string& option) {
  return option.empty() ? vulndb::default_database_path() : std::filesystem::path(option);
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

void add_scan_options(CLI::App* cmd, ScanOptions& o, bool image_options) {
  cmd->add_option("--db", o.db, "advisory database (default $XDG_CACHE_HOME/moat/advisories.db)");
  cmd->add_option("-f,--format", o.format, "table, json, sarif, cyclonedx or junit")
      ->check(CLI::IsMember({"table", "json", "sarif", "cyclonedx", "junit"}));
  cmd->add_option("-o,--output", o.output, "write the report to this file instead of standard output");
  cmd->add_option("--severity", o.severity, "report only these severities, e.g. HIGH,CRITICAL");
  cmd->add_flag("--ignore-unfixed", o.ignore_unfixed, "leave out vulnerabilities that have no fix yet");
  cmd->add_option("--exit-code", o.exit_code, "exit with this status when vulnerabilities remain (CI gating)");
  cmd->add_option("--ignorefile", o.ignore_files, "ignore file (default ./.moatignore.yaml when present); repeatable")
      ->allow_extra_args(false);
  cmd->add_option("--vex", o.vex_files,
                  "OpenVEX document whose not_affected/fixed statements suppress findings; repeatable")
      ->allow_extra_args(false);
  cmd->add_flag("--include-owned", o.include_owned,
                "also judge language packages installed by an OS package by their language's advisories");
  cmd->add_option("--max-db-age", o.max_db_age_days, "warn when the advisory database is older (days)");
  if (image_options) {
    cmd->add_option("--platform", o.platform, "OS/ARCH[/VARIANT] to pick from a multi-platform image");
    cmd->add_option("--cache-dir", o.cache_dir, "layer cache directory (default $XDG_CACHE_HOME/moat)");
    cmd->add_flag("--no-cache", o.no_cache, "analyse every layer afresh and write no cache");
  }
}

// Images and directories are read file by file, so the other scanners can ride the same pass.
void add_scanner_options(CLI::App* cmd, ScanOptions& o) {
  cmd->add_option("--scanners", o.scanners, "comma-separated: vuln, secret, malware, config (default vuln)");
  cmd->add_option("--secret-rules", o.secret_rules,
                  "secret rule file added to the built-in rules (docs/secret-rules.md); repeatable")
      ->allow_extra_args(false);
  cmd->add_option("--yara-rules", o.yara_rules, "YARA rule file or directory added to the bundled rules; repeatable")
      ->allow_extra_args(false);
  cmd->add_option("--clamav-db", o.clamav_db, "ClamAV signature database directory: also scan with ClamAV");
}

match::Policy load_policy(const ScanOptions& o) {
  match::Policy policy;
  if (!o.severity.empty()) policy.severities = match::parse_severity_list(o.severity);
  policy.ignore_unfixed = o.ignore_unfixed;
  std::vector<std::string> ignore_files = o.ignore_files;
  std::error_code ec;
  if (ignore_files.empty() && std::filesystem::is_regular_file(".moatignore.yaml", ec))
    ignore_files.push_back(".moatignore.yaml");
  for (const auto& f : ignore_files) policy.ignore_files.push_back(match::parse_ignore_file(read_file(f, kMaxPolicyFile), f));
  for (const auto& f : o.vex_files) policy.vex.push_back(match::parse_openvex(read_file(f, kMaxPolicyFile), f));
  return policy;
}

void write_report(const match::VulnReport& report, const ScanOptions& o) {
  std::ostringstream out;
  if (o.format == "json")
    report::write_vuln_json(report, out);
  else if (o.format == "sarif")
    report::write_sarif(report, out);
  else if (o.format == "cyclonedx")
    report::write_cyclonedx_vex(report, out);
  else if (o.format == "junit")
    report::write_junit(report, out);
  else
    report::write_vuln_table(report, out, o.output.empty() && ::isatty(STDOUT_FILENO) == 1);
  emit(out.str(), o.output);
}

// Everything after the inventory is the same for images, directories and SBOMs.
match::VulnReport match_inventory(inventory::Inventory inv, const ScanOptions& o, const match::Policy& policy) {
  auto store = vulndb::Store::open_readonly(db_path(o.db));
  auto status = store.status();
  if (auto warning = vulndb::staleness_warning(status, o.max_db_age_days)) std::cerr << "moat: warning: " << *warning << '\n';
  match::MatchOptions mo;
  mo.match_owned_language_packages = o.include_owned;
  match::StoreSource source(store);
  auto report = match::match_inventory(inv, source, mo);
  auto t = std::chrono::system_clock::to_time_t(status.updated_at);
  std::ostringstream when;
  when << std::put_time(std::gmtime(&t), "%Y-%m-%dT%H:%M:%SZ");
  report.database_updated = when.str();
  for (const auto& w : match::apply_policy(policy, report)) std::cerr << "moat: warning: " << w << '\n';
  return report;
}

int match_and_report(inventory::Inventory inv, const ScanOptions& o) {
  match::Policy policy = load_policy(o);  // before the work: a bad ignore file fails fast
  auto report = match_inventory(std::move(inv), o, policy);
  write_report(report, o);
  return match::gate_exit_code(report, o.exit_code);
}

// `moat image` and `moat fs`: one pass over the target for every scanner asked for.
int scan_and_report(const ScanOptions& o, bool image) {
  auto scanners = detect::parse_scanners(o.scanners);
  match::Policy policy = load_policy(o);
  std::optional<detect::Detectors> detectors;
  if (scanners.secret || scanners.malware || scanners.config) {
    if (o.format == "cyclonedx" || o.format == "junit")
      fail("--format " + o.format, "reports vulnerabilities only; use table, json or sarif with --scanners " + o.scanners);
    detect::DetectOptions d;
    d.scanners = scanners;
    d.secret_rule_files = o.secret_rules;
    d.yara_rule_paths = o.yara_rules;
    d.clamav_database = o.clamav_db;
    if (!o.no_cache) d.cache_dir = o.cache_dir.empty() ? default_cache_dir() : std::filesystem::path(o.cache_dir);
    detectors.emplace(d);
    for (const auto& w : detectors->warnings()) std::cerr << "moat: warning: " << w << '\n';
  }
  Progress progress;
  inventory::ScanOptions so;
  if (!o.platform.empty()) so.platform = image::Platform::parse(o.platform);
  if (image && !o.no_cache) so.cache_dir = o.cache_dir.empty() ? default_cache_dir() : std::filesystem::path(o.cache_dir);
  so.progress = [&progress](const std::string& line) { progress.update(line); };
  if (detectors) so.inspectors = detectors->inspectors();
  auto result = image ? inventory::scan_image(o.target, so) : inventory::scan_filesystem(o.target, so);
  for (const auto& w : result.warnings) std::cerr << "moat: warning: " << w << '\n';
  if (!detectors) return match_and_report(std::move(result.inventory), o);

  std::optional<match::VulnReport> vulns;
  if (scanners.vuln) vulns = match_inventory(result.inventory, o, policy);
  auto detections = detectors->assess(result);
  for (const auto& w : detect::apply_policy(policy, detections)) std::cerr << "moat: warning: " << w << '\n';
  report::ScanReport combined{result.inventory.target, result.inventory.kind, detect::scanner_names(scanners),
                              vulns ? &*vulns : nullptr, detections};
  std::ostringstream out;
  if (o.format == "json")
    report::write_scan_json(combined, out);
  else if (o.format == "sarif")
    report::write_scan_sarif(combined, out);
  else
    report::write_scan_table(combined, out, o.output.empty() && ::isatty(STDOUT_FILENO) == 1);
  emit(out.str(), o.output);
  bool any = !detections.findings.empty() || (vulns && match::gate_exit_code(*vulns, 1) != 0);
  return any ? o.exit_code : 0;
}

void add_db_commands(CLI::App& app) {
  auto* db = app.add_subcommand("db", "manage the advisory database");
  db->require_subcommand(1);

  auto update = std::make_shared<std::tuple<std::string, std::string, std::string>>(vulndb::kDefaultSource, "", "");
  auto* up = db->add_subcommand("update", "download OSV advisories and rebuild the database");
  up->add_option("--source", std::get<0>(*update), "base URL holding <Ecosystem>/all.zip (http, https or file)");
  up->add_option("--db", std::get<1>(*update), "database file to replace");
  up->add_option("--ecosystems", std::get<2>(*update), "comma-separated OSV ecosystems (default: all moat matches)");
  up->callback([update] {
    auto [source, path, ecosystems] = *update;
    auto list = ecosystems.empty() ? vulndb::supported_ecosystems() : split_list(ecosystems);
    Progress progress;
    vulndb::UpdateOptions options;
    options.skip_absent = ecosystems.empty();  // named ecosystems must all be there
    auto report = vulndb::update_database(source, db_path(path), list, [&](const vulndb::UpdateProgress& p) {
      if (p.stage == vulndb::UpdateProgress::Stage::kDownload)
        progress.update("downloading " + std::string(p.ecosystem) + " (" + std::to_string(p.done >> 10) + " KiB)");
      else if (p.stage == vulndb::UpdateProgress::Stage::kImport)
        progress.update("importing " + std::string(p.ecosystem) + " (" + std::to_string(p.done) + ")");
    }, options);
    std::cout << std::left << std::setw(12) << "ECOSYSTEM" << std::right << std::setw(10) << "DOCUMENTS" << std::setw(10)
              << "IMPORTED" << std::setw(9) << "SKIPPED" << "  REASONS\n";
    for (const auto& e : report.ecosystems) {
      if (e.absent) {
        std::cout << std::left << std::setw(12) << e.ecosystem << "  not at the source (" << e.url << ")\n";
        continue;
      }
      std::string reasons;
      for (size_t r = 0; r < vulndb::kSkipReasons; ++r)
        if (e.skipped[r])
          reasons += (reasons.empty() ? "" : ", ") + std::to_string(e.skipped[r]) + " " +
                     std::string(vulndb::to_string(static_cast<vulndb::SkipReason>(r)));
      std::cout << std::left << std::setw(12) << e.ecosystem << std::right << std::setw(10) << e.documents
                << std::setw(10) << e.imported << std::setw(9) << e.skipped_total() << "  " << reasons << '\n';
    }
    std::cout << report.advisories << " advisories from " << report.source << " in " << std::fixed
              << std::setprecision(2) << report.seconds << " s -> " << report.db_path.string() << '\n';
  });

  auto status_db = std::make_shared<std::string>();
  auto* st = db->add_subcommand("status", "show what the advisory database holds and how old it is");
  st->add_option("--db", *status_db, "database file");
  st->callback([status_db] {
    auto s = vulndb::Store::open_readonly(db_path(*status_db)).status();
    auto t = std::chrono::system_clock::to_time_t(s.updated_at);
    std::cout << s.path.string() << "\nsource:  " << s.source << "\nupdated: "
              << std::put_time(std::gmtime(&t), "%Y-%m-%d %H:%M:%S UTC") << " (" << s.age_days() << " days ago)\n"
              << "schema:  " << s.schema_version << ", written by moat " << s.moat_version << "\n\n";
    std::cout << std::left << std::setw(12) << "ECOSYSTEM" << std::right << std::setw(11) << "ADVISORIES"
              << std::setw(10) << "ENTRIES" << std::setw(9) << "SKIPPED" << '\n';
    for (const auto& e : s.ecosystems)
      std::cout << std::left << std::setw(12) << e.name << std::right << std::setw(11) << e.advisories << std::setw(10)
                << e.affected << std::setw(9) << e.skipped << '\n';
    std::cout << s.advisories << " advisories\n";
  });
}

}  // namespace

void add_vuln_commands(CLI::App& app) {
  add_db_commands(app);

  auto img = std::make_shared<ScanOptions>();
  auto* image_cmd = app.add_subcommand("image", "find known vulnerabilities in an image's packages");
  image_cmd->add_option("target", img->target, "docker-archive or OCI tar, or OCI layout directory")->required();
  add_scan_options(image_cmd, *img, true);
  add_scanner_options(image_cmd, *img);
  image_cmd->callback([img] { throw ExitStatus{scan_and_report(*img, true)}; });

  auto fs = std::make_shared<ScanOptions>();
  auto* fs_cmd = app.add_subcommand("fs", "find known vulnerabilities in a directory (a project or a root file system)");
  fs_cmd->add_option("target", fs->target, "directory")->required()->check(CLI::ExistingDirectory);
  add_scan_options(fs_cmd, *fs, false);
  add_scanner_options(fs_cmd, *fs);
  fs_cmd->callback([fs] { throw ExitStatus{scan_and_report(*fs, false)}; });

  auto sb = std::make_shared<ScanOptions>();
  auto* sbom_cmd = app.add_subcommand("sbom-scan", "find known vulnerabilities in the packages an SBOM lists");
  sbom_cmd->add_option("target", sb->target, "CycloneDX or SPDX JSON file")->required();
  add_scan_options(sbom_cmd, *sb, false);
  sbom_cmd->callback([sb] {
    auto contents = inventory::read_sbom(read_file(sb->target, 256ull << 20), sb->target);
    for (const auto& w : contents.warnings) std::cerr << "moat: warning: " << w << '\n';
    if (contents.without_purl + contents.unsupported_purl > 0)
      std::cerr << "moat: warning: " << sb->target << ": " << contents.without_purl << " components without a purl and "
                << contents.unsupported_purl << " of types moat does not match were not checked\n";
    throw ExitStatus{match_and_report(std::move(contents.inventory), *sb)};
  });
}

}  // namespace moat::cli
