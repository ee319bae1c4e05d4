#pragma once
// Builds tar archives in memory for tests that need entries no honest tool writes ("../x",
// absolute names, loops), using libarchive's writer, optionally compressed.
#include <archive.h>
#include <archive_entry.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace moat::test {

class TarBuilder {
 public:
  TarBuilder& file(const std::string& name, const std::string& content, int mode = 0644) {
    items_.push_back({name, content, AE_IFREG, mode, ""});
    return *this;
  }
  TarBuilder& dir(const std::string& name) {
    items_.push_back({name, "", AE_IFDIR, 0755, ""});
    return *this;
  }
  TarBuilder& symlink(const std::string& name, const std::string& target) {
    items_.push_back({name, "", AE_IFLNK, 0777, target});
    return *this;
  }
  TarBuilder& hardlink(const std::string& name, const std::string& target) {
    items_.push_back({name, "", 0, 0644, target});
    return *this;
  }

  // filter: "" (none), "gzip" or "zstd".
  std::string build(const std::string& filter = "") const {
    archive* a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    if (filter == "gzip") archive_write_add_filter_gzip(a);
    if (filter == "zstd") archive_write_add_filter_zstd(a);
    archive_write_set_bytes_in_last_block(a, 1);
    std::vector<char> buf(64 << 20);
    size_t used = 0;
    if (archive_write_open_memory(a, buf.data(), buf.size(), &used) != ARCHIVE_OK)
      throw std::runtime_error("archive_write_open_memory");
    for (const auto& it : items_) {
      archive_entry* e = archive_entry_new();
      archive_entry_set_pathname(e, it.name.c_str());
      archive_entry_set_perm(e, it.mode);
      if (it.type == 0) {
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_hardlink(e, it.link.c_str());
      } else {
        archive_entry_set_filetype(e, it.type);
        if (it.type == AE_IFLNK) archive_entry_set_symlink(e, it.link.c_str());
        if (it.type == AE_IFREG) archive_entry_set_size(e, static_cast<la_int64_t>(it.content.size()));
      }
      archive_write_header(a, e);
      if (it.type == AE_IFREG && !it.content.empty()) archive_write_data(a, it.content.data(), it.content.size());
      archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    return std::string(buf.data(), used);
  }

 private:
  struct Item {
    std::string name, content;
    unsigned type;
    int mode;
    std::string link;
  };
  std::vector<Item> items_;
};

}  // namespace moat::test
