#include "inventory/elf.h"

#include <algorithm>

#include "base/error.h"

namespace moat::inventory {
namespace {

constexpr std::string_view kMagic = "\x7f" "ELF";
constexpr std::uint16_t kExtendedIndex = 0xffff;  // SHN_XINDEX and PN_XNUM: the real value is in section 0

// Bounds-checked view of `size` bytes at `offset`; nullopt when they do not fit.
std::optional<std::string_view> slice(std::string_view bytes, std::uint64_t offset, std::uint64_t size) {
  if (offset > bytes.size() || size > bytes.size() - offset) return std::nullopt;
  return bytes.substr(static_cast<std::size_t>(offset), static_cast<std::size_t>(size));
}

}  // namespace

bool looks_like_elf(std::string_view first_bytes) { return first_bytes.starts_with(kMagic); }

std::uint64_t ElfFile::decode_uint(std::string_view bytes, std::size_t width) const {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < width && i < bytes.size(); ++i) {
    const std::size_t index = big_endian_ ? i : width - 1 - i;
    value = (value << 8) | static_cast<unsigned char>(bytes[index]);
  }
  return value;
}

ElfFile::ElfFile(std::string_view bytes, std::string_view path) : bytes_(bytes), path_(path) {
  if (!looks_like_elf(bytes)) fail(path_, "not an ELF file");
  if (bytes.size() < 16) fail(path_, "truncated ELF identification");
  const auto elf_class = static_cast<unsigned char>(bytes[4]);
  const auto data = static_cast<unsigned char>(bytes[5]);
  if (elf_class != 1 && elf_class != 2) fail(path_, "unknown ELF class " + std::to_string(elf_class));
  if (data != 1 && data != 2) fail(path_, "unknown ELF byte order " + std::to_string(data));
  is_64bit_ = elf_class == 2;
  big_endian_ = data == 2;

  const std::size_t header_size = is_64bit_ ? 64 : 52;
  if (bytes.size() < header_size) fail(path_, "truncated ELF header");
  const std::size_t word = is_64bit_ ? 8 : 4;
  auto field = [&](std::size_t offset, std::size_t width) { return decode_uint(bytes.substr(offset, width), width); };
  const std::uint64_t phoff = field(is_64bit_ ? 32 : 28, word);
  const std::uint64_t shoff = field(is_64bit_ ? 40 : 32, word);
  const std::size_t tail = is_64bit_ ? 54 : 42;  // e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx
  const std::uint64_t phentsize = field(tail, 2);
  std::uint64_t phnum = field(tail + 2, 2);
  const std::uint64_t shentsize = field(tail + 4, 2);
  std::uint64_t shnum = field(tail + 6, 2);
  std::uint64_t shstrndx = field(tail + 8, 2);

  const std::uint64_t min_shentsize = is_64bit_ ? 64 : 40;
  const std::uint64_t min_phentsize = is_64bit_ ? 56 : 32;

  // Raw section headers first: section 0 may carry the extended counts.
  std::vector<std::string_view> raw_sections;
  if (shoff != 0) {
    if (shentsize < min_shentsize) fail(path_, "ELF section header entries too small");
    auto first = slice(bytes, shoff, shentsize);
    if (!first) fail(path_, "ELF section header table outside the file");
    if (shnum == 0) shnum = decode_uint(first->substr(is_64bit_ ? 32 : 20, word), word);
    if (shstrndx == kExtendedIndex) shstrndx = decode_uint(first->substr(is_64bit_ ? 40 : 24, 4), 4);
    if (phnum == kExtendedIndex) phnum = decode_uint(first->substr(is_64bit_ ? 44 : 28, 4), 4);
    // The table must fit in the file, which also bounds the count.
    if (shnum > bytes.size() / shentsize || !slice(bytes, shoff, shnum * shentsize)) {
      fail(path_, "ELF section header table outside the file");
    }
    raw_sections.reserve(static_cast<std::size_t>(shnum));
    for (std::uint64_t i = 0; i < shnum; ++i) {
      raw_sections.push_back(bytes.substr(static_cast<std::size_t>(shoff + i * shentsize),
                                          static_cast<std::size_t>(shentsize)));
    }
  }

  if (phoff != 0 && phnum != 0) {
    if (phentsize < min_phentsize) fail(path_, "ELF program header entries too small");
    if (phnum > bytes.size() / phentsize || !slice(bytes, phoff, phnum * phentsize)) {
      fail(path_, "ELF program header table outside the file");
    }
    segments_.reserve(static_cast<std::size_t>(phnum));
    for (std::uint64_t i = 0; i < phnum; ++i) {
      const std::string_view raw = bytes.substr(static_cast<std::size_t>(phoff + i * phentsize),
                                                static_cast<std::size_t>(phentsize));
      ElfSegment segment;
      segment.type = static_cast<std::uint32_t>(decode_uint(raw.substr(0, 4), 4));
      if (is_64bit_) {
        segment.flags = static_cast<std::uint32_t>(decode_uint(raw.substr(4, 4), 4));
        segment.offset = decode_uint(raw.substr(8, 8), 8);
        segment.vaddr = decode_uint(raw.substr(16, 8), 8);
        segment.filesz = decode_uint(raw.substr(32, 8), 8);
        segment.memsz = decode_uint(raw.substr(40, 8), 8);
      } else {
        segment.offset = decode_uint(raw.substr(4, 4), 4);
        segment.vaddr = decode_uint(raw.substr(8, 4), 4);
        segment.filesz = decode_uint(raw.substr(16, 4), 4);
        segment.memsz = decode_uint(raw.substr(20, 4), 4);
        segment.flags = static_cast<std::uint32_t>(decode_uint(raw.substr(24, 4), 4));
      }
      segments_.push_back(segment);
    }
  }

  std::string_view names;
  if (!raw_sections.empty() && shstrndx != 0) {
    if (shstrndx >= raw_sections.size()) fail(path_, "ELF section name table index out of range");
    const std::string_view raw = raw_sections[static_cast<std::size_t>(shstrndx)];
    const std::uint64_t offset = decode_uint(raw.substr(is_64bit_ ? 24 : 16, word), word);
    const std::uint64_t size = decode_uint(raw.substr(is_64bit_ ? 32 : 20, word), word);
    auto table = slice(bytes, offset, size);
    if (!table) fail(path_, "ELF section name table outside the file");
    names = *table;
  }
  sections_.reserve(raw_sections.size());
  for (const std::string_view raw : raw_sections) {
    ElfSection section;
    const std::uint64_t name_offset = decode_uint(raw.substr(0, 4), 4);
    section.type = static_cast<std::uint32_t>(decode_uint(raw.substr(4, 4), 4));
    section.flags = decode_uint(raw.substr(8, word), word);
    section.addr = decode_uint(raw.substr(is_64bit_ ? 16 : 12, word), word);
    section.offset = decode_uint(raw.substr(is_64bit_ ? 24 : 16, word), word);
    section.size = decode_uint(raw.substr(is_64bit_ ? 32 : 20, word), word);
    if (name_offset < names.size()) {
      const std::string_view rest = names.substr(static_cast<std::size_t>(name_offset));
      section.name = std::string(rest.substr(0, rest.find('\0')));
    }
    sections_.push_back(std::move(section));
  }
}

