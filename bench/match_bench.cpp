// Matching throughput: 10,000 packages, each one that has advisories in the real database, matched
// with the real store. Prints the median of several runs.
//   build/bench_match ADVISORIES.db
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "match/matcher.h"
#include "match/store_source.h"
#include "vulndb/store.h"

namespace {

// Versions each scheme accepts, old enough that most advisories apply.
const std::map<std::string, std::pair<std::string, std::string>> kEcosystems = {
    {"Debian:11", {"deb", "1.0-1"}},   {"Alpine:v3.11", {"apk", "1.0-r0"}}, {"PyPI", {"pypi", "1.0"}},
    {"npm", {"npm", "1.0.0"}},         {"Go", {"golang", "v1.0.0"}},        {"RubyGems", {"gem", "1.0"}},
    {"Packagist", {"composer", "1.0.0"}}};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s ADVISORIES.db\n", argv[0]);
    return 2;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return 2;
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db, "SELECT DISTINCT ecosystem, package FROM affected", -1, &q, nullptr);
  moat::inventory::Inventory inv;
  inv.os = moat::inventory::OsRelease{"debian", "11", "", ""};
  std::vector<moat::inventory::Package> pool;
  while (sqlite3_step(q) == SQLITE_ROW) {
    std::string eco = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
    auto it = kEcosystems.find(eco);
    if (it == kEcosystems.end()) continue;
    moat::inventory::Package p;
    p.ecosystem = it->second.first;
    p.name = reinterpret_cast<const char*>(sqlite3_column_text(q, 1));
    p.version = it->second.second;
    p.found_in = "/bench";
    pool.push_back(p);
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  // Alpine packages need an Alpine image; they are matched as Debian source packages' neighbours
  // would be, so keep the mix to what one Debian image can hold plus every language ecosystem.
  std::erase_if(pool, [](const auto& p) { return p.ecosystem == "apk"; });
  while (inv.packages.size() < 10000 && !pool.empty())
    for (const auto& p : pool) {
      if (inv.packages.size() == 10000) break;
      inv.packages.push_back(p);
      inv.packages.back().found_in = "/bench/" + std::to_string(inv.packages.size());
    }
  auto store = moat::vulndb::Store::open_readonly(argv[1]);
  moat::match::StoreSource source(store);
  std::vector<double> ms;
  size_t findings = 0;
  for (int run = 0; run < 5; ++run) {
    auto t0 = std::chrono::steady_clock::now();
    auto report = moat::match::match_inventory(inv, source, {});
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    findings = report.findings.size();
  }
  std::sort(ms.begin(), ms.end());
  std::printf("matched %zu packages (%zu distinct) -> %zu findings: median %.1f ms (min %.1f, max %.1f)\n",
              inv.packages.size(), pool.size(), findings, ms[2], ms.front(), ms.back());
  return 0;
}
