// How much of the webshell detector's recall rests on surface text a variant would change.
//
//   webshell_mutate DIR
//
// Every PHP, ASP, ASP.NET and JSP file under DIR that the detector flags is rewritten by each
// mutation below and scored again; the program prints, per language and mutation, how many stay
// flagged, and every file that falls under the threshold with its score and signals before and
// after. A mutation keeps what the page does (PHP and VBScript names are case-insensitive,
// variable and function names are the author's choice, a string literal may be built from pieces,
// comments and markup do not run) but changes what a rule tied to one sample's text would see, so
// each file it loses points at a signal that will not carry to the next variant of the same
// shell. Files named like the split corpus's HELD-OUT half are skipped unread
// (bench/webshell_split.h): this is a tuning tool.
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

#include "base/text.h"
#include "malware/webshell.h"
#include "webshell_split.h"

namespace fs = std::filesystem;
using moat::ascii_lower;
using moat::malware::score_webshell;

namespace {

// How a page's server code is written: PHP; VBScript or VB.NET (' comments, "" inside strings,
// & joins, names case-insensitive); or a C-like language (JSP's Java, ASP.NET's C#, JScript).
enum class Dialect { Php, Vb, CLike };

Dialect dialect_of(const fs::path& p, std::string_view content) {
  std::string ext = ascii_lower(p.extension().string());
  if (ext == ".php" || ext == ".phtml") return Dialect::Php;
  if (ext == ".jsp" || ext == ".jspx") return Dialect::CLike;
  std::string head = ascii_lower(content.substr(0, 512));
  bool vb_named = head.find("language=\"vb") != std::string::npos || head.find("language=vb") != std::string::npos;
  bool c_named = head.find("jscript") != std::string::npos || head.find("javascript") != std::string::npos ||
                 head.find("c#") != std::string::npos || head.find("csharp") != std::string::npos;
  if (ext == ".asp" || ext == ".asa" || ext == ".cer") return c_named ? Dialect::CLike : Dialect::Vb;
  return vb_named ? Dialect::Vb : Dialect::CLike;  // .aspx, .ashx, .asmx: C# unless VB is named
}

// A page cut into the pieces a mutation treats differently. The scanner is as approximate as the
// detector's own tokenizer: PHP heredoc bodies count as double-quoted strings, ASP's
// <script runat="server"> blocks and JSP's <jsp:scriptlet> elements as code.
enum class Part { Html, Open, Code, Single, Double, Comment };
struct Piece {
  Part part;
  std::string text;
};

bool ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool ident_char(char c) { return ident_start(c) || std::isdigit(static_cast<unsigned char>(c)); }

bool starts_with_nocase(std::string_view s, size_t at, std::string_view prefix) {
  return s.size() >= at + prefix.size() && ascii_lower(s.substr(at, prefix.size())) == prefix;
}

class Cutter {
 public:
  Cutter(Dialect d, std::string_view s) : d_(d), s_(s) {}

  std::vector<Piece> run() {
    size_t i = 0;
    while (i < s_.size()) {
      auto [open, tag, close] = next_code(i);
      if (open == std::string_view::npos) {
        push(Part::Html, s_.substr(i));
        break;
      }
      push(Part::Html, s_.substr(i, open - i));
      push(Part::Open, s_.substr(open, tag));
      i = code(open + tag, close);
    }
    return std::move(out_);
  }

 private:
  struct CodeStart {
    size_t at, tag_length;
    std::string close;
  };

  // The next place server code starts at or after `from`, the opening tag's length and the text
  // that ends the code.
  CodeStart next_code(size_t from) const {
    if (d_ == Dialect::Php) {
      size_t open = s_.find("<?", from);
      if (open == std::string_view::npos) return {open, 0, ""};
      size_t tag = starts_with_nocase(s_, open, "<?php") ? 5 : s_.compare(open, 3, "<?=") == 0 ? 3 : 2;
      return {open, tag, "?>"};
    }
    CodeStart best{std::string_view::npos, 0, ""};
    if (size_t open = s_.find("<%", from); open != std::string_view::npos) {
      size_t tag =
          open + 2 < s_.size() && std::string_view("=@!#:").find(s_[open + 2]) != std::string_view::npos ? 3 : 2;
      best = {open, tag, "%>"};
    }
    for (std::string_view element : {"<script", "<jsp:scriptlet", "<jsp:declaration", "<jsp:expression"}) {
      std::string lower = ascii_lower(s_.substr(from));
      for (size_t at = lower.find(element); at != std::string::npos && from + at < best.at;
           at = lower.find(element, at + 1)) {
        size_t end = lower.find('>', at);
        if (end == std::string::npos) break;
        if (element == "<script" && lower.substr(at, end - at).find("runat") == std::string::npos) continue;
        std::string close = element == "<script" ? "</script" : "</" + std::string(element.substr(1));
        best = {from + at, end + 1 - at, close};
        break;
      }
    }
    return best;
  }

