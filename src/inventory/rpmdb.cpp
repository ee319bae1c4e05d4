#include "inventory/rpmdb.h"

#include <sqlite3.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "base/error.h"
#include "inventory/rpm_header.h"

namespace moat::inventory {
namespace {

// Caps the bytes one parse may copy or build (overflow chains, NDB blobs, file paths) at a multiple
// of its input, so that pointers that share data cannot multiply a small hostile file into a
// large allocation. Real databases stay far below: paths and blobs add up to about the file size.
class Budget {
 public:
  Budget(std::size_t input_size, std::string_view path)
      : left_((64u << 20) + 4 * std::uint64_t{input_size}), path_(path) {}
  void spend(std::uint64_t bytes) {
    if (bytes > left_) fail(path_, "expands to more data than its size allows");
    left_ -= bytes;
  }

 private:
  std::uint64_t left_;
  std::string path_;
};

struct SourceRpm {
  std::string name;
  std::string version_release;
};

// "name-version-release.src.rpm": name may hold dashes, version and release may not.
std::optional<SourceRpm> split_source_rpm(std::string_view s) {
  for (std::string_view suffix : {".src.rpm", ".nosrc.rpm"}) {
    if (s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix) {
      s.remove_suffix(suffix.size());
      const auto release = s.rfind('-');
      if (release == std::string_view::npos || release == 0) return std::nullopt;
      const auto version = s.rfind('-', release - 1);
      if (version == std::string_view::npos || version == 0) return std::nullopt;
      return SourceRpm{std::string(s.substr(0, version)), std::string(s.substr(version + 1))};
    }
  }
  return std::nullopt;
}

std::vector<std::string> file_paths(const rpm::Header& h, const std::string& input, Budget& budget) {
  std::vector<std::string> out;
  const auto basenames = h.strings(rpm::tag::kBasenames);
  if (basenames.empty()) {
    for (std::string_view name : h.strings(rpm::tag::kOldFilenames)) {
      budget.spend(sizeof(std::string) + name.size());
      out.emplace_back(name);
    }
    return out;
  }
  const auto indexes = h.int32s(rpm::tag::kDirIndexes);
  const auto dirs = h.strings(rpm::tag::kDirNames);
  if (indexes.size() != basenames.size())
    fail(input, "rpm header has " + std::to_string(basenames.size()) + " file names but " +
                    std::to_string(indexes.size()) + " directory indexes");
  out.reserve(basenames.size());
  for (std::size_t i = 0; i < basenames.size(); ++i) {
    if (indexes[i] >= dirs.size())
      fail(input, "rpm header file " + std::to_string(i) + " names directory " + std::to_string(indexes[i]) + " of " +
                      std::to_string(dirs.size()));
    const std::string_view dir = dirs[indexes[i]];
    budget.spend(sizeof(std::string) + dir.size() + basenames[i].size());
    std::string& path = out.emplace_back();
    path.reserve(dir.size() + basenames[i].size());
    path.append(dir).append(basenames[i]);
  }
  return out;
}

// `input` names the record for errors; `path` is the database file the package was found in.
std::optional<Package> header_to_package(std::string_view blob, std::string_view path, const std::string& input,
                                         Budget& budget) {
  const rpm::Header h(blob, input);
  auto name = h.string(rpm::tag::kName);
  if (!name || name->empty()) fail(input, "rpm header has no package name");
  // Imported signing keys live in the database as packages named gpg-pubkey; they are not software.
  if (*name == "gpg-pubkey") return std::nullopt;
  const auto version = h.string(rpm::tag::kVersion);
  const auto release = h.string(rpm::tag::kRelease);
  if (!version || !release) fail(input, "rpm header of " + *name + " has no version or release");

  Package p;
  p.ecosystem = eco::kRpm;
  p.name = std::move(*name);
  const auto epoch = h.int32s(rpm::tag::kEpoch);
  const std::string epoch_prefix = !epoch.empty() && epoch[0] != 0 ? std::to_string(epoch[0]) + ":" : "";
  p.version = epoch_prefix + *version + "-" + *release;
  p.arch = h.string(rpm::tag::kArch).value_or("");
  p.license = h.string(rpm::tag::kLicense).value_or("");
  if (const auto srpm = h.string(rpm::tag::kSourceRpm)) {
    if (auto source = split_source_rpm(*srpm)) {
      p.source_name = std::move(source->name);
      // The source rpm's file name carries no epoch; it is the binary's (source and binaries are
      // built together), which is how advisories keyed by source package spell fixed versions.
      std::string source_version = epoch_prefix + source->version_release;
      if (source_version != p.version) p.source_version = std::move(source_version);
    }
  }
  p.found_in = std::string(path);
  p.files = file_paths(h, input, budget);
  return p;
}

void add_package(std::vector<Package>& out, std::string_view blob, std::string_view path, const std::string& input,
                 Budget& budget) {
  if (auto p = header_to_package(blob, path, input, budget)) out.push_back(std::move(*p));
}

// ---- Berkeley DB hash ----------------------------------------------------------------------------
// Layout from Berkeley DB's db_page.h: page 0 is the hash metadata page, every page starts with a
// 26-byte header (lsn, pgno, prev, next, entries, hf_offset, level, type), followed by 6 more bytes
// when the database keeps page checksums. Hash pages hold key/data item pairs, addressed by an
// offset table and packed downwards from the page end; a large item is an H_OFFPAGE reference to
// a chain of overflow pages. Integers are in the byte order of the machine that wrote the file.

constexpr std::uint32_t kHashMagic = 0x061561;
constexpr std::uint32_t kBtreeMagic = 0x053162;
constexpr unsigned char kPageHashUnsorted = 2;
constexpr unsigned char kPageOverflow = 7;
constexpr unsigned char kPageHashMeta = 8;
constexpr unsigned char kPageHash = 13;
constexpr unsigned char kItemKeyData = 1;
constexpr unsigned char kItemOffPage = 3;

class BdbHash {
 public:
  BdbHash(std::string_view db, std::string_view path) : db_(db), path_(path) {
    if (db.size() < 512) fail(path_, "too short for a Berkeley DB file");
    if (le32(12) == kHashMagic) {
      big_endian_ = false;
    } else if (be32(12) == kHashMagic) {
      big_endian_ = true;
    } else if (le32(12) == kBtreeMagic || be32(12) == kBtreeMagic) {
      fail(path_, "is a Berkeley DB btree, not the hash database rpm keeps packages in");
    } else {
      fail(path_, "is not a Berkeley DB hash database");
    }
    const std::uint32_t version = u32(db_.data() + 16);
    if (version < 8 || version > 10) fail(path_, "has unsupported Berkeley DB hash version " + std::to_string(version));
    pagesize_ = u32(db_.data() + 20);
    if (pagesize_ < 512 || pagesize_ > 65536 || (pagesize_ & (pagesize_ - 1)) != 0)
      fail(path_, "has invalid Berkeley DB page size " + std::to_string(pagesize_));
    if (byte(24) != 0) fail(path_, "is an encrypted Berkeley DB database");
    if (byte(25) != kPageHashMeta) fail(path_, "has no Berkeley DB hash metadata page");
    items_at_ = (byte(26) & 1) ? 32 : 26;  // DBMETA_CHKSUM: room for the page checksum
    if (db_.size() % pagesize_ != 0) fail(path_, "is truncated: its size is not a whole number of pages");
    pages_ = db_.size() / pagesize_;
    if (u32(db_.data() + 32) >= pages_) fail(path_, "is truncated: its last page is missing");
    max_bucket_ = u32(db_.data() + 72);
    if (max_bucket_ >= pages_) fail(path_, "has more hash buckets than pages");
    for (int i = 0; i < 32; ++i) spares_[i] = u32(db_.data() + 96 + 4 * i);
  }

