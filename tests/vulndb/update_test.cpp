// The updater against the real offline OSV mirror (../shared/vulndata), through a file:// URL and
// through a local HTTP server, and every way an update can fail without harming the old database.
#include "vulndb/update.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "base/error.h"
#include "support/http_server.h"
#include "support/temp_dir.h"
#include "vulndb/store.h"

namespace moat::vulndb {
namespace {

namespace fs = std::filesystem;
using test::HttpServer;
using test::TempDir;
using ::testing::AllOf;
using ::testing::HasSubstr;

const fs::path kMirror = MOAT_SOURCE_DIR "/../shared/vulndata";
const std::vector<std::string> kMirrorEcosystems = {"Debian", "Alpine", "PyPI", "Go", "RubyGems", "Packagist", "npm"};
// Documents per archive, from the mirror's README.
const std::map<std::string, uint64_t> kMirrorDocuments = {{"Debian", 5852}, {"Alpine", 2443},   {"PyPI", 2661},
                                                          {"Go", 4291},     {"RubyGems", 1232}, {"Packagist", 1592},
                                                          {"npm", 467}};

std::string file_url(const fs::path& dir) { return "file://" + fs::absolute(dir).lexically_normal().string(); }

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_zip(const fs::path& path, const std::vector<std::pair<std::string, std::string>>& entries) {
  fs::create_directories(path.parent_path());
  archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  ASSERT_EQ(archive_write_open_filename(a, path.c_str()), ARCHIVE_OK);
  for (const auto& [name, content] : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
    archive_write_header(a, e);
    archive_write_data(a, content.data(), content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

// What a scan would see for a few real packages: the fingerprint of the database's answers.
std::string snapshot(const fs::path& db) {
  Store store = Store::open_readonly(db);
  std::string out;
  for (auto [eco, name] : std::vector<std::pair<const char*, const char*>>{
           {"Debian:11", "openssl"}, {"PyPI", "urllib3"}, {"npm", "lodash"}, {"Alpine:v3.11", "openssl"}}) {
    out += std::string(eco) + "/" + name + ":";
    for (const Candidate& c : store.lookup(eco, name)) out += " " + c.advisory_id;
    out += "\n";
  }
  return out;
}

std::string update_error(const std::string& base, const fs::path& db, const std::vector<std::string>& ecosystems,
                         const UpdateOptions& options = {}) {
  try {
    update_database(base, db, ecosystems, {}, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

const Candidate* find(const std::vector<Candidate>& list, std::string_view id) {
  for (const Candidate& c : list)
    if (c.advisory_id == id) return &c;
  return nullptr;
}

std::string fixed_of(const Candidate& c) {
  for (const Range& r : c.affected.ranges)
    for (const Event& e : r.events)
      if (e.kind == Event::Kind::kFixed) return e.value;
  return "";
}

class VulnDbUpdate : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists(kMirror / "npm" / "all.zip")) return;
    dir_ = new TempDir();
    db_ = dir_->path() / "cache" / "advisories.db";
    report_ = new UpdateReport(update_database(file_url(kMirror), db_, kMirrorEcosystems));
    snapshot_ = snapshot(db_);
  }
  static void TearDownTestSuite() {
    delete report_;
    delete dir_;
    report_ = nullptr;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!report_) GTEST_SKIP() << "the OSV mirror is not at " << kMirror;
  }

  // A copy of the good database, for a test that tries to break it.
  fs::path previous_db(const TempDir& tmp) const {
    fs::path p = tmp.path() / "db" / "advisories.db";
    fs::create_directories(p.parent_path());
    fs::copy_file(db_, p);
    return p;
  }
  // A mirror whose archives are links to the real ones, for tests that swap one out.
  static fs::path linked_mirror(const TempDir& tmp) {
    fs::path m = tmp.path() / "mirror";
    for (const std::string& e : kMirrorEcosystems) {
      fs::create_directories(m / e);
      fs::create_symlink(kMirror / e / "all.zip", m / e / "all.zip");
    }
    return m;
  }
  static void expect_intact(const fs::path& db) {
    EXPECT_EQ(snapshot(db), snapshot_);
    fs::path leftover = db;
    EXPECT_FALSE(fs::exists(leftover += ".new"));
    fs::path downloads = db;
    EXPECT_FALSE(fs::exists(downloads += ".download"));
  }

  static TempDir* dir_;
  static fs::path db_;
  static UpdateReport* report_;
  static std::string snapshot_;
};
TempDir* VulnDbUpdate::dir_ = nullptr;
fs::path VulnDbUpdate::db_;
UpdateReport* VulnDbUpdate::report_ = nullptr;
std::string VulnDbUpdate::snapshot_;

TEST_F(VulnDbUpdate, FileMirrorAccountsForEveryDocument) {
  const UpdateReport& r = *report_;
  ASSERT_EQ(r.ecosystems.size(), kMirrorEcosystems.size());
  uint64_t total = 0;
  for (const EcosystemReport& e : r.ecosystems) {
    SCOPED_TRACE(e.ecosystem);
    EXPECT_EQ(e.documents, kMirrorDocuments.at(e.ecosystem));
    EXPECT_EQ(e.imported + e.skipped_total(), e.documents);
    EXPECT_TRUE(e.malformed.empty());
    EXPECT_EQ(e.url, file_url(kMirror) + "/" + e.ecosystem + "/all.zip");
    total += e.documents;
    std::printf("%-10s documents %5llu imported %5llu skipped", e.ecosystem.c_str(),
                static_cast<unsigned long long>(e.documents), static_cast<unsigned long long>(e.imported));
    for (size_t i = 0; i < kSkipReasons; ++i)
      if (e.skipped[i])
        std::printf(" %s=%llu", to_string(static_cast<SkipReason>(i)).data(), (unsigned long long)e.skipped[i]);
    std::printf(" package entries %llu\n", static_cast<unsigned long long>(e.affected));
  }
  std::printf("total: %llu documents, %llu imported, %llu skipped, %.2f s\n", (unsigned long long)r.documents(),
              (unsigned long long)r.imported(), (unsigned long long)r.skipped(), r.seconds);
  EXPECT_EQ(r.documents(), total);
  EXPECT_EQ(r.documents(), 18538u);
  EXPECT_EQ(r.imported() + r.skipped(), r.documents());
  EXPECT_EQ(r.advisories, r.imported());  // no advisory id is in two archives of this mirror
  // The mirror's withdrawn advisories (PyPI and Go) are the known skips.
  for (const EcosystemReport& e : r.ecosystems) {
    if (e.ecosystem == "PyPI") {
      EXPECT_EQ(e.skipped_for(SkipReason::kWithdrawn), 10u);
    }
    if (e.ecosystem == "Go") {
      EXPECT_EQ(e.skipped_for(SkipReason::kWithdrawn), 17u);
    }
  }

  Status s = Store::open_readonly(db_).status();
  EXPECT_EQ(s.source, file_url(kMirror));
  EXPECT_EQ(s.advisories, r.advisories);
  EXPECT_EQ(s.ecosystems.size(), kMirrorEcosystems.size());
  for (const EcosystemStatus& e : s.ecosystems) {
    EXPECT_EQ(e.documents, kMirrorDocuments.at(e.name));
    EXPECT_EQ(e.advisories + e.skipped, e.documents);
  }
  EXPECT_EQ(s.age_days(), 0);
  EXPECT_FALSE(staleness_warning(s, 7));
  auto later = s.updated_at + std::chrono::hours(24 * 10);
  EXPECT_THAT(staleness_warning(s, 7, later).value_or(""),
              AllOf(HasSubstr("10 days old"), HasSubstr("moat db update")));
}

TEST_F(VulnDbUpdate, RealAdvisoriesHaveTheirRanges) {
  Store store = Store::open_readonly(db_);
  // DSA-5343-1: openssl in bullseye, fixed in 1.1.1n-0+deb11u4.
  auto openssl = store.lookup("Debian:11", "openssl");
  const Candidate* dsa = find(openssl, "DSA-5343-1");
  ASSERT_NE(dsa, nullptr);
  EXPECT_EQ(dsa->affected.ecosystem, "Debian:11");
  EXPECT_EQ(fixed_of(*dsa), "1.1.1n-0+deb11u4");
  EXPECT_THAT(dsa->aliases, ::testing::Contains("CVE-2023-0286"));
  EXPECT_EQ(find(store.lookup("Debian:10", "openssl"), "DSA-5343-1"), nullptr);  // bullseye only

  // PYSEC-2019-132: urllib3 before 1.24.3; names are looked up PEP 503-normalised.
  auto urllib3 = store.lookup("PyPI", "urllib3");
  EXPECT_GE(urllib3.size(), 10u);
  const Candidate* py = find(urllib3, "PYSEC-2019-132");
  ASSERT_NE(py, nullptr);
  EXPECT_EQ(fixed_of(*py), "1.24.3");
  EXPECT_EQ(py->affected.ranges.at(0).events.at(0).value, "0");
  EXPECT_THAT(py->affected.versions, ::testing::Contains("1.24.2"));
  EXPECT_THAT(py->aliases, ::testing::Contains("GHSA-r64q-w8jr-g9qp"));
  EXPECT_EQ(store.lookup("PyPI", "URLLib3").size(), urllib3.size());

  // The mirror's npm archive (Node.js security WG) has no minimist advisory; its prototype
  // pollution advisory for lodash is NSWG-ECO-368 (CVE-2018-3721), fixed in 4.17.5.
  auto lodash = store.lookup("npm", "lodash");
  const Candidate* proto = find(lodash, "NSWG-ECO-368");
  ASSERT_NE(proto, nullptr);
  EXPECT_THAT(proto->aliases, ::testing::ElementsAre("CVE-2018-3721"));
  EXPECT_EQ(proto->affected.ranges.at(0).type, Range::Type::kSemver);
  EXPECT_EQ(fixed_of(*proto), "4.17.5");
  EXPECT_EQ(proto->summary, "lodash prototype pollution");
  EXPECT_EQ(proto->severity.at(0).type, "CVSS_V3");
  EXPECT_TRUE(store.lookup("npm", "Lodash").empty());  // npm names are exact

  // Alpine keeps its CVEs under "upstream".
  auto vte = store.lookup("Alpine:v3.11", "vte");
  const Candidate* alpine = find(vte, "ALPINE-CVE-2012-2738");
  ASSERT_NE(alpine, nullptr);
  EXPECT_THAT(alpine->upstream, ::testing::ElementsAre("CVE-2012-2738"));
  EXPECT_EQ(fixed_of(*alpine), "0.28.2-r12");

  EXPECT_FALSE(store.lookup("Go", "stdlib").empty());
  EXPECT_TRUE(store.lookup("Go", "no.such/module").empty());
  EXPECT_TRUE(store.lookup("Debian:11", "").empty());
}

TEST_F(VulnDbUpdate, HttpMirrorBuildsTheSameDatabase) {
  TempDir tmp;
  HttpServer server(kMirror);
  server.start();
  fs::path db = tmp.path() / "advisories.db";
  std::vector<UpdateProgress::Stage> stages;
  UpdateReport r = update_database(server.url() + "/", db, kMirrorEcosystems, [&](const UpdateProgress& p) {
    if (stages.empty() || stages.back() != p.stage) stages.push_back(p.stage);
  });
  EXPECT_EQ(r.source, server.url());
  EXPECT_EQ(r.documents(), report_->documents());
  EXPECT_EQ(r.imported(), report_->imported());
  EXPECT_EQ(r.skipped(), report_->skipped());
  for (size_t i = 0; i < r.ecosystems.size(); ++i) EXPECT_EQ(r.ecosystems[i].bytes, report_->ecosystems[i].bytes);
  EXPECT_EQ(snapshot(db), snapshot_);
  EXPECT_EQ(stages,
            (std::vector<UpdateProgress::Stage>{UpdateProgress::Stage::kDownload, UpdateProgress::Stage::kImport,
                                                UpdateProgress::Stage::kVerify, UpdateProgress::Stage::kDone}));
}

TEST_F(VulnDbUpdate, ReplacesTheDatabaseWhileItIsOpen) {
  TempDir tmp;
  fs::path db = previous_db(tmp);
  Store before = Store::open_readonly(db);
  update_database(file_url(kMirror), db, {"npm"});
  EXPECT_FALSE(before.lookup("Debian:11", "openssl").empty());  // an open reader keeps the old file
  Store after = Store::open_readonly(db);
  EXPECT_TRUE(after.lookup("Debian:11", "openssl").empty());
  EXPECT_FALSE(after.lookup("npm", "lodash").empty());
  EXPECT_EQ(after.status().ecosystems.size(), 1u);
}

TEST_F(VulnDbUpdate, CorruptZipKeepsThePreviousDatabase) {
  TempDir tmp;
  fs::path db = previous_db(tmp);
  fs::path mirror = linked_mirror(tmp);
  std::string zip = slurp(kMirror / "npm" / "all.zip");
  for (size_t i = zip.size() / 3; i < zip.size() / 3 + 4096; ++i) zip[i] = static_cast<char>(zip[i] ^ 0x5a);
  fs::remove(mirror / "npm" / "all.zip");
  tmp.write("mirror/npm/all.zip", zip);
  std::string error = update_error(file_url(mirror), db, {"Go", "npm"});
  EXPECT_THAT(error, AllOf(HasSubstr("npm/all.zip"), HasSubstr("corrupt zip")));
  expect_intact(db);

  tmp.write("mirror/npm/all.zip", "this is not a zip file");
  EXPECT_THAT(update_error(file_url(mirror), db, {"npm"}), AllOf(HasSubstr("npm/all.zip"), HasSubstr("corrupt zip")));
  expect_intact(db);
}

TEST_F(VulnDbUpdate, TruncatedDownloadKeepsThePreviousDatabase) {
  TempDir tmp;
  fs::path db = previous_db(tmp);
  std::string zip = slurp(kMirror / "npm" / "all.zip");
  // A file cut short: the zip's central directory is gone.
  tmp.write("mirror/npm/all.zip", zip.substr(0, zip.size() / 2));
  EXPECT_THAT(update_error(file_url(tmp.path() / "mirror"), db, {"npm"}), HasSubstr("npm/all.zip"));
  expect_intact(db);

  // A server that announces the whole archive and drops the connection half-way.
  HttpServer server;
  server.server().Get("/npm/all.zip", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content_provider(zip.size(), "application/zip", [&](size_t offset, size_t, httplib::DataSink& sink) {
      if (offset > 0) return false;
      sink.write(zip.data(), zip.size() / 2);
      return true;
    });
  });
  server.start();
  EXPECT_THAT(update_error(server.url(), db, {"npm"}), HasSubstr(server.url() + "/npm/all.zip"));
  expect_intact(db);
}

TEST_F(VulnDbUpdate, MalformedDocumentFailsTheUpdateUnlessTolerated) {
  TempDir tmp;
  fs::path db = previous_db(tmp);
  std::string good = R"({"id": "T-1", "affected": [{"package": {"ecosystem": "npm", "name": "left-pad"},
      "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.0.0"}]}]}]})";
  write_zip(tmp.path() / "mirror" / "npm" / "all.zip",
            {{"T-1.json", good}, {"T-2.json", "{\"id\": \"T-2\", \"affected\": 7}"}});
  std::string error = update_error(file_url(tmp.path() / "mirror"), db, {"npm"});
  EXPECT_THAT(error, AllOf(HasSubstr("npm/all.zip:T-2.json"), HasSubstr("\"affected\" is not an array")));
  expect_intact(db);

  UpdateOptions tolerant;
  tolerant.max_malformed = 1;
  UpdateReport r = update_database(file_url(tmp.path() / "mirror"), db, {"npm"}, {}, tolerant);
  ASSERT_EQ(r.ecosystems.size(), 1u);
  EXPECT_EQ(r.ecosystems[0].documents, 2u);
  EXPECT_EQ(r.ecosystems[0].imported, 1u);
  EXPECT_EQ(r.ecosystems[0].skipped_for(SkipReason::kMalformed), 1u);
  EXPECT_THAT(r.ecosystems[0].malformed.at(0), HasSubstr("T-2.json"));
  EXPECT_EQ(Store::open_readonly(db).lookup("npm", "left-pad").size(), 1u);
}

