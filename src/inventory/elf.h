#pragma once
// A small read-only ELF32/ELF64 reader over bytes already in memory, for analyzers that look
// inside executables (Go build info, Rust's cargo-auditable section). It checks every offset and
// count against the buffer, so a hostile file gives moat::Error, never a read out of bounds.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moat::inventory {

// True when the bytes start with the ELF magic; cheap enough to call on every file's first bytes.
bool looks_like_elf(std::string_view first_bytes);

struct ElfSection {
  std::string name;
  std::uint32_t type = 0;
  std::uint64_t flags = 0;
  std::uint64_t addr = 0;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

struct ElfSegment {
  std::uint32_t type = 0;
  std::uint32_t flags = 0;
  std::uint64_t offset = 0;
  std::uint64_t vaddr = 0;
  std::uint64_t filesz = 0;
  std::uint64_t memsz = 0;
};

namespace elf {
inline constexpr std::uint32_t kShtNobits = 8;
inline constexpr std::uint32_t kPtLoad = 1;
inline constexpr std::uint32_t kPfX = 1;
inline constexpr std::uint32_t kPfW = 2;
}  // namespace elf

class ElfFile {
 public:
  // Parses the header and both header tables. Throws moat::Error naming `path` when the bytes are
  // not ELF or a table lies outside them. The bytes must outlive this object.
  ElfFile(std::string_view bytes, std::string_view path);

  bool is_64bit() const { return is_64bit_; }
  bool is_big_endian() const { return big_endian_; }
  const std::vector<ElfSection>& sections() const { return sections_; }
  const std::vector<ElfSegment>& segments() const { return segments_; }

  // The first section with this name, or nullptr.
  const ElfSection* find_section(std::string_view name) const;
  // A section's bytes in the file; empty for SHT_NOBITS. Throws if it lies outside the file.
  std::string_view section_data(const ElfSection& section) const;
  // A segment's bytes that are backed by the file (its first filesz bytes).
  std::string_view segment_data(const ElfSegment& segment) const;
  // `size` bytes at a virtual address inside one PT_LOAD segment, as the loader would map them:
  // the part past the segment's file bytes (.bss) reads as zeros. nullopt when no segment holds
  // all of them. Callers bound `size`.
  std::optional<std::string> read_at_vaddr(std::uint64_t vaddr, std::uint64_t size) const;
  // An unsigned integer of `width` bytes (1, 2, 4 or 8) in the file's byte order.
  std::uint64_t decode_uint(std::string_view bytes, std::size_t width) const;

  const std::string& path() const { return path_; }

 private:
  std::string_view bytes_;
  std::string path_;
  bool is_64bit_ = false;
  bool big_endian_ = false;
  std::vector<ElfSection> sections_;
  std::vector<ElfSegment> segments_;
};

}  // namespace moat::inventory
