#include "report/vuln_json.h"

#include <map>
#include <nlohmann/json.hpp>

#include "report/vuln_common.h"

namespace moat::report {
namespace {

using json = nlohmann::ordered_json;

json or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json finding_json(const match::Finding& f) {
  const auto& p = f.package;
  return {
      {"id", f.id},
      {"aliases", f.aliases},
      {"summary", f.summary},
      {"severity", match::severity_name(f.severity)},
      {"score", f.score >= 0 ? json(f.score) : json(nullptr)},
      {"cvss_vector", or_null(f.cvss_vector)},
      {"severity_source", f.severity_source},
      {"data_source", f.data_source},
      {"fixed_version", or_null(f.fixed_version)},
      {"package",
       {{"ecosystem", p.ecosystem},
        {"name", p.name},
        {"version", p.version},
        {"source_name", p.source_name},
        {"source_version", p.source_version},
        {"arch", p.arch},
        {"found_in", p.found_in},
        {"layer", p.layer},
        {"owner", p.owner},
        {"purl", f.purl}}},
      {"references", f.references},
      {"published", or_null(f.published)},
      {"modified", or_null(f.modified)},
      {"fingerprint", vuln::fingerprint(f)},
  };
}

}  // namespace

json vuln_json_document(const match::VulnReport& report) {
  const auto& inv = report.inventory;
  json doc = {{"schema", "moat/vulnerabilities/v1"}, {"target", inv.target}, {"kind", inv.kind}};
  if (!inv.image_id.empty()) doc["image_id"] = inv.image_id;
  doc["os"] = inv.os ? json{{"id", inv.os->id}, {"version_id", inv.os->version_id}, {"pretty_name", inv.os->pretty_name}}
                     : json(nullptr);
  doc["database_updated"] = or_null(report.database_updated);

  std::map<match::Severity, std::size_t> counts;
  for (const auto& f : report.findings) ++counts[f.severity];
  json summary = {{"total", report.findings.size()}};
  for (auto s : {match::Severity::Critical, match::Severity::High, match::Severity::Medium, match::Severity::Low,
                 match::Severity::None, match::Severity::Unknown})
    summary[match::severity_name(s)] = counts[s];
  summary["suppressed"] = report.suppressed.size();
  doc["summary"] = std::move(summary);

  json not_covered = json::array();
  for (const auto& c : report.not_covered)
    not_covered.push_back({{"data_source", c.data_source}, {"reason", c.reason}, {"packages", c.packages}});
  doc["not_covered"] = std::move(not_covered);

  json findings = json::array();
  for (const auto& f : report.findings) findings.push_back(finding_json(f));
  doc["findings"] = std::move(findings);

  json suppressed = json::array();
  for (const auto& s : report.suppressed) {
    json j = finding_json(s.finding);
    j["suppressed_by"] = s.by;
    j["reason"] = s.reason;
    j["status"] = s.status;
    j["justification"] = or_null(s.justification);
    suppressed.push_back(std::move(j));
  }
  doc["suppressed"] = std::move(suppressed);
  return doc;
}

void write_vuln_json(const match::VulnReport& report, std::ostream& out) {
  // Replace, not throw, on invalid UTF-8: names and paths come from hostile images.
  out << vuln_json_document(report).dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

}  // namespace moat::report