  // Calls `record(value, where)` for every key/data pair, bucket by bucket, following each
  // bucket's chain of pages. Each page is read at most once.
  template <typename F>
  void for_each_record(Budget& budget, F&& record) const {
    std::vector<bool> seen(pages_);
    for (std::uint64_t bucket = 0; bucket <= max_bucket_; ++bucket) {
      for (std::uint32_t pgno = bucket_page(static_cast<std::uint32_t>(bucket)); pgno != 0;) {
        if (pgno >= pages_) fail(path_, "Berkeley DB page " + std::to_string(pgno) + " is past the end of the file");
        if (seen[pgno]) fail(path_, "Berkeley DB page " + std::to_string(pgno) + " is linked twice");
        seen[pgno] = true;
        const std::string_view pg = page(pgno);
        const unsigned char type = static_cast<unsigned char>(pg[25]);
        if (type != kPageHash && type != kPageHashUnsorted)
          fail(path_,
               "Berkeley DB page " + std::to_string(pgno) + " in a hash bucket has type " + std::to_string(type));
        read_hash_page(pg, pgno, budget, record);
        pgno = u32(pg.data() + 16);
      }
    }
  }

 private:
  template <typename F>
  void read_hash_page(std::string_view pg, std::uint32_t pgno, Budget& budget, F& record) const {
    const std::uint32_t entries = u16(pg.data() + 20);
    const std::string where = "Berkeley DB page " + std::to_string(pgno);
    if (entries % 2 != 0) fail(path_, where + " has an unpaired key");
    const std::size_t items_end = items_at_ + 2 * std::size_t{entries};
    if (items_end > pagesize_) fail(path_, where + " has more items than fit");
    std::size_t previous = pagesize_;  // items are packed downwards: item i ends where i-1 starts
    auto item = [&](std::uint32_t i) {
      const std::size_t off = u16(pg.data() + items_at_ + 2 * i);
      if (off < items_end || off >= previous) fail(path_, where + " item " + std::to_string(i) + " is out of place");
      const std::string_view it = pg.substr(off, previous - off);
      previous = off;
      return it;
    };
    for (std::uint32_t i = 0; i < entries; i += 2) {
      const std::string_view key = item(i);
      const std::string_view data = item(i + 1);
      const std::string at = where + " item " + std::to_string(i + 1);
      // rpm keeps its next package instance number under key 0: not a header.
      if (key.size() == 5 && key[0] == kItemKeyData && key.substr(1) == std::string_view("\0\0\0\0", 4)) continue;
      if (data[0] == kItemKeyData) {
        record(data.substr(1), at);
      } else if (data[0] == kItemOffPage) {
        if (data.size() < 12) fail(path_, at + " is a truncated overflow reference");
        const std::string value = overflow(u32(data.data() + 4), u32(data.data() + 8), at, budget);
        record(std::string_view(value), at);
      } else {
        fail(path_,
             at + " has unsupported Berkeley DB item type " + std::to_string(static_cast<unsigned char>(data[0])));
      }
    }
  }

