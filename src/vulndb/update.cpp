#include "vulndb/update.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "base/error.h"
#include "vulndb/osv.h"
#include "vulndb/osv_archive.h"
#include "vulndb/schema.h"
#include "vulndb/sqlite.h"
#include "vulndb/store.h"

namespace moat::vulndb {
namespace {

// Holds an exclusive lock on <db>.lock so that two updaters never share the work files.
class UpdateLock {
 public:
  explicit UpdateLock(const std::filesystem::path& db_path) {
    std::filesystem::path lock = db_path;
    lock += ".lock";
    fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) fail(lock.string(), std::string("cannot create the update lock: ") + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      fail(db_path.string(), "another `moat db update` is running on this database");
    }
  }
  ~UpdateLock() { ::close(fd_); }
  UpdateLock(const UpdateLock&) = delete;
  UpdateLock& operator=(const UpdateLock&) = delete;

 private:
  int fd_ = -1;
};

// Removes the work files on every way out; the rename makes the new database permanent first.
class WorkFiles {
 public:
  explicit WorkFiles(const std::filesystem::path& db_path) {
    new_db_ = db_path;
    new_db_ += ".new";
    downloads_ = db_path;
    downloads_ += ".download";
    clean();  // leftovers of an update that was killed
    std::filesystem::create_directory(downloads_);
  }
  ~WorkFiles() { clean(); }
  WorkFiles(const WorkFiles&) = delete;
  WorkFiles& operator=(const WorkFiles&) = delete;

  const std::filesystem::path& new_db() const { return new_db_; }
  std::filesystem::path download(const std::string& ecosystem) const { return downloads_ / (ecosystem + ".zip"); }

 private:
  void clean() {
    std::error_code ec;
    std::filesystem::remove(new_db_, ec);
    for (const char* suffix : {"-journal", "-wal", "-shm"}) {
      std::filesystem::path side = new_db_;
      std::filesystem::remove(side += suffix, ec);
    }
    std::filesystem::remove_all(downloads_, ec);
  }
  std::filesystem::path new_db_;
  std::filesystem::path downloads_;
};

void fsync_path(const std::filesystem::path& path, bool directory) {
  int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    int e = errno;
    if (fd >= 0) ::close(fd);
    fail(path.string(), std::string("cannot flush to disk: ") + std::strerror(e));
  }
  ::close(fd);
}

bool is_supported(std::string_view ecosystem) {
  const auto& all = supported_ecosystems();
  return std::find(all.begin(), all.end(), ecosystem) != all.end();
}

