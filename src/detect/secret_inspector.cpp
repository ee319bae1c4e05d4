#include "detect/secret_inspector.h"

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
    : scanner_(rules_with(options.rule_files)), max_file_(options.max_file) {}

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
  if (secret::is_sensitive_path(file.path)) add(secret::check_sensitive_file(file.path, content), file.path, out);
  if (file.size <= max_file_) add(scanner_.scan(file.path, content), file.path, out);
}

std::vector<inventory::FileFinding> SecretInspector::scan_text(const std::string& name, std::string_view text) const {
  std::vector<inventory::FileFinding> out;
  add(scanner_.scan(name, text), name, out);
  return out;
}

}  // namespace moat::detect
