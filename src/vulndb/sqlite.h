#pragma once
// A thin RAII layer over the SQLite C API for the advisory store: every failure becomes
// moat::Error naming the database file.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace moat::vulndb::sql {

class Database {
 public:
  enum class Mode { kReadOnly, kCreate };
  Database(const std::filesystem::path& path, Mode mode);
  ~Database();
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(const char* sql);
  int64_t scalar(const char* sql);  // the first column of the first row, 0 when there is none
  [[noreturn]] void fail_with(const std::string& what) const;  // what + ": " + SQLite's message
  void close();                                                // reports a failing close (unlike the destructor)

  sqlite3* handle() const { return db_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
};

class Statement {
 public:
  Statement(const Database& db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, int64_t value);
  bool step();  // true while a row is available
  void run();   // step once, expecting no row
  void reset();

  std::string_view text(int column) const;
  int64_t integer(int column) const;

 private:
  const Database& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace moat::vulndb::sql