TEST_F(VulnDbUpdate, SkipReasonsAreCounted) {
  TempDir tmp;
  fs::path db = tmp.path() / "advisories.db";
  auto doc = [](const std::string& id, const std::string& extra, const std::string& eco) {
    return R"({"id": ")" + id + "\"" + extra + R"(, "affected": [{"package": {"ecosystem": ")" + eco +
           R"(", "name": "p"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]})";
  };
  write_zip(tmp.path() / "mirror" / "npm" / "all.zip",
            {{"a.json", doc("A", "", "npm")},
             {"b.json", doc("B", R"(, "withdrawn": "2020-01-01T00:00:00Z")", "npm")},
             {"c.json", doc("C", "", "GitHub Actions")},
             {"d.json", doc("D", "", "Maven")},
             {"e.json", R"({"id": "E"})"},
             {"a2.json", doc("A", "", "npm")}});
  UpdateReport r = update_database(file_url(tmp.path() / "mirror"), db, {"npm"});
  const EcosystemReport& e = r.ecosystems.at(0);
  EXPECT_EQ(e.documents, 6u);
  EXPECT_EQ(e.imported, 1u);
  EXPECT_EQ(e.skipped_for(SkipReason::kWithdrawn), 1u);
  EXPECT_EQ(e.skipped_for(SkipReason::kUnsupportedEcosystem), 1u);
  EXPECT_EQ(e.skipped_for(SkipReason::kNoPackage), 2u);
  EXPECT_EQ(e.skipped_for(SkipReason::kDuplicate), 1u);
  EXPECT_EQ(e.affected_unsupported, 1u);
  EXPECT_EQ(e.affected_other, 1u);
}

