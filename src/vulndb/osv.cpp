#include "vulndb/osv.h"

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/text.h"

namespace moat::vulndb {
namespace {

using nlohmann::json;

class Reader {
 public:
  explicit Reader(std::string_view origin) : origin_(origin) {}

  [[noreturn]] void bad(const std::string& what) const { fail(std::string(origin_), what); }

  const json* field(const json& object, const char* key) const {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return nullptr;
    return &*it;
  }

  std::string string(const json& object, const char* key, const char* where) const {
    const json* v = field(object, key);
    if (!v) return {};
    if (!v->is_string()) bad(std::string(where) + "\"" + key + "\" is not a string");
    return v->get<std::string>();
  }

  std::vector<std::string> strings(const json& object, const char* key, const char* where) const {
    std::vector<std::string> out;
    const json* v = field(object, key);
    if (!v) return out;
    if (!v->is_array()) bad(std::string(where) + "\"" + key + "\" is not an array");
    out.reserve(v->size());
    for (const json& s : *v) {
      if (!s.is_string()) bad(std::string(where) + "\"" + key + "\" holds a non-string");
      out.push_back(s.get<std::string>());
    }
    return out;
  }

  const json* array(const json& object, const char* key, const char* where) const {
    const json* v = field(object, key);
    if (v && !v->is_array()) bad(std::string(where) + "\"" + key + "\" is not an array");
    return v;
  }

  std::vector<Severity> severities(const json& object, const char* where) const {
    std::vector<Severity> out;
    const json* list = array(object, "severity", where);
    if (!list) return out;
    for (const json& s : *list) {
      if (!s.is_object()) bad(std::string(where) + "a severity is not an object");
      Severity sev{string(s, "type", where), string(s, "score", where)};
      if (sev.type.empty() || sev.score.empty()) bad(std::string(where) + "a severity lacks \"type\" or \"score\"");
      out.push_back(std::move(sev));
    }
    return out;
  }

  // "severity" (GHSA, Ubuntu) or "urgency" (Debian) in a database_specific/ecosystem_specific object;
  // those objects are free-form, so anything that is not a plain string is ignored.
  std::string severity_text(const json& object) const {
    for (const char* holder : {"database_specific", "ecosystem_specific"}) {
      const json* h = field(object, holder);
      if (!h || !h->is_object()) continue;
      for (const char* key : {"severity", "urgency"}) {
        auto it = h->find(key);
        if (it != h->end() && it->is_string()) return it->get<std::string>();
      }
    }
    return {};
  }

  Range range(const json& r) const {
    if (!r.is_object()) bad("a range is not an object");
    Range out;
    std::string type = string(r, "type", "range: ");
    if (type == "ECOSYSTEM")
      out.type = Range::Type::kEcosystem;
    else if (type == "SEMVER")
      out.type = Range::Type::kSemver;
    else if (type == "GIT")
      out.type = Range::Type::kGit;
    else
      bad("unknown range type \"" + type + "\"");
    out.repo = string(r, "repo", "range: ");
    const json* events = array(r, "events", "range: ");
    if (!events || events->empty()) bad("a range has no events");
    out.events.reserve(events->size());
    for (const json& e : *events) {
      if (!e.is_object() || e.size() != 1) bad("an event must be an object with exactly one key");
      auto only = e.begin();
      const std::string& key = only.key();
      const json& value = only.value();
      Event ev;
      if (key == "introduced")
        ev.kind = Event::Kind::kIntroduced;
      else if (key == "fixed")
        ev.kind = Event::Kind::kFixed;
      else if (key == "last_affected")
        ev.kind = Event::Kind::kLastAffected;
      else if (key == "limit")
        ev.kind = Event::Kind::kLimit;
      else
        bad("unknown range event \"" + key + "\"");
      if (!value.is_string() || value.get_ref<const std::string&>().empty())
        bad("range event \"" + key + "\" is not a non-empty string");
      ev.value = value.get<std::string>();
      out.events.push_back(std::move(ev));
    }
    return out;
  }

