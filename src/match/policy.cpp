#include "match/policy.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "base/error.h"

namespace moat::match {
namespace {

using json = nlohmann::json;

// Policy files are written by people: anything near these sizes is a mistake or an attack.
constexpr std::size_t kMaxIgnoreFileBytes = 1 << 20;
constexpr std::size_t kMaxIgnoreEntries = 10000;
constexpr std::size_t kMaxVexBytes = 32 << 20;
constexpr int kMaxVexDepth = 16;  // an OpenVEX document is at most about 7 levels deep

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool iequals(const std::string& a, const std::string& b) { return lower(a) == lower(b); }

// ---- dates -------------------------------------------------------------------------------------

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Reads `n` digits at `pos`, or nothing.
std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// "YYYY-MM-DD" as days since the epoch; nullopt unless it is a real date in that exact form.
std::optional<long long> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  const auto y = digits(s, 0, 4), m = digits(s, 5, 2), d = digits(s, 8, 2);
  if (!y || !m || !d || *m < 1 || *m > 12 || *d < 1) return std::nullopt;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (*d > kDays[*m - 1] + (*m == 2 && leap(*y) ? 1 : 0)) return std::nullopt;
  return days_from_civil(*y, static_cast<unsigned>(*m), static_cast<unsigned>(*d));
}

// RFC 3339 date-time as seconds since the epoch, UTC.
std::optional<long long> parse_timestamp(std::string_view s) {
  if (s.size() < 20 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) return std::nullopt;
  const auto day = parse_date(s.substr(0, 10));
  if (!day) return std::nullopt;
  const auto h = digits(s, 11, 2), mi = digits(s, 14, 2), se = digits(s, 17, 2);
  if (!h || !mi || !se || s[13] != ':' || s[16] != ':' || *h > 23 || *mi > 59 || *se > 60) return std::nullopt;
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
    if (pos == start) return std::nullopt;
  }
  long long offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const auto oh = digits(s, pos + 1, 2), om = digits(s, pos + 4, 2);
    if (!oh || !om || pos + 3 >= s.size() || s[pos + 3] != ':' || *oh > 23 || *om > 59) return std::nullopt;
    offset = (*oh * 60 + *om) * 60 * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  return *day * 86400 + *h * 3600 + *mi * 60 + *se - offset;
}

std::string utc_today() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &utc);
  return buf;
}

// ---- purls -------------------------------------------------------------------------------------

