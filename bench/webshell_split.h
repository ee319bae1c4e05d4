#pragma once
// The TUNE / HELD-OUT split of the webshell evaluation (bench/webshell_eval.cpp) and of the
// held-out test (tests/malware/webshell_corpus_test.cpp), so that tuning never reads what the
// figures are reported on.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace webshell_split {

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Corpus files are named <16 hex digits of their sha256>.<ext>: 0-7 TUNE, 8-f HELD-OUT. Files
// named otherwise (extra tuning sets) are never held out.
inline bool corpus_held_out(const std::filesystem::path& p) {
  std::string stem = p.stem().string();
  return stem.size() == 16 && stem.find_first_not_of("0123456789abcdef") == std::string::npos && stem[0] >= '8';
}

// Benign files by FNV-1a of their path relative to BENIGN_DIR: 0 (even) TUNE, 1 (odd) HELD-OUT.
inline int benign_half(const std::string& rel) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : rel) h = (h ^ c) * 1099511628211ull;
  return static_cast<int>(h & 1);
}

}  // namespace webshell_split
