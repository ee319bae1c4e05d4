// How much of the webshell detector's PHP recall rests on surface text a variant would change.
//
//   webshell_mutate DIR
//
// Every PHP file under DIR that the detector flags is rewritten by each mutation below and scored
// again; the program prints, per mutation, how many stay flagged, and every file that falls under
// the threshold with its score and signals before and after. A mutation keeps what the page does
// (PHP function and method names are case-insensitive, variable and function names are the
// author's choice, a string literal may be built from pieces) but changes what a rule tied to
// one sample's text would see, so each file it loses points at a signal that will not carry to
// the next variant of the same shell. Files named like the split corpus's HELD-OUT half are
// skipped unread (bench/webshell_split.h): this is a tuning tool.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "malware/webshell.h"
#include "webshell_split.h"

namespace fs = std::filesystem;
using moat::malware::score_webshell;

namespace {

// A PHP file cut into the pieces a mutation treats differently. Heredoc bodies count as
// double-quoted strings; the scanner is as approximate as the detector's own tokenizer.
enum class Part { Html, Open, Code, Single, Double, Comment };
struct Piece {
  Part part;
  std::string text;
};

bool ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool ident_char(char c) { return ident_start(c) || std::isdigit(static_cast<unsigned char>(c)); }

std::vector<Piece> cut_php(std::string_view s) {
  std::vector<Piece> out;
  auto push = [&](Part p, std::string_view t) {
    if (t.empty()) return;
    if (!out.empty() && out.back().part == p && p != Part::Single && p != Part::Double && p != Part::Open)
      out.back().text += t;
    else
      out.push_back({p, std::string(t)});
  };
  size_t i = 0;
  while (i < s.size()) {
    size_t open = s.find("<?", i);
    if (open == std::string_view::npos) {
      push(Part::Html, s.substr(i));
      break;
    }
    push(Part::Html, s.substr(i, open - i));
    size_t tag = 2;
    if (s.compare(open, 5, "<?php") == 0 || s.compare(open, 5, "<?PHP") == 0)
      tag = 5;
    else if (s.compare(open, 3, "<?=") == 0)
      tag = 3;
    push(Part::Open, s.substr(open, tag));
    i = open + tag;
    while (i < s.size()) {
      char c = s[i];
      if (c == '?' && i + 1 < s.size() && s[i + 1] == '>') {
        push(Part::Open, "?>");
        i += 2;
        break;
      }
      if (c == '\'' || c == '"') {
        size_t j = i + 1;
        while (j < s.size() && s[j] != c) j += s[j] == '\\' ? 2 : 1;
        j = std::min(j + 1, s.size());
        push(c == '\'' ? Part::Single : Part::Double, s.substr(i, j - i));
        i = j;
      } else if (c == '#' || (c == '/' && i + 1 < s.size() && s[i + 1] == '/')) {
        size_t j = i;
        while (j < s.size() && s[j] != '\n' && s.compare(j, 2, "?>") != 0) ++j;
        push(Part::Comment, s.substr(i, j - i));
        i = j;
      } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
        size_t j = s.find("*/", i + 2);
        j = j == std::string_view::npos ? s.size() : j + 2;
        push(Part::Comment, s.substr(i, j - i));
        i = j;
      } else if (s.compare(i, 3, "<<<") == 0) {
        size_t j = i + 3;
        while (j < s.size() && (s[j] == ' ' || s[j] == '\'' || s[j] == '"')) ++j;
        size_t id = j;
        while (j < s.size() && ident_char(s[j])) ++j;
        std::string label(s.substr(id, j - id));
        size_t end = label.empty() ? std::string_view::npos : s.find("\n" + label, j);
        end = end == std::string_view::npos ? s.size() : end + 1 + label.size();
        push(Part::Double, s.substr(i, end - i));
        i = end;
      } else {
        push(Part::Code, s.substr(i, 1));
        ++i;
      }
    }
  }
  return out;
}

std::string join(const std::vector<Piece>& pieces) {
  std::string out;
  for (const Piece& p : pieces) out += p.text;
  return out;
}

