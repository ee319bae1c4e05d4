#include "vulndb/store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>

#include "base/error.h"
#include "support/temp_dir.h"
#include "vulndb/schema.h"

namespace moat::vulndb {
namespace {

using test::TempDir;
using ::testing::AllOf;
using ::testing::HasSubstr;

std::string open_error(const std::filesystem::path& p) {
  try {
    Store::open_readonly(p);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(VulnDbStore, RefusesWhatIsNotAMoatDatabase) {
  TempDir tmp;
  EXPECT_THAT(open_error(tmp.path() / "missing.db"), AllOf(HasSubstr("missing.db"), HasSubstr("moat db update")));
  EXPECT_THAT(open_error(tmp.write("empty.db", "")), HasSubstr("not a moat advisory database"));
  EXPECT_THAT(open_error(tmp.write("text.db", std::string(4096, 'x'))), HasSubstr("not a readable advisory database"));
  EXPECT_THAT(open_error(tmp.path()), HasSubstr("no advisory database"));

  auto foreign = tmp.path() / "foreign.db";
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(foreign.c_str(), &h), SQLITE_OK);
  sqlite3_exec(h, "CREATE TABLE t(x); PRAGMA user_version = 1", nullptr, nullptr, nullptr);
  sqlite3_close(h);
  EXPECT_THAT(open_error(foreign), HasSubstr("not a moat advisory database"));

  // moat's application id and schema version, but not its tables.
  auto hollow = tmp.path() / "hollow.db";
  ASSERT_EQ(sqlite3_open(hollow.c_str(), &h), SQLITE_OK);
  sqlite3_exec(
      h, ("PRAGMA application_id = " + std::to_string(schema::kApplicationId) + "; PRAGMA user_version = 1").c_str(),
      nullptr, nullptr, nullptr);
  sqlite3_close(h);
  EXPECT_THAT(open_error(hollow), HasSubstr("corrupt advisory database"));

  auto older = tmp.path() / "older.db";
  ASSERT_EQ(sqlite3_open(older.c_str(), &h), SQLITE_OK);
  sqlite3_exec(h,
               ("PRAGMA application_id = " + std::to_string(schema::kApplicationId) +
                "; PRAGMA user_version = 0; CREATE TABLE t(x)")
                   .c_str(),
               nullptr, nullptr, nullptr);
  sqlite3_close(h);
  EXPECT_THAT(open_error(older), HasSubstr("is older"));
}

TEST(VulnDbStore, DefaultPathFollowsXdg) {
  const char* old = std::getenv("XDG_CACHE_HOME");
  std::string saved = old ? old : "";
  ::setenv("XDG_CACHE_HOME", "/x/cache", 1);
  EXPECT_EQ(default_database_path(), std::filesystem::path("/x/cache/moat/advisories.db"));
  if (old)
    ::setenv("XDG_CACHE_HOME", saved.c_str(), 1);
  else
    ::unsetenv("XDG_CACHE_HOME");
}

}  // namespace
}  // namespace moat::vulndb