  std::string overflow(std::uint32_t pgno, std::uint32_t length, const std::string& at, Budget& budget) const {
    if (length > db_.size()) fail(path_, at + " claims an overflow item larger than the file");
    budget.spend(length);
    std::string out;
    out.reserve(length);
    for (std::uint64_t steps = 0; out.size() < length; ++steps) {
      if (pgno == 0) fail(path_, at + " overflow chain ends early");
      if (steps == pages_) fail(path_, at + " overflow chain loops");
      const std::string_view pg = page(pgno);
      if (static_cast<unsigned char>(pg[25]) != kPageOverflow)
        fail(path_, at + " overflow chain reaches page " + std::to_string(pgno) + ", not an overflow page");
      const std::size_t used = u16(pg.data() + 22);
      if (used == 0 || used > pagesize_ - items_at_ || used > length - out.size())
        fail(path_, "Berkeley DB overflow page " + std::to_string(pgno) + " has a bad length");
      out.append(pg.substr(items_at_, used));
      pgno = u32(pg.data() + 16);
    }
    return out;
  }

  std::uint32_t bucket_page(std::uint32_t bucket) const {
    // Buckets are allocated in doublings; spares[n] is the page offset of doubling n.
    int doubling = 0;
    for (std::uint32_t b = bucket; b != 0; b >>= 1) ++doubling;
    if (doubling >= 32) fail(path_, "Berkeley DB bucket " + std::to_string(bucket) + " is out of range");
    const std::uint64_t pgno = std::uint64_t{bucket} + spares_[doubling];
    if (pgno == 0 || pgno >= pages_) fail(path_, "Berkeley DB bucket " + std::to_string(bucket) + " is past the end");
    return static_cast<std::uint32_t>(pgno);
  }