struct Purl {
  std::string type, ns, name, version;
  std::map<std::string, std::string> qualifiers;
};

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Parses the purl-spec form loosely enough for matching; nullopt when it is not a purl at all.
// Names compare case-insensitively (most types lowercase them; the rest rarely differ by case
// alone), and PyPI's '_' is its '-'.
std::optional<Purl> parse_purl(std::string_view s) {
  if (s.size() < 4 || lower(std::string(s.substr(0, 4))) != "pkg:") return std::nullopt;
  s.remove_prefix(4);
  while (!s.empty() && s.front() == '/') s.remove_prefix(1);
  if (const auto hash = s.find('#'); hash != std::string_view::npos) s = s.substr(0, hash);
  Purl p;
  if (const auto q = s.find('?'); q != std::string_view::npos) {
    std::string_view rest = s.substr(q + 1);
    s = s.substr(0, q);
    while (!rest.empty()) {
      const auto amp = rest.find('&');
      const std::string_view pair = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
      const auto eq = pair.find('=');
      if (eq == std::string_view::npos || eq == 0) continue;
      std::string value = percent_decode(pair.substr(eq + 1));
      if (!value.empty()) p.qualifiers[lower(std::string(pair.substr(0, eq)))] = std::move(value);
    }
  }
  const auto slash = s.find('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  p.type = lower(std::string(s.substr(0, slash)));
  s = s.substr(slash + 1);
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  // The version follows an '@' after the last '/': an npm scope's '@' is in the namespace.
  const auto last_slash = s.rfind('/');
  const auto at = s.rfind('@');
  if (at != std::string_view::npos && (last_slash == std::string_view::npos || at > last_slash)) {
    p.version = percent_decode(s.substr(at + 1));
    s = s.substr(0, at);
  }
  const auto name_start = s.rfind('/');
  p.name = lower(percent_decode(name_start == std::string_view::npos ? s : s.substr(name_start + 1)));
  if (name_start != std::string_view::npos) {
    std::string_view ns = s.substr(0, name_start);
    while (!ns.empty()) {
      const auto seg_end = ns.find('/');
      const std::string segment = percent_decode(ns.substr(0, seg_end));
      if (!segment.empty()) p.ns += (p.ns.empty() ? "" : "/") + lower(segment);
      ns = seg_end == std::string_view::npos ? std::string_view{} : ns.substr(seg_end + 1);
    }
  }
  if (p.type == "pypi") std::replace(p.name.begin(), p.name.end(), '_', '-');
  if (p.name.empty()) return std::nullopt;
  return p;
}

// Does `pattern` (from a policy) name `subject` (a package's purl)?
bool purl_matches(const Purl& pattern, const Purl& subject) {
  if (pattern.type != subject.type || pattern.ns != subject.ns || pattern.name != subject.name) return false;
  if (!pattern.version.empty() && pattern.version != subject.version) return false;
  for (const auto& [key, value] : pattern.qualifiers) {
    const auto it = subject.qualifiers.find(key);
    if (it == subject.qualifiers.end() || it->second != value) return false;
  }
  return true;
}

bool purl_matches(const std::string& pattern, const std::string& subject) {
  const auto a = parse_purl(pattern);
  const auto b = parse_purl(subject);
  return a && b && purl_matches(*a, *b);
}

// An oci purl names the scanned image when its version is the image's digest (manifest or
// config), or, without a version, when its name is the image repository's last segment.
bool names_image(const std::string& product, const inventory::Inventory& inv) {
  if (inv.kind != "image") return false;
  const auto p = parse_purl(product);
  if (!p || p->type != "oci") return false;
  if (!p->version.empty()) {
    if (iequals(p->version, inv.image_id)) return true;
    for (const auto& d : inv.repo_digests) {
      const auto at = d.find('@');
      if (at != std::string::npos && iequals(d.substr(at + 1), p->version)) return true;
    }
    return false;
  }
  for (const auto& tag : inv.repo_tags) {
    // "registry:port/path/name:tag": the name is the last path segment, less any tag.
    const auto slash = tag.rfind('/');
    std::string name = tag.substr(slash == std::string::npos ? 0 : slash + 1);
    name = name.substr(0, name.find(':'));
    if (lower(name) == p->name) return true;
  }
  return false;
}

bool has_id(const Finding& f, const std::string& id) {
  if (iequals(f.id, id)) return true;
  return std::any_of(f.aliases.begin(), f.aliases.end(), [&](const std::string& a) { return iequals(a, id); });
}

// ---- ignore file -------------------------------------------------------------------------------

[[noreturn]] void fail_at(const std::string& path, const YAML::Mark& mark, const std::string& what) {
  fail(mark.line >= 0 ? path + ":" + std::to_string(mark.line + 1) : path, what);
}

std::string scalar(const YAML::Node& node, const std::string& key, const std::string& path) {
  if (!node.IsScalar()) fail_at(path, node.Mark(), "\"" + key + "\" must be a string");
  return node.Scalar();
}

IgnoreEntry read_entry(const YAML::Node& node, const std::string& path) {
  if (!node.IsMap()) fail_at(path, node.Mark(), "each entry under \"vulnerabilities\" must be a mapping");
  IgnoreEntry e;
  e.line = node.Mark().line + 1;
  for (const auto& kv : node) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
    const YAML::Node& value = kv.second;
    if (key == "id") {
      e.id = scalar(value, key, path);
    } else if (key == "package") {
      e.package = scalar(value, key, path);
    } else if (key == "reason") {
      e.reason = scalar(value, key, path);
    } else if (key == "expires") {
      e.expires = scalar(value, key, path);
      if (!parse_date(e.expires))
        fail_at(path, value.Mark(), "\"expires\" must be a date YYYY-MM-DD, not \"" + e.expires + "\"");
    } else {
      fail_at(path, kv.first.Mark(), "unknown key \"" + key + "\" (expected id, package, reason, expires)");
    }
  }
  if (e.id.empty()) fail_at(path, node.Mark(), "entry has no \"id\"");
  if (e.reason.empty()) fail_at(path, node.Mark(), "entry for " + e.id + " has no \"reason\"");
  return e;
}

