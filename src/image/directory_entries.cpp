#include <fcntl.h>
#include <fts.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "base/error.h"
#include "image/entries.h"

namespace moat::image {

namespace {

class DirectoryEntries : public EntrySource {
 public:
  explicit DirectoryEntries(const std::string& root) : root_(root) {
    while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
    std::vector<char> arg(root_.begin(), root_.end());
    arg.push_back('\0');
    char* argv[] = {arg.data(), nullptr};
    fts_ = ::fts_open(argv, FTS_PHYSICAL | FTS_XDEV | FTS_NOCHDIR, nullptr);
    if (!fts_) fail(root_, std::strerror(errno));
  }

  ~DirectoryEntries() override {
    close_file();
    ::fts_close(fts_);
  }

  bool next(FileEntry& e) override {
    close_file();
    for (;;) {
      errno = 0;
      FTSENT* f = ::fts_read(fts_);
      if (!f) break;
      if (f->fts_info == FTS_DP) continue;
      if (f->fts_info == FTS_ERR || f->fts_info == FTS_DNR || f->fts_info == FTS_NS) {
        if (f->fts_level == 0) fail(root_, std::strerror(f->fts_errno));
        continue;  // unreadable corners of a live file system are skipped, not fatal
      }
      std::string rel = std::string(f->fts_path).substr(root_.size());
      if (rel.empty()) continue;
      e = FileEntry{};
      e.path = rel;
      e.mode = f->fts_statp->st_mode & 07777;
      switch (f->fts_info) {
        case FTS_F:
          e.kind = EntryKind::File;
          e.size = static_cast<uint64_t>(f->fts_statp->st_size);
          path_ = f->fts_path;
          break;
        case FTS_D:
          e.kind = EntryKind::Directory;
          break;
        case FTS_SL:
        case FTS_SLNONE: {
          e.kind = EntryKind::Symlink;
          std::vector<char> buf(4096);
          ssize_t n = ::readlink(f->fts_path, buf.data(), buf.size());
          if (n > 0) e.link.assign(buf.data(), static_cast<size_t>(n));
          break;
        }
        default:
          e.kind = EntryKind::Other;
      }
      return true;
    }
    if (errno != 0) fail(root_, std::strerror(errno));
    return false;
  }

  size_t read(char* buf, size_t n) override {
    if (fd_ < 0) {
      fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
      if (fd_ < 0) fail(path_, std::strerror(errno));
    }
    for (;;) {
      ssize_t r = ::read(fd_, buf, n);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) fail(path_, std::strerror(errno));
      return static_cast<size_t>(r);
    }
  }

 private:
  void close_file() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  std::string root_;
  FTS* fts_ = nullptr;
  std::string path_;
  int fd_ = -1;
};

}  // namespace

std::unique_ptr<EntrySource> open_directory_entries(const std::string& root) {
  return std::make_unique<DirectoryEntries>(root);
}

}  // namespace moat::image
