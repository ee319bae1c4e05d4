// rpm databases under tests/data/rpmdb/ were made by Debian's rpm 4.18 and db5.3_load (see make.sh
// there). Each parse is compared with what rpm itself prints for the same database: live when rpm
// is installed, otherwise against the output make.sh recorded.
#include "inventory/rpmdb.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/error.h"

namespace moat::inventory {
namespace {

namespace fs = std::filesystem;

const fs::path kData = fs::path(MOAT_SOURCE_DIR) / "tests/data/rpmdb";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  EXPECT_TRUE(in) << p;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("gpg-pubkey ", 0) != 0) out.push_back(line);  // moat skips signing keys
  std::sort(out.begin(), out.end());
  return out;
}

// The three views of a database the tests compare, each as sorted "NAME ..." lines.
struct Listing {
  std::vector<std::string> packages;  // kPackageFormat
  std::vector<std::string> licenses;  // kLicenseFormat
  std::vector<std::string> files;     // kFileFormat
};
constexpr const char* kPackageFormat = R"(%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE} %{ARCH} %{SOURCERPM}\n)";
constexpr const char* kLicenseFormat = R"(%{NAME} %{LICENSE}\n)";
constexpr const char* kFileFormat = R"([%{=NAME} %{FILENAMES}\n])";

bool have_rpm() { return std::system("command -v rpm >/dev/null 2>&1") == 0; }

std::string run(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  EXPECT_EQ(pclose(p), 0) << command;
  return out;
}

// What rpm prints for the database in `dir` (copied first: rpm creates lock and WAL files beside
// the database), or what make.sh recorded when rpm is not installed.
Listing rpm_listing(const std::string& dir, const std::string& backend) {
  if (!have_rpm()) {
    return {lines_of(slurp(kData / "expected-packages.txt")), lines_of(slurp(kData / "expected-licenses.txt")),
            lines_of(slurp(kData / "expected-files.txt"))};
  }
  const fs::path tmp = fs::temp_directory_path() / ("moat-rpmdb-" + std::to_string(::getpid()) + "-" + dir);
  fs::remove_all(tmp);
  fs::copy(kData / dir, tmp, fs::copy_options::recursive);
  const std::string base = "rpm --dbpath '" + tmp.string() + "' --define '_db_backend " + backend + "' -qa --qf '";
  Listing l{lines_of(run(base + kPackageFormat + "' 2>/dev/null")),
            lines_of(run(base + kLicenseFormat + "' 2>/dev/null")),
            lines_of(run(base + kFileFormat + "' 2>/dev/null"))};
  fs::remove_all(tmp);
  return l;
}

// The same views built from moat's packages.
Listing moat_listing(const std::vector<Package>& packages) {
  Listing l;
  for (const auto& p : packages) {
    const auto colon = p.version.find(':');
    const std::string epoch = colon == std::string::npos ? "0" : p.version.substr(0, colon);
    const std::string evr = colon == std::string::npos ? "0:" + p.version : p.version;
    const std::string source = p.source_version.empty() ? p.version : p.source_version;
    const std::string source_vr = source.substr(source.find(':') == std::string::npos ? 0 : source.find(':') + 1);
    const std::string srpm = p.source_name.empty() ? "(none)" : p.source_name + "-" + source_vr + ".src.rpm";
    l.packages.push_back(p.name + " " + evr + " " + (p.arch.empty() ? "(none)" : p.arch) + " " + srpm);
    l.licenses.push_back(p.name + " " + p.license);
    for (const auto& f : p.files) l.files.push_back(p.name + " " + f);
  }
  for (auto* v : {&l.packages, &l.licenses, &l.files}) std::sort(v->begin(), v->end());
  return l;
}

void expect_same(const Listing& moat, const Listing& rpm) {
  ASSERT_FALSE(rpm.packages.empty());
  EXPECT_EQ(moat.packages, rpm.packages);
  EXPECT_EQ(moat.licenses, rpm.licenses);
  EXPECT_EQ(moat.files, rpm.files);
}

