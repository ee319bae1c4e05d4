#include "detect/secret_inspector.h"

#include <algorithm>

#include "base/files.h"
#include "secret/rules.h"
#include "secret/sensitive_files.h"

namespace moat::detect {

namespace {

constexpr uint64_t kMaxRuleFile = 4ull << 20;

secret::RuleSet rules_with(const std::vector<std::string>& files) {
  secret::RuleSet rules = secret::builtin_secret_rules();
  for (const auto& f : files) secret::merge_secret_rules(rules, secret::parse_secret_rules(read_file(f, kMaxRuleFile), f));
  return rules;
}

void add(std::vector<secret::SecretMatch> found, const std::string& path, std::vector<inventory::FileFinding>& out) {
  for (auto& m : found) {
    inventory::FileFinding f;
    f.scanner = "secret";
    f.rule_id = std::move(m.rule_id);
    f.title = std::move(m.title);
    f.severity = std::move(m.severity);
    f.path = path;
    f.line = m.line;
    f.detail = std::move(m.redacted);
    out.push_back(std::move(f));
  }
}

}  // namespace

SecretInspector::SecretInspector(const SecretInspectorOptions& options)
    : scanner_(rules_with(options.rule_files), {}, options.cache_dir), max_file_(options.max_file) {}

// The sensitive-file checks change with moat's code, so the version stands in for them.
std::string SecretInspector::fingerprint() const {
  return std::string("secret moat ") + MOAT_VERSION + " rules " + scanner_.fingerprint() + " max " +
         std::to_string(max_file_);
}

bool SecretInspector::wants(const image::FileEntry& file) const {
  return file.size <= max_file_ || secret::is_sensitive_path(file.path);
}

void SecretInspector::inspect(const image::FileEntry& file, std::string_view content,
                              std::vector<inventory::FileFinding>& out) const {
  std::vector<secret::SecretMatch> sensitive;
  if (secret::is_sensitive_path(file.path)) sensitive = secret::check_sensitive_file(file.path, content);
  if (file.size <= max_file_) {
    // A credential file's own check knows whose secret it is (user, profile, registry): a pattern
    // rule finding the same line says less, so it gives way.
    auto found = scanner_.scan(file.path, content);
    std::erase_if(found, [&](const secret::SecretMatch& m) {
      return std::any_of(sensitive.begin(), sensitive.end(), [&](const auto& s) { return s.line == m.line; });
    });
    add(std::move(found), file.path, out);
  }
  add(std::move(sensitive), file.path, out);
}

std::vector<inventory::FileFinding> SecretInspector::scan_text(const std::string& name, std::string_view text) const {
  std::vector<inventory::FileFinding> out;
  add(scanner_.scan(name, text), name, out);
  return out;
}

}  // namespace moat::detect
