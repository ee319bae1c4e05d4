#include "vulndb/schema.h"

#include <nlohmann/json.hpp>

#include "base/error.h"

namespace moat::vulndb::schema {
namespace {

using nlohmann::json;

// migrations[i] takes user_version i to i + 1. Never edit a shipped step: append one.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE ecosystems(
  name TEXT PRIMARY KEY, url TEXT NOT NULL, documents INTEGER NOT NULL,
  advisories INTEGER NOT NULL, affected INTEGER NOT NULL, skipped INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE advisories(
  rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, summary TEXT NOT NULL,
  published TEXT NOT NULL, modified TEXT NOT NULL, aliases TEXT NOT NULL, upstream TEXT NOT NULL,
  severity TEXT NOT NULL, severity_text TEXT NOT NULL, refs TEXT NOT NULL);
CREATE TABLE affected(
  advisory INTEGER NOT NULL REFERENCES advisories(rowid), ecosystem TEXT NOT NULL,
  package TEXT NOT NULL, purl TEXT NOT NULL, ranges TEXT NOT NULL, versions TEXT NOT NULL,
  severity TEXT NOT NULL, severity_text TEXT NOT NULL);
CREATE INDEX affected_by_package ON affected(ecosystem, package);
)sql",
};
static_assert(std::size(kMigrations) == kVersion);

// Most list columns are empty; matching reads tens of thousands of them, so that case skips the parser.
bool empty_list(std::string_view text) { return text == "[]" || text.empty(); }

json parse_column(std::string_view text, const std::string& origin) {
  try {
    return json::parse(text);
  } catch (const json::exception&) {
    fail(origin, "corrupt advisory database: a JSON column does not parse");
  }
}

const std::string& string_at(const json& v, const char* key, const std::string& origin) {
  auto it = v.find(key);
  if (it == v.end() || !it->is_string()) fail(origin, std::string("corrupt advisory database: no \"") + key + "\"");
  return it->get_ref<const std::string&>();
}

}  // namespace

void migrate(sql::Database& db) {
  auto version = static_cast<int>(db.scalar("PRAGMA user_version"));
  if (version > kVersion)
    fail(db.path().string(), "advisory database schema " + std::to_string(version) +
                                 " is newer than this moat supports (" + std::to_string(kVersion) + ")");
  for (; version < kVersion; ++version) {
    db.exec("BEGIN");
    db.exec(kMigrations[version]);
    db.exec(("PRAGMA application_id = " + std::to_string(kApplicationId)).c_str());
    db.exec(("PRAGMA user_version = " + std::to_string(version + 1)).c_str());
    db.exec("COMMIT");
  }
}

void check_readable(sql::Database& db) {
  const std::string where = db.path().string();
  int64_t app = 0, version = 0;
  try {
    app = db.scalar("PRAGMA application_id");
    version = db.scalar("PRAGMA user_version");
  } catch (const Error& e) {
    fail(where, "not a readable advisory database (" + std::string(e.what()).substr(where.size() + 2) +
                    "); run `moat db update` to rebuild it");
  }
  if (app != kApplicationId) fail(where, "not a moat advisory database");
  if (version > kVersion)
    fail(where, "advisory database schema " + std::to_string(version) + " is newer than this moat supports (" +
                    std::to_string(kVersion) + "); use a newer moat or run `moat db update` after removing it");
  if (version < kVersion)
    fail(where, "advisory database schema " + std::to_string(version) + " is older than this moat's (" +
                    std::to_string(kVersion) + "); run `moat db update`");
}

std::optional<int> version_of(const std::filesystem::path& path) {
  try {
    sql::Database db(path, sql::Database::Mode::kReadOnly);
    if (db.scalar("PRAGMA application_id") != kApplicationId) return std::nullopt;
    return static_cast<int>(db.scalar("PRAGMA user_version"));
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::string encode_strings(const std::vector<std::string>& values) { return json(values).dump(); }

std::vector<std::string> decode_strings(std::string_view text, const std::string& origin) {
  std::vector<std::string> out;
  if (empty_list(text)) return out;
  json v = parse_column(text, origin);
  if (!v.is_array()) fail(origin, "corrupt advisory database: a list column is not an array");
  for (const json& s : v) {
    if (!s.is_string()) fail(origin, "corrupt advisory database: a list holds a non-string");
    out.push_back(s.get<std::string>());
  }
  return out;
}

std::string encode_severities(const std::vector<Severity>& values) {
  json out = json::array();
  for (const Severity& s : values) out.push_back({{"type", s.type}, {"score", s.score}});
  return out.dump();
}

std::vector<Severity> decode_severities(std::string_view text, const std::string& origin) {
  std::vector<Severity> out;
  if (empty_list(text)) return out;
  json v = parse_column(text, origin);
  if (!v.is_array()) fail(origin, "corrupt advisory database: severity is not an array");
  for (const json& s : v) out.push_back({string_at(s, "type", origin), string_at(s, "score", origin)});
  return out;
}

std::string encode_references(const std::vector<Reference>& values) {
  json out = json::array();
  for (const Reference& r : values) out.push_back({{"type", r.type}, {"url", r.url}});
  return out.dump();
}

// Ranges keep OSV's own shape, so a person reading the file with sqlite3 sees OSV.
std::string encode_ranges(const std::vector<Range>& ranges) {
  json out = json::array();
  for (const Range& r : ranges) {
    json events = json::array();
    for (const Event& e : r.events) events.push_back({{std::string(to_string(e.kind)), e.value}});
    json range = {{"type", std::string(to_string(r.type))}, {"events", std::move(events)}};
    if (!r.repo.empty()) range["repo"] = r.repo;
    out.push_back(std::move(range));
  }
  return out.dump();
}

std::vector<Range> decode_ranges(std::string_view text, const std::string& origin) {
  json v = parse_column(text, origin);
  if (!v.is_array()) fail(origin, "corrupt advisory database: ranges is not an array");
  std::vector<Range> out;
  out.reserve(v.size());
  for (const json& r : v) {
    Range range;
    const std::string& type = string_at(r, "type", origin);
    if (type == "ECOSYSTEM")
      range.type = Range::Type::kEcosystem;
    else if (type == "SEMVER")
      range.type = Range::Type::kSemver;
    else if (type == "GIT")
      range.type = Range::Type::kGit;
    else
      fail(origin, "corrupt advisory database: unknown range type " + type);
    if (auto it = r.find("repo"); it != r.end() && it->is_string()) range.repo = it->get<std::string>();
    auto events = r.find("events");
    if (events == r.end() || !events->is_array()) fail(origin, "corrupt advisory database: a range has no events");
    for (const json& e : *events) {
      if (!e.is_object() || e.size() != 1 || !e.begin()->is_string())
        fail(origin, "corrupt advisory database: a malformed range event");
      Event event;
      const std::string& key = e.begin().key();
      if (key == "introduced")
        event.kind = Event::Kind::kIntroduced;
      else if (key == "fixed")
        event.kind = Event::Kind::kFixed;
      else if (key == "last_affected")
        event.kind = Event::Kind::kLastAffected;
      else if (key == "limit")
        event.kind = Event::Kind::kLimit;
      else
        fail(origin, "corrupt advisory database: unknown range event " + key);
      event.value = e.begin()->get<std::string>();
      range.events.push_back(std::move(event));
    }
    out.push_back(std::move(range));
  }
  return out;
}

}  // namespace moat::vulndb::schema
