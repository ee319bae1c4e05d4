#include "vulndb/store.h"

#include <charconv>
#include <system_error>

#include "base/error.h"
#include "base/files.h"
#include "vulndb/schema.h"
#include "vulndb/sqlite.h"

namespace moat::vulndb {

struct Store::Impl {
  sql::Database db;
  sql::Statement by_package;
  sql::Statement any_in_ecosystem;

  explicit Impl(sql::Database database)
      : db(std::move(database)),
        by_package(db,
                   "SELECT a.id, a.aliases, a.upstream, a.summary, a.published, a.modified, a.severity, "
                   "a.severity_text, f.ecosystem, f.package, f.purl, f.ranges, f.versions, f.severity, "
                   "f.severity_text FROM affected f JOIN advisories a ON a.rowid = f.advisory "
                   "WHERE f.ecosystem = ?1 AND f.package = ?2 ORDER BY a.id"),
        any_in_ecosystem(db, "SELECT 1 FROM affected WHERE ecosystem = ?1 LIMIT 1") {}
};

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

Store Store::open_readonly(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    fail(path.string(), "no advisory database here; run `moat db update` to create it");
  sql::Database db(path, sql::Database::Mode::kReadOnly);
  schema::check_readable(db);
  try {
    return Store(std::make_unique<Impl>(std::move(db)));
  } catch (const Error&) {
    fail(path.string(), "corrupt advisory database; run `moat db update` to rebuild it");
  }
}

std::vector<Candidate> Store::lookup(std::string_view ecosystem, std::string_view package) const {
  sql::Statement& q = impl_->by_package;
  const std::string name = normalise_package_name(ecosystem, package);
  q.reset();
  q.bind(1, ecosystem).bind(2, name);
  std::vector<Candidate> out;
  while (q.step()) {
    Candidate c;
    c.advisory_id = q.text(0);
    const std::string origin = impl_->db.path().string() + ": " + c.advisory_id;
    c.aliases = schema::decode_strings(q.text(1), origin);
    c.upstream = schema::decode_strings(q.text(2), origin);
    c.summary = q.text(3);
    c.published = q.text(4);
    c.modified = q.text(5);
    c.severity = schema::decode_severities(q.text(6), origin);
    c.severity_text = q.text(7);
    c.affected.ecosystem = q.text(8);
    c.affected.name = q.text(9);
    c.affected.purl = q.text(10);
    c.affected.ranges = schema::decode_ranges(q.text(11), origin);
    c.affected.versions = schema::decode_strings(q.text(12), origin);
    c.affected.severity = schema::decode_severities(q.text(13), origin);
    c.affected.severity_text = q.text(14);
    out.push_back(std::move(c));
  }
  q.reset();
  return out;
}

const std::filesystem::path& Store::path() const { return impl_->db.path(); }

bool Store::has_ecosystem(std::string_view ecosystem) const {
  sql::Statement& q = impl_->any_in_ecosystem;
  q.reset();
  q.bind(1, ecosystem);
  bool found = q.step();
  q.reset();
  return found;
}

Status Store::status() const {
  sql::Database& db = impl_->db;
  Status s;
  s.path = db.path();
  s.schema_version = static_cast<int>(db.scalar("PRAGMA user_version"));
  sql::Statement meta(db, "SELECT key, value FROM meta");
  while (meta.step()) {
    std::string_view key = meta.text(0), value = meta.text(1);
    if (key == "source")
      s.source = value;
    else if (key == "moat_version")
      s.moat_version = value;
    else if (key == "updated_at") {
      int64_t seconds = 0;
      if (std::from_chars(value.data(), value.data() + value.size(), seconds).ec != std::errc())
        fail(s.path.string(), "corrupt advisory database: bad updated_at");
      s.updated_at = std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
    }
  }
  sql::Statement eco(db, "SELECT name, url, documents, advisories, affected, skipped FROM ecosystems ORDER BY name");
  while (eco.step()) {
    s.ecosystems.push_back({std::string(eco.text(0)), std::string(eco.text(1)), static_cast<uint64_t>(eco.integer(2)),
                            static_cast<uint64_t>(eco.integer(3)), static_cast<uint64_t>(eco.integer(4)),
                            static_cast<uint64_t>(eco.integer(5))});
  }
  s.advisories = static_cast<uint64_t>(db.scalar("SELECT COUNT(*) FROM advisories"));
  return s;
}

int64_t Status::age_days(std::chrono::system_clock::time_point now) const {
  if (now <= updated_at) return 0;
  return std::chrono::duration_cast<std::chrono::hours>(now - updated_at).count() / 24;
}

std::optional<std::string> staleness_warning(const Status& status, int64_t max_age_days,
                                             std::chrono::system_clock::time_point now) {
  int64_t age = status.age_days(now);
  if (age <= max_age_days) return std::nullopt;
  return "advisory database " + status.path.string() + " is " + std::to_string(age) + " days old (limit " +
         std::to_string(max_age_days) + "); run `moat db update`";
}

std::filesystem::path default_database_path() { return default_cache_dir() / "advisories.db"; }

const std::vector<std::string>& supported_ecosystems() {
  static const std::vector<std::string> all = {"Debian",    "Alpine", "PyPI",  "Go",       "RubyGems",
                                               "Packagist", "npm",    "Maven", "crates.io"};
  return all;
}

}  // namespace moat::vulndb
