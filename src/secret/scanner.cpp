#include "secret/scanner.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <sstream>

#include "base/error.h"
#include "base/files.h"
#include "base/hyperscan.h"
#include "base/sha256.h"
#include "secret/compiled_rule.h"
#include "secret/regex.h"

namespace moat::secret {
namespace {

// Bumped whenever a change to the engine can change findings for the same rules, so caches keyed
// by the fingerprint are dropped.
constexpr std::string_view kEngineVersion = "moat-secret-engine-1";
constexpr size_t kBinaryProbe = 8192;
// Bytes past a candidate's end that PCRE2 sees, so a greedy match or a lookahead is not cut short.
constexpr size_t kWindowAfter = 256;
// Bytes before the longest possible match that PCRE2 also sees, for lookbehind and \b.
constexpr size_t kWindowMargin = 64;

void append_field(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
}

std::string fingerprint_of(const RuleSet& set) {
  std::string canonical(kEngineVersion);
  for (const SecretRule& rule : set.rules) {
    for (const std::string_view field :
         {std::string_view(rule.id), std::string_view(rule.title), std::string_view(rule.severity),
          std::string_view(rule.regex), std::string_view(rule.paths)}) {
      append_field(canonical, field);
    }
    append_field(canonical, std::to_string(rule.min_entropy) + (rule.generic ? "g" : "s"));
    for (const auto& list : {rule.keywords, rule.allow}) {
      append_field(canonical, std::to_string(list.size()));
      for (const std::string& item : list) append_field(canonical, item);
    }
  }
  for (const auto* list : {&set.allow_paths, &set.allow_secrets}) {
    append_field(canonical, std::to_string(list->size()));
    for (const AllowPattern& allow : *list) append_field(canonical, allow.regex);
  }
  return sha256_digest(canonical);
}

struct Candidate {
  uint32_t rule;
  RegexMatch match;
};

}  // namespace

struct SecretEngine {
  RuleSet set;  // CompiledRule points into set.rules, which therefore never changes after construction
  ScanLimits limits;
  std::vector<CompiledRule> rules;
  std::vector<size_t> window_before;
  std::vector<Regex> allow_paths;
  std::vector<Regex> allow_secrets;
  uint32_t max_pairs = 1;
  hs_database_t* database = nullptr;
  std::unique_ptr<HyperscanScratch> scratch;

  ~SecretEngine() {
    scratch.reset();
    hs_free_database(database);
  }

  // Compiling the Hyperscan database is most of a scanner's start-up (about a second for the
  // built-in rules), so with a cache directory the compiled database and the per-rule windows are
  // kept there, named by the rules' fingerprint, and read back on the next start. A cache file that
  // does not load (another Hyperscan version or CPU, a torn write) is simply rebuilt.
  void compile(const std::filesystem::path& cache_file) {
    for (const SecretRule& rule : set.rules) {
      rules.emplace_back(rule);
      max_pairs = std::max(max_pairs, rules.back().regex().capture_count() + 1);
    }
    for (const AllowPattern& allow : set.allow_paths) allow_paths.emplace_back(allow.regex, allow.origin);
    for (const AllowPattern& allow : set.allow_secrets) allow_secrets.emplace_back(allow.regex, allow.origin);
    if (set.rules.empty()) return;
    if (!cache_file.empty() && load_cached(cache_file)) return;
    std::vector<std::string> forms;
    std::vector<unsigned> flags;
    std::vector<unsigned> ids;
    for (size_t i = 0; i < set.rules.size(); ++i) {
      const SecretRule& rule = set.rules[i];
      const HyperscanPlan plan = plan_hyperscan(rule.regex, rule.origin + ": rule " + rule.id);
      window_before.push_back(std::min(plan.max_width.value_or(limits.max_window) + kWindowMargin, limits.max_window));
      forms.push_back(hyperscan_form(rule.regex));
      flags.push_back(plan.flags);
      ids.push_back(static_cast<unsigned>(i));
    }
    std::vector<const char*> expressions;
    for (const std::string& form : forms) expressions.push_back(form.c_str());
    hs_compile_error_t* error = nullptr;
    if (hs_compile_multi(expressions.data(), flags.data(), ids.data(), static_cast<unsigned>(expressions.size()),
                         HS_MODE_BLOCK, nullptr, &database, &error) != HS_SUCCESS) {
      const std::string message = error->message;
      const int index = error->expression;
      hs_free_compile_error(error);
      if (index >= 0) {
        const SecretRule& rule = set.rules[static_cast<size_t>(index)];
        fail(rule.origin, "rule " + rule.id + ": Hyperscan cannot compile its regex: " + message);
      }
      fail("secret rules", "Hyperscan cannot compile the rule set: " + message);
    }
    scratch = std::make_unique<HyperscanScratch>(database);
    if (!cache_file.empty()) {
      std::string header = std::to_string(window_before.size()) + "\n";
      for (size_t w : window_before) header += std::to_string(w) + "\n";
      store_database(cache_file, header, database);
    }
  }

