// Recall and false-positive rate of the webshell detector, per language, on a held-out split.
//
//   webshell_eval CORPUS_DIR BENIGN_DIR
//   webshell_eval --score DIR        every candidate file under DIR: verdict, score, signals
//                                    (for extra tuning sets and the TUNE half; files named like
//                                    the split corpus's HELD-OUT half are skipped unread)
//   webshell_eval --benign BENIGN_DIR  false positives only (counts per language and half, and
//                                    every flagged file): for tuning without the malicious halves
//
// CORPUS_DIR holds <ext>/<sha256-prefix>.<ext> malicious files; BENIGN_DIR is the output of
// scripts/fixtures/benign-web.sh. Both are split by a hash: corpus files by the first hex digit of
// their name (0-7 TUNE, 8-f HELD-OUT), benign files by FNV-1a of their path relative to
// BENIGN_DIR (even TUNE, odd HELD-OUT). Misses and false positives are listed for TUNE only, so
// the HELD-OUT figures stay untouched by tuning. Files are read as bytes, never executed.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "malware/webshell.h"
#include "malware/yara_scanner.h"
#include "webshell_split.h"

namespace fs = std::filesystem;
using moat::malware::score_webshell;
using moat::malware::webshell_candidate;
using moat::malware::YaraScanner;
using webshell_split::benign_half;
using webshell_split::corpus_held_out;
using webshell_split::read_file;

namespace {

struct Tally {
  size_t files = 0, hits = 0;
};
struct Row {
  Tally mal[2], ben[2];  // [0] TUNE, [1] HELD-OUT
  // What an image scan's malware scanner reports: the webshell detector or a bundled YARA rule.
  Tally scan_mal[2], scan_ben[2];
};

std::string top_signals(const std::vector<std::string>& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < n; ++i) out += (i ? "; " : "") + s[i];
  return out;
}

int score_dir(const fs::path& dir) {
  std::vector<fs::path> files;
  size_t held_out = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || !webshell_candidate(e.path().string())) continue;
    // HELD-OUT files of the split corpus are neither scored nor listed.
    if (corpus_held_out(e.path())) {
      ++held_out;
      continue;
    }
    files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  size_t hits = 0;
  for (const fs::path& p : files) {
    auto v = score_webshell(p.string(), read_file(p));
    hits += v.webshell;
    std::printf("%s %-8s %6.1f %s: %s\n", v.webshell ? "HIT " : "MISS", v.language.empty() ? "-" : v.language.c_str(), v.score,
                p.lexically_relative(dir).c_str(), top_signals(v.signals, 5).c_str());
  }
  std::printf("%zu/%zu detected (%zu HELD-OUT files skipped)\n", hits, files.size(), held_out);
  return 0;
}

}  // namespace