TEST_F(VulnDbUpdate, MissingEcosystemFailsTheWholeUpdate) {
  TempDir tmp;
  fs::path db = previous_db(tmp);
  HttpServer server(kMirror);
  server.start();
  // The mirror has no Maven archive: the server answers 404.
  std::string error = update_error(server.url(), db, {"npm", "Maven"});
  EXPECT_THAT(error, AllOf(HasSubstr(server.url() + "/Maven/all.zip"), HasSubstr("HTTP 404")));
  expect_intact(db);
  error = update_error(file_url(kMirror), db, {"crates.io", "npm"});
  EXPECT_THAT(error, AllOf(HasSubstr(file_url(kMirror) + "/crates.io/all.zip"), HasSubstr("No such file")));
  expect_intact(db);
}

TEST_F(VulnDbUpdate, AbsentEcosystemsCanBeSkippedAndAreMarked) {
  TempDir tmp;
  fs::path db = tmp.path() / "adv.db";
  HttpServer server(kMirror);
  server.start();
  UpdateOptions options;
  options.skip_absent = true;
  for (const std::string& base : {server.url(), file_url(kMirror)}) {
    UpdateReport r = update_database(base, db, {"npm", "Maven", "crates.io"}, {}, options);
    ASSERT_EQ(r.ecosystems.size(), 3u);
    EXPECT_FALSE(r.ecosystems[0].absent);
    EXPECT_EQ(r.ecosystems[0].imported, 467u);
    EXPECT_TRUE(r.ecosystems[1].absent);
    EXPECT_TRUE(r.ecosystems[2].absent);
    auto status = Store::open_readonly(db).status();
    ASSERT_EQ(status.ecosystems.size(), 1u);  // absent ones are not claimed as present
    EXPECT_EQ(status.ecosystems[0].name, "npm");
    EXPECT_FALSE(Store::open_readonly(db).has_ecosystem("Maven"));
    EXPECT_TRUE(Store::open_readonly(db).has_ecosystem("npm"));
  }
}

