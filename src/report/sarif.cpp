#include "report/sarif.h"

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "report/vuln_common.h"

namespace moat::report {
namespace {

using json = nlohmann::ordered_json;
using match::Finding;
using match::Severity;

const char* level(Severity s) {
  switch (s) {
    case Severity::Critical:
    case Severity::High: return "error";
    case Severity::Medium: return "warning";
    default: return "note";
  }
}

// GitHub reads security-severity as a CVSS score and bands it (>= 9 critical, 7-8.9 high, 4-6.9
// medium, 0.1-3.9 low). A finding rated without a score gets a value inside its band.
std::string security_severity(Severity s, double score) {
  if (score < 0) {
    switch (s) {
      case Severity::Critical: score = 9.5; break;
      case Severity::High: score = 8.0; break;
      case Severity::Medium: score = 5.5; break;
      case Severity::Low: score = 2.0; break;
      default: score = 0.0;
    }
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", score);
  return buf;
}


// Advisory references are text from a database: only a plain http(s) URL is used as helpUri.
bool plain_url(const std::string& s) {
  if (!s.starts_with("https://") && !s.starts_with("http://")) return false;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F || ch == '"' || ch == '<' || ch == '>' || ch == '\\' || ch == '^' || ch == '`' ||
        ch == '{' || ch == '|' || ch == '}')
      return false;
  }
  return s.size() > 8;
}

std::string help_uri(const Finding& f) {
  for (const auto& r : f.references) {
    if (plain_url(r)) return r;
  }
  return "https://osv.dev/vulnerability/" + sarif_uri(f.id);
}

std::string message(const Finding& f) {
  std::string text = "Package " + f.package.name + " " + f.package.version + " (" + f.package.ecosystem +
                     ") is affected by " + f.id + " (" + match::severity_name(f.severity) + "). ";
  text += f.fixed_version.empty() ? "No fixed version is available yet." : "Fixed in version " + f.fixed_version + ".";
  return text;
}

struct Rule {
  const Finding* first;
  Severity severity;
  double score;
};

json rule_json(const Rule& r) {
  const Finding& f = *r.first;
  const std::string title = f.summary.empty() ? f.id : f.summary;
  std::string help = "Vulnerability " + f.id + "\nSeverity: " + match::severity_name(r.severity);
  if (!f.cvss_vector.empty()) help += "\nCVSS: " + f.cvss_vector;
  if (!f.aliases.empty()) {
    help += "\nAliases:";
    for (const auto& a : f.aliases) help += " " + a;
  }
  for (const auto& ref : f.references) help += "\n" + ref;
  return {
      {"id", f.id},
      {"shortDescription", {{"text", title}}},
      {"fullDescription", {{"text", title}}},
      {"helpUri", help_uri(f)},
      {"help", {{"text", help}}},
      {"defaultConfiguration", {{"level", level(r.severity)}}},
      {"properties",
       {{"security-severity", security_severity(r.severity, r.score)},
        {"tags", json::array({"security", "vulnerability", match::severity_name(r.severity)})},
        {"precision", "very-high"}}},
  };
}

}  // namespace

// A URI reference for a path: everything but unreserved characters, '/' and a few safe
// sub-delimiters is percent-encoded (':' too, so a relative path never reads as a scheme).
std::string sarif_uri(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~' || c == '/' || c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' ||
        c == '*' || c == '+' || c == ',' || c == ';' || c == '=' || c == '@') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

