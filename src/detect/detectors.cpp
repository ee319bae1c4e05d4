#include "detect/detectors.h"

#include <algorithm>
#include <map>

#include "detect/file_fact_inspector.h"
#include "detect/malware_inspector.h"
#include "detect/secret_inspector.h"
#include "misconfig/file_facts.h"
#include "misconfig/image_checks.h"
#include "misconfig/os_eol.h"

namespace moat::detect {

namespace {

constexpr const char* kImageConfig = "(image config)";

misconfig::Level level_of(const std::string& severity) {
  if (severity == "CRITICAL") return misconfig::Level::Critical;
  if (severity == "HIGH") return misconfig::Level::High;
  if (severity == "LOW") return misconfig::Level::Low;
  return misconfig::Level::Medium;
}

// "layer 2 (sha256:a2593a6e880a…)" from the image's diff ids.
std::string layer_name(const std::string& diff_id, const inventory::Inventory& inv) {
  for (size_t i = 0; i < inv.layers.size(); ++i)
    if (inv.layers[i].diff_id == diff_id) return "layer " + std::to_string(i + 1) + " (" + diff_id.substr(0, 19) + "…)";
  return diff_id;
}

misconfig::ConfigFinding from_file(const inventory::FileFinding& f, const inventory::Inventory& inv) {
  misconfig::ConfigFinding c;
  c.scanner = f.scanner;
  c.rule_id = f.rule_id;
  c.title = f.title;
  c.level = level_of(f.severity);
  c.file = f.path;
  c.where.line = f.line;
  c.message = f.title + (f.detail.empty() ? "" : ": " + f.detail);
  if (!f.visible)
    c.message += " — in a file a later layer deletes or replaces; its bytes remain in the image";
  c.object = f.layer.empty() ? "" : layer_name(f.layer, inv);
  c.resolution = f.scanner == "secret" ? "Remove the secret from the image (every layer that holds it) and rotate it; "
                                         "pass secrets at run time or with build secrets."
                                       : "Remove the file from the image and find how it got there.";
  return c;
}

// The image config's environment, labels and history as lines of text for the secret rules,
// with what each line stands for.
struct ConfigText {
  std::string text;
  std::vector<std::string> objects;  // objects[line - 1]
};

ConfigText config_text(const nlohmann::json& doc) {
  ConfigText out;
  auto line = [&](const std::string& object, const std::string& value) {
    std::string v = value;
    for (char& c : v)
      if (c == '\n' || c == '\r') c = ' ';
    out.text += v + '\n';
    out.objects.push_back(object);
  };
  if (!doc.is_object()) return out;
  if (auto c = doc.find("config"); c != doc.end() && c->is_object()) {
    if (auto env = c->find("Env"); env != c->end() && env->is_array())
      for (const auto& e : *env)
        if (e.is_string()) line("config.Env[" + e.get<std::string>().substr(0, e.get<std::string>().find('=')) + "]", e.get<std::string>());
    if (auto labels = c->find("Labels"); labels != c->end() && labels->is_object())
      for (const auto& [k, v] : labels->items())
        if (v.is_string()) line("config.Labels[" + k + "]", k + "=" + v.get<std::string>());
  }
  if (auto h = doc.find("history"); h != doc.end() && h->is_array())
    for (size_t i = 0; i < h->size(); ++i)
      if ((*h)[i].is_object() && (*h)[i].contains("created_by") && (*h)[i]["created_by"].is_string())
        line("history[" + std::to_string(i) + "]", (*h)[i]["created_by"].get<std::string>());
  return out;
}

}  // namespace

struct Detectors::Impl {
  DetectOptions options;
  std::unique_ptr<SecretInspector> secrets;
  std::unique_ptr<MalwareInspector> malware;
  std::unique_ptr<FileFactInspector> files;
};

Detectors::Detectors(const DetectOptions& options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  if (options.scanners.secret) {
    SecretInspectorOptions s;
    s.rule_files = options.secret_rule_files;
    s.cache_dir = options.cache_dir;
    impl_->secrets = std::make_unique<SecretInspector>(s);
  }
  if (options.scanners.malware) {
    MalwareInspectorOptions m;
    for (const auto& p : options.yara_rule_paths) m.yara.rule_paths.emplace_back(p);
    m.yara.cache_dir = options.cache_dir;
    if (!options.clamav_database.empty()) m.clamav = malware::ClamavOptions{options.clamav_database};
    impl_->malware = std::make_unique<MalwareInspector>(m);
  }
  if (options.scanners.config) impl_->files = std::make_unique<FileFactInspector>();
}

Detectors::~Detectors() = default;

std::vector<std::string> Detectors::warnings() const {
  std::vector<std::string> out;
  if (impl_->malware && !impl_->malware->yara_prefilter_off().empty())
    out.push_back(impl_->malware->yara_prefilter_off());
  return out;
}

std::vector<const inventory::FileInspector*> Detectors::inspectors() const {
  std::vector<const inventory::FileInspector*> out;
  if (impl_->secrets) out.push_back(impl_->secrets.get());
  if (impl_->malware) out.push_back(impl_->malware.get());
  if (impl_->files) out.push_back(impl_->files.get());
  return out;
}

misconfig::ConfigReport Detectors::assess(const inventory::ScanResult& scan) const {
  const auto& inv = scan.inventory;
  misconfig::ConfigReport report;
  // A path listed in several layers (directories are) counts once, as its topmost entry says.
  std::map<std::pair<std::string, std::string>, misconfig::FileFact> facts;
  for (auto f = scan.file_findings.rbegin(); f != scan.file_findings.rend(); ++f) {
    if (f->scanner != "file") continue;
    if (f->visible) facts.try_emplace({f->path, f->rule_id}, misconfig::FileFact{f->rule_id, f->detail});
  }
  for (const auto& f : scan.file_findings)
    if (f.scanner != "file") report.findings.push_back(from_file(f, inv));

  if (impl_->secrets && inv.kind == "image") {
    ConfigText text = config_text(scan.image_config);
    for (const auto& f : impl_->secrets->scan_text(kImageConfig, text.text)) {
      auto c = from_file(f, inv);
      if (f.line > 0 && static_cast<size_t>(f.line) <= text.objects.size()) c.object = text.objects[f.line - 1];
      c.where.line = 0;  // a line of our own rendering, not of a file
      report.findings.push_back(std::move(c));
    }
  }
  if (impl_->files) {
    std::vector<std::pair<std::string, misconfig::FileFact>> visible;
    for (auto& [key, fact] : facts) visible.emplace_back(key.first, std::move(fact));
    // A finding about one file is placed at that file; one listing many tools, at the image.
    for (auto& c : misconfig::summarize_file_facts(visible)) {
      if (c.file.empty() && c.object.starts_with('/')) std::swap(c.file, c.object);
      if (c.file.empty()) c.file = kImageConfig;
      report.findings.push_back(std::move(c));
    }
    if (inv.kind == "image")
      for (auto& c : misconfig::check_image_config(scan.image_config, impl_->options.now)) {
        c.file = kImageConfig;
        report.findings.push_back(std::move(c));
      }
    if (inv.os)
      for (auto& c : misconfig::check_base_os(inv.os->id, inv.os->version_id, impl_->options.now)) {
        c.file = kImageConfig;
        report.findings.push_back(std::move(c));
      }
  }
  // Grouped by file for the table, in a stable order for diffs between scans.
  std::stable_sort(report.findings.begin(), report.findings.end(), [](const auto& a, const auto& b) {
    return std::tie(a.file, a.where.line, a.rule_id) < std::tie(b.file, b.where.line, b.rule_id);
  });
  return report;
}

}  // namespace moat::detect
