#include "inventory/rust.h"

#include <zlib.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "base/error.h"
#include "inventory/elf.h"

namespace moat::inventory {
namespace {

constexpr int kMaxArrayDepth = 16;
constexpr std::size_t kMaxAuditJson = 8 * 1024 * 1024;  // cargo-auditable's own readers use this cap
constexpr int kMaxJsonDepth = 16;

Package crate(std::string name, std::string version, std::string_view path) {
  Package package;
  package.ecosystem = eco::kCargo;
  package.name = std::move(name);
  package.version = std::move(version);
  package.found_in = std::string(path);
  return package;
}

void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xc0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3f));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xe0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code_point & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code_point & 0x3f));
  }
}

// The part of TOML that Cargo writes into Cargo.lock: comments, [table] and [[array]] headers,
// key = value lines whose values are strings, bare scalars (integers, booleans) or arrays of them.
// Only the name and version of [[package]] (and v1's [root]) tables are kept.
class CargoLockParser {
 public:
  CargoLockParser(std::string_view text, std::string_view path) : text_(text), path_(path) {}

  std::vector<Package> parse() {
    for (skip_trivia(); !at_end(); skip_trivia()) {
      if (peek() == '[') {
        finish_package();
        parse_header();
      } else {
        parse_key_value();
      }
    }
    finish_package();
    return std::move(packages_);
  }

 private:
  struct PendingPackage {
    std::size_t line = 0;
    std::optional<std::string> name;
    std::optional<std::string> version;
  };

  [[noreturn]] void error(const std::string& what) const {
    fail(path_, "line " + std::to_string(line_) + ": " + what);
  }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  void advance() {
    if (text_[pos_++] == '\n') ++line_;
  }
  void expect(char c) {
    if (peek() != c) error(std::string("expected '") + c + "'");
    advance();
  }
  void skip_spaces() {
    while (!at_end() && (peek() == ' ' || peek() == '\t')) advance();
  }
  void skip_comment() {
    if (peek() != '#') return;
    while (!at_end() && peek() != '\n') advance();
  }
  void skip_trivia() {
    for (;;) {
      skip_spaces();
      skip_comment();
      if (peek() == '\n' || peek() == '\r') {
        advance();
      } else {
        return;
      }
    }
  }
  void expect_line_end() {
    skip_spaces();
    skip_comment();
    if (peek() == '\r') advance();
    if (!at_end() && peek() != '\n') error("unexpected text after a value");
  }

  void parse_header() {
    expect('[');
    const bool array = peek() == '[';
    if (array) advance();
    std::string name;
    for (;;) {
      skip_spaces();
      name += parse_key();
      skip_spaces();
      if (peek() != '.') break;
      advance();
      name += '.';
    }
    expect(']');
    if (array) expect(']');
    expect_line_end();
    if ((array && name == "package") || (!array && name == "root")) pending_ = PendingPackage{line_, {}, {}};
  }

  void parse_key_value() {
    const std::string key = parse_key();
    skip_spaces();
    expect('=');
    skip_spaces();
    std::optional<std::string> value = parse_value(0);
    expect_line_end();
    if (!pending_ || !value) return;
    if (key == "name") pending_->name = std::move(value);
    if (key == "version") pending_->version = std::move(value);
  }

  void finish_package() {
    if (!pending_) return;
    PendingPackage done = std::move(*pending_);
    pending_.reset();
    if (!done.name || done.name->empty() || !done.version || done.version->empty()) {
      fail(path_, "line " + std::to_string(done.line) + ": package without a name or version");
    }
    if (seen_.emplace(*done.name, *done.version).second) {
      packages_.push_back(crate(std::move(*done.name), std::move(*done.version), path_));
    }
  }

