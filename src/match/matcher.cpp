#include "match/matcher.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <mutex>
#include <thread>
#include <tuple>

#include "base/error.h"
#include "inventory/purl.h"
#include "inventory/python.h"
#include "version/version.h"
#include "vulndb/cvss.h"

namespace moat::match {

namespace {

using vulndb::Event;
using vulndb::Range;

std::string major_minor(const std::string& v, int parts) {
  size_t pos = 0;
  for (int i = 0; i < parts; ++i) {
    pos = v.find('.', pos);
    if (pos == std::string::npos) return v;
    if (i + 1 < parts) ++pos;
  }
  return v.substr(0, pos);
}

std::string os_ecosystem(const std::optional<inventory::OsRelease>& os, const std::string& package_ecosystem) {
  if (!os || os->version_id.empty()) return {};
  const std::string& id = os->id;
  if (package_ecosystem == inventory::eco::kDeb) {
    if (id == "debian") return "Debian:" + major_minor(os->version_id, 1);
    if (id == "ubuntu") return "Ubuntu:" + os->version_id;
    return {};
  }
  if (package_ecosystem == inventory::eco::kApk) return id == "alpine" ? "Alpine:v" + major_minor(os->version_id, 2) : "";
  if (package_ecosystem == inventory::eco::kRpm) {
    static const std::map<std::string, std::string> names = {
        {"rhel", "Red Hat"}, {"centos", "CentOS"}, {"rocky", "Rocky Linux"}, {"almalinux", "AlmaLinux"},
        {"fedora", "Fedora"}, {"opensuse-leap", "openSUSE"}, {"sles", "SUSE"}, {"amzn", "Amazon Linux"}};
    auto it = names.find(id);
    return it == names.end() ? "" : it->second + ":" + major_minor(os->version_id, 1);
  }
  return {};
}

bool is_language(const std::string& eco) {
  return eco != inventory::eco::kDeb && eco != inventory::eco::kApk && eco != inventory::eco::kRpm;
}

// A distribution patches the Python, Ruby, Node, PHP or Java code it ships, and its advisories
// know it. Go and Rust binaries are different: the modules and the Go toolchain were compiled in,
// and the build info records exactly what, so they are matched even when dpkg installed them.
bool judged_by_owner(const inventory::Package& p) {
  if (!is_language(p.ecosystem) || p.owner.empty()) return false;
  return p.ecosystem != inventory::eco::kGolang && p.ecosystem != inventory::eco::kCargo;
}

// Version order inside one range: OSV's "0" means "before every version".
struct RangeOrder {
  version::Scheme scheme;
  int operator()(std::string_view a, std::string_view b) const {
    if (a == b) return 0;
    if (a == "0") return -1;
    if (b == "0") return 1;
    return version::compare(scheme, a, b);
  }
};

// Orders events by version, an introduction first among equals, as OSV's evaluation expects.
void sort_events(Range& r, const RangeOrder& cmp) {
  std::stable_sort(r.events.begin(), r.events.end(), [&](const Event& a, const Event& b) {
    int c = cmp(a.value, b.value);
    if (c != 0) return c < 0;
    return a.kind == Event::Kind::kIntroduced && b.kind != Event::Kind::kIntroduced;
  });
}

RangeOrder order_for(const vulndb::Affected& affected, const Range& r) {
  // SEMVER ranges order by SemVer 2.0 whatever the ecosystem; Go's scheme is that, "v" optional.
  if (r.type == Range::Type::kSemver) return RangeOrder{version::Scheme::Go};
  return RangeOrder{*version::scheme_for_ecosystem(affected.ecosystem)};
}

// Events must be sorted (sort_events).
bool range_affects(const Range& r, std::string_view v, const RangeOrder& cmp, std::string& fixed) {
  bool affected = false;
  std::string next_fix;
  for (const Event& event : r.events) {
    const Event* e = &event;
    switch (e->kind) {
      case Event::Kind::kIntroduced:
        if (cmp(v, e->value) >= 0) affected = true;
        break;
      case Event::Kind::kFixed:
        if (cmp(v, e->value) >= 0)
          affected = false;
        else if (affected && next_fix.empty())
          next_fix = e->value;
        break;
      case Event::Kind::kLastAffected:
        if (cmp(v, e->value) > 0) affected = false;
        break;
      case Event::Kind::kLimit:
        if (cmp(v, e->value) >= 0) affected = false;
        break;
    }
    if (affected && !next_fix.empty()) break;
  }
  if (affected) fixed = next_fix;
  return affected;
}

struct Hit {
  const vulndb::Advisory* advisory;
  const vulndb::Affected* affected;
  std::string fixed;
};

struct Rated {
  Severity severity = Severity::Unknown;
  double score = -1;
  std::string vector, source;
};

// CVSS vectors win (the newest CVSS version present), then the database's own word.
Rated rate(const std::vector<Hit>& hits) {
  Rated best;
  int best_rank = -1;
  auto consider_vector = [&](const vulndb::Severity& s) {
    int rank = s.type == "CVSS_V4" ? 3 : s.type == "CVSS_V3" ? 2 : -1;
    if (rank <= best_rank) return;
    try {
      auto score = vulndb::score_cvss(s.score);
      best = {parse_severity(score.severity), score.base_score, s.score, "cvss"};
      best_rank = rank;
    } catch (const Error&) {
    }
  };
  for (const auto& h : hits) {
    for (const auto& s : h.affected->severity) consider_vector(s);
    for (const auto& s : h.advisory->severity) consider_vector(s);
  }
  if (best_rank >= 0) return best;
  for (const auto& h : hits) {
    const std::string& text = !h.affected->severity_text.empty() ? h.affected->severity_text : h.advisory->severity_text;
    Severity s = parse_severity(text);
    if (s > best.severity) best = {s, -1, "", h.affected->ecosystem};
  }
  return best;
}

std::vector<std::string> ids_of(const vulndb::Advisory& a) {
  std::vector<std::string> ids{a.id};
  ids.insert(ids.end(), a.aliases.begin(), a.aliases.end());
  ids.insert(ids.end(), a.upstream.begin(), a.upstream.end());
  return ids;
}

// Groups the hits of one package that share any id: one vulnerability, however many advisories.
std::vector<std::vector<Hit>> group_by_alias(const std::vector<Hit>& hits) {
  std::vector<size_t> parent(hits.size());
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  std::map<std::string, size_t> owner;
  for (size_t i = 0; i < hits.size(); ++i)
    for (const auto& id : ids_of(*hits[i].advisory)) {
      auto [it, inserted] = owner.emplace(id, i);
      if (!inserted) parent[find(i)] = find(it->second);
    }
  std::map<size_t, std::vector<Hit>> groups;
  for (size_t i = 0; i < hits.size(); ++i) groups[find(i)].push_back(hits[i]);
  std::vector<std::vector<Hit>> out;
  for (auto& [root, g] : groups) out.push_back(std::move(g));
  return out;
}

Finding make_finding(const inventory::Package& p, const std::string& purl, const std::vector<Hit>& group,
                     const std::string& data_source, version::Scheme scheme) {
  Finding f;
  f.package = p;
  f.purl = purl;
  f.data_source = data_source;
  std::set<std::string> ids;
  for (const auto& h : group)
    for (const auto& id : ids_of(*h.advisory)) ids.insert(id);
  auto cve = std::find_if(ids.begin(), ids.end(), [](const std::string& s) { return s.rfind("CVE-", 0) == 0; });
  f.id = cve != ids.end() ? *cve : *ids.begin();
  for (const auto& id : ids)
    if (id != f.id) f.aliases.push_back(id);
  std::set<std::string> refs;
  for (const auto& h : group) {
    if (f.summary.empty()) f.summary = h.advisory->summary;
    if (f.published.empty() || (!h.advisory->published.empty() && h.advisory->published < f.published))
      f.published = h.advisory->published;
    f.modified = std::max(f.modified, h.advisory->modified);
    for (const auto& r : h.advisory->references) refs.insert(r.url);
    // Several advisories may name different fixes; the highest one satisfies all of them.
    if (h.fixed.empty()) continue;
    if (f.fixed_version.empty()) {
      f.fixed_version = h.fixed;
      continue;
    }
    try {
      if (version::compare(scheme, h.fixed, f.fixed_version) > 0) f.fixed_version = h.fixed;
    } catch (const Error&) {
    }
  }
  f.references.assign(refs.begin(), refs.end());
  Rated r = rate(group);
  f.severity = r.severity;
  f.score = r.score;
  f.cvss_vector = r.vector;
  f.severity_source = r.source;
  return f;
}

}  // namespace

MatchKey match_key(const inventory::Package& p, const std::optional<inventory::OsRelease>& os) {
  namespace eco = inventory::eco;
  if (!is_language(p.ecosystem)) {
    MatchKey k{os_ecosystem(os, p.ecosystem), p.source_name.empty() ? p.name : p.source_name,
               p.source_version.empty() ? p.version : p.source_version};
    return k;
  }
  static const std::map<std::string, std::string> names = {
      {eco::kPypi, "PyPI"},         {eco::kNpm, "npm"},  {eco::kGem, "RubyGems"}, {eco::kComposer, "Packagist"},
      {eco::kGolang, "Go"},         {eco::kMaven, "Maven"}, {eco::kCargo, "crates.io"}};
  auto it = names.find(p.ecosystem);
  if (it == names.end()) return {};
  std::string name = p.ecosystem == eco::kPypi ? inventory::normalize_pypi_name(p.name) : p.name;
  return {it->second, name, p.version};
}

void prepare(vulndb::Affected& affected) {
  if (!version::scheme_for_ecosystem(affected.ecosystem)) return;
  for (auto& r : affected.ranges)
    if (r.type != Range::Type::kGit) sort_events(r, order_for(affected, r));
}

bool is_affected_prepared(const vulndb::Affected& affected, std::string_view v, std::string& fixed) {
  // Ranges first: they also tell the fix when the version is listed explicitly as well.
  if (version::scheme_for_ecosystem(affected.ecosystem)) {
    for (const auto& r : affected.ranges) {
      if (r.type == Range::Type::kGit) continue;
      if (range_affects(r, v, order_for(affected, r), fixed)) return true;
    }
  }
  for (const auto& listed : affected.versions)
    if (listed == v) return true;
  return false;
}

bool is_affected(const vulndb::Affected& affected, std::string_view v, std::string& fixed) {
  vulndb::Affected sorted = affected;
  prepare(sorted);
  return is_affected_prepared(sorted, v, fixed);
}

namespace {

// Matches a share of the inventory's packages with its own source and caches.
class Worker {
 public:
  Worker(const inventory::Inventory& inv, const AdvisorySource& source) : inv_(inv), source_(source) {}