  std::string_view page(std::uint32_t pgno) const {
    if (pgno >= pages_) fail(path_, "Berkeley DB page " + std::to_string(pgno) + " is past the end of the file");
    const std::string_view pg = db_.substr(std::size_t{pgno} * pagesize_, pagesize_);
    if (u32(pg.data() + 8) != pgno)
      fail(path_, "Berkeley DB page " + std::to_string(pgno) + " has a wrong page number");
    return pg;
  }

  unsigned char byte(std::size_t at) const { return static_cast<unsigned char>(db_[at]); }
  std::uint32_t le32(std::size_t at) const {
    return std::uint32_t{byte(at)} | std::uint32_t{byte(at + 1)} << 8 | std::uint32_t{byte(at + 2)} << 16 |
           std::uint32_t{byte(at + 3)} << 24;
  }
  std::uint32_t be32(std::size_t at) const {
    return std::uint32_t{byte(at)} << 24 | std::uint32_t{byte(at + 1)} << 16 | std::uint32_t{byte(at + 2)} << 8 |
           std::uint32_t{byte(at + 3)};
  }
  std::uint32_t u32(const char* p) const {
    const std::size_t at = p - db_.data();
    return big_endian_ ? be32(at) : le32(at);
  }
  std::uint32_t u16(const char* p) const {
    const std::size_t at = p - db_.data();
    return big_endian_ ? std::uint32_t{byte(at)} << 8 | byte(at + 1) : std::uint32_t{byte(at + 1)} << 8 | byte(at);
  }

