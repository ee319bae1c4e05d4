#pragma once
// An index of an uncompressed tar file (the outer archive of docker-archive and OCI-layout tars), so
// that each member can be read in place without extracting anything.
#include <cstdint>
#include <map>
#include <string>

namespace moat::image {

struct TarMember {
  uint64_t offset = 0;  // of the member's data in the file
  uint64_t size = 0;
  char type = '0';      // tar typeflag: '0' file, '2' symlink, '1' hard link, '5' directory
  std::string link;     // link target for '1' and '2'
};

class TarIndex {
 public:
  // Reads every header of the tar at path (data is skipped by seeking). Fails with a clear error on a
  // truncated or corrupt archive, a bad header checksum, or a member that ends past the file's end.
  static TarIndex build(const std::string& path, int fd, uint64_t file_size);

  // Finds a member by its normalized name, following symlinks and hard links inside the archive
  // (legacy `docker save` links duplicate layers). Returns nullptr when absent.
  const TarMember* find(const std::string& name) const;

  const std::map<std::string, TarMember>& members() const { return members_; }

 private:
  std::string path_;
  std::map<std::string, TarMember> members_;  // key: normalized name without leading "/"
};

}  // namespace moat::image
