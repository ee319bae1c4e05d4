// The moat binary as a user runs it: hostile inputs give one clear line on stderr, exit status 2,
// and no output file; good inputs give valid documents. Runs the real executable.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "fixture_support.h"
#include "support/image_builder.h"
#include "support/run_moat.h"

namespace {

using moat::test::Run;
using moat::test::run_moat;

size_t lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

void expect_one_line_error(const Run& r, const std::string& fragment) {
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_EQ(r.err.rfind("moat: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

}  // namespace

TEST(Cli, HostileArchivesFailWithOneLineAndNoOutputFile) {
  moat::test::TempDir dir;
  using moat::test::TarBuilder;
  TarBuilder base;
  base.file("etc/os-release", "ID=debian\nVERSION_ID=12\n");

  TarBuilder dotdot;
  dotdot.file("../../../tmp/moat-pwned", "x");
  moat::test::write_docker_archive(dir, "dotdot.tar", {base, dotdot});

  TarBuilder absolute;
  absolute.file("/etc/cron.d/x", "x");
  moat::test::write_docker_archive(dir, "absolute.tar", {absolute});

  TarBuilder loop;
  loop.symlink("etc/os-release", "../usr/lib/os-release").symlink("usr/lib/os-release", "../../etc/os-release");
  moat::test::write_docker_archive(dir, "loop.tar", {loop});

  TarBuilder bad_db;
  bad_db.file("var/lib/dpkg/status", "Package: x\nStatus: install ok installed\n");
  moat::test::write_docker_archive(dir, "baddb.tar", {bad_db});

  std::string full = moat::test::write_docker_archive(dir, "full.tar", {base});
  std::ifstream in(full, std::ios::binary);
  std::string bytes(std::istreambuf_iterator<char>(in), {});
  dir.write("truncated.tar", bytes.substr(0, bytes.size() - 2048));
  dir.write("garbage.tar", std::string(5000, '\x7f'));
  dir.write("manifest-bad/manifest.json", "{");  // a directory that is not an OCI layout

  struct Case {
    const char* file;
    const char* fragment;
  } cases[] = {
      {"dotdot.tar", "climbs out of the image root"},
      {"absolute.tar", "absolute path"},
      {"loop.tar", "symlink loop"},
      {"baddb.tar", "/var/lib/dpkg/status: package 'x' has no Version"},
      {"truncated.tar", "truncated tar archive"},
      {"garbage.tar", "not a tar archive, or a corrupt tar header"},
      {"missing.tar", "no such file or directory"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    std::string out = dir.str() + "/out.json";
    expect_one_line_error(run_moat("sbom --no-cache " + dir.str() + "/" + c.file + " -o " + out), c.fragment);
    EXPECT_FALSE(std::filesystem::exists(out));
  }
  EXPECT_FALSE(std::filesystem::exists("/tmp/moat-pwned"));
}

TEST(Cli, BadOptionsAreUsageErrors) {
  expect_one_line_error(run_moat("inventory --platform linux . "), "--platform: expected OS/ARCH");
  EXPECT_NE(run_moat("sbom --format xml .").status, 0);
  EXPECT_NE(run_moat("").status, 0);
}

TEST(Cli, SbomOfAnImageInBothFormats) {
  moat::test::TempDir dir;
  moat::test::TarBuilder layer;
  layer.file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n")
      .file("var/lib/dpkg/status", "Package: zlib1g\nStatus: install ok installed\nVersion: 1:1.2.13.dfsg-1\n"
                                   "Architecture: amd64\nSource: zlib\n");
  std::string image = moat::test::write_docker_archive(dir, "img.tar", {layer});
  auto cdx = run_moat("sbom --no-cache " + image);
  ASSERT_EQ(cdx.status, 0) << cdx.err;
  auto j = nlohmann::json::parse(cdx.out);
  EXPECT_EQ(j["specVersion"], "1.5");
  bool found = false;
  for (const auto& c : j["components"])
    if (c.value("name", "") == "zlib1g") {
      found = true;
      EXPECT_EQ(c["purl"], "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib");
    }
  EXPECT_TRUE(found);
  auto spdx = run_moat("sbom --no-cache --format spdx " + image + " -o " + dir.str() + "/out.spdx.json");
  ASSERT_EQ(spdx.status, 0) << spdx.err;
  std::ifstream in(dir.path() / "out.spdx.json");
  auto s = nlohmann::json::parse(in);
  EXPECT_EQ(s["spdxVersion"], "SPDX-2.3");
}