const Package* find(const std::vector<Package>& ps, const std::string& name) {
  for (const auto& p : ps)
    if (p.name == name) return &p;
  return nullptr;
}

void expect_known_packages(const std::vector<Package>& ps, const std::string& path) {
  ASSERT_EQ(ps.size(), 5u);
  for (const auto& p : ps) {
    EXPECT_EQ(p.ecosystem, "rpm");
    EXPECT_EQ(p.found_in, path);
    EXPECT_TRUE(p.layer.empty());
  }
  const Package* beta = find(ps, "beta");
  ASSERT_TRUE(beta);
  EXPECT_EQ(beta->version, "2:3.4.5-7.el9");
  EXPECT_EQ(beta->arch, "x86_64");
  EXPECT_EQ(beta->source_name, "beta");
  EXPECT_EQ(beta->source_version, "");  // same as version
  const Package* lib = find(ps, "libbeta");
  ASSERT_TRUE(lib);
  EXPECT_EQ(lib->version, "2:1.2-7.el9");
  EXPECT_EQ(lib->source_name, "beta");
  EXPECT_EQ(lib->source_version, "2:3.4.5-7.el9");
  EXPECT_EQ(lib->files, std::vector<std::string>{"/usr/lib64/libbeta.so.1"});
  const Package* gamma = find(ps, "gamma");
  ASSERT_TRUE(gamma);
  EXPECT_EQ(gamma->version, "0.9-1");  // epoch 0 is written as no epoch
  EXPECT_EQ(gamma->files.size(), 152u);
  const Package* delta = find(ps, "delta");
  ASSERT_TRUE(delta);
  EXPECT_TRUE(delta->files.empty());
  EXPECT_EQ(find(ps, "gpg-pubkey"), nullptr);
}

TEST(RpmdbSqlite, MatchesRpm) {
  const auto ps = parse_rpmdb_sqlite(slurp(kData / "sqlite/rpmdb.sqlite"), "/var/lib/rpm/rpmdb.sqlite");
  expect_known_packages(ps, "/var/lib/rpm/rpmdb.sqlite");
  // The database does hold a signing key, which moat leaves out.
  EXPECT_NE(slurp(kData / "expected-packages.txt").find("\ngpg-pubkey "), std::string::npos);
  expect_same(moat_listing(ps), rpm_listing("sqlite", "sqlite"));
}

// A real Berkeley DB hash file written by db5.3_load; every header sits on overflow pages.
TEST(RpmdbBdb, MatchesRpmBdbRo) {
  const auto ps = parse_rpmdb_bdb(slurp(kData / "bdb/Packages"), "/var/lib/rpm/Packages");
  expect_known_packages(ps, "/var/lib/rpm/Packages");
  expect_same(moat_listing(ps), rpm_listing("bdb", "bdb_ro"));
}

// Big endian, page checksums, small headers on the hash page and one on overflow pages. rpm's
// bdb_ro cannot read checksummed files, so the reference is the sqlite database of the same headers.
TEST(RpmdbBdb, BigEndianWithChecksumsMatchesRpm) {
  const auto ps = parse_rpmdb_bdb(slurp(kData / "bdb-be/Packages"), "/var/lib/rpm/Packages");
  expect_known_packages(ps, "/var/lib/rpm/Packages");
  expect_same(moat_listing(ps), rpm_listing("sqlite", "sqlite"));
}

// Debian's rpm has no ndb backend: the reference is the sqlite database of the same headers.
TEST(RpmdbNdb, MatchesRpm) {
  const auto ps = parse_rpmdb_ndb(slurp(kData / "ndb/Packages.db"), "/usr/lib/sysimage/rpm/Packages.db");
  expect_known_packages(ps, "/usr/lib/sysimage/rpm/Packages.db");
  expect_same(moat_listing(ps), rpm_listing("sqlite", "sqlite"));
}