// Rewrites every identifier-like word of `text` for which `f` returns a replacement.
std::string map_words(const std::string& text,
                      const std::function<std::optional<std::string>(const std::string&, size_t)>& f) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (!ident_start(text[i]) || (i > 0 && ident_char(text[i - 1]))) {
      out += text[i++];
      continue;
    }
    size_t j = i;
    while (j < text.size() && ident_char(text[j])) ++j;
    std::string word = text.substr(i, j - i);
    auto r = f(word, i);
    out += r ? *r : word;
    i = j;
  }
  return out;
}

// Names PHP gives meaning to; renaming them would change what the page reads.
const std::set<std::string> kReserved = {"_GET", "_POST",    "_REQUEST", "_COOKIE", "_SERVER",        "_FILES",
                                         "_ENV", "_SESSION", "GLOBALS",  "this",    "HTTP_POST_VARS", "HTTP_GET_VARS"};

// $name -> $v<n>, one name per variable, in code and in double-quoted interpolation.
std::string rename_variables(std::string_view content) {
  std::map<std::string, std::string> names;
  auto pieces = cut_php(content);
  for (Piece& p : pieces) {
    if (p.part != Part::Code && p.part != Part::Double) continue;
    std::string& t = p.text;
    p.text = map_words(t, [&](const std::string& w, size_t at) -> std::optional<std::string> {
      if (at == 0 || t[at - 1] != '$' || kReserved.count(w)) return std::nullopt;
      auto [it, fresh] = names.try_emplace(w, "v" + std::to_string(names.size()));
      return it->second;
    });
  }
  return join(pieces);
}

// function name( ... ) -> function f<n>( ... ), with every call and every string that is exactly
// the name (a callback) renamed too. Methods are renamed alike: PHP names are case-insensitive,
// so the map is keyed lower-case.
std::string rename_functions(std::string_view content) {
  auto pieces = cut_php(content);
  std::map<std::string, std::string> names;
  std::string code;
  for (const Piece& p : pieces)
    if (p.part == Part::Code) code += p.text;
  for (size_t at = code.find("function"); at != std::string::npos; at = code.find("function", at + 8)) {
    if (at > 0 && ident_char(code[at - 1])) continue;
    size_t j = at + 8;
    if (j < code.size() && ident_char(code[j])) continue;
    while (j < code.size() && std::isspace(static_cast<unsigned char>(code[j]))) ++j;
    if (j < code.size() && code[j] == '&') ++j;
    size_t k = j;
    while (k < code.size() && ident_char(code[k])) ++k;
    std::string name = code.substr(j, k - j);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    // Magic methods keep their names: PHP calls them by name.
    if (name.empty() || name.rfind("__", 0) == 0) continue;
    names.try_emplace(name, "f" + std::to_string(names.size()));
  }
  auto lower = [](std::string w) {
    std::transform(w.begin(), w.end(), w.begin(), [](unsigned char c) { return std::tolower(c); });
    return w;
  };
  for (Piece& p : pieces) {
    if (p.part == Part::Code) {
      std::string& t = p.text;
      p.text = map_words(t, [&](const std::string& w, size_t at) -> std::optional<std::string> {
        if (at > 0 && t[at - 1] == '$') return std::nullopt;
        auto it = names.find(lower(w));
        return it == names.end() ? std::nullopt : std::optional<std::string>(it->second);
      });
    } else if ((p.part == Part::Single || p.part == Part::Double) && p.text.size() > 2) {
      auto it = names.find(lower(p.text.substr(1, p.text.size() - 2)));
      if (it != names.end()) p.text = p.text[0] + it->second + p.text[0];
    }
  }
  return join(pieces);
}

// Every identifier followed by '(' in alternating case: sYsTeM(...). PHP does not mind.
std::string flip_call_case(std::string_view content) {
  auto pieces = cut_php(content);
  for (Piece& p : pieces) {
    if (p.part != Part::Code) continue;
    std::string& t = p.text;
    p.text = map_words(t, [&](const std::string& w, size_t at) -> std::optional<std::string> {
      if (at > 0 && t[at - 1] == '$') return std::nullopt;
      size_t k = at + w.size();
      while (k < t.size() && (t[k] == ' ' || t[k] == '\t')) ++k;
      if (k >= t.size() || t[k] != '(') return std::nullopt;
      std::string r = w;
      for (size_t i = 0; i < r.size(); ++i)
        r[i] = static_cast<char>(i % 2 ? std::toupper(static_cast<unsigned char>(r[i]))
                                       : std::tolower(static_cast<unsigned char>(r[i])));
      return r;
    });
  }
  return join(pieces);
}

