#include "image/tar_index.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "base/error.h"
#include "image/entry_path.h"

namespace moat::image {

namespace {

constexpr size_t kBlock = 512;
constexpr uint64_t kMaxMembers = 1'000'000;
constexpr uint64_t kMaxMetaSize = 1 << 20;  // pax and GNU long-name records

uint64_t round_up(uint64_t n) { return (n + kBlock - 1) / kBlock * kBlock; }

void read_at(int fd, const std::string& path, void* buf, size_t n, uint64_t off) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd, static_cast<char*>(buf) + done, n - done, static_cast<off_t>(off + done));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) fail(path, std::strerror(errno));
    if (r == 0) fail(path, "truncated tar archive");
    done += static_cast<size_t>(r);
  }
}

std::string field(const char* p, size_t n) { return std::string(p, strnlen(p, n)); }

// Octal with optional spaces/NULs, or GNU base-256 when the high bit of the first byte is set.
uint64_t number(const std::string& path, const unsigned char* p, size_t n) {
  uint64_t v = 0;
  if (p[0] & 0x80) {
    if (p[0] != 0x80) fail(path, "negative or oversized number in tar header");
    for (size_t i = 1; i < n; ++i) {
      if (v >> 56) fail(path, "oversized number in tar header");
      v = (v << 8) | p[i];
    }
    return v;
  }
  size_t i = 0;
  while (i < n && (p[i] == ' ' || p[i] == 0)) ++i;
  for (; i < n && p[i] >= '0' && p[i] <= '7'; ++i) {
    if (v >> 60) fail(path, "oversized number in tar header");
    v = v * 8 + (p[i] - '0');
  }
  for (; i < n; ++i)
    if (p[i] != ' ' && p[i] != 0) fail(path, "corrupt number in tar header");
  return v;
}

// The stored checksum is octal in bytes 148..155; anything unparsable simply fails to match.
bool checksum_ok(const unsigned char* h) {
  uint64_t stored = 0;
  size_t i = 148;
  while (i < 156 && (h[i] == ' ' || h[i] == 0)) ++i;
  if (i == 156) return false;
  for (; i < 156 && h[i] >= '0' && h[i] <= '7'; ++i) stored = stored * 8 + (h[i] - '0');
  for (; i < 156; ++i)
    if (h[i] != ' ' && h[i] != 0) return false;
  uint64_t sum = 0;
  for (size_t i = 0; i < kBlock; ++i) sum += (i >= 148 && i < 156) ? ' ' : h[i];
  return sum == stored;
}

// pax records: "<len> <key>=<value>\n"
void parse_pax(const std::string& path, std::string_view data, std::string& name, std::string& link,
               uint64_t& size, bool& has_size) {
  while (!data.empty()) {
    size_t sp = data.find(' ');
    if (sp == std::string_view::npos || sp == 0 || sp > 20) fail(path, "corrupt pax header");
    uint64_t len = 0;
    for (char c : data.substr(0, sp)) {
      if (c < '0' || c > '9') fail(path, "corrupt pax header");
      len = len * 10 + static_cast<uint64_t>(c - '0');
    }
    if (len <= sp + 1 || len > data.size()) fail(path, "corrupt pax header");
    std::string_view rec = data.substr(sp + 1, len - sp - 2);  // without the trailing newline
    size_t eq = rec.find('=');
    if (eq != std::string_view::npos) {
      std::string_view key = rec.substr(0, eq), value = rec.substr(eq + 1);
      if (key == "path") name = value;
      if (key == "linkpath") link = value;
      if (key == "size") {
        size = 0;
        for (char c : value) {
          if (c < '0' || c > '9' || size >> 58) fail(path, "corrupt pax size");
          size = size * 10 + static_cast<uint64_t>(c - '0');
        }
        has_size = true;
      }
    }
    data.remove_prefix(len);
  }
}

std::string strip_name(const std::string& path, const std::string& raw) {
  std::string n = normalize_entry_path(raw, path);
  return n == "/" ? std::string() : n.substr(1);
}

}  // namespace

TarIndex TarIndex::build(const std::string& path, int fd, uint64_t file_size) {
  TarIndex index;
  index.path_ = path;
  uint64_t off = 0;
  std::string long_name, long_link, pax_name, pax_link;
  uint64_t pax_size = 0;
  bool pax_has_size = false;
  unsigned char h[kBlock];
  for (;;) {
    if (off + kBlock > file_size) fail(path, "truncated tar archive (no end-of-archive marker)");
    read_at(fd, path, h, kBlock, off);
    bool zero = true;
    for (unsigned char c : h) zero = zero && c == 0;
    if (zero) break;
    if (!checksum_ok(h)) fail(path, "not a tar archive, or a corrupt tar header");
    uint64_t size = number(path, h + 124, 12);
    char type = static_cast<char>(h[156]);
    uint64_t data_off = off + kBlock;
    if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
      if (size > kMaxMetaSize) fail(path, "oversized tar metadata record");
      if (data_off + size > file_size) fail(path, "truncated tar archive");
      std::string data(size, '\0');
      read_at(fd, path, data.data(), size, data_off);
      if (type == 'x') parse_pax(path, data, pax_name, pax_link, pax_size, pax_has_size);
      if (type == 'L') long_name = data.c_str();
      if (type == 'K') long_link = data.c_str();
      off = data_off + round_up(size);
      continue;
    }
    if (pax_has_size) size = pax_size;
    if (data_off + size > file_size) fail(path, "truncated tar archive (member ends past end of file)");
    std::string name = field(reinterpret_cast<const char*>(h), 100);
    if (std::memcmp(h + 257, "ustar", 5) == 0) {
      std::string prefix = field(reinterpret_cast<const char*>(h) + 345, 155);
      if (!prefix.empty()) name = prefix + "/" + name;
    }
    std::string link = field(reinterpret_cast<const char*>(h) + 157, 100);
    if (!long_name.empty()) name = long_name;
    if (!pax_name.empty()) name = pax_name;
    if (!long_link.empty()) link = long_link;
    if (!pax_link.empty()) link = pax_link;
    long_name.clear(), long_link.clear(), pax_name.clear(), pax_link.clear();
    pax_has_size = false;

    if (index.members_.size() >= kMaxMembers) fail(path, "too many members in tar archive");
    TarMember m{data_off, (type == '1' || type == '2' || type == '5') ? 0 : size, type == '\0' ? '0' : type,
                link};
    std::string key = strip_name(path, name);
    if (!key.empty()) index.members_[key] = std::move(m);
    off = data_off + round_up(size);
  }
  return index;
}

const TarMember* TarIndex::find(const std::string& name) const {
  std::string key = name;
  for (int hops = 0; hops < 40; ++hops) {
    auto it = members_.find(key);
    if (it == members_.end()) return nullptr;
    const TarMember& m = it->second;
    if (m.type == '2') {
      key = resolve_link_target("/" + key, m.link).substr(1);
    } else if (m.type == '1') {
      key = resolve_link_target("/", m.link).substr(1);
    } else {
      return &m;
    }
  }
  fail(path_, "link loop at member '" + name + "'");
}

}  // namespace moat::image
