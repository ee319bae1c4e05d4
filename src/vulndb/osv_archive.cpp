#include "vulndb/osv_archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include "base/error.h"
#include "vulndb/osv.h"

namespace moat::vulndb {
namespace {

using ArchivePtr = std::unique_ptr<archive, decltype(&archive_read_free)>;

ArchivePtr new_reader(const std::string& origin) {
  ArchivePtr a(archive_read_new(), &archive_read_free);
  if (!a) fail(origin, "out of memory");
  archive_read_support_format_zip_seekable(a.get());
  return a;
}

[[noreturn]] void fail_archive(archive* a, const std::string& origin, const std::string& where) {
  const char* message = archive_error_string(a);
  fail(origin, "corrupt zip" + where + ": " + (message ? message : "unreadable"));
}

void read_entries(archive* a, const std::string& origin, const DocumentVisitor& visit) {
  archive_entry* entry = nullptr;
  std::string content;
  uint64_t documents = 0;
  for (;;) {
    int rc = archive_read_next_header(a, &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK) fail_archive(a, origin, "");
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    const char* raw_name = archive_entry_pathname(entry);
    std::string name = raw_name ? raw_name : "";
    if (++documents > kMaxArchiveDocuments)
      fail(origin, "more than " + std::to_string(kMaxArchiveDocuments) + " documents");
    if (archive_entry_size_is_set(entry) && static_cast<uint64_t>(archive_entry_size(entry)) > kMaxOsvDocumentBytes)
      fail(origin + ":" + name, "larger than " + std::to_string(kMaxOsvDocumentBytes) + " bytes");
    content.clear();
    char buf[65536];
    for (;;) {
      la_ssize_t n = archive_read_data(a, buf, sizeof buf);
      if (n < 0) fail_archive(a, origin, " at " + name);
      if (n == 0) break;
      if (content.size() + static_cast<size_t>(n) > kMaxOsvDocumentBytes)
        fail(origin + ":" + name, "larger than " + std::to_string(kMaxOsvDocumentBytes) + " bytes");
      content.append(buf, static_cast<size_t>(n));
    }
    visit(name, content);
  }
}

}  // namespace

void read_osv_archive(const std::filesystem::path& zip, const std::string& origin, const DocumentVisitor& visit) {
  ArchivePtr a = new_reader(origin);
  if (archive_read_open_filename(a.get(), zip.c_str(), 1 << 20) != ARCHIVE_OK) fail_archive(a.get(), origin, "");
  read_entries(a.get(), origin, visit);
}

void read_osv_archive_bytes(std::string_view zip, const std::string& origin, const DocumentVisitor& visit) {
  ArchivePtr a = new_reader(origin);
  if (archive_read_open_memory(a.get(), zip.data(), zip.size()) != ARCHIVE_OK) fail_archive(a.get(), origin, "");
  read_entries(a.get(), origin, visit);
}

}  // namespace moat::vulndb