  static bool is_bare_key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  }

  std::string parse_key() {
    if (peek() == '"') return parse_basic_string();
    if (peek() == '\'') return parse_literal_string();
    const std::size_t start = pos_;
    while (!at_end() && is_bare_key_char(peek())) advance();
    if (pos_ == start) error("expected a key");
    return std::string(text_.substr(start, pos_ - start));
  }

  // A string value, or nullopt for any other accepted value.
  std::optional<std::string> parse_value(int depth) {
    const char c = peek();
    if (c == '"') return parse_basic_string();
    if (c == '\'') return parse_literal_string();
    if (c == '[') {
      parse_array(depth + 1);
      return std::nullopt;
    }
    if (c == '{') error("inline tables do not occur in Cargo.lock");
    const std::size_t start = pos_;
    while (!at_end() && (is_bare_key_char(peek()) || peek() == '.' || peek() == '+' || peek() == ':')) advance();
    if (pos_ == start) error("expected a value");
    return std::nullopt;
  }

  void parse_array(int depth) {
    if (depth > kMaxArrayDepth) error("arrays nested too deeply");
    expect('[');
    for (;;) {
      skip_trivia();
      if (peek() == ']') break;
      parse_value(depth);
      skip_trivia();
      if (peek() != ',') break;
      advance();
    }
    expect(']');
  }

  std::string parse_literal_string() {
    expect('\'');
    const std::size_t start = pos_;
    while (!at_end() && peek() != '\'' && peek() != '\n') advance();
    const std::size_t end = pos_;
    expect('\'');
    return std::string(text_.substr(start, end - start));
  }

  std::string parse_basic_string() {
    expect('"');
    std::string value;
    for (;;) {
      if (at_end() || peek() == '\n') error("unterminated string");
      const char c = peek();
      advance();
      if (c == '"') return value;
      if (c != '\\') {
        value += c;
        continue;
      }
      if (at_end()) error("unterminated string");
      const char escape = peek();
      advance();
      switch (escape) {
        case 'b': value += '\b'; break;
        case 't': value += '\t'; break;
        case 'n': value += '\n'; break;
        case 'f': value += '\f'; break;
        case 'r': value += '\r'; break;
        case '"': value += '"'; break;
        case '\\': value += '\\'; break;
        case 'u': append_utf8(value, parse_hex(4)); break;
        case 'U': append_utf8(value, parse_hex(8)); break;
        default: error("invalid escape in string");
      }
    }
  }

  std::uint32_t parse_hex(int digits) {
    std::uint32_t code_point = 0;
    for (int i = 0; i < digits; ++i) {
      const char c = peek();
      int digit = -1;
      if (c >= '0' && c <= '9') digit = c - '0';
      if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
      if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
      if (digit < 0) error("invalid unicode escape");
      advance();
      code_point = code_point * 16 + static_cast<std::uint32_t>(digit);
    }
    if (code_point > 0x10ffff || (code_point >= 0xd800 && code_point <= 0xdfff)) error("invalid unicode escape");
    return code_point;
  }

  std::string_view text_;
  std::string path_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::optional<PendingPackage> pending_;
  std::vector<Package> packages_;
  std::set<std::pair<std::string, std::string>> seen_;
};

// zlib-wrapped deflate, refusing to produce more than `limit` bytes.
std::string inflate_capped(std::string_view compressed, std::size_t limit, const std::string& where) {
  if (compressed.size() > std::numeric_limits<uInt>::max()) fail(where, ".dep-v0 section is too large");
  z_stream stream{};
  if (inflateInit(&stream) != Z_OK) fail(where, "cannot initialise zlib");
  std::string out;
  char buffer[64 * 1024];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    status = inflate(&stream, Z_NO_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END) {
      inflateEnd(&stream);
      fail(where, "corrupt zlib data in .dep-v0");
    }
    const std::size_t produced = sizeof(buffer) - stream.avail_out;
    if (out.size() + produced > limit) {
      inflateEnd(&stream);
      fail(where, ".dep-v0 inflates past " + std::to_string(limit) + " bytes");
    }
    out.append(buffer, produced);
    if (status == Z_OK && produced == 0 && stream.avail_in == 0) {
      inflateEnd(&stream);
      fail(where, "truncated zlib data in .dep-v0");
    }
  }
  inflateEnd(&stream);
  return out;
}

}  // namespace

std::vector<Package> parse_cargo_lock(std::string_view content, std::string_view path) {
  return CargoLockParser(content, path).parse();
}

std::vector<Package> parse_cargo_auditable(std::string_view elf_bytes, std::string_view path) {
  if (!looks_like_elf(elf_bytes)) return {};
  const ElfFile elf(elf_bytes, path);
  const ElfSection* section = elf.find_section(".dep-v0");
  if (section == nullptr) return {};
  const std::string where(path);
  const std::string text = inflate_capped(elf.section_data(*section), kMaxAuditJson, where);

  // Bound nesting while parsing: the callback sees each value's depth before it is built.
  const nlohmann::json::parser_callback_t limit_depth = [&](int depth, nlohmann::json::parse_event_t,
                                                            nlohmann::json&) {
    if (depth > kMaxJsonDepth) fail(where, ".dep-v0 JSON nested too deeply");
    return true;
  };
  const nlohmann::json root = nlohmann::json::parse(text, limit_depth, /*allow_exceptions=*/false);
  if (root.is_discarded()) fail(where, ".dep-v0 is not valid JSON");
  if (!root.is_object() || !root.contains("packages") || !root["packages"].is_array()) {
    fail(where, ".dep-v0 JSON has no \"packages\" array");
  }

  std::vector<Package> packages;
  for (const nlohmann::json& entry : root["packages"]) {
    if (!entry.is_object()) fail(where, ".dep-v0 package is not an object");
    const auto name = entry.find("name");
    const auto version = entry.find("version");
    if (name == entry.end() || !name->is_string() || name->get_ref<const std::string&>().empty() ||
        version == entry.end() || !version->is_string() || version->get_ref<const std::string&>().empty()) {
      fail(where, ".dep-v0 package without a name or version");
    }
    const auto kind = entry.find("kind");
    if (kind != entry.end()) {
      if (!kind->is_string()) fail(where, ".dep-v0 package kind is not a string");
      if (kind->get_ref<const std::string&>() == "build") continue;
    }
    packages.push_back(crate(name->get<std::string>(), version->get<std::string>(), path));
  }
  return packages;
}

}  // namespace moat::inventory