TEST_F(VulnDbUpdate, UnknownEcosystemIsRefusedBeforeAnyWork) {
  TempDir tmp;
  fs::path db = previous_db(tmp);
  EXPECT_THAT(update_error(file_url(kMirror), db, {"npm", "CocoaPods"}),
              AllOf(HasSubstr("CocoaPods: unknown ecosystem"), HasSubstr("moat supports Debian")));
  EXPECT_THAT(update_error(file_url(kMirror), db, {}), HasSubstr("no ecosystems"));
  EXPECT_THAT(update_error("gopher://x", db, {"npm"}), HasSubstr("unsupported URL scheme"));
  expect_intact(db);
}

TEST_F(VulnDbUpdate, NewerSchemaIsNeitherReadNorReplaced) {
  TempDir tmp;
  fs::path db = previous_db(tmp);
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(h, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(h);
  std::string before = slurp(db);
  try {
    Store::open_readonly(db);
    ADD_FAILURE() << "a newer schema opened";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr(db.string()), HasSubstr("schema 99 is newer")));
  }
  EXPECT_THAT(update_error(file_url(kMirror), db, {"npm"}), HasSubstr("schema 99 is newer"));
  EXPECT_EQ(slurp(db), before);
}

TEST_F(VulnDbUpdate, CorruptDatabaseIsReportedAndRebuilt) {
  TempDir tmp;
  fs::path db = tmp.write("advisories.db", std::string(8192, 'z'));
  try {
    Store::open_readonly(db);
    ADD_FAILURE() << "garbage opened";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr(db.string()), HasSubstr("moat db update")));
  }
  update_database(file_url(kMirror), db, {"npm"});
  EXPECT_FALSE(Store::open_readonly(db).lookup("npm", "lodash").empty());
}