// ---- header blobs built by hand -------------------------------------------------------------------

struct Entry {
  std::uint32_t tag;
  std::uint32_t type;
  std::string data;
  std::uint32_t count;
};

Entry str(std::uint32_t tag, const std::string& s) { return {tag, 6, s + '\0', 1}; }
Entry strs(std::uint32_t tag, const std::vector<std::string>& v) {
  std::string d;
  for (const auto& s : v) d += s + '\0';
  return {tag, 8, d, static_cast<std::uint32_t>(v.size())};
}
std::string be(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}
Entry i32(std::uint32_t tag, const std::vector<std::uint32_t>& v) {
  std::string d;
  for (auto x : v) d += be(x);
  return {tag, 4, d, static_cast<std::uint32_t>(v.size())};
}

std::string blob(const std::vector<Entry>& entries) {
  std::string index, data;
  for (const auto& e : entries) {
    if (e.type == 4)
      while (data.size() % 4) data += '\0';
    index += be(e.tag) + be(e.type) + be(static_cast<std::uint32_t>(data.size())) + be(e.count);
    data += e.data;
  }
  return be(static_cast<std::uint32_t>(entries.size())) + be(static_cast<std::uint32_t>(data.size())) + index + data;
}

std::vector<Entry> basic() {
  return {str(1000, "foo"),     str(1001, "1.2"), str(1002, "3.fc40"),
          str(1022, "aarch64"), str(1014, "BSD"), str(1044, "foo-libs-1.2-3.fc40.src.rpm")};
}

TEST(RpmHeader, ReadsFields) {
  auto e = basic();
  e.push_back(i32(1003, {12}));
  e.push_back(strs(1117, {"a", "b", "c"}));
  e.push_back(strs(1118, {"/x/", "/y/"}));
  e.push_back(i32(1116, {0, 1, 0}));
  const auto p = parse_rpm_header(blob(e), "/db");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name, "foo");
  EXPECT_EQ(p->version, "12:1.2-3.fc40");
  EXPECT_EQ(p->arch, "aarch64");
  EXPECT_EQ(p->license, "BSD");
  EXPECT_EQ(p->source_name, "foo-libs");  // dashes stay in the name
  EXPECT_EQ(p->source_version, "");
  EXPECT_EQ(p->found_in, "/db");
  EXPECT_EQ(p->files, (std::vector<std::string>{"/x/a", "/y/b", "/x/c"}));
}

TEST(RpmHeader, OldFilenamesAndMissingOptionalTags) {
  auto e = std::vector<Entry>{str(1000, "old"), str(1001, "1"), str(1002, "1"), strs(1027, {"/bin/old", "/etc/old"})};
  const auto p = parse_rpm_header(blob(e), "/db");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->version, "1-1");
  EXPECT_EQ(p->arch, "");
  EXPECT_EQ(p->source_name, "");
  EXPECT_EQ(p->files, (std::vector<std::string>{"/bin/old", "/etc/old"}));
}

TEST(RpmHeader, OddSourceRpmIsIgnored) {
  auto e = basic();
  e[5] = str(1044, "nodashes.src.rpm");
  const auto p = parse_rpm_header(blob(e), "/db");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->source_name, "");
}

TEST(RpmHeader, SkipsGpgPubkey) {
  EXPECT_FALSE(parse_rpm_header(blob({str(1000, "gpg-pubkey"), str(1001, "e0ea8641"), str(1002, "6b03e52a")}), "/db"));
}

