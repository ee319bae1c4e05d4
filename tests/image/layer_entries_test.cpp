#include <gtest/gtest.h>

#include <cstring>
#include <map>

#include "base/error.h"
#include "image/entries.h"
#include "support/string_reader.h"
#include "support/tar_builder.h"

namespace {

using moat::image::EntryKind;

using moat::test::StringReader;

struct Seen {
  EntryKind kind;
  std::string link, content;
};

std::map<std::string, Seen> walk(const std::string& blob, moat::image::LayerLimits limits = {}) {
  auto src = moat::image::open_layer_entries(std::make_unique<StringReader>(blob), "layer", limits);
  std::map<std::string, Seen> out;
  moat::image::FileEntry e;
  while (src->next(e)) {
    Seen s{e.kind, e.link, ""};
    char buf[7];  // small on purpose: content arrives in pieces
    while (size_t n = src->read(buf, sizeof buf)) s.content.append(buf, n);
    out[e.path] = s;
  }
  return out;
}

moat::test::TarBuilder sample() {
  moat::test::TarBuilder t;
  t.dir("etc/").file("etc/os-release", "ID=debian\n").symlink("etc/alt", "../usr/lib/alt");
  t.file("usr/bin/tool", "#!/bin/sh\n", 0755).hardlink("usr/bin/tool2", "usr/bin/tool");
  t.file("app/.wh.old.txt", "").file("var/cache/.wh..wh..opq", "");
  return t;
}

void expect_sample(const std::map<std::string, Seen>& m) {
  ASSERT_EQ(m.at("/etc/os-release").kind, EntryKind::File);
  EXPECT_EQ(m.at("/etc/os-release").content, "ID=debian\n");
  EXPECT_EQ(m.at("/etc").kind, EntryKind::Directory);
  EXPECT_EQ(m.at("/etc/alt").kind, EntryKind::Symlink);
  EXPECT_EQ(m.at("/etc/alt").link, "../usr/lib/alt");
  EXPECT_EQ(m.at("/usr/bin/tool2").kind, EntryKind::Hardlink);
  EXPECT_EQ(m.at("/usr/bin/tool2").link, "/usr/bin/tool");
  EXPECT_EQ(m.at("/app/old.txt").kind, EntryKind::Whiteout);
  EXPECT_EQ(m.at("/var/cache").kind, EntryKind::Opaque);
}

}  // namespace

TEST(LayerEntries, ReadsUncompressedGzipAndZstdLayersAlike) {
  for (const char* filter : {"", "gzip", "zstd"}) {
    SCOPED_TRACE(filter);
    expect_sample(walk(sample().build(filter)));
  }
}

TEST(LayerEntries, RefusesEntriesThatClimbOutOfTheRoot) {
  moat::test::TarBuilder t;
  t.file("ok", "x").file("../../etc/cron.d/evil", "* * * * * root sh");
  EXPECT_THROW(walk(t.build()), moat::Error);
  moat::test::TarBuilder abs;
  abs.file("/etc/passwd", "root::0:0::/:/bin/sh\n");
  EXPECT_THROW(walk(abs.build()), moat::Error);
}

TEST(LayerEntries, TruncatedAndCorruptLayersFailClearly) {
  std::string gz = sample().build("gzip");
  EXPECT_THROW(walk(gz.substr(0, gz.size() / 2)), moat::Error);
  std::string garbage = "\x1f\x8b\x08\x00garbage that is not deflate data at all.................";
  EXPECT_THROW(walk(garbage), moat::Error);
  EXPECT_THROW(walk("this is not a tar archive, just text, long enough to fill a header? no."), moat::Error);
}

TEST(LayerEntries, DecompressionBombIsStopped) {
  moat::test::TarBuilder t;
  t.file("zeros", std::string(16 << 20, '\0'));
  moat::image::LayerLimits limits;
  limits.bomb_floor = 1 << 20;
  limits.max_ratio = 100;
  try {
    walk(t.build("zstd"), limits);
    FAIL() << "expected a decompression-bomb error";
  } catch (const moat::Error& e) {
    EXPECT_NE(std::string(e.what()).find("decompression bomb"), std::string::npos) << e.what();
  }
}
