#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <array>

#include "base/error.h"
#include "image/entries.h"
#include "image/entry_path.h"

namespace moat::image {

namespace {

class LayerEntries : public EntrySource {
 public:
  LayerEntries(std::unique_ptr<Reader> blob, std::string what, LayerLimits limits)
      : blob_(std::move(blob)), what_(std::move(what)), limits_(limits), a_(archive_read_new()) {
    if (!a_) fail(what_, "cannot allocate archive reader");
    archive_read_support_filter_gzip(a_);
    archive_read_support_filter_zstd(a_);
    archive_read_support_filter_bzip2(a_);
    archive_read_support_filter_xz(a_);
    archive_read_support_format_tar(a_);
    archive_read_support_format_gnutar(a_);
    if (archive_read_open(a_, this, nullptr, &LayerEntries::feed, nullptr) != ARCHIVE_OK) {
      std::string msg = archive_error_string(a_) ? archive_error_string(a_) : "unreadable";
      archive_read_free(a_);
      fail(what_, "not a tar layer: " + msg);
    }
  }

  ~LayerEntries() override { archive_read_free(a_); }

  bool next(FileEntry& e) override {
    for (;;) {
      archive_entry* ae = nullptr;
      int r = archive_read_next_header(a_, &ae);
      if (r == ARCHIVE_EOF) {
        drain();
        return false;
      }
      if (r < ARCHIVE_WARN) error("corrupt layer");
      if (++entries_ > limits_.max_entries) fail(what_, "too many entries in layer");
      check_bomb();
      const char* raw = archive_entry_pathname(ae);
      if (!raw) error("entry without a name");
      std::string path = normalize_entry_path(raw, what_);
      if (path == "/") continue;
      e = FileEntry{};
      e.mode = archive_entry_perm(ae) | (archive_entry_mode(ae) & (S_ISUID | S_ISGID | S_ISVTX));
      std::string_view base = base_name(path);
      if (base.rfind(".wh.", 0) == 0) {
        std::string dir(parent_path(path));
        if (base == ".wh..wh..opq") {
          e.kind = EntryKind::Opaque;
          e.path = dir;
        } else {
          e.kind = EntryKind::Whiteout;
          e.path = (dir == "/" ? "" : dir) + "/" + std::string(base.substr(4));
        }
        return true;
      }
      e.path = std::move(path);
      if (const char* hl = archive_entry_hardlink(ae)) {
        e.kind = EntryKind::Hardlink;
        e.link = normalize_entry_path(hl, what_);
        return true;
      }
      switch (archive_entry_filetype(ae)) {
        case AE_IFREG:
          e.kind = EntryKind::File;
          e.size = static_cast<uint64_t>(archive_entry_size(ae));
          break;
        case AE_IFDIR:
          e.kind = EntryKind::Directory;
          break;
        case AE_IFLNK:
          e.kind = EntryKind::Symlink;
          e.link = archive_entry_symlink(ae) ? archive_entry_symlink(ae) : "";
          break;
        default:
          e.kind = EntryKind::Other;
      }
      return true;
    }
  }

  size_t read(char* buf, size_t n) override {
    la_ssize_t r = archive_read_data(a_, buf, n);
    if (r < 0) error("corrupt file data");
    check_bomb();
    return static_cast<size_t>(r);
  }

 private:
  static la_ssize_t feed(archive*, void* self_ptr, const void** buf) {
    auto* self = static_cast<LayerEntries*>(self_ptr);
    try {
      size_t n = self->blob_->read(self->buffer_.data(), self->buffer_.size());
      self->consumed_ += n;
      *buf = self->buffer_.data();
      return static_cast<la_ssize_t>(n);
    } catch (const Error& e) {
      self->pending_ = e.what();
      return -1;
    }
  }

  // Reads what remains of the blob, so a digest check at its end runs even when the tar ends early.
  void drain() {
    while (blob_->read(buffer_.data(), buffer_.size()) > 0) {
    }
  }

  void check_bomb() {
    uint64_t out = static_cast<uint64_t>(archive_filter_bytes(a_, 0));
    if (out > limits_.max_uncompressed) fail(what_, "layer expands past the size limit");
    if (out > limits_.bomb_floor && out / (consumed_ + 1) > limits_.max_ratio)
      fail(what_, "decompression bomb: " + std::to_string(out) + " bytes from " + std::to_string(consumed_));
  }

  [[noreturn]] void error(const std::string& context) {
    if (!pending_.empty()) throw Error(pending_);
    const char* msg = archive_error_string(a_);
    fail(what_, context + (msg ? std::string(": ") + msg : std::string()));
  }

  std::unique_ptr<Reader> blob_;
  std::string what_;
  LayerLimits limits_;
  archive* a_;
  std::array<char, 1 << 17> buffer_;
  uint64_t consumed_ = 0, entries_ = 0;
  std::string pending_;  // a Reader error seen inside libarchive's callback
};

}  // namespace

std::unique_ptr<EntrySource> open_layer_entries(std::unique_ptr<Reader> blob, std::string what, LayerLimits limits) {
  return std::make_unique<LayerEntries>(std::move(blob), std::move(what), limits);
}

}  // namespace moat::image