  // Cuts server code from `i` to its closing text; returns where the page goes on.
  size_t code(size_t i, const std::string& close) {
    while (i < s_.size()) {
      char c = s_[i];
      if (starts_with_nocase(s_, i, close)) {
        push(Part::Open, s_.substr(i, close.size()));
        return i + close.size();
      }
      if (c == '"' || (c == '\'' && d_ != Dialect::Vb)) {
        size_t j = i + 1;
        if (d_ == Dialect::Vb) {
          while (j < s_.size() && s_[j] != '\n' && !(s_[j] == '"' && (j + 1 >= s_.size() || s_[j + 1] != '"')))
            j += s_[j] == '"' ? 2 : 1;
        } else {
          while (j < s_.size() && s_[j] != c) j += s_[j] == '\\' ? 2 : 1;
        }
        j = std::min(j + 1, s_.size());
        push(c == '\'' ? Part::Single : Part::Double, s_.substr(i, j - i));
        i = j;
      } else if (line_comment(i)) {
        size_t j = i;
        while (j < s_.size() && s_[j] != '\n' && !starts_with_nocase(s_, j, close)) ++j;
        push(Part::Comment, s_.substr(i, j - i));
        i = j;
      } else if (d_ != Dialect::Vb && s_.compare(i, 2, "/*") == 0) {
        size_t j = s_.find("*/", i + 2);
        j = j == std::string_view::npos ? s_.size() : j + 2;
        push(Part::Comment, s_.substr(i, j - i));
        i = j;
      } else if (d_ == Dialect::Php && s_.compare(i, 3, "<<<") == 0) {
        size_t j = i + 3;
        while (j < s_.size() && (s_[j] == ' ' || s_[j] == '\'' || s_[j] == '"')) ++j;
        size_t id = j;
        while (j < s_.size() && ident_char(s_[j])) ++j;
        std::string label(s_.substr(id, j - id));
        size_t end = label.empty() ? std::string_view::npos : s_.find("\n" + label, j);
        end = end == std::string_view::npos ? s_.size() : end + 1 + label.size();
        push(Part::Double, s_.substr(i, end - i));
        i = end;
      } else {
        push(Part::Code, s_.substr(i, 1));
        ++i;
      }
    }
    return i;
  }

  bool line_comment(size_t i) const {
    if (d_ == Dialect::Vb)
      return s_[i] == '\'' || (starts_with_nocase(s_, i, "rem ") && (i == 0 || !ident_char(s_[i - 1])));
    return s_.compare(i, 2, "//") == 0 || (d_ == Dialect::Php && s_[i] == '#');
  }

  void push(Part p, std::string_view t) {
    if (t.empty()) return;
    if (!out_.empty() && out_.back().part == p && p != Part::Single && p != Part::Double && p != Part::Open)
      out_.back().text += t;
    else
      out_.push_back({p, std::string(t)});
  }