int benign_only(const fs::path& benign) {
  std::map<std::string, std::array<Tally, 2>> rows;
  std::vector<std::string> fps;
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(benign, fs::directory_options::skip_permission_denied);
       it != fs::recursive_directory_iterator(); ++it)
    if (it->is_regular_file() && !it->is_symlink() && webshell_candidate(it->path().string())) files.push_back(it->path());
  std::sort(files.begin(), files.end());
  for (const fs::path& p : files) {
    std::string rel = p.lexically_relative(benign).string();
    int half = benign_half(rel);
    auto v = score_webshell(p.string(), read_file(p));
    if (v.language.empty()) continue;
    Tally& t = rows[v.language][half];
    ++t.files;
    if (!v.webshell) continue;
    ++t.hits;
    char s[32];
    std::snprintf(s, sizeof s, "%.1f", v.score);
    fps.push_back(std::string(half ? "HELD " : "TUNE ") + v.language + " " + rel + " score " + s + ": " + top_signals(v.signals, 4));
  }
  for (const auto& [lang, r] : rows)
    std::printf("%-8s TUNE %zu/%zu  HELD-OUT %zu/%zu\n", lang.c_str(), r[0].hits, r[0].files, r[1].hits, r[1].files);
  for (const auto& f : fps) std::printf("  %s\n", f.c_str());
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--score") return score_dir(argv[2]);
  if (argc == 3 && std::string(argv[1]) == "--benign") return benign_only(argv[2]);
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR BENIGN_DIR\n", argv[0]);
    return 2;
  }
  std::map<std::string, Row> rows;
  std::vector<std::string> misses, fps, yara_fps;
  const YaraScanner yara;

  fs::path corpus(argv[1]);
  std::vector<fs::path> mal_files;
  for (const auto& e : fs::recursive_directory_iterator(corpus))
    if (e.is_regular_file() && e.path().filename() != "README.md") mal_files.push_back(e.path());
  std::sort(mal_files.begin(), mal_files.end());
  for (const fs::path& p : mal_files) {
    int half = corpus_held_out(p) ? 1 : 0;
    std::string content = read_file(p);
    auto v = score_webshell(p.string(), content);
    std::string lang = v.language.empty() ? "(" + p.extension().string() + ")" : v.language;
    if (p.extension() == ".jspx") lang = "jspx";
    Row& r = rows[lang];
    ++r.mal[half].files;
    ++r.scan_mal[half].files;
    if (v.webshell || !yara.scan(p.string(), content).empty()) ++r.scan_mal[half].hits;
    if (v.webshell) ++r.mal[half].hits;
    else if (half == 0) {
      char s[32];
      std::snprintf(s, sizeof s, "%.1f", v.score);
      misses.push_back(lang + " " + p.lexically_relative(corpus).string() + " score " + s + ": " + top_signals(v.signals, 4));
    }
  }

  fs::path benign(argv[2]);
  size_t bytes = 0;
  double seconds = 0;
  std::vector<fs::path> ben_files;
  for (auto it = fs::recursive_directory_iterator(benign, fs::directory_options::skip_permission_denied);
       it != fs::recursive_directory_iterator(); ++it)
    if (it->is_regular_file() && !it->is_symlink() && webshell_candidate(it->path().string()))
      ben_files.push_back(it->path());
  std::sort(ben_files.begin(), ben_files.end());
  for (const fs::path& p : ben_files) {
    std::string rel = p.lexically_relative(benign).string();
    int half = benign_half(rel);
    std::string content = read_file(p);
    auto t0 = std::chrono::steady_clock::now();
    auto v = score_webshell(p.string(), content);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    bytes += content.size();
    const auto rules = yara.scan(p.string(), content);
    const std::string lang = v.language.empty()            ? "(" + p.extension().string() + ")"
                             : p.extension() == ".jspx" ? "jspx"
                                                        : v.language;
    Row& r = rows[lang];
    ++r.scan_ben[half].files;
    if (v.webshell || !rules.empty()) ++r.scan_ben[half].hits;
    if (!rules.empty()) yara_fps.push_back(std::string(half ? "HELD " : "TUNE ") + rel + ": " + rules.front().rule_id);
    if (v.language.empty()) continue;  // not a PHP file / not a request handler: never scored
    ++r.ben[half].files;
    if (v.webshell) {
      ++r.ben[half].hits;
      if (half == 0) {
        char s[32];
        std::snprintf(s, sizeof s, "%.1f", v.score);
        fps.push_back(lang + " " + rel + " score " + s + ": " + top_signals(v.signals, 4));
      }
    }
  }

  auto pct = [](const Tally& t) { return t.files ? 100.0 * static_cast<double>(t.hits) / static_cast<double>(t.files) : 0.0; };
  std::printf("%-8s | %-27s | %-27s | %-29s | %-29s\n", "language", "malicious TUNE det/files", "malicious HELD-OUT det/files",
              "benign TUNE flagged/files", "benign HELD-OUT flagged/files");
  Row total;
  for (const auto& [lang, r] : rows) {
    if (r.mal[0].files + r.mal[1].files + r.ben[0].files + r.ben[1].files == 0) continue;
    std::printf("%-8s | %5zu/%-5zu recall %6.1f%% | %5zu/%-5zu recall %6.1f%% | %5zu/%-6zu FP %6.2f%% | %5zu/%-6zu FP %6.2f%%\n",
                lang.c_str(), r.mal[0].hits, r.mal[0].files, pct(r.mal[0]), r.mal[1].hits, r.mal[1].files, pct(r.mal[1]),
                r.ben[0].hits, r.ben[0].files, pct(r.ben[0]), r.ben[1].hits, r.ben[1].files, pct(r.ben[1]));
    for (int h = 0; h < 2; ++h) {
      total.mal[h].files += r.mal[h].files, total.mal[h].hits += r.mal[h].hits;
      total.ben[h].files += r.ben[h].files, total.ben[h].hits += r.ben[h].hits;
    }
  }
  std::printf("%-8s | %5zu/%-5zu recall %6.1f%% | %5zu/%-5zu recall %6.1f%% | %5zu/%-6zu FP %6.2f%% | %5zu/%-6zu FP %6.2f%%\n",
              "all", total.mal[0].hits, total.mal[0].files, pct(total.mal[0]), total.mal[1].hits, total.mal[1].files,
              pct(total.mal[1]), total.ben[0].hits, total.ben[0].files, pct(total.ben[0]), total.ben[1].hits,
              total.ben[1].files, pct(total.ben[1]));
  std::printf("\nmoat's malware scan of the same files (webshell detector or a bundled YARA rule; files the\n"
              "detector does not score, such as Perl or Python that handles no request, in parentheses):\n");
  std::printf("%-8s | %-27s | %-27s | %-29s | %-29s\n", "language", "malicious TUNE det/files",
              "malicious HELD-OUT det/files", "benign TUNE flagged/files", "benign HELD-OUT flagged/files");
  for (const auto& [lang, r] : rows)
    std::printf("%-8s | %5zu/%-5zu recall %6.1f%% | %5zu/%-5zu recall %6.1f%% | %5zu/%-6zu FP %6.2f%% | %5zu/%-6zu FP %6.2f%%\n",
                lang.c_str(), r.scan_mal[0].hits, r.scan_mal[0].files, pct(r.scan_mal[0]), r.scan_mal[1].hits,
                r.scan_mal[1].files, pct(r.scan_mal[1]), r.scan_ben[0].hits, r.scan_ben[0].files, pct(r.scan_ben[0]),
                r.scan_ben[1].hits, r.scan_ben[1].files, pct(r.scan_ben[1]));
  std::printf("benign files a bundled YARA rule flags (%zu):\n", yara_fps.size());
  for (const auto& f : yara_fps) std::printf("  %s\n", f.c_str());
  std::printf("\nthroughput on benign candidates: %.1f MB in %.2f s = %.1f MB/s\n", static_cast<double>(bytes) / 1e6,
              seconds, seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0.0);
  std::printf("\nTUNE misses (%zu):\n", misses.size());
  for (const auto& m : misses) std::printf("  %s\n", m.c_str());
  std::printf("\nTUNE false positives (%zu):\n", fps.size());
  for (const auto& f : fps) std::printf("  %s\n", f.c_str());
  return 0;
}