  // The cache file's header holds the rule count and each rule's window, as decimal lines.
  bool load_cached(const std::filesystem::path& file) {
    std::string header;
    hs_database_t* db = load_database(file, header);
    if (db == nullptr) return false;
    std::istringstream in(header);
    size_t count = 0;
    std::vector<size_t> windows;
    if (in >> count && count == set.rules.size()) {
      windows.resize(count);
      for (size_t& w : windows)
        if (!(in >> w)) windows.clear();
    }
    if (windows.size() != set.rules.size()) {
      hs_free_database(db);
      return false;
    }
    database = db;
    scratch = std::make_unique<HyperscanScratch>(database);
    window_before = std::move(windows);
    return true;
  }

  bool allowed_secret(std::string_view secret) const {
    return std::any_of(allow_secrets.begin(), allow_secrets.end(), [&](const Regex& r) { return r.matches(secret); });
  }
};

namespace {

// The state of one scan call, handed to Hyperscan's callback.
struct Pass {
  const SecretEngine* engine;
  std::string_view text;
  MatchScratch scratch;
  std::vector<char> active;                         // per rule: its path filter admits the file
  std::vector<std::pair<size_t, size_t>> examined;  // per rule: the last window PCRE2 searched
  size_t confirmations = 0;
  std::set<std::pair<uint32_t, size_t>> seen;  // (rule, match start) already judged
  std::vector<Candidate> found;
};

// Hyperscan calls this for every end offset of every rule's pattern; PCRE2 then searches a window
// that holds any match ending there, unless the last window of that rule already held it.
int on_candidate(unsigned int id, unsigned long long, unsigned long long to, unsigned int, void* context) {
  Pass& pass = *static_cast<Pass*>(context);
  if (!pass.active[id]) return 0;
  const SecretEngine& engine = *pass.engine;
  const size_t end = static_cast<size_t>(to);
  const size_t before = engine.window_before[id];
  const size_t need_from = end > before ? end - before : 0;
  auto& [last_from, last_to] = pass.examined[id];
  if (last_to > 0 && need_from >= last_from && end < last_to) return 0;
  if (++pass.confirmations > engine.limits.max_confirmations) return 1;
  const size_t window_to = std::min(pass.text.size(), end + kWindowAfter);
  last_from = need_from;
  last_to = window_to;
  const CompiledRule& rule = engine.rules[id];
  size_t from = need_from;
  while (from < window_to) {
    const auto match = rule.regex().find(pass.text, from, window_to, pass.scratch);
    if (!match) break;
    // Touching the window's end, the match may be cut short; the candidate at its real end
    // opens a window that holds it whole.
    if (match->end == window_to && window_to < pass.text.size()) break;
    from = std::max(match->end, match->start + 1);
    if (!pass.seen.emplace(id, match->start).second) continue;
    if (!rule.accepts(pass.text, *match)) continue;
    const std::string_view secret = pass.text.substr(match->secret_start, match->secret_end - match->secret_start);
    if (engine.allowed_secret(secret)) continue;
    pass.found.push_back({id, *match});
    if (pass.found.size() >= engine.limits.max_findings * 4) return 1;
  }
  return 0;
}

}  // namespace

SecretScanner::SecretScanner(RuleSet rules, ScanLimits limits, const std::filesystem::path& cache_dir)
    : engine_(std::make_unique<SecretEngine>()) {
  engine_->set = std::move(rules);
  engine_->limits = limits;
  fingerprint_ = fingerprint_of(engine_->set);
  // The windows depend on the limits too, so they are part of the name.
  std::string name = "secret-rules-" + sha256_digest(fingerprint_ + " " + std::to_string(limits.max_window)).substr(7, 32) + ".hs";
  engine_->compile(cache_dir.empty() ? std::filesystem::path() : cache_dir / name);
}

SecretScanner::~SecretScanner() = default;

size_t SecretScanner::rule_count() const { return engine_->rules.size(); }

std::vector<SecretMatch> SecretScanner::scan(std::string_view path, std::string_view content) const {
  const SecretEngine& engine = *engine_;
  if (engine.database == nullptr || content.empty() || looks_binary(content.substr(0, kBinaryProbe))) return {};
  if (std::any_of(engine.allow_paths.begin(), engine.allow_paths.end(),
                  [&](const Regex& r) { return r.matches(path); })) {
    return {};
  }
  Pass pass{&engine, content.substr(0, engine.limits.max_bytes), MatchScratch(engine.max_pairs), {}, {}, 0, {}, {}};
  pass.active.reserve(engine.rules.size());
  for (const CompiledRule& rule : engine.rules) pass.active.push_back(rule.applies_to(path) ? 1 : 0);
  pass.examined.assign(engine.rules.size(), {0, 0});

  const hs_error_t rc = [&] {
    const HyperscanScratch::Lease scratch(*engine.scratch);
    return hs_scan(engine.database, pass.text.data(), static_cast<unsigned>(pass.text.size()), 0, scratch.get(),
                   on_candidate, &pass);
  }();
  if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED)
    fail(std::string(path), "secret scan failed (Hyperscan error " + std::to_string(rc) + ")");

