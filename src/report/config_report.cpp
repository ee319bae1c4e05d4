#include "report/config_report.h"

#include <map>
#include <nlohmann/json.hpp>

#include "report/sarif.h"
#include "report/vuln_common.h"

namespace moat::report {

using misconfig::ConfigFinding;
using vuln::printable;
using json = nlohmann::ordered_json;

namespace {

std::string where(const ConfigFinding& f) {
  std::string s = f.file;
  if (f.where.line > 0) s += ":" + std::to_string(f.where.line);
  if (f.where.column > 0) s += ":" + std::to_string(f.where.column);
  return s;
}

const char* sarif_level(misconfig::Level l) {
  return l == misconfig::Level::Low ? "note" : l == misconfig::Level::Medium ? "warning" : "error";
}

// GitHub code scanning orders alerts by this number; the scale follows its documented bands.
const char* security_severity(misconfig::Level l) {
  switch (l) {
    case misconfig::Level::Low:
      return "3.0";
    case misconfig::Level::Medium:
      return "5.5";
    case misconfig::Level::High:
      return "8.0";
    default:
      return "9.5";
  }
}

}  // namespace

void write_config_table(const misconfig::ConfigReport& report, std::ostream& out) {
  std::map<misconfig::Level, size_t> counts;
  for (const auto& f : report.findings) ++counts[f.level];
  if (!report.files.empty()) out << report.files.size() << " files checked, ";
  out << report.findings.size() << " findings (CRITICAL "
      << counts[misconfig::Level::Critical] << ", HIGH " << counts[misconfig::Level::High] << ", MEDIUM "
      << counts[misconfig::Level::Medium] << ", LOW " << counts[misconfig::Level::Low] << ")";
  if (report.suppressed) out << ", " << report.suppressed << " suppressed in place";
  out << "\n";
  for (const auto& e : report.errors)
    out << "not checked: " << printable(e.file) << ": " << printable(e.message, 200) << "\n";
  std::string file;
  for (const auto& f : report.findings) {
    if (f.file != file) {
      file = f.file;
      out << "\n" << printable(file) << "\n";
    }
    out << "  " << misconfig::level_name(f.level) << "  " << (f.scanner == "config" ? "" : f.scanner + "  ")
        << f.rule_id << "  " << where(f) << (f.object.empty() ? "" : "  " + printable(f.object)) << "\n    "
        << printable(f.message, 300) << "\n";
  }
}

json config_json_document(const misconfig::ConfigReport& report) {
  json findings = json::array();
  for (const auto& f : report.findings)
    findings.push_back({{"scanner", f.scanner},
                        {"rule_id", f.rule_id},
                        {"title", f.title},
                        {"level", misconfig::level_name(f.level)},
                        {"file", f.file},
                        {"line", f.where.line},
                        {"column", f.where.column},
                        {"object", f.object},
                        {"message", f.message},
                        {"resolution", f.resolution},
                        {"references", f.references}});
  json errors = json::array();
  for (const auto& e : report.errors) errors.push_back({{"file", e.file}, {"message", e.message}});
  return {{"files", report.files}, {"findings", findings}, {"errors", errors}, {"suppressed", report.suppressed}};
}

void write_config_json(const misconfig::ConfigReport& report, std::ostream& out) {
  out << config_json_document(report).dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

json config_sarif_log(const misconfig::ConfigReport& report) {
  std::map<std::string, const ConfigFinding*> rules;
  for (const auto& f : report.findings) rules.emplace(f.rule_id, &f);
  json rule_list = json::array();
  std::map<std::string, size_t> rule_index;
  for (const auto& [id, f] : rules) {
    rule_index[id] = rule_list.size();
    rule_list.push_back(
        {{"id", id},
         {"shortDescription", {{"text", f->title}}},
         {"help", {{"text", f->resolution.empty() ? f->title : f->resolution}}},
         {"defaultConfiguration", {{"level", sarif_level(f->level)}}},
         {"properties",
          {{"tags", json::array({"security", f->scanner == "config" ? "configuration" : f->scanner})},
           {"security-severity", security_severity(f->level)}}}});
  }
  json results = json::array();
  for (const auto& f : report.findings) {
    json region = {{"startLine", std::max(1, f.where.line)}};
    if (f.where.column > 0) region["startColumn"] = f.where.column;
    results.push_back(
        {{"ruleId", f.rule_id},
         {"ruleIndex", rule_index[f.rule_id]},
         {"level", sarif_level(f.level)},
         {"message", {{"text", f.message}}},
         {"locations",
          json::array({{{"physicalLocation", {{"artifactLocation", {{"uri", sarif_uri(f.file)}}}, {"region", region}}}}})}});
  }
  json notifications = json::array();
  for (const auto& e : report.errors)
    notifications.push_back(
        {{"level", "warning"},
         {"message", {{"text", e.file + ": " + e.message}}},
         {"locations", json::array({{{"physicalLocation", {{"artifactLocation", {{"uri", sarif_uri(e.file)}}}}}}})}});
  json run = {
      {"tool", {{"driver", {{"name", "moat"}, {"version", MOAT_VERSION}, {"rules", rule_list}}}}},
      {"results", results},
      {"invocations", json::array({{{"executionSuccessful", true}, {"toolExecutionNotifications", notifications}}})}};
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"}, {"version", "2.1.0"}, {"runs", json::array({run})}};
}

void write_config_sarif(const misconfig::ConfigReport& report, std::ostream& out) {
  out << config_sarif_log(report).dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

}  // namespace moat::report