bool ignore_matches(const IgnoreEntry& e, const Finding& f) {
  if (!has_id(f, e.id)) return false;
  if (e.package.empty()) return true;
  if (lower(e.package).starts_with("pkg:")) return !f.purl.empty() && purl_matches(e.package, f.purl);
  return iequals(e.package, f.package.name) || (!f.package.source_name.empty() && iequals(e.package, f.package.source_name));
}

// ---- OpenVEX -----------------------------------------------------------------------------------

const std::set<std::string> kStatuses = {"not_affected", "affected", "fixed", "under_investigation"};
const std::set<std::string> kJustifications = {
    "component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist"};

std::string string_field(const json& object, const char* key, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return "";
  if (!it->is_string()) fail(where, std::string("\"") + key + "\" must be a string");
  return it->get<std::string>();
}

const json* array_field(const json& object, const char* key, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  if (!it->is_array()) fail(where, std::string("\"") + key + "\" must be an array");
  return &*it;
}

// A component's identifiers that may be purls: its @id and identifiers.purl (v0.2.0), or the
// component itself when it is a string (v0.0.1).
std::vector<std::string> component_ids(const json& c, const std::string& where) {
  if (c.is_string()) return {c.get<std::string>()};
  if (!c.is_object()) fail(where, "a product or subcomponent must be an object or a string");
  std::vector<std::string> ids;
  if (std::string id = string_field(c, "@id", where); !id.empty()) ids.push_back(std::move(id));
  if (const auto it = c.find("identifiers"); it != c.end() && !it->is_null()) {
    if (!it->is_object()) fail(where, "\"identifiers\" must be an object");
    if (std::string purl = string_field(*it, "purl", where); !purl.empty()) ids.push_back(std::move(purl));
  }
  return ids;
}

VexStatement read_statement(const json& s, const std::string& where, std::optional<long long> document_time) {
  if (!s.is_object()) fail(where, "must be an object");
  VexStatement out;
  const auto vuln = s.find("vulnerability");
  if (vuln == s.end()) fail(where, "has no \"vulnerability\"");
  if (vuln->is_string()) {
    out.vulnerabilities.push_back(vuln->get<std::string>());
  } else if (vuln->is_object()) {
    out.vulnerabilities.push_back(string_field(*vuln, "name", where + " vulnerability"));
    if (const json* aliases = array_field(*vuln, "aliases", where + " vulnerability")) {
      for (const auto& a : *aliases) {
        if (!a.is_string()) fail(where, "vulnerability aliases must be strings");
        out.vulnerabilities.push_back(a.get<std::string>());
      }
    }
  } else {
    fail(where, "\"vulnerability\" must be an object");
  }
  if (out.vulnerabilities.front().empty()) fail(where, "vulnerability has no \"name\"");

  // v0.0.1 put subcomponents beside the products; they then apply to each product.
  std::vector<std::string> shared_subcomponents;
  if (const json* subs = array_field(s, "subcomponents", where)) {
    for (const auto& c : *subs) {
      for (auto& id : component_ids(c, where + " subcomponent")) shared_subcomponents.push_back(std::move(id));
    }
  }
  const json* products = array_field(s, "products", where);
  if (!products || products->empty()) fail(where, "has no \"products\"");
  for (const auto& p : *products) {
    VexProduct product{component_ids(p, where + " product"), shared_subcomponents};
    if (p.is_object()) {
      if (const json* subs = array_field(p, "subcomponents", where + " product")) {
        for (const auto& c : *subs) {
          for (auto& id : component_ids(c, where + " subcomponent")) product.subcomponents.push_back(std::move(id));
        }
      }
    }
    out.products.push_back(std::move(product));
  }

  out.status = string_field(s, "status", where);
  if (!kStatuses.contains(out.status))
    fail(where, "status \"" + out.status + "\" is not one of not_affected, affected, fixed, under_investigation");
  out.justification = string_field(s, "justification", where);
  out.impact_statement = string_field(s, "impact_statement", where);
  if (!out.justification.empty() && !kJustifications.contains(out.justification))
    fail(where, "unknown justification \"" + out.justification + "\"");
  if (out.status == "not_affected" && out.justification.empty() && out.impact_statement.empty())
    fail(where, "a not_affected statement needs a justification or an impact_statement");

  const std::string stamp = string_field(s, "timestamp", where);
  if (!stamp.empty()) {
    const auto t = parse_timestamp(stamp);
    if (!t) fail(where, "timestamp \"" + stamp + "\" is not an RFC 3339 date-time");
    out.timestamp = *t;
  } else if (document_time) {
    out.timestamp = *document_time;
  } else {
    fail(where, "has no timestamp and neither has the document");
  }
  return out;
}

