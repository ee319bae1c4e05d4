#include "inventory/java.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "base/error.h"

namespace moat::inventory {
namespace {

// A war holding a jar holding a jar is three levels; real archives stop well short of this.
constexpr int kMaxDepth = 8;
// Shared by every nesting level: a few real fat jars decompress to a few hundred MiB, a zip bomb
// to far more.
constexpr std::uint64_t kMaxTotalBytes = std::uint64_t{512} << 20;
constexpr std::uint64_t kMaxEntries = 500'000;
// pom.properties and the MANIFEST.MF main section are small; a signed jar's manifest goes on with
// one digest per class, which we do not need, so only this prefix is read.
constexpr std::size_t kMaxMetadataBytes = std::size_t{1} << 20;

struct Budget {
  std::uint64_t bytes_left = kMaxTotalBytes;
  std::uint64_t entries_left = kMaxEntries;
};

struct Coordinates {
  std::string group;
  std::string artifact;
  std::string version;
};

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view base_name(std::string_view path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// "guava-31.1-jre.jar" -> {"guava", "31.1-jre"}: the version starts at the first "-<digit>".
Coordinates split_file_name(std::string_view path) {
  std::string_view stem = base_name(path);
  if (const auto dot = stem.find_last_of('.'); dot != std::string_view::npos) stem = stem.substr(0, dot);
  for (std::size_t i = 0; i + 1 < stem.size(); ++i) {
    if (stem[i] == '-' && stem[i + 1] >= '0' && stem[i + 1] <= '9') {
      return {"", std::string(stem.substr(0, i)), std::string(stem.substr(i + 1))};
    }
  }
  return {"", std::string(stem), ""};
}

// java.util.Properties text, as far as Maven writes it: key=value / key: value lines, '#' and '!'
// comments, backslash line continuations and escapes.
std::map<std::string, std::string> parse_properties(std::string_view text) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::string logical;
    for (;;) {  // join continuation lines
      auto end = text.find_first_of("\r\n", pos);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(pos, end - pos);
      pos = end;
      if (pos < text.size() && text[pos] == '\r') ++pos;
      if (pos < text.size() && text[pos] == '\n') ++pos;
      if (!logical.empty()) line = trim(line);
      std::size_t backslashes = 0;
      while (backslashes < line.size() && line[line.size() - 1 - backslashes] == '\\') ++backslashes;
      if (backslashes % 2 == 1 && pos < text.size()) {
        logical.append(line.substr(0, line.size() - 1));
        continue;
      }
      logical.append(line);
      break;
    }
    const std::string_view line = trim(logical);
    if (line.empty() || line.front() == '#' || line.front() == '!') continue;
    std::string key;
    std::string value;
    std::string* into = &key;
    bool separated = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (c == '\\' && i + 1 < line.size()) {
        const char next = line[++i];
        into->push_back(next == 't' ? '\t' : next == 'n' ? '\n' : next == 'r' ? '\r' : next);
      } else if (!separated && (c == '=' || c == ':' || c == ' ' || c == '\t')) {
        separated = true;
        into = &value;
        // The separator may be padded, and "key = value" has both a space and '='.
        while (i + 1 < line.size() && (line[i + 1] == ' ' || line[i + 1] == '\t')) ++i;
        if ((c == ' ' || c == '\t') && i + 1 < line.size() && (line[i + 1] == '=' || line[i + 1] == ':')) {
          ++i;
          while (i + 1 < line.size() && (line[i + 1] == ' ' || line[i + 1] == '\t')) ++i;
        }
      } else {
        into->push_back(c);
      }
    }
    out[key] = value;
  }
  return out;
}

// The MANIFEST.MF main section: "Name: value" lines, continued by lines starting with one space,
// ended by the first empty line. Attribute names are case-insensitive, so keys are lower-cased.
std::map<std::string, std::string> parse_manifest_main(std::string_view text) {
  std::map<std::string, std::string> out;
  std::string* last = nullptr;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end;
    if (pos < text.size() && text[pos] == '\r') ++pos;
    if (pos < text.size() && text[pos] == '\n') ++pos;
    if (line.empty()) break;
    if (line.front() == ' ') {
      if (last != nullptr) last->append(line.substr(1));
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      last = nullptr;
      continue;
    }
    last = &out[to_lower(trim(line.substr(0, colon)))];
    *last = std::string(trim(line.substr(colon + 1)));
  }
  return out;
}