TEST(RpmHeader, MalformedGivesError) {
  const std::string good = blob(basic());
  std::vector<std::string> bad = {
      "",
      good.substr(0, 7),
      good.substr(0, good.size() - 1),
      good + '\0',
      be(0) + be(0),                                                   // no entries
      be(0x10000) + be(0),                                             // too many entries
      be(1) + be(0x20000000),                                          // data store too large
      blob({str(1001, "1"), str(1002, "1")}),                          // no name
      blob({i32(1000, {1}), str(1001, "1"), str(1002, "1")}),          // name of the wrong type
      blob({str(1000, "x"), str(1002, "1")}),                          // no version
      blob({str(1001, "1"), str(1002, "1"), {1000, 6, "x", 1}}),       // unterminated string
      blob({{1000, 6, "x\0y\0", 2}, str(1001, "1"), str(1002, "1")}),  // string with count 2
      blob({{1000, 99, "x\0", 1}, str(1001, "1"), str(1002, "1")}),    // unknown type
  };
  auto with = [&](std::vector<Entry> extra) {
    auto e = basic();
    e.insert(e.end(), extra.begin(), extra.end());
    return blob(e);
  };
  bad.push_back(with({strs(1117, {"a", "b"}), strs(1118, {"/"}), i32(1116, {0})}));  // count mismatch
  bad.push_back(with({strs(1117, {"a"}), strs(1118, {"/"}), i32(1116, {1})}));       // index out of range
  bad.push_back(with({{1117, 8, std::string("a\0", 2), 1000000}}));                  // count past the data
  bad.push_back(with({{1116, 4, "", 1}, strs(1117, {"a"}), strs(1118, {"/"})}));     // int32 past the data
  std::string offset_past_end = good;
  offset_past_end[8 + 8] = '\x7f';  // offset of the first entry
  bad.push_back(offset_past_end);
  for (std::size_t i = 0; i < bad.size(); ++i) EXPECT_THROW(parse_rpm_header(bad[i], "/db"), moat::Error) << i;
}

// A real header blob: the first one in the NDB file (head: magic, index, timestamp, length).
std::string first_real_blob() {
  const std::string db = slurp(kData / "ndb/Packages.db");
  auto le = [&](std::size_t at) {
    return std::uint32_t{static_cast<unsigned char>(db[at])} |
           std::uint32_t{static_cast<unsigned char>(db[at + 1])} << 8 |
           std::uint32_t{static_cast<unsigned char>(db[at + 2])} << 16 |
           std::uint32_t{static_cast<unsigned char>(db[at + 3])} << 24;
  };
  const std::size_t off = std::size_t{le(32 + 8)} * 16;
  return db.substr(off + 16, le(off + 12));
}

TEST(RpmHeader, EveryTruncationOfARealHeaderGivesError) {
  const std::string real = first_real_blob();
  ASSERT_TRUE(parse_rpm_header(real, "/db"));
  for (std::size_t n = 0; n < real.size(); ++n)
    EXPECT_THROW(parse_rpm_header(real.substr(0, n), "/db"), moat::Error) << n;
}

// ---- malformed databases -------------------------------------------------------------------------

// Flips bytes across a real database: each parse must succeed or throw moat::Error, nothing else.
template <typename Parse>
void mutate_everywhere(const std::string& db, Parse parse, std::size_t stride) {
  for (std::size_t i = 0; i < db.size(); i += stride) {
    std::string m = db;
    m[i] = static_cast<char>(m[i] ^ 0x5a);
    try {
      parse(m, "/db");
    } catch (const moat::Error&) {
    }
  }
  for (std::size_t n : {db.size() / 2, db.size() - 1, std::size_t{600}, std::size_t{0}})
    EXPECT_THROW(parse(db.substr(0, n), "/db"), moat::Error) << n;
}

std::string serialized(const char* sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_int64 size = 0;
  unsigned char* bytes = sqlite3_serialize(db, "main", &size, 0);
  std::string out(reinterpret_cast<char*>(bytes), static_cast<std::size_t>(size));
  sqlite3_free(bytes);
  sqlite3_close(db);
  return out;
}

