#include "inventory/layer_findings.h"

#include <nlohmann/json.hpp>

namespace moat::inventory {

namespace {

// Thousands of paths as one string: one allocation to read back instead of one per path.
std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) (out += l) += '\n';
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    out.emplace_back(text, pos, nl - pos);
    pos = nl + 1;
  }
  return out;
}

}  // namespace

void to_json(nlohmann::json& j, const Package& p) {
  j = nlohmann::json{{"ecosystem", p.ecosystem}, {"name", p.name}, {"version", p.version}};
  auto put = [&](const char* key, const std::string& v) {
    if (!v.empty()) j[key] = v;
  };
  put("source_name", p.source_name);
  put("source_version", p.source_version);
  put("arch", p.arch);
  put("license", p.license);
  put("found_in", p.found_in);
  put("layer", p.layer);
  put("owner", p.owner);
  if (!p.files.empty()) j["files"] = p.files;
  if (p.dev) j["dev"] = true;
}

void from_json(const nlohmann::json& j, Package& p) {
  auto get = [&](const char* key) { return j.value(key, std::string()); };
  p.ecosystem = get("ecosystem");
  p.name = get("name");
  p.version = get("version");
  p.source_name = get("source_name");
  p.source_version = get("source_version");
  p.arch = get("arch");
  p.license = get("license");
  p.found_in = get("found_in");
  p.layer = get("layer");
  p.owner = get("owner");
  p.files = j.value("files", std::vector<std::string>{});
  p.dev = j.value("dev", false);
}

void to_json(nlohmann::json& j, const FileFinding& f) {
  j = nlohmann::json{{"scanner", f.scanner}, {"rule_id", f.rule_id}, {"title", f.title}, {"severity", f.severity},
                     {"path", f.path},       {"line", f.line},       {"detail", f.detail}};
}

void from_json(const nlohmann::json& j, FileFinding& f) {
  f.scanner = j.at("scanner").get<std::string>();
  f.rule_id = j.at("rule_id").get<std::string>();
  f.title = j.at("title").get<std::string>();
  f.severity = j.at("severity").get<std::string>();
  f.path = j.at("path").get<std::string>();
  f.line = j.at("line").get<int>();
  f.detail = j.at("detail").get<std::string>();
}

void to_json(nlohmann::json& j, const LayerFindings& f) {
  nlohmann::json own = nlohmann::json::array();
  for (const auto& o : f.ownership) own.push_back({{"list_path", o.list_path}, {"owner", o.owner}, {"files", o.files}});
  j = nlohmann::json{{"packages", f.packages}, {"ownership", own},       {"captured", f.captured}, {"licenses", f.licenses},
                     {"symlinks", f.symlinks}, {"replaced", join_lines(f.replaced)}, {"whiteouts", f.whiteouts},
                     {"opaques", f.opaques},   {"warnings", f.warnings}, {"file_findings", f.file_findings}};
}

void from_json(const nlohmann::json& j, LayerFindings& f) {
  f.packages = j.at("packages").get<std::vector<Package>>();
  for (const auto& o : j.at("ownership"))
    f.ownership.push_back({o.at("list_path").get<std::string>(), o.at("owner").get<std::string>(),
                           o.at("files").get<std::vector<std::string>>()});
  f.captured = j.at("captured").get<std::map<std::string, std::string>>();
  f.licenses = j.at("licenses").get<std::map<std::string, std::pair<std::string, std::string>>>();
  f.symlinks = j.at("symlinks").get<std::map<std::string, std::string>>();
  f.replaced = split_lines(j.at("replaced").get<std::string>());
  f.whiteouts = j.at("whiteouts").get<std::vector<std::string>>();
  f.opaques = j.at("opaques").get<std::vector<std::string>>();
  f.warnings = j.at("warnings").get<std::vector<std::string>>();
  f.file_findings = j.at("file_findings").get<std::vector<FileFinding>>();
}

}  // namespace moat::inventory
