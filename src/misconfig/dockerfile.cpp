#include "misconfig/dockerfile.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "base/error.h"

namespace moat::misconfig {
namespace {

constexpr size_t kMaxExpansion = 1024 * 1024;            // ARG a=$b$b$b... must not grow without bound
constexpr size_t kMaxExpansionTotal = 32 * 1024 * 1024;  // ENV a2=$a1x, a3=$a2x, ... neither
constexpr size_t kMaxInheritedEnv = 64 * 1024 * 1024;    // FROM s1 AS s2, FROM s2 AS s3, ... copy ENV
constexpr int kMaxNesting = 32;                          // ${a:-${b:-${c...}}}

const std::set<std::string, std::less<>> kInstructions = {
    "ADD",   "ARG",        "CMD",     "COPY", "ENTRYPOINT", "ENV",        "EXPOSE", "FROM",   "HEALTHCHECK",
    "LABEL", "MAINTAINER", "ONBUILD", "RUN",  "SHELL",      "STOPSIGNAL", "USER",   "VOLUME", "WORKDIR"};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}
std::string_view trim_left(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  return s;
}
std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Variables visible to one substitution: ENV wins over ARG, as in the builder.
struct Scope {
  std::map<std::string, std::string> env;
  std::map<std::string, std::string> args;  // only ARGs that have a value
};

// The builder's word lexer: quotes, the escape character and $-substitution.
class Lexer {
 public:
  // `first` wins over `second`: ENV over ARG.
  // `total` counts every byte substituted for one file.
  Lexer(const std::map<std::string, std::string>& first, const std::map<std::string, std::string>& second, char escape,
        const std::string& input, size_t& total)
      : first_(first), second_(second), esc_(escape), input_(input), total_(total) {}

  std::string word(std::string_view s) {
    auto words = run(s, false);
    return words.empty() ? std::string() : words.front();
  }
  std::vector<std::string> words(std::string_view s) { return run(s, true); }

 private:
  std::vector<std::string> run(std::string_view s, bool split) {
    std::vector<std::string> out;
    std::string cur;
    bool in_word = false;
    size_t i = 0;
    scan(s, i, cur, in_word, split, out, '\0', 0);
    if (in_word || !split) out.push_back(std::move(cur));
    return out;
  }

  void grow(std::string& cur, std::string_view add) {
    if (cur.size() + add.size() > kMaxExpansion) fail(input_, "variable substitution grows beyond 1 MiB");
    total_ += add.size();
    if (total_ > kMaxExpansionTotal) fail(input_, "variable substitutions produce more than 32 MiB in all");
    cur.append(add);
  }

  // Scans until `stop` (for the word of ${var:-word}) or the end; appends to cur.
  void scan(std::string_view s, size_t& i, std::string& cur, bool& in_word, bool split, std::vector<std::string>& out,
            char stop, int depth) {
    while (i < s.size()) {
      char c = s[i];
      if (stop && c == stop) return;
      if (c == esc_) {
        if (i + 1 < s.size()) {
          grow(cur, s.substr(i + 1, 1));
          i += 2;
        } else {
          grow(cur, s.substr(i, 1));
          ++i;
        }
        in_word = true;
      } else if (c == '\'') {
        size_t close = s.find('\'', i + 1);
        if (close == std::string_view::npos) close = s.size();
        grow(cur, s.substr(i + 1, close - i - 1));
        i = std::min(close + 1, s.size());
        in_word = true;
      } else if (c == '"') {
        ++i;
        while (i < s.size() && s[i] != '"') {
          if (s[i] == esc_ && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '$' || s[i + 1] == esc_)) {
            grow(cur, s.substr(i + 1, 1));
            i += 2;
          } else if (s[i] == '$') {
            dollar(s, i, cur, depth);
          } else {
            grow(cur, s.substr(i, 1));
            ++i;
          }
        }
        if (i < s.size()) ++i;
        in_word = true;
      } else if (c == '$') {
        dollar(s, i, cur, depth);
        in_word = true;
      } else if (split && is_space(c)) {
        if (in_word) out.push_back(std::move(cur));
        cur.clear();
        in_word = false;
        ++i;
      } else {
        grow(cur, s.substr(i, 1));
        ++i;
        in_word = true;
      }
    }
  }

