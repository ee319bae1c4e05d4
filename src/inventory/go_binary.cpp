#include "inventory/go_binary.h"

#include <cstdint>
#include <optional>

#include "base/error.h"
#include "inventory/elf.h"

namespace moat::inventory {
namespace {

// The build info header the Go linker writes: 14 bytes of magic, the pointer size, a flags byte,
// then either two pointers (before Go 1.18) or, with kFlagInline, two varint-prefixed strings
// right after the 32-byte header.
constexpr std::string_view kMagic = "\xff Go buildinf:";
constexpr std::size_t kHeaderSize = 32;
constexpr std::size_t kHeaderAlign = 16;
constexpr unsigned char kFlagBigEndian = 0x1;
constexpr unsigned char kFlagInline = 0x2;
// Like the Go tool, look only at the start of the data segment when sections are stripped.
constexpr std::size_t kSearchLimit = 64 * 1024;
constexpr std::uint64_t kMaxStringSize = 16 * 1024 * 1024;
constexpr std::size_t kMaxLines = 100000;

// The module info is framed by two 16-byte sentinels (cmd/go's infoStart/infoEnd).
constexpr std::size_t kSentinelSize = 16;

// Offset of a header in `data`: the magic at a 16-byte boundary, as the Go linker aligns it.
std::optional<std::size_t> find_header(std::string_view data) {
  data = data.substr(0, kSearchLimit);
  for (std::size_t at = data.find(kMagic); at != std::string_view::npos; at = data.find(kMagic, at + 1)) {
    if (at % kHeaderAlign == 0) return at;
  }
  return std::nullopt;
}

// Where the header is: the .go.buildinfo section, else the writable, non-executable segments.
std::optional<std::string_view> locate_build_info(const ElfFile& elf) {
  if (const ElfSection* section = elf.find_section(".go.buildinfo")) {
    const std::string_view data = elf.section_data(*section);
    if (auto at = find_header(data)) return data.substr(*at);
  }
  for (const ElfSegment& segment : elf.segments()) {
    if (segment.type != elf::kPtLoad || (segment.flags & (elf::kPfX | elf::kPfW)) != elf::kPfW) continue;
    const std::string_view data = elf.segment_data(segment);
    if (auto at = find_header(data)) return data.substr(*at);
  }
  return std::nullopt;
}

class BuildInfoReader {
 public:
  BuildInfoReader(const ElfFile& elf, std::string_view header)
      : elf_(elf), header_(header), pointer_size_(static_cast<unsigned char>(header[14])),
        big_endian_((static_cast<unsigned char>(header[15]) & kFlagBigEndian) != 0),
        inline_((static_cast<unsigned char>(header[15]) & kFlagInline) != 0) {}

  // The toolchain version and the module info, in that order.
  std::pair<std::string, std::string> read() {
    if (inline_) {
      std::string_view rest = header_.substr(kHeaderSize);
      std::string version(read_varint_string(rest));
      std::string modinfo(read_varint_string(rest));
      return {version, modinfo};
    }
    if (pointer_size_ != 4 && pointer_size_ != 8) {
      fail(elf_.path(), "Go build info has pointer size " + std::to_string(pointer_size_));
    }
    const std::string_view pointers = header_.substr(16, 2 * pointer_size_);
    return {read_go_string(decode(pointers.substr(0, pointer_size_))),
            read_go_string(decode(pointers.substr(pointer_size_)))};
  }

 private:
  std::uint64_t decode(std::string_view bytes) const {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      const std::size_t index = big_endian_ ? i : bytes.size() - 1 - i;
      value = (value << 8) | static_cast<unsigned char>(bytes[index]);
    }
    return value;
  }

  std::string_view read_varint_string(std::string_view& rest) const {
    std::uint64_t length = 0;
    std::size_t used = 0;
    for (int shift = 0;; shift += 7) {
      if (used >= rest.size() || shift > 63) fail(elf_.path(), "Go build info has a truncated string length");
      const auto byte = static_cast<unsigned char>(rest[used++]);
      length |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) break;
    }
    if (length > rest.size() - used) fail(elf_.path(), "Go build info string runs past its data");
    const std::string_view value = rest.substr(used, static_cast<std::size_t>(length));
    rest.remove_prefix(used + static_cast<std::size_t>(length));
    return value;
  }

  // A Go string header {data pointer, length} at a virtual address, and the bytes it points to.
  std::string read_go_string(std::uint64_t address) const {
    auto string_header = elf_.read_at_vaddr(address, 2 * pointer_size_);
    if (!string_header) fail(elf_.path(), "Go build info points outside the loaded segments");
    const std::uint64_t data = decode(string_header->substr(0, pointer_size_));
    const std::uint64_t length = decode(string_header->substr(pointer_size_));
    if (length == 0) return {};
    if (length > kMaxStringSize) fail(elf_.path(), "Go build info string is implausibly long");
    auto bytes = elf_.read_at_vaddr(data, length);
    if (!bytes) fail(elf_.path(), "Go build info string lies outside the loaded segments");
    return std::move(*bytes);
  }

