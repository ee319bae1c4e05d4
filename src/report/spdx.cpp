#include "report/spdx.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "report/license_expression.h"
#include "report/sbom_common.h"

namespace moat::report {
namespace {

using json = nlohmann::ordered_json;

// SPDX identifiers allow only [A-Za-z0-9.-]; anything else becomes '-'.
std::string id_chars(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    if (!ok) c = '-';
  }
  return out;
}

// Free-text licences, each given one LicenseRef for the whole document.
class ExtractedLicenses {
 public:
  std::string ref(const std::string& text) {
    if (auto it = by_text_.find(text); it != by_text_.end()) return it->second;
    std::string id = "LicenseRef-" + id_chars(text.substr(0, 64));
    for (int n = 2; used_.count(id) != 0; ++n)
      id = "LicenseRef-" + id_chars(text.substr(0, 64)) + "-" + std::to_string(n);
    used_.insert(id);
    infos_.push_back({{"licenseId", id}, {"extractedText", text}, {"name", text}});
    return by_text_[text] = id;
  }
  json infos() && { return std::move(infos_); }

 private:
  std::map<std::string, std::string> by_text_;
  std::set<std::string> used_;
  json infos_ = json::array();
};

json purl_ref(const std::string& purl) {
  return json::array(
      {{{"referenceCategory", "PACKAGE-MANAGER"}, {"referenceType", "purl"}, {"referenceLocator", purl}}});
}

json relationship(const std::string& from, const char* type, const std::string& to) {
  return {{"spdxElementId", from}, {"relationshipType", type}, {"relatedSpdxElement", to}};
}

}  // namespace

void write_spdx(const inventory::Inventory& inv, std::ostream& out, const SbomOptions& options) {
  const std::string created = sbom::timestamp(options);
  const std::string tool = "Tool: moat-" + options.tool_version;
  const sbom::Root target = sbom::root(inv);
  const bool image = inv.kind == "image";

  json packages = json::array();
  json relationships = json::array();
  const std::string root_id = image ? "SPDXRef-Image" : "SPDXRef-Filesystem";
  json root = {{"name", target.name}, {"SPDXID", root_id}};
  if (!target.version.empty()) root["versionInfo"] = target.version;
  root["downloadLocation"] = "NOASSERTION";
  root["filesAnalyzed"] = false;
  if (!target.purl.empty()) root["externalRefs"] = purl_ref(target.purl);
  root["primaryPackagePurpose"] = image ? "CONTAINER" : "APPLICATION";
  packages.push_back(std::move(root));
  relationships.push_back(relationship("SPDXRef-DOCUMENT", "DESCRIBES", root_id));

  if (inv.os && !inv.os->id.empty()) {
    json os = {{"name", inv.os->id}, {"SPDXID", "SPDXRef-OperatingSystem"}};
    if (!inv.os->version_id.empty()) os["versionInfo"] = inv.os->version_id;
    os["downloadLocation"] = "NOASSERTION";
    os["filesAnalyzed"] = false;
    if (!inv.os->pretty_name.empty()) os["description"] = inv.os->pretty_name;
    os["primaryPackagePurpose"] = "OPERATING_SYSTEM";  // the JSON schema's spelling
    packages.push_back(std::move(os));
    relationships.push_back(relationship(root_id, "CONTAINS", "SPDXRef-OperatingSystem"));
  }

  ExtractedLicenses extracted;
  const auto entries = sbom::entries(inv);
  std::vector<std::string> ids;
  ids.reserve(entries.size());
  for (const auto& e : entries) {
    const auto& p = *e.package;
    ids.push_back("SPDXRef-Package-" + id_chars(p.ecosystem) + "-" + id_chars(p.name) + "-" + e.key);
    json pkg = {{"name", p.name}, {"SPDXID", ids.back()}};
    if (!p.version.empty()) pkg["versionInfo"] = p.version;
    const bool os_package = e.package->ecosystem == inventory::eco::kDeb ||
                            e.package->ecosystem == inventory::eco::kApk ||
                            e.package->ecosystem == inventory::eco::kRpm;
    if (os_package && inv.os && !inv.os->id.empty()) pkg["supplier"] = "Organization: " + inv.os->id;
    pkg["downloadLocation"] = "NOASSERTION";
    pkg["filesAnalyzed"] = false;
    pkg["licenseConcluded"] = "NOASSERTION";
    if (p.license.empty()) {
      pkg["licenseDeclared"] = "NOASSERTION";
    } else if (const auto expression = spdx_expression(p.license)) {
      pkg["licenseDeclared"] = *expression;
    } else {
      pkg["licenseDeclared"] = extracted.ref(p.license);
    }
    pkg["copyrightText"] = "NOASSERTION";
    if (!e.purl.empty()) pkg["externalRefs"] = purl_ref(e.purl);
    pkg["primaryPackagePurpose"] = "LIBRARY";
    json annotations = json::array();
    for (const auto& [name, value] : sbom::facts(p)) {
      annotations.push_back({{"annotationDate", created},
                             {"annotationType", "OTHER"},
                             {"annotator", tool},
                             {"comment", name + "=" + value}});
    }
    if (!annotations.empty()) pkg["annotations"] = std::move(annotations);
    packages.push_back(std::move(pkg));
    relationships.push_back(relationship(root_id, "CONTAINS", ids.back()));
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].owner) relationships.push_back(relationship(ids[*entries[i].owner], "CONTAINS", ids[i]));
  }

  json doc = {
      {"spdxVersion", "SPDX-2.3"},
      {"dataLicense", "CC0-1.0"},
      {"SPDXID", "SPDXRef-DOCUMENT"},
      {"name", target.name},
      {"documentNamespace", "https://spdx.org/spdxdocs/moat-" + id_chars(target.name) + "-" + sbom::uuid(options)},
      {"creationInfo", {{"created", created}, {"creators", json::array({tool})}}},
      {"packages", std::move(packages)},
      {"relationships", std::move(relationships)},
  };
  if (json infos = std::move(extracted).infos(); !infos.empty()) doc["hasExtractedLicensingInfos"] = std::move(infos);
  // Replace, not throw, on invalid UTF-8: names and paths come from hostile images.
  out << doc.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

}  // namespace moat::report