const ElfSection* ElfFile::find_section(std::string_view name) const {
  for (const ElfSection& section : sections_) {
    if (section.name == name) return &section;
  }
  return nullptr;
}

std::string_view ElfFile::section_data(const ElfSection& section) const {
  if (section.type == elf::kShtNobits) return {};
  auto data = slice(bytes_, section.offset, section.size);
  if (!data) fail(path_, "ELF section " + section.name + " lies outside the file");
  return *data;
}

std::string_view ElfFile::segment_data(const ElfSegment& segment) const {
  auto data = slice(bytes_, segment.offset, segment.filesz);
  if (!data) fail(path_, "ELF segment lies outside the file");
  return *data;
}

std::optional<std::string> ElfFile::read_at_vaddr(std::uint64_t vaddr, std::uint64_t size) const {
  for (const ElfSegment& segment : segments_) {
    if (segment.type != elf::kPtLoad || vaddr < segment.vaddr) continue;
    const std::uint64_t delta = vaddr - segment.vaddr;
    const std::uint64_t mapped = std::max(segment.memsz, segment.filesz);
    if (delta > mapped || size > mapped - delta) continue;
    auto file_part = slice(bytes_, segment.offset, segment.filesz);
    if (!file_part) continue;
    std::string out(static_cast<std::size_t>(size), '\0');
    if (delta < file_part->size()) {
      const std::string_view present = file_part->substr(static_cast<std::size_t>(delta));
      out.replace(0, std::min(out.size(), present.size()), present.substr(0, out.size()));
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace moat::inventory
