#include "inventory/rpm_header.h"

#include <algorithm>
#include <cstring>

#include "base/error.h"

namespace moat::inventory::rpm {
namespace {

// rpm's own sanity limits (hdrchkTags, hdrchkData): no real header comes near them.
constexpr std::uint32_t kMaxEntries = 0xffff;
constexpr std::uint32_t kMaxData = 256u << 20;
constexpr std::uint32_t kMaxType = 9;  // I18NSTRING
constexpr std::uint32_t kTypeInt32 = 4;
constexpr std::uint32_t kTypeString = 6;
constexpr std::uint32_t kTypeStringArray = 8;
constexpr std::uint32_t kTypeI18nString = 9;

std::uint32_t be32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return std::uint32_t{u[0]} << 24 | std::uint32_t{u[1]} << 16 | std::uint32_t{u[2]} << 8 | u[3];
}

}  // namespace

Header::Header(std::string_view blob, std::string_view input) : input_(input) {
  if (blob.size() < 8) fail(input_, "rpm header of " + std::to_string(blob.size()) + " bytes is truncated");
  const std::uint32_t il = be32(blob.data());
  const std::uint32_t dl = be32(blob.data() + 4);
  if (il == 0 || il > kMaxEntries) fail(input_, "rpm header has " + std::to_string(il) + " index entries");
  if (dl > kMaxData) fail(input_, "rpm header data store of " + std::to_string(dl) + " bytes is too large");
  const std::uint64_t want = 8 + std::uint64_t{il} * 16 + dl;
  if (blob.size() != want)
    fail(input_, "rpm header is " + std::to_string(blob.size()) + " bytes, its index says " + std::to_string(want));
  data_ = blob.substr(8 + std::size_t{il} * 16);
  entries_.reserve(il);
  for (std::uint32_t i = 0; i < il; ++i) {
    const char* p = blob.data() + 8 + std::size_t{i} * 16;
    Entry e{be32(p), be32(p + 4), be32(p + 8), be32(p + 12)};
    if (e.type > kMaxType) bad(e, "has unknown type " + std::to_string(e.type));
    if (e.offset > dl) bad(e, "points past the data store");
    entries_.push_back(e);
  }
  std::stable_sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) { return a.tag < b.tag; });
}

const Header::Entry* Header::find(std::uint32_t tag) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), tag,
                             [](const Entry& e, std::uint32_t t) { return e.tag < t; });
  return it != entries_.end() && it->tag == tag ? &*it : nullptr;
}

const Header::Entry& Header::expect(const Entry& e, std::initializer_list<std::uint32_t> types) const {
  if (std::find(types.begin(), types.end(), e.type) == types.end())
    bad(e, "has type " + std::to_string(e.type) + ", expected " + std::to_string(*types.begin()));
  if (e.count == 0) bad(e, "has no values");
  return e;
}

std::optional<std::string> Header::string(std::uint32_t tag) const {
  const Entry* e = find(tag);
  if (!e) return std::nullopt;
  expect(*e, {kTypeString, kTypeI18nString});
  if (e->type == kTypeString && e->count != 1) bad(*e, "is a string with count " + std::to_string(e->count));
  return std::string(read_strings(*e, 1).front());
}

std::vector<std::string_view> Header::strings(std::uint32_t tag) const {
  const Entry* e = find(tag);
  if (!e) return {};
  return read_strings(expect(*e, {kTypeStringArray}), e->count);
}

std::vector<std::uint32_t> Header::int32s(std::uint32_t tag) const {
  const Entry* e = find(tag);
  if (!e) return {};
  expect(*e, {kTypeInt32});
  if (std::uint64_t{e->count} * 4 > data_.size() - e->offset) bad(*e, "runs past the data store");
  std::vector<std::uint32_t> out(e->count);
  for (std::uint32_t i = 0; i < e->count; ++i) out[i] = be32(data_.data() + e->offset + std::size_t{i} * 4);
  return out;
}

std::vector<std::string_view> Header::read_strings(const Entry& e, std::uint32_t count) const {
  std::size_t pos = e.offset;
  // Every string takes at least its terminator, so a count beyond the bytes left is malformed.
  if (count > data_.size() - pos) bad(e, "runs past the data store");
  std::vector<std::string_view> out;
  out.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    const void* nul = std::memchr(data_.data() + pos, '\0', data_.size() - pos);
    if (!nul) bad(e, "has a string that is not terminated");
    const std::size_t end = static_cast<const char*>(nul) - data_.data();
    out.push_back(data_.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

void Header::bad(const Entry& e, const std::string& what) const {
  fail(input_, "rpm header tag " + std::to_string(e.tag) + " " + what);
}

}  // namespace moat::inventory::rpm