  const std::string* lookup(const std::string& name) const {
    if (auto it = first_.find(name); it != first_.end()) return &it->second;
    if (auto it = second_.find(name); it != second_.end()) return &it->second;
    return nullptr;
  }

  // s[i] == '$'
  void dollar(std::string_view s, size_t& i, std::string& cur, int depth) {
    if (depth > kMaxNesting) fail(input_, "variable substitution nested too deeply");
    if (i + 1 < s.size() && s[i + 1] == '{') {
      size_t j = i + 2;
      size_t name_start = j;
      while (j < s.size() && is_name_char(s[j])) ++j;
      std::string name(s.substr(name_start, j - name_start));
      if (j >= s.size()) fail(input_, "missing '}' in substitution of ${" + name);
      if (s[j] == '}') {
        if (const auto* v = lookup(name)) grow(cur, *v);
        i = j + 1;
        return;
      }
      bool colon = false;
      if (s[j] == ':') {
        colon = true;
        ++j;
      }
      if (j >= s.size()) fail(input_, "missing '}' in substitution of ${" + name);
      char op = s[j++];
      if (op == '#' || op == '%') {
        bool longest = j < s.size() && s[j] == op;
        if (longest) ++j;
      }
      if (op == '/') {
        if (j < s.size() && s[j] == '/') ++j;
      }
      // The word is itself substituted, up to the matching '}'.
      std::string word;
      bool in_word = false;
      std::vector<std::string> unused;
      scan(s, j, word, in_word, false, unused, '}', depth + 1);
      if (j >= s.size()) fail(input_, "missing '}' in substitution of ${" + name);
      i = j + 1;
      const std::string* v = lookup(name);
      bool set = v != nullptr && (!colon || !v->empty());
      switch (op) {
        case '-':
          grow(cur, set ? *v : word);
          return;
        case '+':
          if (set) grow(cur, word);
          return;
        case '?':  // the builder fails without a --build-arg; a linter has none, so it reads empty
          if (set) grow(cur, *v);
          return;
        case '#':
          // Only literal prefixes are removed; glob patterns leave the value as it is.
          if (v)
            grow(cur, v->rfind(word, 0) == 0 && word.find_first_of("*?[") == std::string::npos
                          ? std::string_view(*v).substr(word.size())
                          : std::string_view(*v));
          return;
        case '%':
          if (v) {
            std::string_view val = *v;
            bool suffix = val.size() >= word.size() && val.substr(val.size() - word.size()) == word &&
                          word.find_first_of("*?[") == std::string::npos;
            grow(cur, suffix ? val.substr(0, val.size() - word.size()) : val);
          }
          return;
        case '/': {
          if (!v) return;
          auto slash = word.find('/');
          std::string pat = word.substr(0, slash);
          std::string rep = slash == std::string::npos ? std::string() : word.substr(slash + 1);
          std::string val = *v;
          if (!pat.empty() && pat.find_first_of("*?[") == std::string::npos) {
            if (auto at = val.find(pat); at != std::string::npos) val.replace(at, pat.size(), rep);
          }
          grow(cur, val);
          return;
        }
        default:
          fail(input_, std::string("unsupported modifier (") + op + ") in substitution of ${" + name);
      }
    }
    if (i + 1 < s.size() && is_name_start(s[i + 1])) {
      size_t j = i + 1;
      while (j < s.size() && is_name_char(s[j])) ++j;
      if (const auto* v = lookup(std::string(s.substr(i + 1, j - i - 1)))) grow(cur, *v);
      i = j;
      return;
    }
    grow(cur, "$");
    ++i;
  }

  const std::map<std::string, std::string>& first_;
  const std::map<std::string, std::string>& second_;
  char esc_;
  const std::string& input_;
  size_t& total_;
};