TEST_F(VulnDbUpdate, LeftoversOfAKilledUpdateAreCleanedAndConcurrentUpdatesRefused) {
  TempDir tmp;
  fs::path db = previous_db(tmp);
  tmp.write("db/advisories.db.new", "half-written");
  tmp.write("db/advisories.db.download/npm.zip", "partial");
  fs::path lock = db;
  lock += ".lock";
  int fd = ::open(lock.c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  EXPECT_THAT(update_error(file_url(kMirror), db, {"npm"}), HasSubstr("another `moat db update` is running"));
  ::close(fd);
  update_database(file_url(kMirror), db, {"npm"});
  EXPECT_FALSE(fs::exists(tmp.path() / "db" / "advisories.db.new"));
  EXPECT_FALSE(fs::exists(tmp.path() / "db" / "advisories.db.download"));
}

// Needs root (mount); CI runs as root. Without it the test says so and skips.
TEST_F(VulnDbUpdate, FullDiskKeepsThePreviousDatabase) {
  TempDir tmp;
  fs::path small = tmp.path() / "small.db";
  update_database(file_url(kMirror), small, {"npm"});
  std::string small_snapshot = snapshot(small);
  fs::path mnt = tmp.path() / "tmpfs";
  fs::create_directories(mnt);
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=2m") != 0)
    GTEST_SKIP() << "cannot mount a 2 MB tmpfs to fill (" << std::strerror(errno) << "); needs root";
  struct Unmount {
    fs::path p;
    ~Unmount() { ::umount2(p.c_str(), MNT_DETACH); }
  } unmount{mnt};
  fs::path db = mnt / "advisories.db";
  fs::copy_file(small, db);
  std::string error = update_error(file_url(kMirror), db, {"npm", "PyPI", "Debian"});
  EXPECT_THAT(error, HasSubstr("No space left on device"));
  EXPECT_EQ(snapshot(db), small_snapshot);
  EXPECT_FALSE(fs::exists(mnt / "advisories.db.new"));
  EXPECT_FALSE(fs::exists(mnt / "advisories.db.download"));
  // Archives small enough to download, a database too big to build: SQLite's "disk is full".
  error = update_error(file_url(kMirror), db, {"npm", "RubyGems", "Alpine"});
  EXPECT_THAT(error, ::testing::AnyOf(HasSubstr("disk is full"), HasSubstr("No space left on device")));
  EXPECT_EQ(snapshot(db), small_snapshot);
  EXPECT_FALSE(fs::exists(mnt / "advisories.db.new"));
}

}  // namespace
}  // namespace moat::vulndb