bool statement_names(const VexStatement& s, const Finding& f) {
  return std::any_of(s.vulnerabilities.begin(), s.vulnerabilities.end(),
                     [&](const std::string& v) { return has_id(f, v); });
}

bool statement_covers(const VexStatement& s, const Finding& f, const inventory::Inventory& inv) {
  const auto is_package = [&](const std::string& id) { return !f.purl.empty() && purl_matches(id, f.purl); };
  for (const auto& product : s.products) {
    const bool product_is_package = std::any_of(product.ids.begin(), product.ids.end(), is_package);
    const bool product_is_image =
        std::any_of(product.ids.begin(), product.ids.end(), [&](const std::string& id) { return names_image(id, inv); });
    if (product.subcomponents.empty()) {
      if (product_is_package) return true;
      continue;  // a statement about the whole image names no package: it cannot silence one
    }
    if ((product_is_image || product_is_package) &&
        std::any_of(product.subcomponents.begin(), product.subcomponents.end(), is_package))
      return true;
  }
  return false;
}

std::string vex_reason(const VexStatement& s) {
  if (s.status == "fixed") return "fixed";
  std::string out = "not_affected";
  if (!s.justification.empty()) out += ": " + s.justification;
  if (!s.impact_statement.empty()) out += (s.justification.empty() ? ": " : " — ") + s.impact_statement;
  return out;
}

}  // namespace

IgnoreFile parse_ignore_file(std::string_view content, const std::string& path) {
  if (content.size() > kMaxIgnoreFileBytes)
    fail(path, "ignore file larger than " + std::to_string(kMaxIgnoreFileBytes) + " bytes");
  YAML::Node root;
  try {
    root = YAML::Load(std::string(content));
  } catch (const YAML::Exception& e) {
    fail_at(path, e.mark, "not valid YAML: " + e.msg);
  }
  IgnoreFile out{path, {}};
  if (root.IsNull()) return out;
  if (!root.IsMap()) fail_at(path, root.Mark(), "expected a mapping with \"vulnerabilities\"");
  for (const auto& kv : root) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
    if (key != "vulnerabilities") fail_at(path, kv.first.Mark(), "unknown key \"" + key + "\" (expected vulnerabilities)");
    if (kv.second.IsNull()) continue;
    if (!kv.second.IsSequence()) fail_at(path, kv.second.Mark(), "\"vulnerabilities\" must be a list");
    if (kv.second.size() > kMaxIgnoreEntries)
      fail(path, "more than " + std::to_string(kMaxIgnoreEntries) + " ignore entries");
    for (const auto& entry : kv.second) out.entries.push_back(read_entry(entry, path));
  }
  return out;
}

