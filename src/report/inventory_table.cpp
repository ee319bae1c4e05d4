#include "report/inventory_table.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "inventory/layer_findings.h"

namespace moat::report {

void write_inventory_table(const inventory::Inventory& inv, std::ostream& out) {
  out << inv.target;
  if (inv.os) out << " (" << (inv.os->pretty_name.empty() ? inv.os->id + " " + inv.os->version_id : inv.os->pretty_name) << ")";
  out << '\n';
  std::map<std::string, size_t> per_ecosystem;
  for (const auto& p : inv.packages) ++per_ecosystem[p.ecosystem];
  out << inv.packages.size() << " packages";
  for (const auto& [eco, n] : per_ecosystem) out << (eco == per_ecosystem.begin()->first ? ": " : ", ") << eco << " " << n;
  out << "\n\n";
  const std::vector<std::string> header = {"TYPE", "NAME", "VERSION", "SOURCE / OWNER", "LOCATION"};
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : inv.packages) {
    std::string extra = p.owner;
    if (!p.source_name.empty() && (p.source_name != p.name || !p.source_version.empty()))
      extra = p.source_name + (p.source_version.empty() ? "" : " " + p.source_version);
    rows.push_back({p.ecosystem, p.name, p.version, extra, p.found_in});
  }
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& r : rows) width[c] = std::max(width[c], r[c].size());
  }
  auto line = [&](const std::vector<std::string>& r) {
    for (size_t c = 0; c < r.size(); ++c) {
      out << r[c];
      if (c + 1 < r.size()) out << std::string(width[c] - r[c].size() + 2, ' ');
    }
    out << '\n';
  };
  line(header);
  for (const auto& r : rows) line(r);
}

void write_inventory_json(const inventory::Inventory& inv, std::ostream& out) {
  nlohmann::json j{{"target", inv.target}, {"kind", inv.kind}, {"packages", inv.packages}};
  if (!inv.image_id.empty()) {
    j["image_id"] = inv.image_id;
    j["repo_tags"] = inv.repo_tags;
    j["architecture"] = inv.architecture;
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& l : inv.layers) layers.push_back({{"diff_id", l.diff_id}, {"created_by", l.created_by}});
    j["layers"] = layers;
  }
  if (inv.os)
    j["os"] = {{"id", inv.os->id}, {"version_id", inv.os->version_id}, {"pretty_name", inv.os->pretty_name},
               {"codename", inv.os->codename}};
  out << j.dump(2) << '\n';
}

}  // namespace moat::report
