#include "inventory/purl_parse.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace moat::inventory {
namespace {

// "parse" cases from the purl specification's test suite (test-suite-data.json in
// github.com/package-url/purl-spec): string in, components out.
struct ParseCase {
  const char* purl;
  PurlParts expected;
};

TEST(PurlParse, MatchesSpecTestSuite) {
  const ParseCase cases[] = {
      {"pkg:maven/org.apache.commons/io@1.3.4", {"maven", "org.apache.commons", "io", "1.3.4", {}, ""}},
      {"pkg:maven/mygroup/myartifact@1.0.0%20Final?mykey=my%20value",
       {"maven", "mygroup", "myartifact", "1.0.0 Final", {{"mykey", "my value"}}, ""}},
      {"pkg:npm/%40angular/animation@12.3.1", {"npm", "@angular", "animation", "12.3.1", {}, ""}},
      {"pkg:npm/foo@1.0.0#src/%F0%9F%98%83/file.js", {"npm", "", "foo", "1.0.0", {}, "src/\xF0\x9F\x98\x83/file.js"}},
      {"pkg:golang/google.golang.org/genproto#googleapis/api/annotations",
       {"golang", "google.golang.org", "genproto", "", {}, "googleapis/api/annotations"}},
      {"pkg:GOLANG/github.com/gorilla/context@234fd47e07d1004f0aed9c#/api/",
       {"golang", "github.com/gorilla", "context", "234fd47e07d1004f0aed9c", {}, "api"}},
      {"pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie",
       {"deb", "debian", "curl", "7.50.3-1", {{"arch", "i386"}, {"distro", "jessie"}}, ""}},
      {"pkg:rpm/fedora/curl@7.50.3-1.fc25?Arch=i386&Distro=fedora-25",
       {"rpm", "fedora", "curl", "7.50.3-1.fc25", {{"arch", "i386"}, {"distro", "fedora-25"}}, ""}},
      {"pkg:docker/customer/dockerimage@sha256%3A244fd47e07d10?repository_url=gcr.io",
       {"docker", "customer", "dockerimage", "sha256:244fd47e07d10", {{"repository_url", "gcr.io"}}, ""}},
      {"pkg:gem/jruby-launcher@1.1.2?Platform=java",
       {"gem", "", "jruby-launcher", "1.1.2", {{"platform", "java"}}, ""}},
      {"pkg:nuget/EnterpriseLibrary.Common@6.0.1304", {"nuget", "", "EnterpriseLibrary.Common", "6.0.1304", {}, ""}},
      {"pkg:maven/net.sf.jacob-project/jacob@1.14.3?type=dll&classifier=x86",
       {"maven", "net.sf.jacob-project", "jacob", "1.14.3", {{"classifier", "x86"}, {"type", "dll"}}, ""}},
      // "pkg://" and empty segments and qualifier values are tolerated and dropped.
      {"pkg://pypi//django@1.11.1?empty=&&os=linux", {"pypi", "", "django", "1.11.1", {{"os", "linux"}}, ""}},
      {"pkg:generic/openssl@1.1.10g?checksum=sha256:de4d501267da",
       {"generic", "", "openssl", "1.1.10g", {{"checksum", "sha256:de4d501267da"}}, ""}},
      {"pkg:npm/foo@1.0.0#./../a/./b", {"npm", "", "foo", "1.0.0", {}, "a/b"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.purl);
    const PurlParts got = parse_purl(c.purl);
    EXPECT_EQ(got.type, c.expected.type);
    EXPECT_EQ(got.ns, c.expected.ns);
    EXPECT_EQ(got.name, c.expected.name);
    EXPECT_EQ(got.version, c.expected.version);
    EXPECT_EQ(got.qualifiers, c.expected.qualifiers);
    EXPECT_EQ(got.subpath, c.expected.subpath);
  }
}

TEST(PurlParse, InvertsBuildPurl) {
  const PurlParts parts[] = {
      {"npm", "@scope", "left pad#?", "1.0.0+build/5", {{"a", "x&y=z"}}, "lib/x y"},
      {"deb", "debian", "libc6", "2.36-9+deb12u4", {{"arch", "amd64"}, {"upstream", "glibc@2.36-9"}}, ""},
      {"golang", "github.com/gorilla", "mux", "v1.8.1", {}, ""},
      {"pypi", "", "caf\xC3\xA9", "1.0", {}, ""},
  };
  for (const auto& p : parts) {
    const std::string built = build_purl(p);
    SCOPED_TRACE(built);
    const PurlParts back = parse_purl(built);
    EXPECT_EQ(back.type, p.type);
    EXPECT_EQ(back.ns, p.ns);
    EXPECT_EQ(back.name, p.name);
    EXPECT_EQ(back.version, p.version);
    EXPECT_EQ(back.qualifiers, p.qualifiers);
    EXPECT_EQ(back.subpath, p.subpath);
  }
}

TEST(PurlParse, UnencodedScopeIsNotAVersion) {
  const PurlParts scoped = parse_purl("pkg:npm/@babel/core");
  EXPECT_EQ(scoped.ns, "@babel");
  EXPECT_EQ(scoped.name, "core");
  EXPECT_EQ(scoped.version, "");
  EXPECT_EQ(parse_purl("pkg:npm/@babel/core@7.23.0").version, "7.23.0");
}

TEST(PurlParse, RejectsMalformed) {
  const char* bad[] = {
      "",
      "curl",
      "http://example.com/x",
      "pkg:",
      "pkg:deb",
      "pkg:/curl",
      "pkg:deb/",
      "pkg:1deb/curl",
      "pkg:de b/curl",
      "pkg:de%62/curl",
      "pkg:deb/curl@1.0%",
      "pkg:deb/curl@1.0%4",
      "pkg:deb/curl@1.0%zz",
      "pkg:deb/curl?arch",
      "pkg:deb/curl?=amd64",
      "pkg:deb/curl?1arch=amd64",
      "pkg:deb/curl?ar ch=amd64",
      "pkg:deb/curl?arch=amd64&ARCH=i386",
      "pkg:deb/cu\nrl",
  };
  for (const char* purl : bad) {
    SCOPED_TRACE(purl);
    EXPECT_THROW(parse_purl(purl), moat::Error);
  }
}

TEST(PurlParse, ErrorNamesThePurlShortened) {
  const std::string huge = "pkg:npm/" + std::string(100000, 'a') + "%";
  try {
    parse_purl(huge);
    FAIL() << "expected moat::Error";
  } catch (const moat::Error& e) {
    EXPECT_LT(std::string(e.what()).size(), 400u);
    EXPECT_NE(std::string(e.what()).find("purl 'pkg:npm/aaa"), std::string::npos);
  }
}

Package from(const char* purl) {
  auto p = package_from_purl(purl);
  if (!p) ADD_FAILURE() << purl << " gave no package";
  return p.value_or(Package{});
}

TEST(PackageFromPurl, NamesAsTheEcosystemSpellsThem) {
  EXPECT_EQ(from("pkg:npm/%40babel/core@7.23.0").name, "@babel/core");
  EXPECT_EQ(from("pkg:npm/babel/core@7.23.0").name, "@babel/core");  // scope written without '@'
  EXPECT_EQ(from("pkg:npm/express@4.18.2").name, "express");
  EXPECT_EQ(from("pkg:maven/org.apache.commons/commons-lang3@3.14.0?type=jar").name,
            "org.apache.commons:commons-lang3");
  EXPECT_EQ(from("pkg:composer/laravel/framework@v10.0.0").name, "laravel/framework");
  EXPECT_EQ(from("pkg:golang/github.com/gorilla/mux@v1.8.1#api").name, "github.com/gorilla/mux");
  EXPECT_EQ(from("pkg:pypi/pyyaml@6.0").name, "pyyaml");
  EXPECT_EQ(from("pkg:gem/rails@7.1.2?platform=ruby").name, "rails");
  EXPECT_EQ(from("pkg:cargo/rand@0.8.5").name, "rand");
  for (const char* eco : {"deb", "apk", "rpm", "pypi", "npm", "gem", "composer", "golang", "maven", "cargo"}) {
    EXPECT_EQ(from(("pkg:" + std::string(eco) + "/x/y@1").c_str()).ecosystem, eco);
  }
}

TEST(PackageFromPurl, GoVersionsGetTheirV) {
  EXPECT_EQ(from("pkg:golang/github.com/burntsushi/toml@1.2.1").version, "v1.2.1");
  EXPECT_EQ(from("pkg:golang/github.com/gorilla/mux@v1.8.1").version, "v1.8.1");
  EXPECT_EQ(from("pkg:golang/golang.org/x/sys@0.0.0-20220811171246-fbc7d0a398ab").version,
            "v0.0.0-20220811171246-fbc7d0a398ab");
  EXPECT_EQ(from("pkg:golang/example.com/m").version, "");
}

TEST(PackageFromPurl, OsPackagesCarryEpochArchAndSource) {
  const Package bsdutils = from("pkg:deb/debian/bsdutils@2.38.1-5+deb12u3?arch=amd64&epoch=1&distro=debian-12.15");
  EXPECT_EQ(bsdutils.ecosystem, "deb");
  EXPECT_EQ(bsdutils.version, "1:2.38.1-5+deb12u3");
  EXPECT_EQ(bsdutils.arch, "amd64");
  EXPECT_EQ(bsdutils.source_name, "bsdutils");  // as dpkg's analyzer: the binary's own name
  EXPECT_EQ(bsdutils.source_version, "");

  // Syft puts the epoch in the version; epoch= is then not added twice.
  EXPECT_EQ(from("pkg:deb/debian/bsdutils@1:2.36.1-8?epoch=1").version, "1:2.36.1-8");
  EXPECT_EQ(from("pkg:rpm/redhat/bash@5.1.8-6.el9?epoch=0").version, "5.1.8-6.el9");
  EXPECT_EQ(from("pkg:apk/alpine/musl@1.2.4-r2?epoch=1").version, "1.2.4-r2");  // apk has no epoch

  const Package libc = from("pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&upstream=glibc&distro=debian-12");
  EXPECT_EQ(libc.source_name, "glibc");
  EXPECT_EQ(libc.source_version, "");
  const Package yaml = from("pkg:deb/debian/python3-yaml@6.0-3%2Bb2?upstream=pyyaml%406.0-3");
  EXPECT_EQ(yaml.source_name, "pyyaml");
  EXPECT_EQ(yaml.source_version, "6.0-3");
  const Package same = from("pkg:deb/debian/zlib1g@1:1.2.13?upstream=zlib%401:1.2.13");
  EXPECT_EQ(same.source_version, "");  // equal to the version: not repeated

  // Syft's rpm upstream is the source rpm's file name; its version takes the binary's epoch.
  const Package ssl =
      from("pkg:rpm/rocky/openssl-libs@3.0.7-24.el9?arch=x86_64&epoch=1&upstream=openssl-3.0.7-24.el9.src.rpm");
  EXPECT_EQ(ssl.version, "1:3.0.7-24.el9");
  EXPECT_EQ(ssl.source_name, "openssl");
  EXPECT_EQ(ssl.source_version, "");
  const Package srpm = from("pkg:rpm/redhat/python3-libs@3.9.18-1.el9?upstream=python3.9-3.9.18-1.el9.src.rpm");
  EXPECT_EQ(srpm.source_name, "python3.9");
  EXPECT_EQ(srpm.source_version, "");
}

TEST(PackageFromPurl, InvertsMoatsOwnPurls) {
  const std::optional<OsRelease> os = OsRelease{"debian", "12", "", "bookworm"};
  Package p;
  p.ecosystem = "deb";
  p.name = "python3-yaml";
  p.version = "6.0-3+b2";
  p.arch = "amd64";
  p.source_name = "pyyaml";
  p.source_version = "6.0-3";
  const Package back = from(purl(p, os).c_str());
  EXPECT_EQ(back.name, p.name);
  EXPECT_EQ(back.version, p.version);
  EXPECT_EQ(back.arch, p.arch);
  EXPECT_EQ(back.source_name, p.source_name);
  EXPECT_EQ(back.source_version, p.source_version);

  p = Package{};
  p.ecosystem = "rpm";
  p.name = "openssl-libs";
  p.version = "1:3.0.7-27.el9";
  p.source_name = "openssl";
  const Package rpm = from(purl(p, os).c_str());
  EXPECT_EQ(rpm.version, "1:3.0.7-27.el9");
  EXPECT_EQ(rpm.source_name, "openssl");
}

TEST(PackageFromPurl, TypesMoatDoesNotMatch) {
  for (const char* purl :
       {"pkg:oci/debian@sha256%3Aabc?tag=12", "pkg:github/actions/checkout@v4", "pkg:generic/openssl@3.0",
        "pkg:nuget/Newtonsoft.Json@13.0.1", "pkg:docker/library/debian"}) {
    EXPECT_FALSE(package_from_purl(purl).has_value()) << purl;
  }
  EXPECT_THROW(package_from_purl("pkg:npm/"), moat::Error);
}

}  // namespace
}  // namespace moat::inventory
