#include <gtest/gtest.h>

#include "base/error.h"
#include "inventory/apk.h"
#include "inventory/dpkg.h"
#include "inventory/os_release.h"

using namespace moat::inventory;

TEST(Dpkg, ReadsInstalledPackagesWithTheirSource) {
  const char* status =
      "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl\n"
      "Version: 3.0.11-1~deb12u2\nDescription: x\n multi-line\n .\n more\n\n"
      "Package: gcc-12-base\nStatus: install ok installed\nArchitecture: amd64\nSource: gcc-12 (12.2.0-14)\n"
      "Version: 12.2.0-14\n\n"
      "Package: removed\nStatus: deinstall ok config-files\nVersion: 1.0\n\n"
      "Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\n";
  auto pkgs = parse_dpkg_status(status, "/var/lib/dpkg/status");
  ASSERT_EQ(pkgs.size(), 3u);
  EXPECT_EQ(pkgs[0].name, "libssl3");
  EXPECT_EQ(pkgs[0].source_name, "openssl");
  EXPECT_EQ(pkgs[0].source_version, "");
  EXPECT_EQ(pkgs[0].arch, "amd64");
  EXPECT_EQ(pkgs[1].source_name, "gcc-12");
  EXPECT_EQ(pkgs[1].source_version, "12.2.0-14");
  EXPECT_EQ(pkgs[2].name, "bash");
  EXPECT_EQ(pkgs[2].source_name, "bash");
  EXPECT_EQ(pkgs[2].found_in, "/var/lib/dpkg/status");
}

TEST(Dpkg, MalformedStatusIsAnError) {
  EXPECT_THROW(parse_dpkg_status("Package: x\nStatus: install ok installed\n", "s"), moat::Error);
  EXPECT_THROW(parse_dpkg_status(std::string("Package: x\0\n", 13), "s"), moat::Error);
  EXPECT_THROW(parse_dpkg_status("just some text\nwithout fields\n", "s"), moat::Error);
  EXPECT_TRUE(parse_dpkg_status("", "s").empty());
}

TEST(Dpkg, FileListsNameTheirOwner) {
  auto own = parse_dpkg_file_list("/.\n/usr\n/usr/lib/python3/dist-packages/requests/__init__.py\n",
                                  "/var/lib/dpkg/info/python3-requests.list");
  EXPECT_EQ(own.owner, "deb:python3-requests");
  ASSERT_EQ(own.files.size(), 2u);
  EXPECT_EQ(own.files[1], "/usr/lib/python3/dist-packages/requests/__init__.py");
  auto arch = parse_dpkg_file_list("/usr/lib/x86_64-linux-gnu/libz.so.1\n", "/var/lib/dpkg/info/zlib1g:amd64.list");
  EXPECT_EQ(arch.owner, "deb:zlib1g");
  auto md5 = parse_dpkg_file_list("d41d8cd98f00b204e9800998ecf8427e  usr/bin/tini\n",
                                  "/var/lib/dpkg/status.d/tini.md5sums");
  EXPECT_EQ(md5.owner, "deb:tini");
  EXPECT_EQ(md5.files, std::vector<std::string>{"/usr/bin/tini"});
}

TEST(Apk, ReadsInstalledDatabase) {
  const char* db =
      "C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\nL:MIT\no:musl\nF:lib\nR:ld-musl-x86_64.so.1\nR:libc.musl-x86_64.so.1\n\n"
      "P:libcrypto3\nV:3.1.4-r1\nA:x86_64\nL:Apache-2.0\no:openssl\nF:usr/lib\nR:libcrypto.so.3\n";
  auto pkgs = parse_apk_installed(db, "/lib/apk/db/installed");
  ASSERT_EQ(pkgs.size(), 2u);
  EXPECT_EQ(pkgs[0].name, "musl");
  EXPECT_EQ(pkgs[0].files, (std::vector<std::string>{"/lib/ld-musl-x86_64.so.1", "/lib/libc.musl-x86_64.so.1"}));
  EXPECT_EQ(pkgs[1].source_name, "openssl");
  EXPECT_EQ(pkgs[1].license, "Apache-2.0");
  EXPECT_THROW(parse_apk_installed("P:x\n", "db"), moat::Error);
  EXPECT_THROW(parse_apk_installed("garbage line\n", "db"), moat::Error);
}

TEST(OsRelease, DetectsDebianAlpineAndRedHatFamilies) {
  auto deb = detect_os({{"/etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"
                                            "VERSION_CODENAME=bookworm\n"},
                        {"/etc/debian_version", "12.5\n"}});
  ASSERT_TRUE(deb);
  EXPECT_EQ(deb->id, "debian");
  EXPECT_EQ(deb->version_id, "12");
  EXPECT_EQ(deb->codename, "bookworm");
  auto sid = detect_os({{"/etc/os-release", "ID=debian\nVERSION_CODENAME=trixie\n"}, {"/etc/debian_version", "trixie/sid\n"}});
  EXPECT_EQ(sid->version_id, "");
  auto bare = detect_os({{"/etc/debian_version", "11.9\n"}});
  EXPECT_EQ(bare->id, "debian");
  EXPECT_EQ(bare->version_id, "11");
  auto alpine = detect_os({{"/etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n"}, {"/etc/alpine-release", "3.19.1\n"}});
  EXPECT_EQ(alpine->version_id, "3.19.1");
  auto centos = detect_os({{"/etc/centos-release", "CentOS Linux release 7.9.2009 (Core)\n"}});
  EXPECT_EQ(centos->id, "centos");
  EXPECT_EQ(centos->version_id, "7.9.2009");
  EXPECT_FALSE(detect_os({}));
}

TEST(OsRelease, ParsesQuotesAndEscapes) {
  auto kv = parse_os_release("A=\"x \\\"y\\\"\"\nB='single $x'\n# c\nC=plain\n");
  EXPECT_EQ(kv["A"], "x \"y\"");
  EXPECT_EQ(kv["B"], "single $x");
  EXPECT_EQ(kv["C"], "plain");
}

TEST(Dpkg, CopyrightLicencesFromMachineReadableFiles) {
  const char* dep5 =
      "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: zlib\n\n"
      "Files: *\nCopyright: 1995-2013 Jean-loup Gailly and Mark Adler\nLicense: Zlib\n\n"
      "Files: debian/*\nCopyright: x\nLicense: GPL-2+\n\nLicense: Zlib\n This software is provided 'as-is'\n";
  EXPECT_EQ(parse_dpkg_copyright_licenses(dep5), "Zlib AND GPL-2+");
  EXPECT_EQ(parse_dpkg_copyright_licenses("This package was debianized by someone.\nLicense: see below\n"), "");
}