  std::string_view db_;
  std::string path_;
  bool big_endian_ = false;
  std::uint32_t pagesize_ = 0;
  std::size_t items_at_ = 26;
  std::uint64_t pages_ = 0;
  std::uint32_t max_bucket_ = 0;
  std::uint32_t spares_[32] = {};
};

// ---- NDB -----------------------------------------------------------------------------------------
// Layout from rpm's lib/backend/ndb/rpmpkg.c, little endian throughout: slot pages of 4 KiB (the
// first 32 bytes of page 0 are the database header), 16-byte slots naming where each package's
// blob lies in 16-byte blocks, and each blob framed by a head (magic, package index, timestamp,
// length) and a tail (adler32 of everything before it, length, magic).

constexpr std::uint32_t kNdbPage = 4096;
constexpr std::uint32_t kNdbBlock = 16;
constexpr std::uint32_t kNdbBlobHead = 16;
constexpr std::uint32_t kNdbBlobTail = 12;

std::uint32_t magic(const char (&s)[5]) {
  return std::uint32_t{static_cast<unsigned char>(s[0])} | std::uint32_t{static_cast<unsigned char>(s[1])} << 8 |
         std::uint32_t{static_cast<unsigned char>(s[2])} << 16 | std::uint32_t{static_cast<unsigned char>(s[3])} << 24;
}

std::uint32_t le32_at(std::string_view s, std::size_t at) {
  const auto* u = reinterpret_cast<const unsigned char*>(s.data() + at);
  return std::uint32_t{u[0]} | std::uint32_t{u[1]} << 8 | std::uint32_t{u[2]} << 16 | std::uint32_t{u[3]} << 24;
}

std::string_view ndb_blob(std::string_view db, std::string_view path, std::uint32_t pkgidx, std::uint32_t blkoff,
                          std::uint32_t blkcnt) {
  const std::string at = "NDB package " + std::to_string(pkgidx);
  const std::string_view blob = db.substr(std::size_t{blkoff} * kNdbBlock, std::size_t{blkcnt} * kNdbBlock);
  if (le32_at(blob, 0) != magic("BlbS") || le32_at(blob, 4) != pkgidx)
    fail(std::string(path), at + " has no blob head");
  const std::uint32_t length = le32_at(blob, 12);
  if ((std::uint64_t{kNdbBlobHead} + length + kNdbBlobTail + kNdbBlock - 1) / kNdbBlock != blkcnt)
    fail(std::string(path), at + " blob length does not match its slot");
  const std::size_t tail = blob.size() - kNdbBlobTail;
  if (le32_at(blob, tail + 4) != length || le32_at(blob, tail + 8) != magic("BlbE"))
    fail(std::string(path), at + " has no blob tail");
  const auto adler = adler32_z(adler32_z(0, nullptr, 0), reinterpret_cast<const Bytef*>(blob.data()), tail);
  if (adler != le32_at(blob, tail)) fail(std::string(path), at + " fails its adler32 check");
  return blob.substr(kNdbBlobHead, length);
}

// ---- SQLite --------------------------------------------------------------------------------------

struct SqliteClose {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StatementFinalize {
  void operator()(sqlite3_stmt* st) const { sqlite3_finalize(st); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalize>;

// Virtual-machine steps a query may take, counted in thousands: far above what reading a real
// Packages table needs, low enough to stop a crafted schema in well under a second or two.
constexpr int kSqliteStepsPerTick = 1000;
constexpr long kSqliteMaxTicks = 50000;

Statement prepare(sqlite3* db, const char* sql, std::string_view path) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
    sqlite3_finalize(st);
    fail(std::string(path), std::string("rpm sqlite database: ") + sqlite3_errmsg(db));
  }
  return Statement(st);
}

}  // namespace

std::optional<Package> parse_rpm_header(std::string_view blob, std::string_view path) {
  Budget budget(blob.size(), path);
  return header_to_package(blob, path, std::string(path), budget);
}

std::vector<Package> parse_rpmdb_bdb(std::string_view db_bytes, std::string_view path) {
  const BdbHash db(db_bytes, path);
  Budget budget(db_bytes.size(), path);
  std::vector<Package> out;
  db.for_each_record(budget, [&](std::string_view value, const std::string& at) {
    add_package(out, value, path, std::string(path) + " (" + at + ")", budget);
  });
  return out;
}

std::vector<Package> parse_rpmdb_ndb(std::string_view db_bytes, std::string_view path) {
  const std::string file(path);
  if (db_bytes.size() < 32 || le32_at(db_bytes, 0) != magic("RpmP")) fail(file, "is not an rpm NDB package database");
  if (db_bytes.size() % kNdbBlock != 0) fail(file, "is truncated: its size is not a whole number of blocks");
  if (const auto version = le32_at(db_bytes, 4); version != 0)
    fail(file, "has unsupported NDB version " + std::to_string(version));
  const std::uint32_t slot_pages = le32_at(db_bytes, 12);
  if (slot_pages == 0 || slot_pages > db_bytes.size() / kNdbPage) fail(file, "has a bad NDB slot page count");
  const std::uint64_t first_blob_block = std::uint64_t{slot_pages} * (kNdbPage / kNdbBlock);
  const std::uint64_t blocks = db_bytes.size() / kNdbBlock;

  Budget budget(db_bytes.size(), path);
  std::vector<Package> out;
  for (std::size_t off = 32; off < std::size_t{slot_pages} * kNdbPage; off += 16) {
    if (le32_at(db_bytes, off) != magic("Slot"))
      fail(file, "NDB slot at offset " + std::to_string(off) + " is damaged");
    const std::uint32_t pkgidx = le32_at(db_bytes, off + 4);
    const std::uint32_t blkoff = le32_at(db_bytes, off + 8);
    const std::uint32_t blkcnt = le32_at(db_bytes, off + 12);
    if (blkoff == 0) continue;  // a free slot
    if (pkgidx == 0 || blkoff < first_blob_block || std::uint64_t{blkoff} + blkcnt > blocks ||
        blkcnt < (kNdbBlobHead + kNdbBlobTail + kNdbBlock - 1) / kNdbBlock)
      fail(file, "NDB slot for package " + std::to_string(pkgidx) + " points outside the blob area");
    budget.spend(std::uint64_t{blkcnt} * kNdbBlock);
    const std::string_view blob = ndb_blob(db_bytes, path, pkgidx, blkoff, blkcnt);
    add_package(out, blob, path, file + " (NDB package " + std::to_string(pkgidx) + ")", budget);
  }
  return out;
}

std::vector<Package> parse_rpmdb_sqlite(std::string_view db_bytes, std::string_view path) {
  const std::string file(path);
  static constexpr std::string_view kSqliteMagic("SQLite format 3\0", 16);
  if (db_bytes.size() < 100 || db_bytes.substr(0, 16) != kSqliteMagic) fail(file, "is not an SQLite database");
  // SQLite reads missing pages as zeros, so a cut-off file could pass for a smaller database.
  const auto header_byte = [&](std::size_t at) { return static_cast<unsigned char>(db_bytes[at]); };
  const std::size_t page_size = header_byte(16) << 8 | header_byte(17);
  const std::size_t page_bytes = page_size == 1 ? 65536 : page_size;
  if (page_bytes < 512 || db_bytes.size() % page_bytes != 0)
    fail(file, "is truncated: its size is not a whole number of SQLite pages");

  sqlite3* raw = nullptr;
  const int opened = sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE, nullptr);
  std::unique_ptr<sqlite3, SqliteClose> db(raw);
  if (opened != SQLITE_OK) fail(file, "cannot open an in-memory SQLite database");
  // The schema comes from the image: run none of its functions with side effects, allow no
  // writes to the schema, and cap value sizes and work.
  sqlite3_db_config(raw, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(raw, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_limit(raw, SQLITE_LIMIT_LENGTH, static_cast<int>(std::min<std::size_t>(db_bytes.size(), 1u << 30)));
  long ticks = 0;
  sqlite3_progress_handler(
      raw, kSqliteStepsPerTick, [](void* t) { return ++*static_cast<long*>(t) > kSqliteMaxTicks ? 1 : 0; }, &ticks);

  auto* copy = static_cast<unsigned char*>(sqlite3_malloc64(db_bytes.size()));
  if (!copy) fail(file, "is too large to open in memory");
  std::memcpy(copy, db_bytes.data(), db_bytes.size());
  // rpm writes its database in WAL mode; an in-memory database has no WAL, so read it as a
  // rollback-journal database (header bytes 18 and 19 are the file format read/write versions).
  if (copy[18] == 2) copy[18] = 1;
  if (copy[19] == 2) copy[19] = 1;
  if (sqlite3_deserialize(raw, "main", copy, static_cast<sqlite3_int64>(db_bytes.size()),
                          static_cast<sqlite3_int64>(db_bytes.size()),
                          SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY) != SQLITE_OK)
    fail(file, std::string("rpm sqlite database: ") + sqlite3_errmsg(raw));

  // A view or virtual table named Packages could run any query; only an ordinary table is read.
  Statement kind =
      prepare(raw, "SELECT sql LIKE 'CREATE TABLE%' FROM sqlite_master WHERE name = 'Packages' COLLATE NOCASE", path);
  const int found = sqlite3_step(kind.get());
  if (found != SQLITE_ROW) {
    if (found == SQLITE_DONE) fail(file, "rpm sqlite database has no Packages table");
    fail(file, std::string("rpm sqlite database: ") + sqlite3_errmsg(raw));
  }
  if (sqlite3_column_int(kind.get(), 0) != 1) fail(file, "rpm sqlite database's Packages is not a plain table");
  kind.reset();

  Statement rows = prepare(raw, "SELECT hnum, blob FROM Packages ORDER BY hnum", path);
  Budget budget(db_bytes.size(), path);
  std::vector<Package> out;
  int rc;
  while ((rc = sqlite3_step(rows.get())) == SQLITE_ROW) {
    const auto* data = static_cast<const char*>(sqlite3_column_blob(rows.get(), 1));
    const std::string_view blob(data ? data : "", static_cast<std::size_t>(sqlite3_column_bytes(rows.get(), 1)));
    add_package(out, blob, path, file + " (package " + std::to_string(sqlite3_column_int64(rows.get(), 0)) + ")",
                budget);
  }
  if (rc != SQLITE_DONE) fail(file, std::string("rpm sqlite database: ") + sqlite3_errmsg(raw));
  return out;
}

}  // namespace moat::inventory