  const ElfFile& elf_;
  std::string_view header_;
  std::size_t pointer_size_;
  bool big_endian_;
  bool inline_;
};

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// cmd/go's notion of a file-system path in a replace directive.
bool is_directory_path(std::string_view path) {
  return path == "." || path == ".." || path.starts_with("./") || path.starts_with("../") ||
         path.starts_with("/") || path.starts_with(".\\") || path.starts_with("..\\") ||
         (path.size() >= 2 && path[1] == ':');
}

std::string module_version(std::string_view version) {
  return version == "(devel)" ? std::string() : std::string(version);
}

struct Module {
  std::string path;
  std::string version;
};

// The module info lines: "mod"/"dep" PATH VERSION [SUM], each optionally followed by
// "=>" PATH VERSION [SUM]; other lines ("path", "go", "build") do not name packages.
std::vector<Module> parse_modinfo(std::string_view modinfo, std::string_view path) {
  const std::string where(path);
  std::vector<Module> modules;
  bool last_was_module = false;
  const std::vector<std::string_view> lines = split(modinfo, '\n');
  if (lines.size() > kMaxLines) fail(where, "Go module info has too many lines");
  for (const std::string_view line : lines) {
    if (line.empty()) continue;
    const std::vector<std::string_view> fields = split(line, '\t');
    const std::string_view word = fields[0];
    if (word != "mod" && word != "dep" && word != "=>") {
      last_was_module = false;
      continue;
    }
    if (fields.size() != 3 && fields.size() != 4) fail(where, "malformed Go module info line: " + std::string(line));
    if (fields[1].empty()) fail(where, "Go module info line without a module path");
    if (word == "=>") {
      if (!last_was_module) fail(where, "Go module replacement without a module before it");
      Module& replaced = modules.back();
      if (is_directory_path(fields[1])) {
        replaced.version.clear();
      } else {
        replaced.path = fields[1];
        replaced.version = module_version(fields[2]);
      }
      last_was_module = false;
      continue;
    }
    modules.push_back({std::string(fields[1]), module_version(fields[2])});
    last_was_module = true;
  }
  return modules;
}

bool all_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

std::string go_toolchain_semver(std::string_view toolchain) {
  toolchain = toolchain.substr(0, toolchain.find(' '));  // "go1.22.0 X:boringcrypto"
  if (!toolchain.starts_with("go")) return {};
  toolchain.remove_prefix(2);
  const std::size_t numeric_end = toolchain.find_first_not_of("0123456789.");
  const std::string_view numeric = toolchain.substr(0, numeric_end);
  const std::string_view suffix = numeric_end == std::string_view::npos ? "" : toolchain.substr(numeric_end);
  std::vector<std::string_view> parts = split(numeric, '.');
  if (parts.size() > 3) return {};
  for (const std::string_view part : parts) {
    if (!all_digits(part)) return {};
  }
  std::string semver = "v";
  for (std::size_t i = 0; i < 3; ++i) {
    if (i > 0) semver += '.';
    semver += i < parts.size() ? std::string(parts[i]) : "0";
  }
  for (const std::string_view kind : {"rc", "beta", "alpha"}) {
    if (suffix.starts_with(kind) && all_digits(suffix.substr(kind.size()))) {
      semver += "-" + std::string(kind) + "." + std::string(suffix.substr(kind.size()));
    }
  }
  return semver;
}

std::vector<Package> parse_go_binary(std::string_view elf_bytes, std::string_view path) {
  if (!looks_like_elf(elf_bytes)) return {};
  const ElfFile elf(elf_bytes, path);
  const std::optional<std::string_view> header = locate_build_info(elf);
  if (!header) return {};
  if (header->size() < kHeaderSize) fail(elf.path(), "truncated Go build info header");

  auto [toolchain, modinfo] = BuildInfoReader(elf, *header).read();
  if (toolchain.empty()) fail(elf.path(), "Go build info has no toolchain version");
  if (modinfo.size() >= 2 * kSentinelSize + 1 && modinfo[modinfo.size() - kSentinelSize - 1] == '\n') {
    modinfo = modinfo.substr(kSentinelSize, modinfo.size() - 2 * kSentinelSize);
  }

  std::vector<Package> packages;
  auto add = [&](std::string name, std::string version) {
    Package package;
    package.ecosystem = eco::kGolang;
    package.name = std::move(name);
    package.version = std::move(version);
    package.found_in = std::string(path);
    packages.push_back(std::move(package));
  };
  add("stdlib", go_toolchain_semver(toolchain));
  for (Module& module : parse_modinfo(modinfo, path)) add(std::move(module.path), std::move(module.version));
  return packages;
}

}  // namespace moat::inventory
