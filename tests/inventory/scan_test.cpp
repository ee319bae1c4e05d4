// The layer pipeline end to end on small images built here: overlay rules, introducing layers,
// ownership, cache. The real-image comparisons live in tests/integration.
#include "inventory/scan.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "support/image_builder.h"

namespace {

using moat::test::TarBuilder;

const char* kStatus1 =
    "Package: base-files\nStatus: install ok installed\nVersion: 12.4\nArchitecture: amd64\n\n";
const char* kStatus2 =
    "Package: base-files\nStatus: install ok installed\nVersion: 12.4\nArchitecture: amd64\n\n"
    "Package: tool\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: amd64\n\n";

std::vector<TarBuilder> layers() {
  TarBuilder base, add, del;
  base.file("usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian 12\"\n")
      .symlink("etc/os-release", "../usr/lib/os-release")
      .file("var/lib/dpkg/status", kStatus1)
      .file("opt/gone/.keep", "");
  add.file("var/lib/dpkg/status", kStatus2).file("var/lib/dpkg/info/tool.list", "/.\n/usr/bin/tool\n");
  del.file("opt/.wh.gone", "");
  return {base, add, del};
}

}  // namespace

TEST(Scan, MergesLayersAsAContainerSeesThem) {
  moat::test::TempDir dir;
  moat::test::write_oci_layout(dir, "oci", layers());
  moat::inventory::ScanOptions opts;
  auto result = moat::inventory::scan_image(dir.str() + "/oci", opts);
  const auto& inv = result.inventory;
  ASSERT_TRUE(inv.os);
  EXPECT_EQ(inv.os->id, "debian");
  EXPECT_EQ(inv.os->version_id, "12");
  ASSERT_EQ(inv.packages.size(), 2u);  // the lower status file is shadowed, not counted twice
  EXPECT_EQ(inv.packages[0].name, "base-files");
  EXPECT_EQ(inv.packages[0].layer, inv.layers[0].diff_id);  // introduced by the base layer
  EXPECT_EQ(inv.packages[1].name, "tool");
  EXPECT_EQ(inv.packages[1].layer, inv.layers[1].diff_id);
  EXPECT_EQ(inv.layers.size(), 3u);
}

TEST(Scan, SecondScanComesFromTheLayerCache) {
  moat::test::TempDir dir;
  moat::test::write_oci_layout(dir, "oci", layers());
  moat::inventory::ScanOptions opts;
  opts.cache_dir = dir.path() / "cache";
  auto first = moat::inventory::scan_image(dir.str() + "/oci", opts);
  EXPECT_EQ(first.layers_from_cache, 0u);
  auto second = moat::inventory::scan_image(dir.str() + "/oci", opts);
  EXPECT_EQ(second.layers_from_cache, 3u);
  ASSERT_EQ(second.inventory.packages.size(), first.inventory.packages.size());
  for (size_t i = 0; i < first.inventory.packages.size(); ++i) {
    EXPECT_EQ(second.inventory.packages[i].name, first.inventory.packages[i].name);
    EXPECT_EQ(second.inventory.packages[i].layer, first.inventory.packages[i].layer);
  }
  // A corrupt cache entry is ignored and recomputed, never trusted.
  for (auto& f : std::filesystem::directory_iterator(opts.cache_dir / "layers")) std::ofstream(f.path()) << "{garbage";
  auto third = moat::inventory::scan_image(dir.str() + "/oci", opts);
  EXPECT_EQ(third.layers_from_cache, 0u);
  EXPECT_EQ(third.inventory.packages.size(), 2u);
}

TEST(Scan, DirectoryScanSeesTheSameFiles) {
  moat::test::TempDir dir;
  dir.write("root/etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n");
  dir.write("root/lib/apk/db/installed", "P:musl\nV:1.2.4-r2\nA:x86_64\nF:lib\nR:libc.so\n");
  auto result = moat::inventory::scan_target(dir.str() + "/root", {});
  EXPECT_EQ(result.inventory.kind, "rootfs");
  ASSERT_EQ(result.inventory.packages.size(), 1u);
  EXPECT_EQ(result.inventory.packages[0].name, "musl");
  EXPECT_EQ(result.inventory.os->id, "alpine");
}

TEST(Scan, CorruptPackageDatabaseFailsTheScanWithItsName) {
  moat::test::TempDir dir;
  TarBuilder bad;
  bad.file("var/lib/dpkg/status", "Package: x\nStatus: install ok installed\n");
  moat::test::write_oci_layout(dir, "oci", {bad});
  try {
    moat::inventory::scan_image(dir.str() + "/oci", {});
    FAIL();
  } catch (const moat::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/var/lib/dpkg/status: package 'x' has no Version"), std::string::npos)
        << e.what();
  }
}

TEST(Scan, OsReleaseSymlinkLoopIsReported) {
  moat::test::TempDir dir;
  TarBuilder loop;
  loop.symlink("etc/os-release", "../usr/lib/os-release").symlink("usr/lib/os-release", "../../etc/os-release");
  moat::test::write_oci_layout(dir, "oci", {loop});
  EXPECT_THROW(moat::inventory::scan_image(dir.str() + "/oci", {}), moat::Error);
}
