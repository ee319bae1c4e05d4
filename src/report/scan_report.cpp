#include "report/scan_report.h"

#include <nlohmann/json.hpp>

#include "report/config_report.h"
#include "report/sarif.h"
#include "report/vuln_json.h"
#include "report/vuln_table.h"

namespace moat::report {

using json = nlohmann::ordered_json;

void write_scan_table(const ScanReport& report, std::ostream& out, bool color) {
  if (report.vulns) {
    write_vuln_table(*report.vulns, out, color);
    out << '\n';
  }
  out << "Secrets, malware and configuration: ";
  write_config_table(report.detections, out);
}

void write_scan_json(const ScanReport& report, std::ostream& out) {
  json doc = {{"schema", "moat/scan/v1"},
              {"target", report.target},
              {"kind", report.kind},
              {"scanners", report.scanners},
              {"vulnerabilities", report.vulns ? vuln_json_document(*report.vulns) : json(nullptr)},
              {"detections", config_json_document(report.detections)}};
  out << doc.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

void write_scan_sarif(const ScanReport& report, std::ostream& out) {
  json detections = config_sarif_log(report.detections);
  json& extra = detections["runs"][0];
  if (report.kind == "image") {
    // Paths inside an image, as the vulnerability results place them.
    for (auto& result : extra["results"])
      for (auto& location : result["locations"]) {
        json& artifact = location["physicalLocation"]["artifactLocation"];
        std::string uri = artifact["uri"].get<std::string>();  // already a URI reference
        while (uri.starts_with('/')) uri.erase(0, 1);
        artifact = {{"uri", uri}, {"uriBaseId", "IMAGEROOT"}};
      }
  }
  json log = report.vulns ? sarif_log(*report.vulns) : std::move(detections);
  if (report.vulns) {
    json& run = log["runs"][0];
    json& rules = run["tool"]["driver"]["rules"];
    const size_t offset = rules.size();
    for (auto& rule : extra["tool"]["driver"]["rules"]) rules.push_back(std::move(rule));
    for (auto& result : extra["results"]) {
      result["ruleIndex"] = result["ruleIndex"].get<size_t>() + offset;
      run["results"].push_back(std::move(result));
    }
  }
  json& run = log["runs"][0];
  if (report.kind == "image" && !run.contains("originalUriBaseIds"))
    run["originalUriBaseIds"] = {{"IMAGEROOT", {{"description", {{"text", "the root file system of " + report.target}}}}}};
  out << log.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

}  // namespace moat::report