  // rank: the package's place in the report's order.
  void match(const inventory::Package& p, const MatchKey& key, size_t rank) {
    auto [kit, fresh] = known_.emplace(key.ecosystem, false);
    if (fresh) kit->second = source_.knows_ecosystem(key.ecosystem);
    if (!kit->second) {
      auto& c = uncovered[key.ecosystem];
      c.data_source = key.ecosystem;
      c.reason = "the advisory database has no data for " + key.ecosystem;
      ++c.packages;
      return;
    }
    const auto& advisories = advisories_for(key);
    std::vector<Hit> hits;
    for (const auto& adv : advisories) {
      if (!adv.withdrawn.empty()) continue;
      for (const auto& aff : adv.affected) {
        if (aff.ecosystem != key.ecosystem || aff.name != key.name) continue;
        std::string fixed;
        try {
          if (is_affected_prepared(aff, key.version, fixed)) hits.push_back({&adv, &aff, fixed});
        } catch (const Error& e) {
          auto& c = uncovered[key.ecosystem + " " + key.name + " " + key.version];
          c.data_source = key.ecosystem;
          c.reason = std::string("cannot compare versions: ") + e.what();
          c.packages = 1;
        }
      }
    }
    if (hits.empty()) return;
    auto scheme = version::scheme_for_ecosystem(key.ecosystem);
    const std::string purl = inventory::purl(p, inv_.os);
    for (const auto& group : group_by_alias(hits)) {
      findings.push_back(make_finding(p, purl, group, key.ecosystem, *scheme));
      ranks.push_back(rank);
    }
  }