 private:
  std::string_view origin_;
};

}  // namespace

std::string_view ecosystem_base(std::string_view ecosystem) { return ecosystem.substr(0, ecosystem.find(':')); }

std::string normalise_package_name(std::string_view ecosystem, std::string_view name) {
  if (ecosystem_base(ecosystem) != "PyPI") return std::string(name);
  std::string out;
  out.reserve(name.size());
  bool in_run = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (!in_run) out += '-';
      in_run = true;
    } else {
      out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      in_run = false;
    }
  }
  return out;
}

std::string_view to_string(Range::Type type) {
  switch (type) {
    case Range::Type::kEcosystem:
      return "ECOSYSTEM";
    case Range::Type::kSemver:
      return "SEMVER";
    case Range::Type::kGit:
      return "GIT";
  }
  return "ECOSYSTEM";
}

std::string_view to_string(Event::Kind kind) {
  switch (kind) {
    case Event::Kind::kIntroduced:
      return "introduced";
    case Event::Kind::kFixed:
      return "fixed";
    case Event::Kind::kLastAffected:
      return "last_affected";
    case Event::Kind::kLimit:
      return "limit";
  }
  return "introduced";
}

Advisory parse_osv(std::string_view text, std::string_view origin) {
  Reader in(origin);
  if (text.size() > kMaxOsvDocumentBytes) in.bad("larger than " + std::to_string(kMaxOsvDocumentBytes) + " bytes");
  if (!json_nesting_within(text, kMaxOsvNesting)) in.bad("JSON nested deeper than " + std::to_string(kMaxOsvNesting));
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    std::string what = e.what();
    if (size_t p = what.find("] "); p != std::string::npos) what.erase(0, p + 2);  // "[json.exception…] "
    in.bad("not valid JSON: " + what);
  }
  if (!doc.is_object()) in.bad("an OSV document must be a JSON object");

  Advisory a;
  a.id = in.string(doc, "id", "");
  if (a.id.empty()) in.bad("no \"id\"");
  if (a.id.size() > 256) in.bad("\"id\" is longer than 256 characters");
  a.aliases = in.strings(doc, "aliases", "");
  a.upstream = in.strings(doc, "upstream", "");
  a.summary = in.string(doc, "summary", "");
  a.published = in.string(doc, "published", "");
  a.modified = in.string(doc, "modified", "");
  a.withdrawn = in.string(doc, "withdrawn", "");
  a.severity = in.severities(doc, "");
  a.severity_text = in.severity_text(doc);

  if (const json* refs = in.array(doc, "references", "")) {
    for (const json& r : *refs) {
      if (!r.is_object()) in.bad("a reference is not an object");
      a.references.push_back({in.string(r, "type", "reference: "), in.string(r, "url", "reference: ")});
    }
  }

  if (const json* affected = in.array(doc, "affected", "")) {
    a.affected.reserve(affected->size());
    for (const json& entry : *affected) {
      if (!entry.is_object()) in.bad("an \"affected\" entry is not an object");
      const json* package = in.field(entry, "package");
      if (!package) continue;  // GIT-only entries name a repository, not a package moat can match
      if (!package->is_object()) in.bad("\"package\" is not an object");
      Affected out;
      out.ecosystem = in.string(*package, "ecosystem", "package: ");
      std::string name = in.string(*package, "name", "package: ");
      if (out.ecosystem.empty() || name.empty()) in.bad("a package lacks \"ecosystem\" or \"name\"");
      out.name = normalise_package_name(out.ecosystem, name);
      out.purl = in.string(*package, "purl", "package: ");
      if (const json* ranges = in.array(entry, "ranges", "affected: ")) {
        out.ranges.reserve(ranges->size());
        for (const json& r : *ranges) out.ranges.push_back(in.range(r));
      }
      out.versions = in.strings(entry, "versions", "affected: ");
      out.severity = in.severities(entry, "affected: ");
      out.severity_text = in.severity_text(entry);
      a.affected.push_back(std::move(out));
    }
  }
  return a;
}

}  // namespace moat::vulndb