// Writes OSV documents into a database under construction.
class Importer {
 public:
  Importer(sql::Database& db, const UpdateOptions& options)
      : db_(db),
        options_(options),
        insert_advisory_(db,
                         "INSERT INTO advisories(id, summary, published, modified, aliases, upstream, severity, "
                         "severity_text, refs) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
        insert_affected_(db,
                         "INSERT INTO affected(advisory, ecosystem, package, purl, ranges, versions, severity, "
                         "severity_text) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)") {}

  void import_archive(const std::filesystem::path& zip, EcosystemReport& report, const ProgressCallback& progress) {
    std::unordered_set<std::string> seen;
    db_.exec("BEGIN");
    read_osv_archive(zip, report.url, [&](std::string_view name, std::string_view content) {
      ++report.documents;
      import_document(name, content, report, seen);
      if (progress && report.documents % 1000 == 0)
        progress({UpdateProgress::Stage::kImport, report.ecosystem, report.documents, 0});
    });
    db_.exec("COMMIT");
    if (progress) progress({UpdateProgress::Stage::kImport, report.ecosystem, report.documents, 0});
  }

  uint64_t advisories() const { return rowids_.size(); }

 private:
  void skip(EcosystemReport& report, SkipReason reason) { ++report.skipped[static_cast<size_t>(reason)]; }

  void import_document(std::string_view name, std::string_view content, EcosystemReport& report,
                       std::unordered_set<std::string>& seen) {
    Advisory a;
    try {
      a = parse_osv(content, report.url + ":" + std::string(name));
    } catch (const Error& e) {
      if (++malformed_ > options_.max_malformed) throw;
      report.malformed.emplace_back(e.what());
      skip(report, SkipReason::kMalformed);
      return;
    }
    if (!a.withdrawn.empty()) return skip(report, SkipReason::kWithdrawn);
    if (!seen.insert(a.id).second) return skip(report, SkipReason::kDuplicate);

    std::vector<const Affected*> kept;
    uint64_t unsupported = 0;
    for (const Affected& entry : a.affected) {
      std::string_view base = ecosystem_base(entry.ecosystem);
      if (base == report.ecosystem)
        kept.push_back(&entry);
      else if (is_supported(base))
        ++report.affected_other;
      else
        ++unsupported;
    }
    report.affected_unsupported += unsupported;
    if (kept.empty()) return skip(report, unsupported ? SkipReason::kUnsupportedEcosystem : SkipReason::kNoPackage);

    // An advisory that affects several ecosystems sits in each of their archives: store it once.
    auto [it, fresh] = rowids_.try_emplace(a.id, 0);
    if (fresh) {
      insert_advisory_.bind(1, a.id).bind(2, a.summary).bind(3, a.published).bind(4, a.modified);
      insert_advisory_.bind(5, schema::encode_strings(a.aliases)).bind(6, schema::encode_strings(a.upstream));
      insert_advisory_.bind(7, schema::encode_severities(a.severity)).bind(8, a.severity_text);
      insert_advisory_.bind(9, schema::encode_references(a.references));
      insert_advisory_.run();
      it->second = sqlite3_last_insert_rowid(db_.handle());
    }
    for (const Affected* entry : kept) {
      insert_affected_.bind(1, it->second).bind(2, entry->ecosystem).bind(3, entry->name).bind(4, entry->purl);
      insert_affected_.bind(5, schema::encode_ranges(entry->ranges)).bind(6, schema::encode_strings(entry->versions));
      insert_affected_.bind(7, schema::encode_severities(entry->severity)).bind(8, entry->severity_text);
      insert_affected_.run();
      ++report.affected;
    }
    ++report.imported;
  }

  sql::Database& db_;
  const UpdateOptions& options_;
  sql::Statement insert_advisory_;
  sql::Statement insert_affected_;
  std::unordered_map<std::string, int64_t> rowids_;
  uint64_t malformed_ = 0;
};

void write_summary(sql::Database& db, const UpdateReport& report) {
  db.exec("BEGIN");
  sql::Statement meta(db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)");
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  meta.bind(1, "source").bind(2, report.source).run();
  meta.bind(1, "updated_at").bind(2, std::to_string(now.count())).run();
  meta.bind(1, "moat_version").bind(2, MOAT_VERSION).run();
  sql::Statement eco(db,
                     "INSERT INTO ecosystems(name, url, documents, advisories, affected, skipped) "
                     "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  for (const EcosystemReport& e : report.ecosystems) {
    if (e.absent) continue;
    eco.bind(1, e.ecosystem).bind(2, e.url).bind(3, static_cast<int64_t>(e.documents));
    eco.bind(4, static_cast<int64_t>(e.imported)).bind(5, static_cast<int64_t>(e.affected));
    eco.bind(6, static_cast<int64_t>(e.skipped_total())).run();
  }
  db.exec("COMMIT");
}

// Checks the new file before it may replace a working one.
void verify(sql::Database& db, const UpdateReport& report, uint64_t advisories) {
  {
    sql::Statement check(db, "PRAGMA integrity_check");
    if (!check.step() || check.text(0) != "ok")
      fail(db.path().string(), "the new advisory database fails its integrity check: " + std::string(check.text(0)));
  }
  uint64_t affected = 0;
  for (const EcosystemReport& e : report.ecosystems) affected += e.affected;
  auto stored_advisories = static_cast<uint64_t>(db.scalar("SELECT COUNT(*) FROM advisories"));
  auto stored_affected = static_cast<uint64_t>(db.scalar("SELECT COUNT(*) FROM affected"));
  if (stored_advisories != advisories || stored_affected != affected)
    fail(db.path().string(), "the new advisory database holds " + std::to_string(stored_advisories) +
                                 " advisories and " + std::to_string(stored_affected) + " package entries, expected " +
                                 std::to_string(advisories) + " and " + std::to_string(affected));
}

}  // namespace