  std::vector<Finding> findings;
  std::vector<size_t> ranks;  // parallel to findings
  std::map<std::string, Coverage> uncovered;

 private:
  // Looked up and sorted once per package name, not once per installed copy.
  const std::vector<vulndb::Advisory>& advisories_for(const MatchKey& key) {
    auto [it, inserted] = cache_.try_emplace(key.ecosystem + '\0' + key.name);
    if (!inserted) return it->second;
    it->second = source_.advisories(key.ecosystem, key.name);
    for (auto& adv : it->second)
      for (auto& aff : adv.affected) {
        try {
          prepare(aff);
        } catch (const Error& e) {
          auto& c = uncovered[adv.id + " " + key.ecosystem + " " + key.name];
          c.data_source = key.ecosystem;
          c.reason = adv.id + ": cannot order its versions: " + e.what();
          c.packages = 1;
          aff.ranges.clear();
        }
      }
    return it->second;
  }

  const inventory::Inventory& inv_;
  const AdvisorySource& source_;
  std::map<std::string, std::vector<vulndb::Advisory>> cache_;  // ecosystem + '\0' + name
  std::map<std::string, bool> known_;
};

// Below this, a second thread costs more than it saves.
constexpr size_t kPackagesPerThread = 500;

}  // namespace

VulnReport match_inventory(const inventory::Inventory& inv, const AdvisorySource& source, const MatchOptions& options) {
  VulnReport report;
  report.inventory = inv;
  std::map<std::string, Coverage> uncovered;
  std::vector<std::pair<const inventory::Package*, MatchKey>> work;
  for (const auto& p : inv.packages) {
    if (judged_by_owner(p) && !options.match_owned_language_packages) continue;
    MatchKey key = match_key(p, inv.os);
    if (key.ecosystem.empty()) {
      std::string what = is_language(p.ecosystem) ? p.ecosystem : p.ecosystem + " packages on " +
                                                                     (inv.os ? inv.os->id + " " + inv.os->version_id : "an unknown OS");
      auto& c = uncovered[what];
      c.data_source = what;
      c.reason = "moat has no advisory source for these packages";
      ++c.packages;
      continue;
    }
    work.emplace_back(&p, std::move(key));
  }
  // The report lists packages in order; ordering the work once lets findings sort by rank.
  std::stable_sort(work.begin(), work.end(), [](const auto& x, const auto& y) {
    const auto &a = *x.first, &b = *y.first;
    return std::tie(a.ecosystem, a.name, a.version, a.found_in) < std::tie(b.ecosystem, b.name, b.version, b.found_in);
  });

  // Large inventories are split by package name between two threads, each with its own source
  // (a SQLite handle is not shared), so every name is still looked up once.
  std::vector<std::unique_ptr<AdvisorySource>> extra;
  if (work.size() >= 2 * kPackagesPerThread)
    if (auto second = source.clone()) extra.push_back(std::move(second));
  std::vector<Worker> workers;
  workers.emplace_back(inv, source);
  for (const auto& s : extra) workers.emplace_back(inv, *s);
  auto run = [&](size_t w) {
    for (size_t i = 0; i < work.size(); ++i)
      if (std::hash<std::string>{}(work[i].second.name) % workers.size() == w)
        workers[w].match(*work[i].first, work[i].second, i);
  };
  std::vector<std::thread> threads;
  std::exception_ptr error;
  std::mutex mu;
  for (size_t w = 1; w < workers.size(); ++w)
    threads.emplace_back([&, w] {
      try {
        run(w);
      } catch (...) {
        std::lock_guard lock(mu);
        error = std::current_exception();
      }
    });
  run(0);
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);
  std::vector<size_t> ranks;
  for (auto& w : workers) {
    for (auto& f : w.findings) report.findings.push_back(std::move(f));
    ranks.insert(ranks.end(), w.ranks.begin(), w.ranks.end());
    for (auto& [k, c] : w.uncovered) {
      auto [it, inserted] = uncovered.try_emplace(k, c);
      if (!inserted) it->second.packages += c.packages;
    }
  }
  for (auto& [k, c] : uncovered) report.not_covered.push_back(std::move(c));
  // By package, then highest severity first, then id; findings are large, so their indices are sorted.
  std::vector<size_t> order(report.findings.size());
  std::iota(order.begin(), order.end(), 0);
  const auto& fs = report.findings;
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    if (ranks[x] != ranks[y]) return ranks[x] < ranks[y];
    if (fs[x].severity != fs[y].severity) return fs[x].severity > fs[y].severity;
    return fs[x].id < fs[y].id;
  });
  std::vector<Finding> sorted;
  sorted.reserve(order.size());
  for (size_t i : order) sorted.push_back(std::move(report.findings[i]));
  report.findings = std::move(sorted);
  return report;
}

}  // namespace moat::match