  Dialect d_;
  std::string_view s_;
  std::vector<Piece> out_;
};

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

char previous_nonblank(const std::string& t, size_t at) {
  while (at > 0 && (t[at - 1] == ' ' || t[at - 1] == '\t')) --at;
  return at > 0 ? t[at - 1] : '\n';
}

// A mutation gives the respelled page, or nothing when it does not apply to the dialect.
using Mutation = std::function<std::optional<std::string>(Dialect, std::string_view)>;

// Names PHP gives meaning to; renaming them would change what the page reads.
const std::set<std::string> kPhpReserved = {"_GET",    "_POST",  "_REQUEST",       "_COOKIE",
                                            "_SERVER", "_FILES", "_ENV",           "_SESSION",
                                            "GLOBALS", "this",   "HTTP_POST_VARS", "HTTP_GET_VARS"};

// PHP: $name -> $v<n>, in code and in double-quoted interpolation. VBScript: every name declared
// with Dim or assigned at the start of a statement -> v<n>, wherever it is read (not after '.').
std::optional<std::string> rename_variables(Dialect d, std::string_view content) {
  if (d == Dialect::CLike) return std::nullopt;
  auto pieces = Cutter(d, content).run();
  std::map<std::string, std::string> names;
  if (d == Dialect::Vb) {
    for (const Piece& p : pieces) {
      if (p.part != Part::Code) continue;
      const std::string& t = p.text;
      bool in_dim = false;
      map_words(t, [&](const std::string& w, size_t at) -> std::optional<std::string> {
        std::string low = ascii_lower(w);
        char before = previous_nonblank(t, at);
        if (low == "dim")
          in_dim = true;
        else if (before == '\n' || before == ':')
          in_dim = false;
        size_t k = at + w.size();
        while (k < t.size() && (t[k] == ' ' || t[k] == '\t')) ++k;
        bool assigned = (before == '\n' || before == ':') && k < t.size() && t[k] == '=';
        if (low != "dim" && before != '.' &&
            (assigned || (in_dim && (before == ',' || before == 'm' || before == 'M'))))
          names.try_emplace(low, "v" + std::to_string(names.size()));
        return std::nullopt;
      });
    }
  }
  for (Piece& p : pieces) {
    if (p.part != Part::Code && !(d == Dialect::Php && p.part == Part::Double)) continue;
    std::string& t = p.text;
    p.text = map_words(t, [&](const std::string& w, size_t at) -> std::optional<std::string> {
      if (d == Dialect::Php) {
        if (at == 0 || t[at - 1] != '$' || kPhpReserved.count(w)) return std::nullopt;
        return names.try_emplace(w, "v" + std::to_string(names.size())).first->second;
      }
      if (previous_nonblank(t, at) == '.') return std::nullopt;
      auto it = names.find(ascii_lower(w));
      return it == names.end() ? std::nullopt : std::optional<std::string>(it->second);
    });
  }
  return join(pieces);
}

// PHP `function name(`, VBScript `Function name` / `Sub name` -> f<n>, with every call and every
// string that is exactly the name (a callback) renamed too. Names are keyed lower-case: both
// languages ignore case. PHP's magic methods keep their names: PHP calls them by name.
std::optional<std::string> rename_functions(Dialect d, std::string_view content) {
  if (d == Dialect::CLike) return std::nullopt;
  auto pieces = Cutter(d, content).run();
  std::map<std::string, std::string> names;
  for (const Piece& p : pieces) {
    if (p.part != Part::Code) continue;
    const std::string& t = p.text;
    bool after_keyword = false;
    map_words(t, [&](const std::string& w, size_t) -> std::optional<std::string> {
      std::string low = ascii_lower(w);
      if (after_keyword && low.rfind("__", 0) != 0) names.try_emplace(low, "f" + std::to_string(names.size()));
      after_keyword = low == "function" || (d == Dialect::Vb && low == "sub");
      return std::nullopt;
    });
  }
  for (Piece& p : pieces) {
    if (p.part == Part::Code) {
      std::string& t = p.text;
      p.text = map_words(t, [&](const std::string& w, size_t at) -> std::optional<std::string> {
        if (at > 0 && t[at - 1] == '$') return std::nullopt;
        auto it = names.find(ascii_lower(w));
        return it == names.end() ? std::nullopt : std::optional<std::string>(it->second);
      });
    } else if ((p.part == Part::Single || p.part == Part::Double) && p.text.size() > 2) {
      auto it = names.find(ascii_lower(p.text.substr(1, p.text.size() - 2)));
      if (it != names.end()) p.text = p.text[0] + it->second + p.text[0];
    }
  }
  return join(pieces);
}

// PHP: every identifier followed by '(' in alternating case (sYsTeM(...)). VBScript: every
// identifier of the code so. Neither language minds.
std::optional<std::string> flip_case(Dialect d, std::string_view content) {
  if (d == Dialect::CLike) return std::nullopt;
  auto pieces = Cutter(d, content).run();
  for (Piece& p : pieces) {
    if (p.part != Part::Code) continue;
    std::string& t = p.text;
    p.text = map_words(t, [&](const std::string& w, size_t at) -> std::optional<std::string> {
      if (d == Dialect::Php) {
        if (at > 0 && t[at - 1] == '$') return std::nullopt;
        size_t k = at + w.size();
        while (k < t.size() && (t[k] == ' ' || t[k] == '\t')) ++k;
        if (k >= t.size() || t[k] != '(') return std::nullopt;
      }
      std::string r = w;
      for (size_t i = 0; i < r.size(); ++i)
        r[i] = static_cast<char>(i % 2 ? std::toupper(static_cast<unsigned char>(r[i]))
                                       : std::tolower(static_cast<unsigned char>(r[i])));
      return r;
    });
  }
  return join(pieces);
}

// The same input read through another collection: PHP's $_GET, $_POST, $_COOKIE as $_REQUEST;
// ASP's Request.Form(...) and Request.QueryString(...) as Request(...).
std::optional<std::string> request_collection(Dialect d, std::string_view content) {
  if (d == Dialect::CLike) return std::nullopt;
  auto pieces = Cutter(d, content).run();
  for (Piece& p : pieces) {
    if (p.part != Part::Code && !(d == Dialect::Php && p.part == Part::Double)) continue;
    if (d == Dialect::Php) {
      std::string& t = p.text;
      p.text = map_words(t, [&](const std::string& w, size_t at) -> std::optional<std::string> {
        if (at == 0 || t[at - 1] != '$') return std::nullopt;
        if (w == "_GET" || w == "_POST" || w == "_COOKIE") return std::string("_REQUEST");
        return std::nullopt;
      });
      continue;
    }
    std::string low = ascii_lower(p.text);
    for (std::string_view member : {"request.form", "request.querystring"}) {
      for (size_t at = low.find(member); at != std::string::npos; at = low.find(member)) {
        p.text.replace(at, member.size(), "Request");
        low.replace(at, member.size(), "request");
      }
    }
  }
  return join(pieces);
}

// PHP: every read of a request array element given a fallback, $_POST['c'] -> ($_POST['c'] ?? ''),
// as pages written for PHP 8's warnings do. Reads inside isset()/empty() and assignments to the
// element are left alone.
std::optional<std::string> request_fallback(Dialect d, std::string_view content) {
  if (d != Dialect::Php) return std::nullopt;
  auto pieces = Cutter(d, content).run();
  for (size_t n = 0; n < pieces.size(); ++n) {
    Piece& p = pieces[n];
    if (p.part != Part::Code) continue;
    std::string out;
    const std::string& t = p.text;
    for (size_t i = 0; i < t.size();) {
      size_t at = std::string::npos;
      for (std::string_view array : {"$_GET[", "$_POST[", "$_REQUEST[", "$_COOKIE["})
        if (t.compare(i, array.size(), array) == 0) at = i + array.size();
      // The key is the next piece: a quoted literal, then "]".
      if (at == std::string::npos || at != t.size() || n + 2 >= pieces.size() ||
          (pieces[n + 1].part != Part::Single && pieces[n + 1].part != Part::Double) ||
          pieces[n + 2].part != Part::Code || pieces[n + 2].text.empty() || pieces[n + 2].text[0] != ']') {
        out += t[i++];
        continue;
      }
      std::string before = ascii_lower(out.substr(out.size() > 8 ? out.size() - 8 : 0));
      std::string rest = pieces[n + 2].text.substr(1);
      size_t k = rest.find_first_not_of(" \t");
      bool guarded = before.find("isset(") != std::string::npos || before.find("empty(") != std::string::npos;
      bool written = k != std::string::npos &&
                     (rest[k] == '[' || (rest[k] == '=' && (k + 1 >= rest.size() || rest[k + 1] != '=')));
      if (guarded || written) {
        out += t.substr(i);
        break;
      }
      out += "(" + t.substr(i);
      pieces[n + 2].text = "] ?? '')" + rest;
      break;
    }
    p.text = out;
  }
  return join(pieces);
}

// Literal strings of 4 or more characters without escapes or interpolation, cut in two and
// joined with the language's operator.
std::optional<std::string> split_strings(Dialect d, std::string_view content) {
  std::string_view join_op = d == Dialect::Php ? "." : d == Dialect::Vb ? " & " : " + ";
  auto pieces = Cutter(d, content).run();
  for (Piece& p : pieces) {
    if (p.part != Part::Double && !(d == Dialect::Php && p.part == Part::Single)) continue;
    const std::string& t = p.text;
    if (t.size() < 6 || t.back() != t.front() || t.find('\\') != std::string::npos ||
        t.find('$') != std::string::npos || t.find('\n') != std::string::npos ||
        t.substr(1, t.size() - 2).find('"') != std::string::npos)
      continue;
    char q = t.front();
    std::string body = t.substr(1, t.size() - 2);
    size_t half = body.size() / 2;
    p.text = std::string(1, q) + body.substr(0, half) + q + std::string(join_op) + q + body.substr(half) + q;
  }
  return join(pieces);
}

// The page without its comments and without the markup around its server code.
std::optional<std::string> code_only(Dialect d, std::string_view content) {
  auto pieces = Cutter(d, content).run();
  // The detector reads an ASP or JSP file with no server-code tag as code (a fragment, a class
  // pasted whole): there is no markup to drop.
  if (std::none_of(pieces.begin(), pieces.end(), [](const Piece& p) { return p.part == Part::Open; }))
    return std::nullopt;
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

std::optional<std::string> all(Dialect d, std::string_view content) {
  std::string page(content);
  for (const Mutation& m :
       {Mutation(request_collection), Mutation(request_fallback), Mutation(flip_case), Mutation(code_only),
        Mutation(rename_variables), Mutation(rename_functions), Mutation(split_strings)})
    if (auto next = m(d, page)) page = std::move(*next);
  return page;
}

std::string top(const std::vector<std::string>& s) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < 4; ++i) out += (i ? "; " : "") + s[i];
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::fprintf(stderr, "usage: %s DIR [HOST.php]\n", argv[0]);
    return 2;
  }
  std::vector<std::pair<const char*, Mutation>> mutations = {
      {"case", flip_case},
      {"rename-variables", rename_variables},
      {"rename-functions", rename_functions},
      {"request-collection", request_collection},
      {"request-fallback", request_fallback},
      {"split-strings", split_strings},
      {"code-only", code_only},
      {"all", all},
  };
  // A backdoor planted in an application's own file: the shell after or before HOST's code.
  std::string host = argc == 3 ? webshell_split::read_file(argv[2]) : "";
  if (!host.empty()) {
    auto closed = [](std::string page) {
      auto pieces = Cutter(Dialect::Php, page).run();
      if (!pieces.empty() && pieces.back().part != Part::Html && pieces.back().text != "?>") page += "\n?>";
      return page + "\n";
    };
    mutations.emplace_back("after-host", [&host, closed](Dialect d, std::string_view c) -> std::optional<std::string> {
      if (d != Dialect::Php) return std::nullopt;
      return closed(host) + std::string(c);
    });
    mutations.emplace_back("before-host", [&host, closed](Dialect d, std::string_view c) -> std::optional<std::string> {
      if (d != Dialect::Php) return std::nullopt;
      return closed(std::string(c)) + host;
    });
  }
  static const std::set<std::string> kExtensions = {".php",  ".phtml", ".asp",  ".asa", ".cer",
                                                    ".aspx", ".ashx",  ".asmx", ".jsp", ".jspx"};
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(argv[1])) {
    const fs::path& p = e.path();
    if (e.is_regular_file() && kExtensions.count(ascii_lower(p.extension().string())) &&
        !webshell_split::corpus_held_out(p))
      files.push_back(p);
  }
  std::sort(files.begin(), files.end());
  // language -> mutation -> flagged files it applies to, and those still flagged after it
  std::map<std::string, std::map<std::string, size_t>> applied, kept;
  for (const fs::path& p : files) {
    std::string content = webshell_split::read_file(p);
    auto before = score_webshell(p.string(), content);
    // UTF-16 text and Microsoft's Script Encoder output are not source this tool can cut.
    bool utf16 = content.size() >= 2 &&
                 ((content[0] == '\xff' && content[1] == '\xfe') || (content[0] == '\xfe' && content[1] == '\xff'));
    if (!before.webshell || utf16 || content.find("#@~^") != std::string::npos) continue;
    Dialect d = dialect_of(p, content);
    for (const auto& [name, mutate] : mutations) {
      auto page = mutate(d, content);
      if (!page) continue;
      ++applied[before.language][name];
      auto after = score_webshell(p.string(), *page);
      if (after.webshell) {
        ++kept[before.language][name];
        continue;
      }
      std::printf("LOST %-18s %s: %.1f -> %.1f\n  before: %s\n  after:  %s\n", name,
                  p.lexically_relative(argv[1]).c_str(), before.score, after.score, top(before.signals).c_str(),
                  top(after.signals).c_str());
    }
  }
  for (auto& [language, counts] : applied)
    for (const auto& [name, mutate] : mutations)
      if (counts[name])
        std::printf("%-5s %-18s %zu/%zu stay flagged\n", language.c_str(), name, kept[language][name], counts[name]);
  return 0;
}
