#include "image/blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/error.h"
#include "image/entry_path.h"
#include "image/tar_index.h"

namespace moat::image {

namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Reads [offset, offset+size) of a shared file descriptor with pread, so many readers can share it.
class RegionReader : public Reader {
 public:
  RegionReader(std::shared_ptr<Fd> fd, uint64_t offset, uint64_t size, std::string what)
      : fd_(std::move(fd)), pos_(offset), end_(offset + size), what_(std::move(what)) {}

  size_t read(char* buf, size_t n) override {
    if (pos_ >= end_) return 0;
    if (n > end_ - pos_) n = static_cast<size_t>(end_ - pos_);
    for (;;) {
      ssize_t r = ::pread(fd_->get(), buf, n, static_cast<off_t>(pos_));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) fail(what_, std::strerror(errno));
      if (r == 0) fail(what_, "file ends early");
      pos_ += static_cast<uint64_t>(r);
      return static_cast<size_t>(r);
    }
  }

 private:
  std::shared_ptr<Fd> fd_;
  uint64_t pos_, end_;
  std::string what_;
};

std::string safe_name(const std::string& name, const std::string& container) {
  std::string n = normalize_entry_path(name, container);
  if (n == "/") fail(container, "empty member name");
  return n.substr(1);
}

class DirectoryStore : public BlobStore {
 public:
  explicit DirectoryStore(std::string dir) : dir_(std::move(dir)) {}

  bool exists(const std::string& name) const override {
    struct stat st;
    return ::stat(path(name).c_str(), &st) == 0 && S_ISREG(st.st_mode);
  }

  std::unique_ptr<Reader> open(const std::string& name) const override {
    std::string p = path(name);
    int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(p, std::strerror(errno));
    auto shared = std::make_shared<Fd>(fd);
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) fail(p, "not a regular file");
    return std::make_unique<RegionReader>(shared, 0, static_cast<uint64_t>(st.st_size), p);
  }

  uint64_t size(const std::string& name) const override {
    struct stat st;
    if (::stat(path(name).c_str(), &st) != 0) fail(path(name), std::strerror(errno));
    return static_cast<uint64_t>(st.st_size);
  }

  std::string describe(const std::string& name) const override { return path(name); }

 private:
  // Member names never leave the directory: safe_name refuses ".." and absolute names, and a
  // symlinked member must still resolve inside it.
  std::string path(const std::string& name) const {
    std::string p = dir_ + "/" + safe_name(name, dir_);
    std::error_code ec;
    auto real = std::filesystem::weakly_canonical(p, ec);
    auto root = std::filesystem::weakly_canonical(dir_, ec);
    std::string r = real.string(), rt = root.string();
    if (!ec && r.compare(0, rt.size(), rt) != 0) fail(p, "resolves outside " + dir_);
    return p;
  }

  std::string dir_;
};

class TarStore : public BlobStore {
 public:
  explicit TarStore(const std::string& path) : path_(path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(path, std::strerror(errno));
    fd_ = std::make_shared<Fd>(fd);
    struct stat st;
    if (::fstat(fd, &st) != 0) fail(path, std::strerror(errno));
    if (!S_ISREG(st.st_mode)) fail(path, "not a regular file");
    index_ = TarIndex::build(path, fd, static_cast<uint64_t>(st.st_size));
  }

  bool exists(const std::string& name) const override { return member(name) != nullptr; }

  std::unique_ptr<Reader> open(const std::string& name) const override {
    const TarMember* m = member(name);
    if (!m) fail(path_, "no member '" + name + "'");
    return std::make_unique<RegionReader>(fd_, m->offset, m->size, describe(name));
  }

  uint64_t size(const std::string& name) const override {
    const TarMember* m = member(name);
    if (!m) fail(path_, "no member '" + name + "'");
    return m->size;
  }

  std::string describe(const std::string& name) const override { return path_ + ":" + name; }

 private:
  const TarMember* member(const std::string& name) const {
    const TarMember* m = index_.find(safe_name(name, path_));
    return (m && m->type == '0') ? m : nullptr;
  }

  std::string path_;
  std::shared_ptr<Fd> fd_;
  TarIndex index_;
};

}  // namespace

std::string BlobStore::read_small(const std::string& name, uint64_t limit) const {
  if (size(name) > limit) fail(describe(name), "larger than " + std::to_string(limit) + " bytes");
  auto r = open(name);
  std::string out(size(name), '\0');
  size_t done = 0;
  while (done < out.size()) {
    size_t n = r->read(out.data() + done, out.size() - done);
    if (n == 0) fail(describe(name), "ends early");
    done += n;
  }
  return out;
}

std::unique_ptr<BlobStore> open_directory_store(const std::string& dir) {
  return std::make_unique<DirectoryStore>(dir);
}

std::unique_ptr<BlobStore> open_tar_store(const std::string& tar_path) {
  return std::make_unique<TarStore>(tar_path);
}

}  // namespace moat::image
