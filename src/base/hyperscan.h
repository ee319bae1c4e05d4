#pragma once
// Hyperscan plumbing shared by the scanners that link it (secret, malware); header-only because base
// itself does not link Hyperscan.
//  - HyperscanScratch: scratch space for scans of one database from many threads at once.
//  - HyperscanLiterals: whether a text holds any of a set of literals.
//  - load_database / store_database: a compiled database kept in a cache file, since compiling is
//    most of a scanner's start-up.
#include <hs/hs.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/files.h"

namespace moat {

class HyperscanScratch {
 public:
  explicit HyperscanScratch(const hs_database_t* database) {
    if (hs_alloc_scratch(database, &prototype_) != HS_SUCCESS) throw std::bad_alloc();
  }
  ~HyperscanScratch() {
    for (hs_scratch_t* s : idle_) hs_free_scratch(s);
    hs_free_scratch(prototype_);
  }
  HyperscanScratch(const HyperscanScratch&) = delete;
  HyperscanScratch& operator=(const HyperscanScratch&) = delete;

  // A scratch serves one scan at a time: each scan leases one, cloned when none is idle.
  class Lease {
   public:
    explicit Lease(const HyperscanScratch& pool) : pool_(pool), scratch_(pool.take()) {}
    ~Lease() { pool_.put(scratch_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    hs_scratch_t* get() const { return scratch_; }

   private:
    const HyperscanScratch& pool_;
    hs_scratch_t* scratch_;
  };

 private:
  hs_scratch_t* take() const {
    {
      const std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        hs_scratch_t* s = idle_.back();
        idle_.pop_back();
        return s;
      }
    }
    hs_scratch_t* s = nullptr;
    if (hs_clone_scratch(prototype_, &s) != HS_SUCCESS) throw std::bad_alloc();
    return s;
  }
  void put(hs_scratch_t* s) const {
    const std::lock_guard lock(mutex_);
    idle_.push_back(s);
  }

  hs_scratch_t* prototype_ = nullptr;
  mutable std::mutex mutex_;
  mutable std::vector<hs_scratch_t*> idle_;
};

// Whether a text holds any of a fixed set of literals, in one Hyperscan pass instead of a search per
// literal. Compiled at construction (fails with std::bad_alloc or moat::Error); scans are thread-safe.
class HyperscanLiterals {
 public:
  explicit HyperscanLiterals(const std::vector<std::string_view>& literals) {
    std::vector<const char*> data;
    std::vector<size_t> lengths;
    std::vector<unsigned> flags(literals.size(), HS_FLAG_SINGLEMATCH), ids(literals.size(), 0);
    for (std::string_view l : literals) {
      data.push_back(l.data());
      lengths.push_back(l.size());
    }
    hs_compile_error_t* error = nullptr;
    if (hs_compile_lit_multi(data.data(), flags.data(), ids.data(), lengths.data(), static_cast<unsigned>(data.size()),
                             HS_MODE_BLOCK, nullptr, &database_, &error) != HS_SUCCESS) {
      const std::string message = error->message;
      hs_free_compile_error(error);
      throw Error("Hyperscan cannot compile a literal set: " + message);
    }
    scratch_ = std::make_unique<HyperscanScratch>(database_);
  }
  ~HyperscanLiterals() {
    scratch_.reset();
    hs_free_database(database_);
  }
  HyperscanLiterals(const HyperscanLiterals&) = delete;
  HyperscanLiterals& operator=(const HyperscanLiterals&) = delete;

  bool any_in(std::string_view text) const {
    const HyperscanScratch::Lease scratch(*scratch_);
    const auto stop = [](unsigned, unsigned long long, unsigned long long, unsigned, void*) { return 1; };
    // Texts over 4 GiB are searched in their first 4 GiB (Hyperscan's lengths are unsigned int).
    const auto length = static_cast<unsigned>(std::min<size_t>(text.size(), UINT32_MAX));
    return hs_scan(database_, text.data(), length, 0, scratch.get(), stop, nullptr) == HS_SCAN_TERMINATED;
  }

 private:
  hs_database_t* database_ = nullptr;
  std::unique_ptr<HyperscanScratch> scratch_;
};

// Cache file: "moat-hs2\n", the caller's header's length in decimal and a newline, the header, then
// the serialized database. The header carries what the caller derived beside the database.
inline constexpr std::string_view kHyperscanCacheMagic = "moat-hs2\n";

// The database and header stored in `file`, or nullptr when there is none or it does not load (another
// Hyperscan version or CPU, a torn write): the caller then compiles again.
inline hs_database_t* load_database(const std::filesystem::path& file, std::string& header) {
  std::string bytes;
  try {
    bytes = read_file(file, 256ull << 20);
  } catch (const Error&) {
    return nullptr;
  }
  if (bytes.compare(0, kHyperscanCacheMagic.size(), kHyperscanCacheMagic) != 0) return nullptr;
  const size_t eol = bytes.find('\n', kHyperscanCacheMagic.size());
  if (eol == std::string::npos) return nullptr;
  size_t length = 0;
  try {
    length = std::stoul(bytes.substr(kHyperscanCacheMagic.size(), eol - kHyperscanCacheMagic.size()));
  } catch (const std::exception&) {
    return nullptr;
  }
  if (length > bytes.size() - eol - 1) return nullptr;
  const size_t database_at = eol + 1 + length;
  hs_database_t* db = nullptr;
  if (hs_deserialize_database(bytes.data() + database_at, bytes.size() - database_at, &db) != HS_SUCCESS)
    return nullptr;
  header = bytes.substr(eol + 1, length);
  return db;
}

// Best effort: a cache that cannot be written only costs time on the next start.
inline void store_database(const std::filesystem::path& file, std::string_view header, const hs_database_t* db) {
  char* serialized = nullptr;
  size_t length = 0;
  if (hs_serialize_database(db, &serialized, &length) != HS_SUCCESS) return;
  std::string out(kHyperscanCacheMagic);
  out += std::to_string(header.size()) + "\n";
  out += header;
  out.append(serialized, length);
  std::free(serialized);  // allocated by Hyperscan's default allocator, which is malloc
  try {
    std::filesystem::create_directories(file.parent_path());
    write_file_atomic(file, out);
  } catch (const std::exception&) {
  }
}

}  // namespace moat
