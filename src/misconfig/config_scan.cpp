#include "misconfig/config_scan.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "base/error.h"
#include "base/files.h"
#include "misconfig/compose_checks.h"
#include "misconfig/custom_policy.h"
#include "misconfig/dockerfile.h"
#include "misconfig/dockerfile_checks.h"
#include "misconfig/kubernetes_checks.h"

namespace moat::misconfig {

namespace fs = std::filesystem;

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool skipped_directory(const fs::path& p) {
  const std::string name = p.filename().string();
  return name == ".git" || name == "node_modules" || name == "vendor" || name == ".terraform";
}

// A top-level "apiVersion:" or "kind:" key (YAML) or "apiVersion" member (JSON) in the first bytes.
bool mentions_kubernetes_keys(std::string_view head) {
  auto has_key = [&](std::string_view key) {
    for (size_t at = head.find(key); at != std::string_view::npos; at = head.find(key, at + 1)) {
      bool line_start = at == 0 || head[at - 1] == '\n' || head[at - 1] == '"';
      if (line_start) return true;
    }
    return false;
  };
  return has_key("apiVersion") && has_key("kind");
}

// The built-in suppression reader does not know custom ids and reports their comments as malformed.
bool about_custom_suppression(const ConfigFinding& f, const Dockerfile& dockerfile, const PolicySet& policies) {
  if (f.rule_id != "MOAT-DF-030") return false;
  return std::any_of(dockerfile.comments.begin(), dockerfile.comments.end(), [&](const Comment& c) {
    return c.where.line == f.where.line && c.where.column == f.where.column && policies.only_custom_ids(c);
  });
}

void check_file(const fs::path& path, const ConfigScanOptions& options, const PolicySet& policies,
                ConfigReport& report) {
  const std::string file = path.string();
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) {
    report.errors.push_back({file, ec.message()});
    return;
  }
  std::string name = path.filename().string();
  bool candidate = name == "Dockerfile" || name == "Containerfile" || ends_with(name, ".Dockerfile") ||
                   name.rfind("Dockerfile.", 0) == 0 || ends_with(name, ".yaml") || ends_with(name, ".yml") ||
                   ends_with(name, ".json");
  if (!candidate) return;
  if (size > options.max_file_bytes) {
    report.errors.push_back({file, "larger than " + std::to_string(options.max_file_bytes) + " bytes; not checked"});
    return;
  }
  std::string text;
  try {
    text = read_file(path, options.max_file_bytes);
  } catch (const Error& e) {
    report.errors.push_back({file, e.what()});
    return;
  }
  FileKind kind = classify(file, std::string_view(text).substr(0, 64 << 10));
  if (kind == FileKind::Unknown) return;
  report.files.push_back(file);
  try {
    if (kind == FileKind::Dockerfile) {
      const Dockerfile dockerfile = parse_dockerfile(text, file);
      auto result = check_dockerfile_with_suppressions(dockerfile, file);
      report.suppressed += result.suppressed.size();
      for (auto& f : result.findings) {
        if (!about_custom_suppression(f, dockerfile, policies)) report.findings.push_back(std::move(f));
      }
      auto custom = policies.check_dockerfile(dockerfile, file);
      report.suppressed += custom.suppressed;
      for (auto& f : custom.findings) report.findings.push_back(std::move(f));
    } else if (kind == FileKind::Compose) {
      for (auto& f : check_compose(text, file, report.errors, &report.suppressed))
        report.findings.push_back(std::move(f));
    } else {
      for (auto& f : check_kubernetes(text, file, report.errors, &report.suppressed))
        report.findings.push_back(std::move(f));
      if (!policies.empty()) {
        // Read errors were reported by check_kubernetes; documents before them are still checked.
        auto custom = policies.check_kubernetes(load_yaml_stream(text, file), file);
        report.suppressed += custom.suppressed;
        for (auto& f : custom.findings) report.findings.push_back(std::move(f));
      }
    }
  } catch (const Error& e) {
    // The parsers name the file themselves; the report keeps it once.
    std::string message = e.what();
    if (message.rfind(file + ": ", 0) == 0) message.erase(0, file.size() + 2);
    report.errors.push_back({file, message});
  }
}

}  // namespace

FileKind classify(const std::string& path, std::string_view head) {
  std::string name = fs::path(path).filename().string();
  if (name == "Dockerfile" || name == "Containerfile" || ends_with(name, ".Dockerfile") ||
      name.rfind("Dockerfile.", 0) == 0)
    return FileKind::Dockerfile;
  if (is_compose_file_name(path)) return FileKind::Compose;
  if (!ends_with(name, ".yaml") && !ends_with(name, ".yml") && !ends_with(name, ".json")) return FileKind::Unknown;
  if (mentions_kubernetes_keys(head)) return FileKind::Kubernetes;
  if (looks_like_compose(head)) return FileKind::Compose;
  return FileKind::Unknown;
}

ConfigReport scan_config(const std::vector<std::string>& paths, const ConfigScanOptions& options) {
  ConfigReport report;
  const PolicySet policies = load_policy_files(options.policy_paths);
  for (const auto& p : paths) {
    std::error_code ec;
    auto status = fs::symlink_status(p, ec);
    if (ec || !fs::exists(status)) fail(p, "no such file or directory");
    if (fs::is_regular_file(status)) {
      check_file(p, options, policies, report);
      continue;
    }
    if (!fs::is_directory(status)) continue;
    std::vector<fs::path> files;
    fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec), end;
    if (ec) fail(p, ec.message());
    for (; it != end; it.increment(ec)) {
      if (ec) break;
      if (it->is_directory(ec) && !it->is_symlink(ec) && skipped_directory(it->path())) {
        it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec) && !it->is_symlink(ec)) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());  // the same order on every run
    for (const auto& f : files) check_file(f, options, policies, report);
  }
  return report;
}

const char* level_name(Level level) {
  switch (level) {
    case Level::Low:
      return "LOW";
    case Level::Medium:
      return "MEDIUM";
    case Level::High:
      return "HIGH";
    default:
      return "CRITICAL";
  }
}

}  // namespace moat::misconfig