VexDocument parse_openvex(std::string_view content, const std::string& path) {
  if (content.size() > kMaxVexBytes) fail(path, "OpenVEX document larger than " + std::to_string(kMaxVexBytes) + " bytes");
  json doc;
  try {
    doc = json::parse(content, [&](int depth, json::parse_event_t, json&) {
      if (depth > kMaxVexDepth) fail(path, "JSON nested more than " + std::to_string(kMaxVexDepth) + " deep");
      return true;
    });
  } catch (const json::exception& e) {
    fail(path, std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) fail(path, "an OpenVEX document must be a JSON object");
  const std::string context = string_field(doc, "@context", path);
  if (!context.starts_with("https://openvex.dev/ns"))
    fail(path, "not an OpenVEX document (\"@context\" is not https://openvex.dev/ns...)");
  VexDocument out{path, string_field(doc, "@id", path), {}};
  std::optional<long long> document_time;
  if (const std::string stamp = string_field(doc, "timestamp", path); !stamp.empty()) {
    document_time = parse_timestamp(stamp);
    if (!document_time) fail(path, "timestamp \"" + stamp + "\" is not an RFC 3339 date-time");
  }
  const json* statements = array_field(doc, "statements", path);
  if (!statements) fail(path, "has no \"statements\"");
  for (std::size_t i = 0; i < statements->size(); ++i) {
    out.statements.push_back(
        read_statement((*statements)[i], path + ": statement " + std::to_string(i + 1), document_time));
  }
  return out;
}

std::vector<Severity> parse_severity_list(const std::string& text, const std::string& option) {
  std::vector<Severity> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) {
      const Severity s = parse_severity(item);
      if (s == Severity::Unknown && !iequals(item, "unknown"))
        fail(option, "unknown severity \"" + item + "\" (expected UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL)");
      if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (out.empty()) fail(option, "no severity given");
  return out;
}

std::vector<ActiveIgnore> active_ignore_entries(const Policy& policy, std::vector<std::string>& warnings) {
  const std::string today = policy.today.empty() ? utc_today() : policy.today;
  const auto today_days = parse_date(today);
  if (!today_days) fail("policy", "today's date \"" + today + "\" is not YYYY-MM-DD");
  std::vector<ActiveIgnore> active;
  for (const auto& file : policy.ignore_files) {
    for (const auto& e : file.entries) {
      const auto expires = e.expires.empty() ? std::nullopt : parse_date(e.expires);
      if (!e.expires.empty() && !expires)
        fail(file.path + ":" + std::to_string(e.line), "\"expires\" must be a date YYYY-MM-DD");
      if (expires && *expires < *today_days) {
        warnings.push_back(file.path + ":" + std::to_string(e.line) + ": ignore entry for " + e.id + " expired on " +
                           e.expires + " and no longer suppresses it");
        continue;
      }
      active.push_back({&file, &e});
    }
  }
  return active;
}

std::vector<std::string> apply_policy(const Policy& policy, VulnReport& report) {
  std::vector<std::string> warnings;
  const auto active = active_ignore_entries(policy, warnings);

  std::vector<Finding> kept;
  kept.reserve(report.findings.size());
  for (auto& f : report.findings) {
    if (!policy.severities.empty() &&
        std::find(policy.severities.begin(), policy.severities.end(), f.severity) == policy.severities.end())
      continue;
    if (policy.ignore_unfixed && f.fixed_version.empty()) continue;

    const auto ignored = std::find_if(active.begin(), active.end(), [&](const auto& a) { return ignore_matches(*a.entry, f); });
    if (ignored != active.end()) {
      const auto& [file, entry] = *ignored;
      std::string reason = entry->reason;
      if (!entry->expires.empty()) reason += " (until " + entry->expires + ")";
      report.suppressed.push_back(Suppressed{std::move(f), "ignore file " + file->path + ":" + std::to_string(entry->line),
                                             std::move(reason), "ignored", ""});
      continue;
    }

    // The latest applicable statement decides; on equal timestamps the one read last wins.
    const VexStatement* decisive = nullptr;
    const VexDocument* decisive_doc = nullptr;
    for (const auto& doc : policy.vex) {
      for (const auto& s : doc.statements) {
        if (!statement_names(s, f) || !statement_covers(s, f, report.inventory)) continue;
        if (!decisive || s.timestamp >= decisive->timestamp) {
          decisive = &s;
          decisive_doc = &doc;
        }
      }
    }
    if (decisive && (decisive->status == "not_affected" || decisive->status == "fixed")) {
      report.suppressed.push_back(Suppressed{std::move(f), "OpenVEX statement in " + decisive_doc->path,
                                             vex_reason(*decisive), decisive->status, decisive->justification});
      continue;
    }
    kept.push_back(std::move(f));
  }
  report.findings = std::move(kept);
  return warnings;
}

int gate_exit_code(const VulnReport& report, int exit_code_on_findings) {
  return report.findings.empty() ? 0 : exit_code_on_findings;
}

}  // namespace moat::match
