// Text helpers shared by the sensitive-file checks: lines, INI entries, redaction, base64.
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

#include "base/text.h"
#include "secret/sensitive_checks.h"

namespace moat::secret::sensitive {

Findings::Findings(std::string_view content) : content_(content) {}

void Findings::add(const SensitiveRule& rule, std::string title, std::size_t offset, std::string redacted) {
  if (full()) return;
  if (line_starts_.empty()) {
    line_starts_.push_back(0);
    for (std::size_t i = 0; i < content_.size(); ++i)
      if (content_[i] == '\n') line_starts_.push_back(i + 1);
  }
  offset = std::min(offset, content_.size());
  const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset) - 1;
  SecretMatch m;
  m.rule_id = std::string(rule.id);
  m.title = std::move(title);
  m.severity = std::string(rule.severity);
  m.line = static_cast<int>(it - line_starts_.begin()) + 1;
  m.column = static_cast<int>(offset - *it) + 1;
  m.redacted = std::move(redacted);
  out_.push_back(std::move(m));
}

void Findings::add_near(const SensitiveRule& rule, std::string title, std::string_view needle, std::string redacted) {
  const std::size_t at = needle.empty() ? std::string_view::npos : content_.find(needle);
  add(rule, std::move(title), at == std::string_view::npos ? 0 : at, std::move(redacted));
}

void Findings::add_file(const SensitiveRule& rule, std::string title) {
  if (full()) return;
  SecretMatch m;
  m.rule_id = std::string(rule.id);
  m.title = std::move(title);
  m.severity = std::string(rule.severity);
  out_.push_back(std::move(m));
}

std::optional<nlohmann::json> parse_json(std::string_view content) {
  if (!json_nesting_within(content, 64)) return std::nullopt;
  auto doc = nlohmann::json::parse(content, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return std::nullopt;
  return doc;
}

std::optional<std::string_view> first_marker(std::string_view content,
                                             std::initializer_list<std::string_view> markers) {
  for (auto m : markers)
    if (content.find(m) != std::string_view::npos) return m;
  return std::nullopt;
}

void for_each_line(std::string_view content, const std::function<bool(const Line&)>& f) {
  std::size_t pos = 0;
  int number = 1;
  while (pos < content.size()) {
    std::size_t end = content.find('\n', pos);
    const std::size_t next = end == std::string_view::npos ? content.size() : end + 1;
    if (end == std::string_view::npos) end = content.size();
    std::string_view text = content.substr(pos, end - pos);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (!f(Line{text, pos, number})) return;
    pos = next;
    ++number;
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string_view unquote(std::string_view s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front())
    return s.substr(1, s.size() - 2);
  return s;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

bool contains_ci(std::string_view s, std::string_view needle) {
  if (needle.empty()) return true;
  for (std::size_t i = 0; i + needle.size() <= s.size(); ++i)
    if (starts_with_ci(s.substr(i), needle)) return true;
  return false;
}

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && starts_with_ci(s.substr(s.size() - suffix.size()), suffix);
}

namespace {
bool is_identifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s.front()))) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}
}  // namespace

bool is_placeholder(std::string_view value) {
  value = trim(unquote(trim(value)));
  if (value.empty()) return true;
  if (value.starts_with("${") || value.starts_with("$(")) return true;  // ${VAR}, ${env.VAR}, $(cmd)
  if (value.front() == '$' && is_identifier(value.substr(1))) return true;
  if (value.size() > 2 && value.front() == '%' && value.back() == '%' &&
      is_identifier(value.substr(1, value.size() - 2)))
    return true;
  if (value.starts_with("{{") && value.ends_with("}}")) return true;  // Go, Jinja and Helm templates
  return false;
}

std::string redact(std::string_view secret, std::size_t keep) {
  keep = std::min(keep, secret.size() / 4);
  std::string out(secret.substr(0, keep));
  // A fixed run of stars tells nothing of the length of a long secret.
  out.append(std::clamp<std::size_t>(secret.size() - keep, 4, 12), '*');
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string clean;
  clean.reserve(text.size() + 3);
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    if (c == '-') c = '+';  // URL-safe alphabet
    if (c == '_') c = '/';
    clean.push_back(c);
  }
  while (!clean.empty() && clean.back() == '=') clean.pop_back();
  if (clean.size() % 4 == 1) return std::nullopt;
  const std::size_t padding = (4 - clean.size() % 4) % 4;
  clean.append(padding, '=');
  std::string out(clean.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(clean.data()), static_cast<int>(clean.size()));
  if (n < 0) return std::nullopt;
  out.resize(static_cast<std::size_t>(n) - padding);  // EVP_DecodeBlock counts the padding as zero bytes
  return out;
}

void for_each_ini_entry(std::string_view content, const std::function<bool(const IniEntry&)>& f) {
  std::string_view section;
  for_each_line(content, [&](const Line& line) {
    const std::string_view text = trim(line.text);
    if (text.empty() || text.front() == '#' || text.front() == ';') return true;
    if (text.front() == '[') {
      const std::size_t close = text.find(']');
      section = trim(text.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
      return true;
    }
    const std::size_t sep = text.find_first_of("=:");
    if (sep == std::string_view::npos) return true;
    const std::string_view key = trim(text.substr(0, sep));
    const std::string_view raw = trim(text.substr(sep + 1));
    const std::string_view value = unquote(raw);
    const std::size_t value_offset = static_cast<std::size_t>(value.data() - content.data());
    return f(IniEntry{section, key, value, value_offset});
  });
}

std::vector<UrlCredential> url_credentials(std::string_view text) {
  std::vector<UrlCredential> out;
  std::size_t pos = 0;
  while ((pos = text.find("://", pos)) != std::string_view::npos && out.size() < Findings::kMaxFindings) {
    pos += 3;
    // The authority ends at the first '/', whitespace or quote; its userinfo at the last '@'.
    std::size_t end = pos;
    while (end < text.size() && text[end] != '/' && text[end] != '?' && text[end] != '#' && text[end] != '"' &&
           text[end] != '\'' && !std::isspace(static_cast<unsigned char>(text[end])))
      ++end;
    const std::string_view authority = text.substr(pos, end - pos);
    const std::size_t at = authority.rfind('@');
    if (at == std::string_view::npos) continue;
    const std::string_view userinfo = authority.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view password = userinfo.substr(colon + 1);
    if (is_placeholder(password)) continue;
    out.push_back(UrlCredential{userinfo.substr(0, colon), password, pos + colon + 1});
  }
  return out;
}

std::string home_owner(std::string_view path) {
  if (path == "/root" || path.starts_with("/root/")) return "root";
  if (path.starts_with("/home/")) {
    const std::string_view rest = path.substr(6);
    return std::string(rest.substr(0, rest.find('/')));
  }
  return {};
}

}  // namespace moat::secret::sensitive
