#pragma once
// The rpm header blob, as every rpm database stores one package: a big-endian index count and data
// length, the index entries (tag, type, offset, count) and the data store they point into.
// Validation is split: the constructor checks the frame and the index, each accessor checks the one
// entry it reads, so a lookup costs at most one pass over that entry's data.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moat::inventory::rpm {

namespace tag {
inline constexpr std::uint32_t kName = 1000;
inline constexpr std::uint32_t kVersion = 1001;
inline constexpr std::uint32_t kRelease = 1002;
inline constexpr std::uint32_t kEpoch = 1003;
inline constexpr std::uint32_t kLicense = 1014;
inline constexpr std::uint32_t kArch = 1022;
inline constexpr std::uint32_t kOldFilenames = 1027;
inline constexpr std::uint32_t kSourceRpm = 1044;
inline constexpr std::uint32_t kDirIndexes = 1116;
inline constexpr std::uint32_t kBasenames = 1117;
inline constexpr std::uint32_t kDirNames = 1118;
}  // namespace tag

class Header {
 public:
  // Throws moat::Error naming `input` when the frame or the index is malformed. Keeps a view of
  // `blob`: the bytes must outlive the Header.
  Header(std::string_view blob, std::string_view input);

  bool has(std::uint32_t tag) const { return find(tag) != nullptr; }
  // A STRING or I18NSTRING entry (its first, untranslated value); nullopt when the tag is absent.
  std::optional<std::string> string(std::uint32_t tag) const;
  // A STRING_ARRAY entry; empty when absent.
  std::vector<std::string_view> strings(std::uint32_t tag) const;
  // An INT32 entry; empty when absent.
  std::vector<std::uint32_t> int32s(std::uint32_t tag) const;

 private:
  struct Entry {
    std::uint32_t tag;
    std::uint32_t type;
    std::uint32_t offset;
    std::uint32_t count;
  };
  const Entry* find(std::uint32_t tag) const;
  const Entry& expect(const Entry& e, std::initializer_list<std::uint32_t> types) const;
  // Reads `count` NUL-terminated strings starting at the entry's offset.
  std::vector<std::string_view> read_strings(const Entry& e, std::uint32_t count) const;
  [[noreturn]] void bad(const Entry& e, const std::string& what) const;

  std::string_view data_;  // the data store
  std::string input_;
  std::vector<Entry> entries_;  // sorted by tag, first occurrence wins
};

}  // namespace moat::inventory::rpm