std::string first_of(const std::map<std::string, std::string>& attrs, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (auto it = attrs.find(key); it != attrs.end()) {
      const std::string_view value = trim(it->second);
      if (!value.empty()) return std::string(value);
    }
  }
  return {};
}

// The archive's own identity as its manifest and file name give it (used when no pom.properties does).
std::optional<Coordinates> manifest_or_file_identity(std::string_view manifest, std::string_view file_name) {
  const auto attrs = parse_manifest_main(manifest);
  Coordinates id = split_file_name(file_name);
  if (const auto version = first_of(attrs, {"implementation-version", "bundle-version", "specification-version"});
      !version.empty()) {
    id.version = version;
  }
  std::string symbolic = first_of(attrs, {"bundle-symbolicname"});
  symbolic = std::string(trim(symbolic.substr(0, symbolic.find(';'))));
  if (id.artifact.empty()) {
    const std::string title = first_of(attrs, {"implementation-title"});
    if (!title.empty() && title.find_first_of(" \t") == std::string::npos) {
      id.artifact = title;
    } else if (!symbolic.empty()) {
      id.artifact = symbolic.substr(symbolic.find_last_of('.') + 1);
    }
  }
  id.group = first_of(attrs, {"implementation-vendor-id"});
  // The Maven bundle plugin names a bundle after its groupId alone when the groupId already ends
  // in the artifactId ("org.hamcrest" for org.hamcrest:hamcrest); any other symbolic name says
  // nothing certain about the groupId.
  if (id.group.empty() && symbolic.ends_with("." + id.artifact)) id.group = symbolic;
  if (id.artifact.empty() || id.version.empty()) return std::nullopt;
  return id;
}

// Whether a pom.properties describes the archive itself rather than a library shaded into it: the
// file is named after its artifactId ("guava-31.1-jre.jar", or "guava.jar" as Debian links it).
// '_' and '-' are taken as equal because distributions rename "x_1.3_spec" to "x-1.3-spec".
bool names_this_file(const Coordinates& pom, std::string_view path) {
  std::string stem(base_name(path));
  if (const auto dot = stem.find_last_of('.'); dot != std::string::npos) stem.resize(dot);
  std::string artifact = pom.artifact;
  std::replace(stem.begin(), stem.end(), '_', '-');
  std::replace(artifact.begin(), artifact.end(), '_', '-');
  return !artifact.empty() && (stem == artifact || stem.starts_with(artifact + "-"));
}

// "META-INF/maven/<group>/<artifact>/pom.properties" -> {group, artifact}.
std::optional<Coordinates> pom_properties_location(std::string_view entry) {
  constexpr std::string_view kPrefix = "META-INF/maven/";
  constexpr std::string_view kSuffix = "/pom.properties";
  if (!entry.starts_with(kPrefix) || !entry.ends_with(kSuffix)) return std::nullopt;
  const std::string_view middle = entry.substr(kPrefix.size(), entry.size() - kPrefix.size() - kSuffix.size());
  const auto slash = middle.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == middle.size() ||
      middle.find('/', slash + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  return Coordinates{std::string(middle.substr(0, slash)), std::string(middle.substr(slash + 1)), ""};
}

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};