TEST(RpmdbSqlite, MalformedGivesError) {
  EXPECT_THROW(parse_rpmdb_sqlite("not a database", "/db"), moat::Error);
  EXPECT_THROW(parse_rpmdb_sqlite(serialized("CREATE TABLE Other (x)"), "/db"), moat::Error);
  EXPECT_THROW(parse_rpmdb_sqlite(serialized("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB);"
                                             "INSERT INTO Packages VALUES (1, x'0000000100000000')"),
                                  "/db"),
               moat::Error);
  // A view that would never finish: refused without running it.
  EXPECT_THROW(parse_rpmdb_sqlite(serialized("CREATE VIEW Packages AS WITH RECURSIVE n(hnum, blob) AS "
                                             "(SELECT 1, x'' UNION ALL SELECT hnum + 1, x'' FROM n) SELECT * FROM n"),
                                  "/db"),
               moat::Error);
  EXPECT_TRUE(
      parse_rpmdb_sqlite(serialized("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB)"), "/db").empty());
}

TEST(RpmdbSqlite, MutationsGiveErrorOrPackages) {
  mutate_everywhere(slurp(kData / "sqlite/rpmdb.sqlite"), parse_rpmdb_sqlite, 997);
}

void put_le32(std::string& s, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>(v >> (8 * i));
}

TEST(RpmdbBdb, MalformedGivesError) {
  const std::string db = slurp(kData / "bdb/Packages");
  EXPECT_THROW(parse_rpmdb_bdb(std::string(4096, '\0'), "/db"), moat::Error);
  std::string btree = db;
  put_le32(btree, 12, 0x053162);
  EXPECT_THROW(parse_rpmdb_bdb(btree, "/db"), moat::Error);
  std::string encrypted = db;
  encrypted[24] = 1;
  EXPECT_THROW(parse_rpmdb_bdb(encrypted, "/db"), moat::Error);
  // A bucket page whose chain leads back to itself.
  std::string loop = db;
  put_le32(loop, 4096 + 16, 1);
  EXPECT_THROW(parse_rpmdb_bdb(loop, "/db"), moat::Error);
  // An overflow page, not the last of its chain, that links to itself.
  std::size_t linked = 0;
  for (std::size_t pg = 1; pg < db.size() / 4096 && !linked; ++pg)
    if (db[pg * 4096 + 25] == 7 && db.substr(pg * 4096 + 16, 4) != std::string(4, '\0')) linked = pg;
  ASSERT_NE(linked, 0u);
  std::string ovloop = db;
  put_le32(ovloop, linked * 4096 + 16, static_cast<std::uint32_t>(linked));
  EXPECT_THROW(parse_rpmdb_bdb(ovloop, "/db"), moat::Error);
  // More buckets than pages.
  std::string buckets = db;
  put_le32(buckets, 72, 0xffffffff);
  EXPECT_THROW(parse_rpmdb_bdb(buckets, "/db"), moat::Error);
}

TEST(RpmdbBdb, MutationsGiveErrorOrPackages) {
  mutate_everywhere(slurp(kData / "bdb/Packages"), parse_rpmdb_bdb, 37);
  mutate_everywhere(slurp(kData / "bdb-be/Packages"), parse_rpmdb_bdb, 41);
}

TEST(RpmdbNdb, MalformedGivesError) {
  const std::string db = slurp(kData / "ndb/Packages.db");
  EXPECT_THROW(parse_rpmdb_ndb("RpmP", "/db"), moat::Error);
  std::string checksum = db;
  checksum[4096 + 100] ^= 1;  // inside the first blob
  EXPECT_THROW(parse_rpmdb_ndb(checksum, "/db"), moat::Error);
  std::string slot = db;
  put_le32(slot, 32 + 8, 1);  // blob offset inside the slot page
  EXPECT_THROW(parse_rpmdb_ndb(slot, "/db"), moat::Error);
  std::string pages = db;
  put_le32(pages, 12, 1000);
  EXPECT_THROW(parse_rpmdb_ndb(pages, "/db"), moat::Error);
}

TEST(RpmdbNdb, MutationsGiveErrorOrPackages) {
  mutate_everywhere(slurp(kData / "ndb/Packages.db"), parse_rpmdb_ndb, 13);
}

}  // namespace
}  // namespace moat::inventory
