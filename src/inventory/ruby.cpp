#include "inventory/ruby.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "base/error.h"

namespace moat::inventory {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool is_ident(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Splits on '\n', dropping a trailing '\r'; calls fn(line, line_number) until it returns false.
template <typename Fn>
void for_each_line(std::string_view text, Fn fn) {
  std::size_t number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!fn(line, ++number)) return;
  }
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads up to `max_digits` hex digits at s[i...]; returns the value and advances i.
std::uint32_t read_hex(std::string_view s, std::size_t& i, std::size_t max_digits) {
  std::uint32_t value = 0;
  std::size_t digits = 0;
  while (digits < max_digits && i < s.size() && hex_value(s[i]) >= 0) {
    value = value * 16 + static_cast<std::uint32_t>(hex_value(s[i++]));
    ++digits;
  }
  return digits == 0 ? UINT32_MAX : value;
}

// A Ruby string literal at the start of `s` — "..." (escapes, no interpolation), '...', or
// %q / %Q with a bracket or symbol delimiter — optionally followed by ".freeze". On success the
// literal is consumed from `s`. A literal that is not static (interpolation) yields nullopt; one
// left open on its line is a syntax error.
std::optional<std::string> take_literal(std::string_view& s, const std::string& where, std::size_t line) {
  const auto unterminated = [&] { fail(where, "line " + std::to_string(line) + ": unterminated string literal"); };
  std::string value;
  std::size_t i = 0;
  char open = 0;
  char close = 0;
  bool double_quoted = false;
  if (s.starts_with('"') || s.starts_with('\'')) {
    open = close = s[0];
    double_quoted = s[0] == '"';
    i = 1;
  } else if (s.size() >= 3 && s[0] == '%' && (s[1] == 'q' || s[1] == 'Q')) {
    open = s[2];
    close = open == '{' ? '}' : open == '(' ? ')' : open == '[' ? ']' : open == '<' ? '>' : open;
    if (is_ident(open) || is_space(open)) return std::nullopt;
    double_quoted = s[1] == 'Q';
    i = 3;
  } else {
    return std::nullopt;
  }
  int depth = 0;  // %q{a{b}c} nests its brackets
  for (;; ++i) {
    if (i >= s.size()) unterminated();
    const char c = s[i];
    if (c == close && depth == 0) break;
    if (open != close && c == open) ++depth;
    if (open != close && c == close) --depth;
    if (c != '\\') {
      if (double_quoted && c == '#' && i + 1 < s.size() && (s[i + 1] == '{' || s[i + 1] == '@' || s[i + 1] == '$')) {
        return std::nullopt;
      }
      value.push_back(c);
      continue;
    }
    if (++i >= s.size()) unterminated();
    const char e = s[i];
    if (!double_quoted) {  // single quotes only unescape the delimiter and backslash
      if (e != close && e != '\\' && e != open) value.push_back('\\');
      value.push_back(e);
      continue;
    }
    switch (e) {
      case 'n': value.push_back('\n'); break;
      case 't': value.push_back('\t'); break;
      case 'r': value.push_back('\r'); break;
      case 'e': value.push_back('\x1b'); break;
      case '0': value.push_back('\0'); break;
      case 'x': {
        ++i;
        const auto byte = read_hex(s, i, 2);
        if (byte == UINT32_MAX) fail(where, "line " + std::to_string(line) + ": bad \\x escape");
        value.push_back(static_cast<char>(byte));
        --i;
        break;
      }
      case 'u': {
        ++i;
        const bool braced = i < s.size() && s[i] == '{';
        if (braced) ++i;
        const auto cp = read_hex(s, i, braced ? 6 : 4);
        if (cp == UINT32_MAX || cp > 0x10FFFF || (braced && (i >= s.size() || s[i++] != '}'))) {
          fail(where, "line " + std::to_string(line) + ": bad \\u escape");
        }
        append_utf8(value, cp);
        --i;
        break;
      }
      default: value.push_back(e);  // \" \\ \# and the rest stand for themselves
    }
  }
  s.remove_prefix(i + 1);
  if (s.starts_with(".freeze")) s.remove_prefix(7);
  return value;
}

// ["MIT".freeze, "Ruby".freeze] -> {"MIT", "Ruby"}; nullopt unless every element is a literal.
std::optional<std::vector<std::string>> take_literal_array(std::string_view& s, const std::string& where,
                                                           std::size_t line) {
  if (!s.starts_with('[')) return std::nullopt;
  s.remove_prefix(1);
  std::vector<std::string> items;
  for (;;) {
    s = trim(s);
    if (s.starts_with(']')) {
      s.remove_prefix(1);
      return items;
    }
    auto item = take_literal(s, where, line);
    if (!item) return std::nullopt;
    items.push_back(std::move(*item));
    s = trim(s);
    if (s.starts_with(',')) s.remove_prefix(1);
    else if (!s.starts_with(']')) return std::nullopt;
  }
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (item.empty()) continue;
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

// "Gem::Specification.new do |s|" -> "s"; empty when the line is not that.
std::string block_variable(std::string_view line) {
  line = trim(line);
  if (!line.starts_with("Gem::Specification.new")) return {};
  const auto bar = line.find('|');
  if (bar == std::string_view::npos) return {};
  std::string_view rest = trim(line.substr(bar + 1));
  std::size_t n = 0;
  while (n < rest.size() && is_ident(rest[n])) ++n;
  return std::string(rest.substr(0, n));
}

}  // namespace

std::optional<Package> parse_gemspec(std::string_view content, std::string_view path) {
  const std::string where(path);
  std::string spec_var;  // the block variable; until seen, any receiver is accepted
  std::string name;
  std::string version;
  std::string license;
  std::string platform;
  for_each_line(content, [&](std::string_view raw, std::size_t line) {
    if (auto var = block_variable(raw); !var.empty()) {
      spec_var = std::move(var);
      return true;
    }
    std::string_view s = trim(raw);
    std::size_t n = 0;
    while (n < s.size() && is_ident(s[n])) ++n;
    if (n == 0 || n >= s.size() || s[n] != '.') return true;
    if (!spec_var.empty() && s.substr(0, n) != spec_var) return true;
    s.remove_prefix(n + 1);
    std::size_t a = 0;
    while (a < s.size() && is_ident(s[a])) ++a;
    const std::string_view attribute = s.substr(0, a);
    s = trim(s.substr(a));
    if (!s.starts_with('=') || s.starts_with("==")) return true;
    s = trim(s.substr(1));

    if (attribute == "name") {
      if (auto v = take_literal(s, where, line)) name = *v;
    } else if (attribute == "version") {
      // Older RubyGems wrote the version as Gem::Version.new("1.0").
      if (s.starts_with("Gem::Version.new(")) s.remove_prefix(17);
      if (auto v = take_literal(s, where, line)) version = *v;
    } else if (attribute == "license") {
      if (auto v = take_literal(s, where, line)) license = *v;
    } else if (attribute == "licenses") {
      if (auto v = take_literal_array(s, where, line)) license = join(*v, " OR ");
    } else if (attribute == "platform") {
      if (auto v = take_literal(s, where, line)) platform = *v;
    }
    return true;
  });
  name = std::string(trim(name));
  version = std::string(trim(version));
  if (name.empty() || version.empty()) return std::nullopt;
  Package pkg;
  pkg.ecosystem = eco::kGem;
  pkg.name = std::move(name);
  pkg.version = std::move(version);
  pkg.license = std::move(license);
  if (platform != "ruby") pkg.arch = std::move(platform);
  pkg.found_in = where;
  return pkg;
}

std::vector<Package> parse_gemfile_lock(std::string_view content, std::string_view path) {
  const std::string where(path);
  std::vector<Package> out;
  std::map<std::pair<std::string, std::string>, std::size_t> index;  // (name, version) -> out
  std::vector<bool> multi_platform;                                  // parallel to out
  bool saw_source = false;
  bool in_source = false;  // inside GEM, GIT, PATH or PLUGIN SOURCE
  bool in_specs = false;   // after that section's "  specs:"
  for_each_line(content, [&](std::string_view line, std::size_t number) {
    const auto bad = [&](const std::string& what) { fail(where, "line " + std::to_string(number) + ": " + what); };
    if (trim(line).empty()) return true;
    if (!is_space(line.front())) {  // a section header
      const std::string_view header = trim(line);
      in_source = header == "GEM" || header == "GIT" || header == "PATH" || header == "PLUGIN SOURCE";
      saw_source = saw_source || in_source;
      in_specs = false;
      return true;
    }
    if (!in_source) return true;
    std::size_t indent = 0;
    while (indent < line.size() && line[indent] == ' ') ++indent;
    if (indent == 2) {
      in_specs = trim(line) == "specs:";
      return true;
    }
    if (!in_specs || indent != 4) return true;  // 6 spaces: a dependency of the spec above

    // "    name (version[-platform])"
    const std::string_view spec = trim(line);
    const auto paren = spec.find(" (");
    if (paren == std::string_view::npos || paren == 0 || !spec.ends_with(')')) bad("not a \"name (version)\" spec");
    const std::string_view name = spec.substr(0, paren);
    std::string_view version = spec.substr(paren + 2, spec.size() - paren - 3);
    if (name.find_first_of(" \t()") != std::string_view::npos) bad("bad gem name");
    std::string_view platform;
    if (const auto dash = version.find('-'); dash != std::string_view::npos) {
      platform = version.substr(dash + 1);
      version = version.substr(0, dash);
    }
    if (version.empty() || version.find_first_of(" \t()") != std::string_view::npos) bad("bad gem version");

    const auto [slot, added] = index.try_emplace({std::string(name), std::string(version)}, out.size());
    if (!added) {
      Package& same = out[slot->second];
      if (same.arch != platform) multi_platform[slot->second] = true;
      if (multi_platform[slot->second]) same.arch.clear();
      return true;
    }
    Package pkg;
    pkg.ecosystem = eco::kGem;
    pkg.name = std::string(name);
    pkg.version = std::string(version);
    pkg.arch = std::string(platform);
    pkg.found_in = where;
    out.push_back(std::move(pkg));
    multi_platform.push_back(false);
    return true;
  });
  if (!saw_source) fail(where, "not a Gemfile.lock: no GEM, GIT or PATH section");
  return out;
}

}  // namespace moat::inventory
