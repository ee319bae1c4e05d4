#include "report/cyclonedx_vex.h"

#include <algorithm>
#include <map>
#include <regex>
#include <tuple>

#include "report/cyclonedx_document.h"
#include "report/vuln_common.h"

namespace moat::report {
namespace {

using json = nlohmann::ordered_json;
using match::Finding;

// CycloneDX's method names for the CVSS version a vector states.
const char* method(const std::string& vector) {
  if (vector.starts_with("CVSS:3.1/")) return "CVSSv31";
  if (vector.starts_with("CVSS:3.0/")) return "CVSSv3";
  if (vector.starts_with("CVSS:4.0/")) return "CVSSv4";
  if (vector.starts_with("AV:")) return "CVSSv2";
  return "other";
}

json source_of(const std::string& id) {
  if (id.starts_with("CVE-")) return {{"name", "NVD"}, {"url", "https://nvd.nist.gov/vuln/detail/" + id}};
  if (id.starts_with("GHSA-")) return {{"name", "GitHub"}, {"url", "https://github.com/advisories/" + id}};
  return {{"name", "OSV"}, {"url", "https://osv.dev/vulnerability/" + id}};
}

// OpenVEX justification labels → CycloneDX's.
const char* justification(const std::string& openvex) {
  if (openvex == "component_not_present" || openvex == "vulnerable_code_not_present") return "code_not_present";
  if (openvex == "vulnerable_code_not_in_execute_path") return "code_not_reachable";
  if (openvex == "vulnerable_code_cannot_be_controlled_by_adversary" || openvex == "inline_mitigations_already_exist")
    return "protected_by_mitigating_control";
  return nullptr;
}

json analysis(const match::Suppressed& s) {
  json a = {{"state", s.status == "fixed" ? "resolved" : "not_affected"}};
  if (const char* j = justification(s.justification)) a["justification"] = j;
  a["detail"] = s.reason + " (" + s.by + ")";
  return a;
}

// The schema checks these as date-time: a database's malformed date is left out rather than
// making the whole document invalid.
bool is_date_time(const std::string& s) {
  static const std::regex kRfc3339(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))");
  return s.size() < 64 && std::regex_match(s, kRfc3339);
}

bool same_package(const inventory::Package& a, const inventory::Package& b) {
  return std::tie(a.ecosystem, a.name, a.version, a.arch, a.found_in, a.layer) ==
         std::tie(b.ecosystem, b.name, b.version, b.arch, b.found_in, b.layer);
}

}  // namespace

void write_cyclonedx_vex(const match::VulnReport& report, std::ostream& out, const SbomOptions& options) {
  json bom = cyclonedx::document(report.inventory, options);
  const auto entries = sbom::entries(report.inventory);
  const auto ref_of = [&](const Finding& f) {
    for (const auto& e : entries) {
      if (same_package(*e.package, f.package)) return cyclonedx::bom_ref(e);
    }
    // Not in the inventory (a report assembled elsewhere): the purl still names the package.
    return f.purl.empty() ? f.package.ecosystem + ":" + f.package.name + "@" + f.package.version : f.purl;
  };

  json vulnerabilities = json::array();
  std::map<std::string, std::size_t> index;  // id + what suppressed it → position in vulnerabilities
  const auto add = [&](const Finding& f, const match::Suppressed* s) {
    const std::string key = f.id + '\0' + (s ? s->by + '\0' + s->reason : "");
    auto [it, added] = index.emplace(key, vulnerabilities.size());
    if (added) {
      json v = {{"bom-ref", "vulnerability:" + f.id + (s ? "#suppressed-" + std::to_string(it->second) : "")},
                {"id", f.id},
                {"source", source_of(f.id)}};
      if (!f.aliases.empty()) {
        json refs = json::array();
        for (const auto& a : f.aliases) refs.push_back({{"id", a}, {"source", source_of(a)}});
        v["references"] = std::move(refs);
      }
      v["ratings"] = json::array();
      if (!f.summary.empty()) v["description"] = f.summary;
      if (!f.fixed_version.empty()) v["recommendation"] = "Upgrade " + f.package.name + " to " + f.fixed_version + " or later.";
      json advisories = json::array();
      for (const auto& r : f.references) advisories.push_back({{"url", r}});
      if (!advisories.empty()) v["advisories"] = std::move(advisories);
      if (is_date_time(f.published)) v["published"] = f.published;
      if (is_date_time(f.modified)) v["updated"] = f.modified;
      v["affects"] = json::array();
      if (s) v["analysis"] = analysis(*s);
      vulnerabilities.push_back(std::move(v));
    }
    json& v = vulnerabilities[it->second];

    json rating = {{"source", {{"name", f.severity_source.empty() ? f.data_source : f.severity_source}}}};
    if (f.score >= 0) rating["score"] = f.score;
    rating["severity"] = vuln::lower_severity(f.severity);
    rating["method"] = f.score >= 0 ? method(f.cvss_vector) : "other";
    if (!f.cvss_vector.empty()) rating["vector"] = f.cvss_vector;
    if (std::find(v["ratings"].begin(), v["ratings"].end(), rating) == v["ratings"].end()) v["ratings"].push_back(rating);

    json versions = json::array({{{"version", f.package.version}, {"status", "affected"}}});
    if (!f.fixed_version.empty()) versions.push_back({{"version", f.fixed_version}, {"status", "unaffected"}});
    json affect = {{"ref", ref_of(f)}, {"versions", std::move(versions)}};
    if (std::find(v["affects"].begin(), v["affects"].end(), affect) == v["affects"].end()) v["affects"].push_back(affect);
  };
  for (const auto& f : report.findings) add(f, nullptr);
  for (const auto& s : report.suppressed) add(s.finding, &s);
  bom["vulnerabilities"] = std::move(vulnerabilities);
  out << bom.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

}  // namespace moat::report