std::string_view to_string(SkipReason reason) {
  switch (reason) {
    case SkipReason::kWithdrawn:
      return "withdrawn";
    case SkipReason::kUnsupportedEcosystem:
      return "unsupported ecosystem";
    case SkipReason::kNoPackage:
      return "no affected package";
    case SkipReason::kDuplicate:
      return "duplicate id";
    case SkipReason::kMalformed:
      return "malformed";
  }
  return "unknown";
}

uint64_t EcosystemReport::skipped_total() const { return std::accumulate(skipped.begin(), skipped.end(), uint64_t{0}); }

uint64_t UpdateReport::documents() const {
  uint64_t n = 0;
  for (const auto& e : ecosystems) n += e.documents;
  return n;
}
uint64_t UpdateReport::imported() const {
  uint64_t n = 0;
  for (const auto& e : ecosystems) n += e.imported;
  return n;
}
uint64_t UpdateReport::skipped() const {
  uint64_t n = 0;
  for (const auto& e : ecosystems) n += e.skipped_total();
  return n;
}

UpdateReport update_database(const std::string& base_url, const std::filesystem::path& db_path,
                             const std::vector<std::string>& ecosystems, const ProgressCallback& progress,
                             const UpdateOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  if (ecosystems.empty()) fail(db_path.string(), "no ecosystems to update");
  std::vector<std::string> wanted;
  for (const std::string& e : ecosystems) {
    if (!is_supported(e)) {
      std::string known;
      for (const std::string& s : supported_ecosystems()) known += (known.empty() ? "" : ", ") + s;
      fail(e, "unknown ecosystem (moat supports " + known + ")");
    }
    if (std::find(wanted.begin(), wanted.end(), e) == wanted.end()) wanted.push_back(e);
  }
  std::string base = base_url;
  while (base.ends_with('/')) base.pop_back();
  if (base.empty()) fail(base_url, "empty advisory source URL");

  UpdateReport report;
  report.db_path = db_path;
  report.source = base;

  if (db_path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(db_path.parent_path(), ec);
    if (ec) fail(db_path.parent_path().string(), "cannot create the directory: " + ec.message());
  }
  UpdateLock lock(db_path);
  if (auto version = schema::version_of(db_path); version && *version > schema::kVersion)
    fail(db_path.string(), "advisory database schema " + std::to_string(*version) +
                               " is newer than this moat supports (" + std::to_string(schema::kVersion) +
                               "); it was left as it is");
  WorkFiles work(db_path);

  // Download everything first: a missing or broken archive fails before any import work.
  for (const std::string& ecosystem : wanted) {
    EcosystemReport& e = report.ecosystems.emplace_back();
    e.ecosystem = ecosystem;
    e.url = base;
    e.url.append("/").append(ecosystem).append("/all.zip");
    FetchOptions fetch = options.fetch;
    if (progress)
      fetch.progress = [&](uint64_t done, uint64_t total) {
        progress({UpdateProgress::Stage::kDownload, ecosystem, done, total});
      };
    try {
      e.bytes = fetch_to_file(e.url, work.download(ecosystem), fetch).bytes;
    } catch (const NotFound&) {
      if (!options.skip_absent) throw;
      e.absent = true;
    }
  }

  uint64_t advisories = 0;
  {
    sql::Database db(work.new_db(), sql::Database::Mode::kCreate);
    // The file is thrown away on any failure, so it needs no journal; fsync comes at the end.
    db.exec(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE;"
        "PRAGMA cache_size = -65536;");
    schema::migrate(db);
    {
      Importer importer(db, options);
      for (EcosystemReport& e : report.ecosystems) {
        if (e.absent) continue;
        importer.import_archive(work.download(e.ecosystem), e, progress);
        std::error_code ec;
        std::filesystem::remove(work.download(e.ecosystem), ec);
      }
      advisories = importer.advisories();
    }
    write_summary(db, report);
    if (progress) progress({UpdateProgress::Stage::kVerify, {}, 0, 0});
    verify(db, report, advisories);
    db.close();
  }
  fsync_path(work.new_db(), false);
  if (::rename(work.new_db().c_str(), db_path.c_str()) != 0)
    fail(db_path.string(), std::string("cannot replace the advisory database: ") + std::strerror(errno));
  fsync_path(db_path.has_parent_path() ? db_path.parent_path() : std::filesystem::path("."), true);

  report.advisories = advisories;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (progress) progress({UpdateProgress::Stage::kDone, {}, advisories, 0});
  return report;
}

}  // namespace moat::vulndb
