#include "inventory/scan.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "base/error.h"
#include "image/entry_path.h"
#include "image/overlay.h"
#include "inventory/collect.h"
#include "inventory/layer_cache.h"
#include "inventory/os_release.h"

namespace moat::inventory {

namespace {

// File contents read but not yet inspected, across every layer of a scan: enough to keep the
// inspectors busy, small beside what the scan needs anyway.
constexpr uint64_t kMaxPendingInspectionBytes = 4ull << 20;

// One inspector thread per core: the inspectors are what costs, the readers mostly wait on them.
unsigned inspection_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

// The file an archive-nested location lives in: "/app/a.war!/WEB-INF/lib/b.jar" -> "/app/a.war".
std::string_view outer_file(std::string_view found_in) { return found_in.substr(0, found_in.find('!')); }

std::string package_key(const Package& p) {
  return p.ecosystem + '\0' + p.name + '\0' + p.version + '\0' + p.found_in;
}

// Follows symlinks among the captured identity files (e.g. /etc/os-release -> ../usr/lib/os-release).
std::map<std::string, std::string> resolve_identity(const std::map<std::string, std::string>& captured,
                                                    const std::map<std::string, std::string>& symlinks) {
  std::map<std::string, std::string> out = captured;
  for (const auto& [link, target] : symlinks) {
    std::string path = link;
    int hops = 0;
    for (auto s = symlinks.find(path); s != symlinks.end(); s = symlinks.find(path)) {
      if (++hops > 40) fail(link, "symlink loop");
      path = image::resolve_link_target(path, s->second);
    }
    if (auto c = captured.find(path); c != captured.end()) out[link] = c->second;
  }
  return out;
}

// Applies the overlay rules from the top layer down and assembles what a container would see.
void merge(const std::vector<LayerFindings>& layers, const std::vector<std::string>& diff_ids, ScanResult& result) {
  Inventory& inv = result.inventory;
  image::Overlay overlay;
  std::map<std::string, std::string> captured, symlinks;
  std::unordered_map<std::string, std::string> owner_of;
  std::map<std::string, std::string> license_of;  // "deb:NAME" -> licence
  std::vector<Package> visible;
  std::vector<std::vector<FileFinding>> file_findings(layers.size());  // visibility is known top-down
  for (size_t i = layers.size(); i-- > 0;) {
    const LayerFindings& l = layers[i];
    for (const auto& p : l.packages)
      if (!overlay.hides(outer_file(p.found_in))) visible.push_back(p);
    for (const auto& [path, text] : l.captured)
      if (!overlay.hides(path)) captured.emplace(path, text);
    for (const auto& [path, target] : l.symlinks)
      if (!overlay.hides(path)) symlinks.emplace(path, target);
    for (const auto& [path, lic] : l.licenses)
      if (!overlay.hides(path)) license_of.emplace(lic.first, lic.second);
    for (const auto& own : l.ownership)
      if (!overlay.hides(own.list_path))
        for (const auto& f : own.files) owner_of.emplace(f, own.owner);
    for (const auto& w : l.warnings) result.warnings.push_back(w);
    for (FileFinding f : l.file_findings) {
      f.visible = !overlay.hides(f.path);
      if (!diff_ids.empty()) f.layer = diff_ids[i];
      file_findings[i].push_back(std::move(f));
    }
    for (const auto& p : l.replaced) overlay.add_replaced(p);
    for (const auto& p : l.whiteouts) overlay.add_whiteout(p);
    for (const auto& p : l.opaques) overlay.add_opaque(p);
  }
  for (auto& in_layer : file_findings)
    for (auto& f : in_layer) result.file_findings.push_back(std::move(f));
  inv.os = detect_os(resolve_identity(captured, symlinks));

  // The layer that introduced a package is the lowest one whose files already recorded it.
  if (!diff_ids.empty()) {
    std::unordered_map<std::string, size_t> first_layer;
    for (size_t i = 0; i < layers.size(); ++i)
      for (const auto& p : layers[i].packages) first_layer.emplace(package_key(p), i);
    for (auto& p : visible) p.layer = diff_ids[first_layer.at(package_key(p))];
  }
  // OS packages that list their files (rpm, apk) own them as dpkg's file lists do.
  for (const auto& p : visible)
    for (const auto& f : p.files) owner_of.emplace(f, p.ecosystem + ":" + p.name);
  for (auto& p : visible) {
    p.files.clear();
    if (p.license.empty())
      if (auto it = license_of.find(p.ecosystem + ":" + p.name); it != license_of.end()) p.license = it->second;
    if (p.ecosystem == eco::kDeb || p.ecosystem == eco::kRpm || p.ecosystem == eco::kApk) continue;
    std::string path(outer_file(p.found_in));
    // Package managers list either the manifest itself or its directory (dist-info, node module).
    for (const std::string& candidate : {path, std::string(image::parent_path(path))})
      if (auto it = owner_of.find(candidate); it != owner_of.end()) {
        p.owner = it->second;
        break;
      }
  }
  std::sort(visible.begin(), visible.end(), [](const Package& a, const Package& b) {
    return std::tie(a.ecosystem, a.name, a.version, a.found_in) < std::tie(b.ecosystem, b.name, b.version, b.found_in);
  });
  inv.packages = std::move(visible);
}

}  // namespace

ScanResult scan_image(const std::string& target, const ScanOptions& options) {
  auto img = image::Image::open(target, options.platform);
  const auto& meta = img->metadata();
  ScanResult result;
  Inventory& inv = result.inventory;
  inv.target = target;
  inv.kind = "image";
  inv.image_id = meta.image_id;
  inv.repo_tags = meta.repo_tags;
  if (!meta.manifest_digest.empty()) inv.repo_digests.push_back(meta.manifest_digest);
  inv.architecture = meta.architecture;
  inv.os_name = meta.os;
  std::vector<std::string> diff_ids;
  for (const auto& l : meta.layers) {
    inv.layers.push_back({l.diff_id, l.created_by});
    diff_ids.push_back(l.diff_id);
  }

  std::string inspectors;
  for (const FileInspector* i : options.inspectors) inspectors += i->fingerprint() + '\n';
  LayerCache cache(options.cache_dir, inspectors);
  std::vector<LayerFindings> findings(meta.layers.size());
  std::vector<size_t> todo;
  for (size_t i = 0; i < meta.layers.size(); ++i) {
    if (auto cached = cache.load(meta.layers[i].diff_id)) {
      findings[i] = std::move(*cached);
      ++result.layers_from_cache;
    } else {
      todo.push_back(i);
    }
  }

  // Layers are independent until the merge, so they are read side by side, and the inspectors
  // work on one layer's files while its reader goes on.
  std::optional<InspectionPool> pool;
  if (!options.inspectors.empty() && !todo.empty()) pool.emplace(inspection_threads(), kMaxPendingInspectionBytes);
  std::atomic<size_t> next{0}, done{0};
  std::mutex mu;
  std::exception_ptr error;
  auto worker = [&] {
    for (;;) {
      size_t k = next.fetch_add(1);
      if (k >= todo.size()) return;
      size_t i = todo[k];
      try {
        std::string what = target + ": layer " + std::to_string(i + 1) + " (" + meta.layers[i].diff_id.substr(0, 19) + ")";
        auto entries = image::open_layer_entries(img->open_layer(i), what);
        findings[i] = collect(*entries, TargetKind::Image, what, options.inspectors, {}, pool ? &*pool : nullptr);
        cache.store(meta.layers[i].diff_id, findings[i]);
        size_t d = ++done;
        if (options.progress) {
          std::lock_guard lock(mu);
          options.progress("layer " + std::to_string(d) + "/" + std::to_string(todo.size()) + " analysed");
        }
      } catch (...) {
        std::lock_guard lock(mu);
        if (!error) error = std::current_exception();
        next = todo.size();  // stop handing out work
      }
    }
  };
  unsigned n = std::max(1u, std::min<unsigned>(options.jobs, static_cast<unsigned>(todo.size())));
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < n; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);

