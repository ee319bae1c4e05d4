#include "report/cyclonedx.h"

#include <nlohmann/json.hpp>

#include "report/cyclonedx_document.h"
#include "report/license_expression.h"
#include "report/sbom_common.h"

namespace moat::report {
namespace cyclonedx {

std::string bom_ref(const sbom::Entry& e) {
  const auto& p = *e.package;
  return p.ecosystem + ":" + p.name + "@" + p.version + "#" + e.key;
}

}  // namespace cyclonedx
namespace {

using json = nlohmann::ordered_json;
using cyclonedx::bom_ref;

json licenses(const std::string& declared) {
  if (declared.empty()) return nullptr;
  if (const auto expression = spdx_expression(declared)) {
    if (is_single_license_id(*expression)) return json::array({{{"license", {{"id", *expression}}}}});
    return json::array({{{"expression", *expression}}});
  }
  return json::array({{{"license", {{"name", declared}}}}});
}

json component(const sbom::Entry& e) {
  const auto& p = *e.package;
  json c = {{"bom-ref", bom_ref(e)}, {"type", "library"}};
  // Maven's groupId and npm's scope are what CycloneDX calls the group.
  const auto split = p.ecosystem == inventory::eco::kMaven                            ? p.name.find(':')
                     : p.ecosystem == inventory::eco::kNpm && p.name.starts_with('@') ? p.name.find('/')
                                                                                      : std::string::npos;
  if (split != std::string::npos && split > 0 && split + 1 < p.name.size()) {
    c["group"] = p.name.substr(0, split);
    c["name"] = p.name.substr(split + 1);
  } else {
    c["name"] = p.name;
  }
  if (!p.version.empty()) c["version"] = p.version;
  if (json l = licenses(p.license); !l.is_null()) c["licenses"] = std::move(l);
  if (!e.purl.empty()) c["purl"] = e.purl;
  json properties = json::array();
  for (const auto& [name, value] : sbom::facts(p)) properties.push_back({{"name", name}, {"value", value}});
  if (!properties.empty()) c["properties"] = std::move(properties);
  return c;
}

}  // namespace

json cyclonedx::document(const inventory::Inventory& inv, const SbomOptions& options) {
  const sbom::Root target = sbom::root(inv);
  const bool image = inv.kind == "image";
  json root = {{"type", image ? "container" : "application"}, {"name", target.name}};
  root["bom-ref"] = !target.purl.empty() ? target.purl : (image ? "image:" : "filesystem:") + target.name;
  if (!target.version.empty()) root["version"] = target.version;
  if (!target.purl.empty()) root["purl"] = target.purl;

  json components = json::array();
  json top_level = json::array();
  if (inv.os && !inv.os->id.empty()) {
    const std::string ref = "os:" + inv.os->id + "@" + inv.os->version_id;
    json os = {{"bom-ref", ref}, {"type", "operating-system"}, {"name", inv.os->id}};
    if (!inv.os->version_id.empty()) os["version"] = inv.os->version_id;
    if (!inv.os->pretty_name.empty()) os["description"] = inv.os->pretty_name;
    components.push_back(std::move(os));
    top_level.push_back(ref);
  }

  const auto entries = sbom::entries(inv);
  std::vector<json> built;
  built.reserve(entries.size());
  for (const auto& e : entries) built.push_back(component(e));
  // Owned packages go inside their owner; owners are never owned, so one pass suffices.
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].owner) built[*entries[i].owner]["components"].push_back(std::move(built[i]));
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].owner) continue;
    top_level.push_back(built[i]["bom-ref"]);
    components.push_back(std::move(built[i]));
  }

  json bom = {
      {"$schema", "http://cyclonedx.org/schema/bom-1.5.schema.json"},
      {"bomFormat", "CycloneDX"},
      {"specVersion", "1.5"},
      {"serialNumber", "urn:uuid:" + sbom::uuid(options)},
      {"version", 1},
      {"metadata",
       {{"timestamp", sbom::timestamp(options)},
        {"tools",
         {{"components",
           json::array({{{"type", "application"}, {"name", "moat"}, {"version", options.tool_version}}})}}},
        {"component", root}}},
      {"components", std::move(components)},
      {"dependencies", json::array({{{"ref", root["bom-ref"]}, {"dependsOn", std::move(top_level)}}})},
  };
  return bom;
}

void write_cyclonedx(const inventory::Inventory& inv, std::ostream& out, const SbomOptions& options) {
  const json bom = cyclonedx::document(inv, options);
  // Replace, not throw, on invalid UTF-8: names and paths come from hostile images.
  out << bom.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

}  // namespace moat::report
