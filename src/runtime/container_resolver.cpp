#include "runtime/container_resolver.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <system_error>
#include <vector>

namespace moat::runtime {
namespace {

constexpr size_t kMaxProcFileBytes = 64 * 1024;

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_mountinfo(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    auto octal = [](char c) { return c >= '0' && c <= '7'; };
    if (s[i] == '\\' && i + 3 < s.size() && octal(s[i + 1]) && octal(s[i + 2]) && octal(s[i + 3])) {
      int v = (s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0');
      if (v < 256) {
        out.push_back(static_cast<char>(v));
        i += 3;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::vector<std::string_view> split_spaces(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && line[pos] == ' ') ++pos;
    size_t end = line.find(' ', pos);
    if (end == std::string_view::npos) end = line.size();
    if (end > pos) fields.push_back(line.substr(pos, end - pos));
    pos = end;
  }
  return fields;
}

std::optional<std::string> read_small_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string content(kMaxProcFileBytes, '\0');
  in.read(content.data(), static_cast<std::streamsize>(content.size()));
  content.resize(static_cast<size_t>(in.gcount()));
  return content;
}

// "/" + relative, with the mount's root in front, as /proc/<pid>/cgroup would print it.
std::string hierarchy_path(const std::string& root, const std::filesystem::path& relative) {
  std::string rel = relative.generic_string();
  if (rel == ".") rel.clear();
  std::string base = root == "/" ? std::string() : root;
  if (rel.empty()) return base.empty() ? "/" : base;
  return base + "/" + rel;
}

}  // namespace

std::optional<Cgroup2Mount> cgroup2_mount_from_mountinfo(std::string_view mountinfo) {
  size_t pos = 0;
  while (pos < mountinfo.size()) {
    size_t end = mountinfo.find('\n', pos);
    if (end == std::string_view::npos) end = mountinfo.size();
    std::string_view line = mountinfo.substr(pos, end - pos);
    pos = end + 1;
    // id parent major:minor root mount-point options [optional fields...] - fstype source super-options
    auto fields = split_spaces(line);
    if (fields.size() < 7) continue;
    size_t dash = 6;
    while (dash < fields.size() && fields[dash] != "-") ++dash;
    if (dash + 1 >= fields.size() || fields[dash + 1] != "cgroup2") continue;
    return Cgroup2Mount{unescape_mountinfo(fields[4]), unescape_mountinfo(fields[3])};
  }
  return std::nullopt;
}

CgroupPathResolver::CgroupPathResolver(CgroupResolverOptions options) : options_(std::move(options)) {
  if (options_.mount_point.empty()) {
    if (auto text = read_small_file(options_.proc_root / "self/mountinfo")) {
      if (auto mount = cgroup2_mount_from_mountinfo(*text)) {
        options_.mount_point = mount->mount_point;
        options_.mount_root = mount->root;
      }
    }
  }
}

size_t CgroupPathResolver::rescan() {
  std::lock_guard lock(mutex_);
  return rescan_locked();
}

size_t CgroupPathResolver::rescan_locked() {
  last_scan_ = std::chrono::steady_clock::now();
  scanned_ = true;
  if (options_.mount_point.empty()) return 0;
  std::unordered_map<uint64_t, std::string> fresh;
  const std::filesystem::path top(options_.mount_point);
  struct stat st {};
  if (::stat(top.c_str(), &st) == 0) fresh.emplace(st.st_ino, hierarchy_path(options_.mount_root, "."));
  std::error_code ec;
  // Cgroups vanish while we walk: skip what we cannot read, never follow links.
  std::filesystem::recursive_directory_iterator it(top, std::filesystem::directory_options::skip_permission_denied, ec);
  for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (fresh.size() >= options_.max_directories) break;
    if (it.depth() >= options_.max_depth) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_directory(ec) || it->is_symlink(ec)) {
      ec.clear();
      continue;
    }
    if (::lstat(it->path().c_str(), &st) != 0) continue;
    fresh.emplace(st.st_ino, hierarchy_path(options_.mount_root, it->path().lexically_relative(top)));
  }
  paths_ = std::move(fresh);
  return paths_.size();
}

// A cgroup v2 id is its kernfs node id, which is also the file handle cgroupfs hands out
// (FILEID_KERNFS): the kernel opens the directory for us, without a walk, even for a cgroup created
// a microsecond ago. Needs CAP_DAC_READ_SEARCH; without it the walk below still answers.
std::optional<std::string> CgroupPathResolver::path_by_handle(uint64_t cgroup_id) const {
  if (options_.mount_point.empty()) return std::nullopt;
  int mount_fd = ::open(options_.mount_point.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (mount_fd < 0) return std::nullopt;
  alignas(file_handle) unsigned char buffer[sizeof(file_handle) + sizeof(uint64_t)] = {};
  auto* handle = reinterpret_cast<file_handle*>(buffer);
  handle->handle_bytes = sizeof(uint64_t);
  handle->handle_type = 0xfe;  // FILEID_KERNFS
  std::memcpy(buffer + sizeof(file_handle), &cgroup_id, sizeof cgroup_id);
  int fd = ::open_by_handle_at(mount_fd, handle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ::close(mount_fd);
  if (fd < 0) return std::nullopt;
  std::error_code ec;
  std::filesystem::path where = std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(fd), ec);
  ::close(fd);
  const std::filesystem::path top(options_.mount_point);
  if (ec) return std::nullopt;
  auto relative = where.lexically_relative(top);
  if (relative.empty() || *relative.begin() == "..") return std::nullopt;
  return hierarchy_path(options_.mount_root, relative);
}

std::optional<std::string> CgroupPathResolver::path_of(uint64_t cgroup_id) {
  std::lock_guard lock(mutex_);
  if (auto it = paths_.find(cgroup_id); it != paths_.end()) return it->second;
  if (auto path = path_by_handle(cgroup_id)) {
    if (paths_.size() < options_.max_directories) paths_.emplace(cgroup_id, *path);
    return path;
  }
  auto now = std::chrono::steady_clock::now();
  if (scanned_ && now - last_scan_ < options_.min_rescan_interval) return std::nullopt;
  rescan_locked();
  if (auto it = paths_.find(cgroup_id); it != paths_.end()) return it->second;
  return std::nullopt;
}

ContainerResolver::ContainerResolver(ContainerResolverOptions options)
    : options_(std::move(options)), paths_(options_.cgroups) {}

std::optional<ContainerRef> ContainerResolver::from_proc(int32_t pid) const {
  if (pid <= 0) return std::nullopt;
  auto text = read_small_file(options_.cgroups.proc_root / std::to_string(pid) / "cgroup");
  if (!text) return std::nullopt;
  return container_from_proc_cgroup(*text);
}

std::optional<ContainerRef> ContainerResolver::resolve(uint64_t cgroup_id, int32_t pid) {
  std::optional<std::string> path;
  if (cgroup_id != 0) path = paths_.path_of(cgroup_id);
  if (path) {
    if (auto ref = container_from_cgroup_path(*path)) return ref;
    if (!options_.check_proc_for_host_paths) return std::nullopt;
  }
  return from_proc(pid);
}

}  // namespace moat::runtime