json sarif_log(const match::VulnReport& report, const SbomOptions& options) {
  const auto& inv = report.inventory;
  const bool image = inv.kind == "image";

  std::vector<const Finding*> all;
  std::vector<const match::Suppressed*> suppression;  // parallel to all; nullptr when not suppressed
  for (const auto& f : report.findings) all.push_back(&f), suppression.push_back(nullptr);
  for (const auto& s : report.suppressed) all.push_back(&s.finding), suppression.push_back(&s);

  std::vector<Rule> rules;
  std::map<std::string, std::size_t> rule_index;
  for (const Finding* f : all) {
    const auto [it, added] = rule_index.emplace(f->id, rules.size());
    if (added) {
      rules.push_back({f, f->severity, f->score});
      continue;
    }
    Rule& r = rules[it->second];
    if (f->severity > r.severity) r.severity = f->severity;
    if (f->score > r.score) r.score = f->score;
    if (r.first->summary.empty() && !f->summary.empty()) r.first = f;
  }
  json rules_json = json::array();
  for (const auto& r : rules) rules_json.push_back(rule_json(r));

  json results = json::array();
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Finding& f = *all[i];
    std::string path = f.package.found_in;
    json artifact;
    if (image) {
      while (path.starts_with('/')) path.erase(0, 1);
      artifact = {{"uri", sarif_uri(path)}, {"uriBaseId", "IMAGEROOT"}};
    } else {
      // A project scan: paths relative to the scanned directory, as code scanning expects.
      std::string root = inv.target;
      if (!root.empty() && !root.ends_with('/')) root += '/';
      if (!root.empty() && path.starts_with(root)) path.erase(0, root.size());
      artifact = {{"uri", sarif_uri(path)}};
    }
    // Code scanning needs a region to place an alert; the package is named in the whole file.
    json location = {{"physicalLocation", {{"artifactLocation", std::move(artifact)}, {"region", {{"startLine", 1}}}}}};
    if (image) {
      location["logicalLocations"] =
          json::array({{{"name", inv.target}, {"fullyQualifiedName", inv.target}, {"kind", "module"}}});
    }
    json result = {
        {"ruleId", f.id},
        {"ruleIndex", rule_index[f.id]},
        {"level", level(f.severity)},
        {"message", {{"text", message(f)}}},
        {"locations", json::array({std::move(location)})},
        {"partialFingerprints", {{"moatFindingHash/v1", vuln::fingerprint(f)}}},
    };
    json properties = {{"package", f.package.name},
                       {"installedVersion", f.package.version},
                       {"ecosystem", f.package.ecosystem},
                       {"severity", match::severity_name(f.severity)}};
    if (!f.fixed_version.empty()) properties["fixedVersion"] = f.fixed_version;
    if (!f.purl.empty()) properties["purl"] = f.purl;
    if (f.score >= 0) properties["cvssScore"] = f.score;
    if (!f.cvss_vector.empty()) properties["cvssVector"] = f.cvss_vector;
    if (!f.package.layer.empty()) properties["layer"] = f.package.layer;
    result["properties"] = std::move(properties);
    if (const match::Suppressed* s = suppression[i]) {
      result["suppressions"] =
          json::array({{{"kind", "external"}, {"status", "accepted"}, {"justification", s->reason + " (" + s->by + ")"}}});
    }
    results.push_back(std::move(result));
  }

  json notifications = json::array();
  for (const auto& c : report.not_covered) {
    notifications.push_back({{"level", "warning"},
                             {"message",
                              {{"text", "not checked: " + c.data_source + " — " + c.reason + "; " +
                                            std::to_string(c.packages) + " packages"}}},
                             {"descriptor", {{"id", "moat/not-covered"}}}});
  }

  json run = {
      {"tool", {{"driver", {{"name", "moat"}, {"version", options.tool_version}, {"rules", std::move(rules_json)}}}}},
      {"invocations", json::array({{{"executionSuccessful", true}, {"toolExecutionNotifications", std::move(notifications)}}})},
  };
  if (image) {
    run["originalUriBaseIds"] = {{"IMAGEROOT", {{"description", {{"text", "the root file system of " + inv.target}}}}}};
  }
  run["results"] = std::move(results);
  json props = {{"target", inv.target}, {"kind", inv.kind}};
  if (!report.database_updated.empty()) props["databaseUpdated"] = report.database_updated;
  run["properties"] = std::move(props);

  return {
      {"$schema", "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", json::array({std::move(run)})},
  };
}

void write_sarif(const match::VulnReport& report, std::ostream& out, const SbomOptions& options) {
  out << sarif_log(report, options).dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

}  // namespace moat::report