// BuildKit reads a JSON array of strings as exec form; anything else is shell form.
std::optional<std::vector<std::string>> parse_json_array(std::string_view s) {
  s = trim(s);
  if (s.empty() || s.front() != '[') return std::nullopt;
  std::vector<std::string> out;
  size_t i = 1;
  auto skip = [&] {
    while (i < s.size() && (is_space(s[i]) || s[i] == '\n')) ++i;
  };
  auto hex4 = [&](size_t at, unsigned& v) {
    if (at + 4 > s.size()) return false;
    v = 0;
    for (size_t k = at; k < at + 4; ++k) {
      char c = s[k];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<unsigned>(c - 'A' + 10);
      else
        return false;
    }
    return true;
  };
  auto utf8 = [](std::string& o, unsigned cp) {
    if (cp < 0x80) {
      o += static_cast<char>(cp);
    } else if (cp < 0x800) {
      o += static_cast<char>(0xC0 | (cp >> 6));
      o += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      o += static_cast<char>(0xE0 | (cp >> 12));
      o += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      o += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      o += static_cast<char>(0xF0 | (cp >> 18));
      o += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      o += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      o += static_cast<char>(0x80 | (cp & 0x3F));
    }
  };
  skip();
  if (i < s.size() && s[i] == ']') return i + 1 == s.size() ? std::optional(out) : std::nullopt;
  while (i < s.size()) {
    skip();
    if (i >= s.size() || s[i] != '"') return std::nullopt;
    ++i;
    std::string str;
    while (true) {
      if (i >= s.size()) return std::nullopt;
      char c = s[i];
      if (c == '"') break;
      if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;
      if (c != '\\') {
        str += c;
        ++i;
        continue;
      }
      if (++i >= s.size()) return std::nullopt;
      char e = s[i++];
      switch (e) {
        case '"':
          str += '"';
          break;
        case '\\':
          str += '\\';
          break;
        case '/':
          str += '/';
          break;
        case 'b':
          str += '\b';
          break;
        case 'f':
          str += '\f';
          break;
        case 'n':
          str += '\n';
          break;
        case 'r':
          str += '\r';
          break;
        case 't':
          str += '\t';
          break;
        case 'u': {
          unsigned cp = 0;
          if (!hex4(i, cp)) return std::nullopt;
          i += 4;
          if (cp >= 0xD800 && cp < 0xDC00 && i + 6 <= s.size() && s[i] == '\\' && s[i + 1] == 'u') {
            unsigned lo = 0;
            if (hex4(i + 2, lo) && lo >= 0xDC00 && lo < 0xE000) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
              i += 6;
            }
          }
          utf8(str, cp);
          break;
        }
        default:
          return std::nullopt;
      }
    }
    ++i;  // closing quote
    out.push_back(std::move(str));
    skip();
    if (i < s.size() && s[i] == ',') {
      ++i;
      continue;
    }
    if (i < s.size() && s[i] == ']') {
      ++i;
      skip();
      return i == s.size() ? std::optional(out) : std::nullopt;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

// Leading "--name=value" / "--name" words; BuildKit extracts them for every instruction.
std::vector<Flag> extract_flags(std::string_view& args) {
  std::vector<Flag> flags;
  while (args.size() >= 2 && args.substr(0, 2) == "--") {
    size_t i = 2;
    std::string token;
    char quote = 0;
    while (i < args.size() && (quote || !is_space(args[i]))) {
      char c = args[i];
      if (quote) {
        if (c == quote)
          quote = 0;
        else
          token += c;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else {
        token += c;
      }
      ++i;
    }
    args = trim_left(args.substr(i));
    if (token.empty()) break;  // a bare "--" ends the flags
    auto eq = token.find('=');
    flags.push_back(eq == std::string::npos ? Flag{token, ""} : Flag{token.substr(0, eq), token.substr(eq + 1)});
  }
  return flags;
}

// Words of the raw text, quotes and escapes kept, so '"<<EOF"' is not mistaken for a heredoc
// and "a\ b" stays one word.
std::vector<std::pair<size_t, std::string>> raw_words(std::string_view s, char escape) {
  std::vector<std::pair<size_t, std::string>> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    if (i >= s.size()) break;
    size_t start = i;
    char quote = 0;
    while (i < s.size() && (quote || !is_space(s[i]))) {
      if (s[i] == escape && quote != '\'' && i + 1 < s.size()) {
        ++i;  // the escaped character belongs to the word, even a space or a quote
      } else if (quote) {
        if (s[i] == quote) quote = 0;
      } else if (s[i] == '"' || s[i] == '\'') {
        quote = s[i];
      }
      ++i;
    }
    out.emplace_back(start, std::string(s.substr(start, i - start)));
  }
  return out;
}

struct HeredocMarker {
  std::string name;
  bool quoted = false;
  bool strip_tabs = false;
};

// "<<EOF", "<<-EOF", "<<'EOF'", "<<\"EOF\"", "3<<EOF"; the word may carry a redirection after it
// in RUN ("<<EOF>out" is rare and not supported).
std::optional<HeredocMarker> heredoc_marker(std::string_view w) {
  size_t i = 0;
  while (i < w.size() && std::isdigit(static_cast<unsigned char>(w[i]))) ++i;
  if (w.substr(i, 2) != "<<") return std::nullopt;
  i += 2;
  HeredocMarker m;
  if (i < w.size() && w[i] == '-') {
    m.strip_tabs = true;
    ++i;
  }
  std::string_view name = w.substr(i);
  if (name.size() >= 2 && (name.front() == '\'' || name.front() == '"') && name.back() == name.front()) {
    m.quoted = true;
    name = name.substr(1, name.size() - 2);
  }
  if (name.empty()) return std::nullopt;
  for (char c : name) {
    if (c == '<' || c == '\'' || c == '"' || is_space(c)) return std::nullopt;
  }
  m.name = std::string(name);
  return m;
}

struct Line {
  int number;
  std::string_view text;
};

bool is_comment(std::string_view line) {
  auto t = trim_left(line);
  return !t.empty() && t.front() == '#';
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& file) : file_(file) {
    if (text.size() > kMaxDockerfileSize)
      fail(file, "Dockerfile is larger than 1 MiB (" + std::to_string(text.size()) + " bytes)");
    if (text.find('\0') != std::string_view::npos) fail(file, "binary content, not a Dockerfile");
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    int n = 1;
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t nl = text.find('\n', pos);
      std::string_view l = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
      if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
      lines_.push_back({n++, l});
      if (nl == std::string_view::npos) break;
      pos = nl + 1;
    }
    df_.file = file;
  }

  Dockerfile parse() {
    size_t i = read_directives();
    std::vector<Instruction> flat;
    while (i < lines_.size()) {
      std::string_view t = trim(lines_[i].text);
      if (t.empty()) {
        ++i;
        continue;
      }
      if (t.front() == '#') {
        record_comment(lines_[i]);
        ++i;
        continue;
      }
      flat.push_back(read_instruction(i));
    }
    build_stages(flat);
    return std::move(df_);
  }

 private:
  void record_comment(const Line& l) {
    size_t hash = l.text.find('#');
    df_.comments.push_back({{l.number, static_cast<int>(hash) + 1}, std::string(trim(l.text.substr(hash + 1)))});
  }

  // "# name=value" lines at the very top; the first other line ends them.
  size_t read_directives() {
    size_t i = 0;
    for (; i < lines_.size(); ++i) {
      std::string_view t = trim(lines_[i].text);
      if (t.empty() || t.front() != '#') break;
      std::string_view body = trim(t.substr(1));
      auto eq = body.find('=');
      if (eq == std::string_view::npos) break;
      std::string name = lower(trim(body.substr(0, eq)));
      if (name != "syntax" && name != "escape" && name != "check") break;
      std::string value(trim(body.substr(eq + 1)));
      if (df_.directives.count(name)) fail(file_, "only one " + name + " parser directive can be used");
      if (name == "escape") {
        if (value != "\\" && value != "`")
          fail(file_, "invalid escape parser directive '" + value + "': must be \\ or `");
        df_.escape = value[0];
      }
      df_.directives[name] = value;
    }
    return i;
  }

  bool continues(std::string_view& text) const {
    std::string_view t = text;
    while (!t.empty() && is_space(t.back())) t.remove_suffix(1);
    if (t.empty() || t.back() != df_.escape) return false;
    t.remove_suffix(1);
    text = t;
    return true;
  }

  Instruction read_instruction(size_t& i) {
    Instruction ins;
    const Line& first = lines_[i];
    size_t indent = first.text.size() - trim_left(first.text).size();
    ins.start = {first.number, static_cast<int>(indent) + 1};
    std::string logical;
    std::string_view piece = first.text.substr(indent);
    ins.lines.push_back({first.number, std::string(first.text)});
    int last_line = first.number;
    int last_col = static_cast<int>(first.text.size());
    ++i;
    while (continues(piece)) {
      logical.append(piece);
      // Comment and empty lines inside a continuation are dropped, as BuildKit does.
      while (i < lines_.size() && (is_comment(lines_[i].text) || trim(lines_[i].text).empty())) ++i;
      if (i >= lines_.size()) {
        piece = {};
        break;
      }
      piece = lines_[i].text;
      ins.lines.push_back({lines_[i].number, std::string(lines_[i].text)});
      last_line = lines_[i].number;
      last_col = static_cast<int>(lines_[i].text.size());
      ++i;
    }
    logical.append(piece);
    parse_line(ins, logical);
    if (ins.keyword == "RUN" || ins.keyword == "COPY" || ins.keyword == "ADD") {
      if (!ins.json_form) read_heredocs(ins, i, last_line, last_col);
    }
    ins.end = {last_line, std::max(last_col, 1)};
    return ins;
  }

  void parse_line(Instruction& ins, std::string_view logical) {
    logical = trim(logical);
    size_t sp = 0;
    while (sp < logical.size() && !is_space(logical[sp])) ++sp;
    ins.keyword = upper(logical.substr(0, sp));
    if (!kInstructions.count(ins.keyword))
      fail(file_, "line " + std::to_string(ins.start.line) +
                      ": unknown instruction: " + std::string(logical.substr(0, std::min<size_t>(sp, 64))));
    std::string_view args = trim_left(logical.substr(sp));
    if (ins.keyword == "ONBUILD") {
      if (args.empty()) fail(file_, "line " + std::to_string(ins.start.line) + ": ONBUILD requires an instruction");
      Instruction inner;
      inner.start = ins.start;
      inner.lines = ins.lines;
      parse_line(inner, args);
      if (inner.keyword == "ONBUILD" || inner.keyword == "FROM" || inner.keyword == "MAINTAINER")
        fail(file_, "line " + std::to_string(ins.start.line) + ": ONBUILD " + inner.keyword + " is not allowed");
      ins.args = std::string(args);
      ins.arguments = {inner.keyword, inner.args};
      ins.trigger.push_back(std::move(inner));
      return;
    }
    ins.flags = extract_flags(args);
    ins.args = std::string(trim(args));
    static const std::set<std::string, std::less<>> json_capable = {"RUN",    "CMD",  "ENTRYPOINT", "SHELL",
                                                                    "VOLUME", "COPY", "ADD"};
    if (json_capable.count(ins.keyword)) {
      if (auto arr = parse_json_array(ins.args)) {
        ins.json_form = true;
        ins.arguments = std::move(*arr);
      }
    }
    if (ins.keyword == "SHELL" && !ins.json_form)
      fail(file_, "line " + std::to_string(ins.start.line) + ": SHELL requires the arguments to be in JSON form");
    if (ins.keyword == "HEALTHCHECK") {
      std::string_view rest = trim(args);
      size_t w = 0;
      while (w < rest.size() && !is_space(rest[w])) ++w;
      std::string kind = upper(rest.substr(0, w));
      std::string cmd(trim(rest.substr(w)));
      if (kind == "NONE") {
        ins.arguments = {"NONE"};
      } else if (kind == "CMD") {
        if (auto arr = parse_json_array(cmd)) {
          ins.json_form = true;
          ins.arguments = {"CMD"};
          ins.arguments.insert(ins.arguments.end(), arr->begin(), arr->end());
        } else {
          ins.arguments = {"CMD", cmd};
        }
      } else {
        fail(file_, "line " + std::to_string(ins.start.line) + ": HEALTHCHECK must be followed by CMD or NONE");
      }
    }
  }

  void read_heredocs(Instruction& ins, size_t& i, int& last_line, int& last_col) {
    for (const auto& [offset, word] : raw_words(ins.args, df_.escape)) {
      auto marker = heredoc_marker(word);
      if (!marker) continue;
      Heredoc doc;
      doc.name = marker->name;
      doc.expand = !marker->quoted;
      doc.strip_tabs = marker->strip_tabs;
      doc.start = {i < lines_.size() ? lines_[i].number : last_line + 1, 1};
      bool closed = false;
      while (i < lines_.size()) {
        std::string_view body = lines_[i].text;
        last_line = lines_[i].number;
        last_col = static_cast<int>(body.size());
        ++i;
        if (doc.strip_tabs) body.remove_prefix(std::min(body.size(), body.find_first_not_of('\t')));
        if (body == doc.name) {
          closed = true;
          break;
        }
        doc.content.append(body);
        doc.content.push_back('\n');
      }
      if (!closed) fail(file_, "line " + std::to_string(ins.start.line) + ": unterminated heredoc <<" + doc.name);
      ins.heredocs.push_back(std::move(doc));
    }
  }

  std::vector<std::string> expand_words(std::string_view s, const Scope& scope) {
    return Lexer(scope.env, scope.args, df_.escape, file_, expanded_).words(s);
  }
  std::string expand(std::string_view s, const Scope& scope) {
    return Lexer(scope.env, scope.args, df_.escape, file_, expanded_).word(s);
  }

  // ENV/LABEL/ARG: "k=v k2=v2" or the legacy "k v with spaces"; values substituted with the
  // scope before the instruction, as the builder does.
  std::vector<std::pair<std::string, std::optional<std::string>>> name_values(const Instruction& ins,
                                                                              const Scope& scope) {
    std::vector<std::pair<std::string, std::optional<std::string>>> out;
    auto words = raw_words(ins.args, df_.escape);
    auto where = "line " + std::to_string(ins.start.line) + ": ";
    if (words.empty()) fail(file_, where + ins.keyword + " requires at least one argument");
    bool legacy = ins.keyword != "ARG" && words[0].second.find('=') == std::string::npos;
    if (legacy) {
      if (words.size() < 2) fail(file_, where + ins.keyword + " " + words[0].second + " has no value");
      std::string_view rest = trim(std::string_view(ins.args).substr(words[1].first));
      out.emplace_back(words[0].second, expand(rest, scope));
      return out;
    }
    for (const auto& [offset, w] : words) {
      auto eq = w.find('=');
      if (eq == std::string::npos) {
        if (ins.keyword != "ARG") fail(file_, where + ins.keyword + " " + w + ": expected name=value");
        out.emplace_back(expand(w, scope), std::nullopt);
        continue;
      }
      std::string name = expand(w.substr(0, eq), scope);
      if (name.empty()) fail(file_, where + ins.keyword + ": empty name in " + w);
      out.emplace_back(name, expand(std::string_view(w).substr(eq + 1), scope));
    }
    return out;
  }

  void substitute(Instruction& ins, Scope& scope, const Scope* global) {
    const std::string& k = ins.keyword;
    if (k == "ARG") {
      for (auto& [name, value] : name_values(ins, scope)) {
        std::optional<std::string> v = value;
        if (!v && global) {  // "ARG NAME" in a stage takes the global default
          if (auto it = global->args.find(name); it != global->args.end()) v = it->second;
        }
        if (v)
          scope.args[name] = *v;
        else
          scope.args.erase(name);
        ins.arguments.push_back(v ? name + "=" + *v : name);
      }
    } else if (k == "ENV" || k == "LABEL") {
      auto pairs = name_values(ins, scope);
      for (auto& [name, value] : pairs) {
        ins.arguments.push_back(name + "=" + value.value_or(""));
        if (k == "ENV") scope.env[name] = value.value_or("");
      }
    } else if (k == "RUN" || k == "CMD" || k == "ENTRYPOINT") {
      if (!ins.json_form) ins.arguments = {ins.args};
    } else if (k == "SHELL" || k == "HEALTHCHECK" || k == "MAINTAINER" || k == "ONBUILD") {
      if (k == "MAINTAINER") ins.arguments = {ins.args};
    } else if (k == "WORKDIR" || k == "USER" || k == "STOPSIGNAL") {
      ins.arguments = {expand(ins.args, scope)};
    } else if (ins.json_form) {  // COPY, ADD, VOLUME in exec form
      for (auto& a : ins.arguments) a = expand(a, scope);
    } else {  // COPY, ADD, EXPOSE, VOLUME
      ins.arguments = expand_words(ins.args, scope);
    }
    for (auto& f : ins.flags) {
      if (f.value.find('$') != std::string::npos) f.value = expand(f.value, scope);
    }
  }

  void build_stages(std::vector<Instruction>& flat) {
    Scope global;
    Scope scope;
    for (auto& ins : flat) {
      if (ins.keyword == "FROM") {
        if (!df_.stages.empty()) df_.stages.back().env = scope.env;
        start_stage(ins, global);
        scope = Scope();
        const Stage& st = df_.stages.back();
        if (st.parent_stage >= 0) scope.env = df_.stages[static_cast<size_t>(st.parent_stage)].env;
        continue;
      }
      if (df_.stages.empty()) {
        if (ins.keyword != "ARG")
          fail(file_, "line " + std::to_string(ins.start.line) + ": " + ins.keyword +
                          " before the first FROM (only ARG may come first)");
        substitute(ins, global, nullptr);
        ins.stage = -1;
        df_.global_args.push_back(std::move(ins));
        continue;
      }
      Stage& st = df_.stages.back();
      ins.stage = st.index;
      substitute(ins, scope, &global);
      st.instructions.push_back(std::move(ins));
    }
    if (df_.stages.empty()) fail(file_, "no FROM instruction: not a Dockerfile, or an empty one");
    df_.stages.back().env = scope.env;
  }

  void start_stage(Instruction& ins, const Scope& global) {
    Stage st;
    st.index = static_cast<int>(df_.stages.size());
    auto words = raw_words(ins.args, df_.escape);
    auto where = "line " + std::to_string(ins.start.line) + ": ";
    if (words.empty()) fail(file_, where + "FROM requires the name of an image");
    if (words.size() != 1 && !(words.size() == 3 && lower(words[1].second) == "as"))
      fail(file_, where + "FROM expects an image and optionally AS name, got: " + ins.args.substr(0, 128));
    st.base_image = expand(words[0].second, global);
    ins.arguments.push_back(st.base_image);
    if (words.size() == 3) {
      st.name = lower(expand(words[2].second, global));
      ins.arguments.push_back("AS");
      ins.arguments.push_back(st.name);
    }
    // --platform stays as written: $BUILDPLATFORM and friends belong to the builder's host.
    std::string base = lower(st.base_image);
    if (auto it = stage_by_name_.find(base); it != stage_by_name_.end()) {
      st.parent_stage = it->second;
      const auto& env = df_.stages[static_cast<size_t>(it->second)].env;
      for (const auto& [k, v] : env) inherited_ += k.size() + v.size() + 64;
      if (inherited_ > kMaxInheritedEnv)
        fail(file_, "line " + std::to_string(ins.start.line) + ": stages inherit more than 64 MiB of ENV in all");
      st.env = env;
    }
    if (!st.name.empty()) stage_by_name_.emplace(st.name, st.index);
    ins.stage = st.index;
    st.instructions.push_back(std::move(ins));
    df_.stages.push_back(std::move(st));
  }

  std::string file_;
  size_t expanded_ = 0;
  size_t inherited_ = 0;
  std::map<std::string, int> stage_by_name_;  // first stage of each AS name
  std::vector<Line> lines_;
  Dockerfile df_;
};

}  // namespace

const Flag* Instruction::flag(std::string_view name) const {
  for (const auto& f : flags) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

Position Instruction::locate(std::string_view needle) const {
  if (needle.empty()) return start;
  for (const auto& l : lines) {
    auto at = l.text.find(needle);
    if (at != std::string::npos) return {l.line, static_cast<int>(at) + 1};
  }
  for (const auto& doc : heredocs) {
    int line = doc.start.line;
    for (size_t pos = 0; pos < doc.content.size(); ++line) {
      size_t nl = doc.content.find('\n', pos);
      if (nl == std::string::npos) nl = doc.content.size();
      auto at = std::string_view(doc.content).substr(pos, nl - pos).find(needle);
      if (at != std::string_view::npos) return {line, static_cast<int>(at) + 1};
      pos = nl + 1;
    }
  }
  return start;
}

Dockerfile parse_dockerfile(std::string_view text, const std::string& file) { return Parser(text, file).parse(); }

std::string expand_word(std::string_view text, const std::map<std::string, std::string>& vars, char escape) {
  static const std::string input = "substitution";
  static const std::map<std::string, std::string> none;
  size_t total = 0;
  return Lexer(vars, none, escape, input, total).word(text);
}

}  // namespace moat::misconfig