  // One finding per secret: specific rules before generic ones, then file order.
  std::stable_sort(pass.found.begin(), pass.found.end(), [&](const Candidate& a, const Candidate& b) {
    const bool a_generic = engine.rules[a.rule].rule().generic;
    const bool b_generic = engine.rules[b.rule].rule().generic;
    if (a_generic != b_generic) return !a_generic;
    if (a.rule != b.rule) return a.rule < b.rule;
    return a.match.start < b.match.start;
  });
  std::vector<Candidate> kept;
  for (const Candidate& candidate : pass.found) {
    const bool overlaps = std::any_of(kept.begin(), kept.end(), [&](const Candidate& k) {
      return candidate.match.secret_start < k.match.secret_end && k.match.secret_start < candidate.match.secret_end;
    });
    if (!overlaps) kept.push_back(candidate);
  }
  std::sort(kept.begin(), kept.end(), [](const Candidate& a, const Candidate& b) {
    return a.match.secret_start != b.match.secret_start ? a.match.secret_start < b.match.secret_start : a.rule < b.rule;
  });
  if (kept.size() > engine.limits.max_findings) kept.resize(engine.limits.max_findings);

  std::vector<SecretMatch> out;
  int line = 1;
  size_t line_start = 0;
  size_t counted_to = 0;
  for (const Candidate& candidate : kept) {
    const size_t at = candidate.match.secret_start;
    while (counted_to < at) {
      const void* nl = std::memchr(pass.text.data() + counted_to, '\n', at - counted_to);
      if (nl == nullptr) break;
      counted_to = static_cast<size_t>(static_cast<const char*>(nl) - pass.text.data()) + 1;
      line_start = counted_to;
      ++line;
    }
    counted_to = at;
    const SecretRule& rule = engine.rules[candidate.rule].rule();
    out.push_back({rule.id, rule.title, rule.severity, line, static_cast<int>(at - line_start) + 1,
                   redact(pass.text.substr(at, candidate.match.secret_end - at))});
  }
  return out;
}

bool looks_binary(std::string_view head) { return head.find('\0') != std::string_view::npos; }

std::string redact(std::string_view secret) {
  const size_t keep = secret.size() >= 16 ? 4 : secret.size() / 4;
  std::string out;
  for (size_t i = 0; i < keep; ++i) {
    const auto c = static_cast<unsigned char>(secret[i]);
    out += c >= 0x21 && c < 0x7f ? static_cast<char>(c) : '?';
  }
  out.append(std::min<size_t>(secret.size(), 16) - keep, '*');
  return out;
}

}  // namespace moat::secret