class JavaArchiveScanner {
 public:
  void scan(std::string_view bytes, const std::string& where, int depth, std::vector<Package>& out) {
    if (depth > kMaxDepth) fail(where, "Java archives nested more than " + std::to_string(kMaxDepth) + " deep");
    std::unique_ptr<archive, ArchiveFree> reader(archive_read_new());
    if (!reader) fail(where, "cannot allocate a zip reader");
    archive* a = reader.get();
    // The seekable zip reader trusts the central directory, as the JVM does, rather than local headers.
    archive_read_support_format_zip_seekable(a);
    if (archive_read_open_memory(a, bytes.data(), bytes.size()) != ARCHIVE_OK) {
      fail(where, std::string("not a zip archive: ") + error_of(a));
    }

    std::vector<Coordinates> poms;
    std::string manifest;
    std::vector<Package> nested;
    for (;;) {
      archive_entry* entry = nullptr;
      const int status = archive_read_next_header(a, &entry);
      if (status == ARCHIVE_EOF) break;
      if (status < ARCHIVE_WARN) fail(where, std::string("corrupt zip archive: ") + error_of(a));
      if (budget_.entries_left-- == 0) fail(where, "more than " + std::to_string(kMaxEntries) + " zip entries");
      if (archive_entry_filetype(entry) == AE_IFDIR) continue;
      const char* raw_name = archive_entry_pathname_utf8(entry);
      if (raw_name == nullptr) raw_name = archive_entry_pathname(entry);
      if (raw_name == nullptr) continue;
      const std::string name = raw_name;
      const std::string entry_where = where + "!/" + name;

      if (auto location = pom_properties_location(name)) {
        const auto props = parse_properties(read_entry(a, entry_where, kMaxMetadataBytes, true));
        Coordinates pom = *location;
        if (auto it = props.find("groupId"); it != props.end() && !trim(it->second).empty()) {
          pom.group = std::string(trim(it->second));
        }
        if (auto it = props.find("artifactId"); it != props.end() && !trim(it->second).empty()) {
          pom.artifact = std::string(trim(it->second));
        }
        if (auto it = props.find("version"); it != props.end()) pom.version = std::string(trim(it->second));
        if (!pom.version.empty()) poms.push_back(std::move(pom));
      } else if (to_lower(name) == "meta-inf/manifest.mf") {
        manifest = read_entry(a, entry_where, kMaxMetadataBytes, true);
      } else if (is_java_archive_path(name)) {
        const std::string inner = read_entry(a, entry_where, kMaxTotalBytes, false);
        scan(inner, entry_where, depth + 1, nested);
      }
    }

    // A pom.properties of the same version as the manifest or file name is taken to be the
    // archive's own even when a distribution renamed the file (Debian's maven3-core.jar).
    auto own = manifest_or_file_identity(manifest, where);
    const bool described = std::any_of(poms.begin(), poms.end(), [&](const Coordinates& pom) {
      return names_this_file(pom, where) || (own && own->version == pom.version);
    });
    if (own && !described) poms.push_back(std::move(*own));
    add_unique(out, poms, where);
    out.insert(out.end(), std::make_move_iterator(nested.begin()), std::make_move_iterator(nested.end()));
  }

 private:
  static std::string error_of(archive* a) {
    const char* message = archive_error_string(a);
    return message != nullptr ? message : "unknown error";
  }

  // Reads the current entry's data, charging the shared budget. `truncate` keeps only the first
  // `limit` bytes (metadata); otherwise an entry over `limit` is an error.
  std::string read_entry(archive* a, const std::string& where, std::size_t limit, bool truncate) {
    std::string data;
    std::array<char, 64 * 1024> chunk{};
    for (;;) {
      const la_ssize_t n = archive_read_data(a, chunk.data(), chunk.size());
      if (n < 0) fail(where, std::string("cannot decompress: ") + error_of(a));
      if (n == 0) break;
      const auto size = static_cast<std::size_t>(n);
      if (size > budget_.bytes_left) {
        fail(where, "decompresses to more than " + std::to_string(kMaxTotalBytes >> 20) + " MiB in all");
      }
      budget_.bytes_left -= size;
      if (data.size() + size > limit) {
        if (!truncate) fail(where, "entry larger than " + std::to_string(limit >> 20) + " MiB");
        data.append(chunk.data(), limit - data.size());
        break;
      }
      data.append(chunk.data(), size);
    }
    return data;
  }

  // One archive may carry the same pom.properties twice (once per shading, say); report it once.
  static void add_unique(std::vector<Package>& out, std::vector<Coordinates>& ids, const std::string& where) {
    std::set<std::pair<std::string, std::string>> seen;
    for (auto& id : ids) {
      Package pkg;
      pkg.ecosystem = eco::kMaven;
      pkg.name = id.group.empty() ? id.artifact : id.group + ":" + id.artifact;
      pkg.version = std::move(id.version);
      pkg.found_in = where;
      if (seen.emplace(pkg.name, pkg.version).second) out.push_back(std::move(pkg));
    }
  }

  Budget budget_;
};

}  // namespace

bool is_java_archive_path(std::string_view path) {
  if (path.size() < 4) return false;
  const std::string suffix = to_lower(path.substr(path.size() - 4));
  return suffix == ".jar" || suffix == ".war" || suffix == ".ear" || suffix == ".jpi" || suffix == ".hpi";
}

std::vector<Package> parse_java_archive(std::string_view zip_bytes, std::string_view path) {
  std::vector<Package> out;
  JavaArchiveScanner().scan(zip_bytes, std::string(path), 0, out);
  return out;
}

}  // namespace moat::inventory