// $_GET, $_POST, $_COOKIE -> $_REQUEST: the same input, read through another array.
std::string request_array(std::string_view content) {
  auto pieces = cut_php(content);
  for (Piece& p : pieces) {
    if (p.part != Part::Code && p.part != Part::Double) continue;
    std::string& t = p.text;
    p.text = map_words(t, [&](const std::string& w, size_t at) -> std::optional<std::string> {
      if (at == 0 || t[at - 1] != '$') return std::nullopt;
      if (w == "_GET" || w == "_POST" || w == "_COOKIE") return std::string("_REQUEST");
      return std::nullopt;
    });
  }
  return join(pieces);
}

// Literal strings of 4 or more characters without escapes or interpolation, cut in two and
// joined with PHP's '.'.
std::string split_strings(std::string_view content) {
  auto pieces = cut_php(content);
  for (Piece& p : pieces) {
    if (p.part != Part::Single && p.part != Part::Double) continue;
    const std::string& t = p.text;
    if (t.size() < 6 || t.back() != t.front() || t.find('\\') != std::string::npos ||
        t.find('$') != std::string::npos || t.find('\n') != std::string::npos)
      continue;
    char q = t.front();
    std::string body = t.substr(1, t.size() - 2);
    size_t half = body.size() / 2;
    p.text = std::string(1, q) + body.substr(0, half) + q + "." + q + body.substr(half) + q;
  }
  return join(pieces);
}

// The page without its comments and without the HTML around the PHP code.
std::string code_only(std::string_view content) {
  auto pieces = cut_php(content);
  std::string out;
  for (const Piece& p : pieces) {
    if (p.part == Part::Html) {
      out += std::count(p.text.begin(), p.text.end(), '\n') ? "\n" : "";
    } else if (p.part == Part::Comment) {
      out += p.text.rfind("/*", 0) == 0 ? " " : "";
    } else {
      out += p.text;
    }
  }
  return out;
}

struct Mutation {
  const char* name;
  std::function<std::string(std::string_view)> apply;
};

std::string top(const std::vector<std::string>& s) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < 4; ++i) out += (i ? "; " : "") + s[i];
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  std::vector<Mutation> mutations = {
      {"call-case", flip_call_case},
      {"rename-variables", rename_variables},
      {"rename-functions", rename_functions},
      {"request-array", request_array},
      {"split-strings", split_strings},
      {"code-only", code_only},
      {"all",
       [](std::string_view c) {
         return split_strings(rename_functions(rename_variables(code_only(flip_call_case(request_array(c))))));
       }},
  };
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(argv[1])) {
    const fs::path& p = e.path();
    if (e.is_regular_file() && (p.extension() == ".php" || p.extension() == ".phtml") &&
        !webshell_split::corpus_held_out(p))
      files.push_back(p);
  }
  std::sort(files.begin(), files.end());
  std::map<std::string, size_t> kept;
  size_t flagged = 0;
  for (const fs::path& p : files) {
    std::string content = webshell_split::read_file(p);
    auto before = score_webshell(p.string(), content);
    if (!before.webshell) continue;
    ++flagged;
    for (const Mutation& m : mutations) {
      auto after = score_webshell(p.string(), m.apply(content));
      if (after.webshell) {
        ++kept[m.name];
        continue;
      }
      std::printf("LOST %-17s %s: %.1f -> %.1f\n  before: %s\n  after:  %s\n", m.name,
                  p.lexically_relative(argv[1]).c_str(), before.score, after.score, top(before.signals).c_str(),
                  top(after.signals).c_str());
    }
  }
  for (const Mutation& m : mutations) std::printf("%-17s %zu/%zu stay flagged\n", m.name, kept[m.name], flagged);
  return 0;
}