  result.image_config = meta.config;
  merge(findings, diff_ids, result);
  return result;
}

ScanResult scan_filesystem(const std::string& dir, const ScanOptions& options) {
  ScanResult result;
  result.inventory.target = dir;
  // A directory holding an operating system is an unpacked image: it is read as one, installed
  // packages only, so it gives the same answer as the image it came from. Any other directory
  // is a project, whose lock files say what it will install.
  std::error_code ec;
  bool rootfs = std::filesystem::exists(dir + "/etc/os-release", ec) ||
                std::filesystem::exists(dir + "/usr/lib/os-release", ec);
  result.inventory.kind = rootfs ? "rootfs" : "filesystem";
  auto entries = image::open_directory_entries(dir);
  if (options.progress) options.progress("walking " + dir);
  std::optional<InspectionPool> pool;
  if (!options.inspectors.empty()) pool.emplace(inspection_threads(), kMaxPendingInspectionBytes);
  std::vector<LayerFindings> one;
  one.push_back(collect(*entries, rootfs ? TargetKind::Image : TargetKind::Filesystem, dir, options.inspectors, {},
                        pool ? &*pool : nullptr));
  merge(one, {}, result);
  return result;
}

ScanResult scan_target(const std::string& target, const ScanOptions& options) {
  struct stat st;
  if (::stat(target.c_str(), &st) != 0) fail(target, "no such file or directory");
  if (image::looks_like_image(target)) return scan_image(target, options);
  return scan_filesystem(target, options);
}

}  // namespace moat::inventory
