#include "inventory/purl.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace moat::inventory {
namespace {

// "build" cases from the purl specification's test suite (tests/types/*-test.json and
// tests/spec/*.json in github.com/package-url/purl-spec): components in, canonical string out.
struct BuildCase {
  PurlParts parts;
  const char* expected;
};

TEST(PurlBuild, MatchesSpecTestSuite) {
  const BuildCase cases[] = {
      {{"deb", "debian", "curl", "7.50.3-1", {{"arch", "i386"}, {"distro", "jessie"}}, ""},
       "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie"},
      {{"deb", "ubuntu", "dpkg", "1.19.0.4", {{"arch", "amd64"}}, ""}, "pkg:deb/ubuntu/dpkg@1.19.0.4?arch=amd64"},
      {{"deb", "debian", "attr", "1:2.4.47-2", {{"arch", "source"}}, ""}, "pkg:deb/debian/attr@1:2.4.47-2?arch=source"},
      {{"deb", "debian", "attr", "1:2.4.47-2+b1", {{"arch", "amd64"}}, ""},
       "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64"},
      {{"npm", "@angular", "animation", "12.3.1", {}, ""}, "pkg:npm/%40angular/animation@12.3.1"},
      {{"npm", "", "foobar", "12.3.1", {}, ""}, "pkg:npm/foobar@12.3.1"},
      {{"npm", "", "foo", "1.0.0", {}, "src/\xF0\x9F\x98\x83/file.js"}, "pkg:npm/foo@1.0.0#src/%F0%9F%98%83/file.js"},
      {{"golang", "google.golang.org", "genproto", "abcdedf", {}, "googleapis/api/annotations"},
       "pkg:golang/google.golang.org/genproto@abcdedf#googleapis/api/annotations"},
      {{"golang", "github.com/gorilla", "context", "234fd47e07d1004f0aed9c", {}, "api"},
       "pkg:golang/github.com/gorilla/context@234fd47e07d1004f0aed9c#api"},
      {{"maven", "org.apache.commons", "io", "1.3.4", {}, ""}, "pkg:maven/org.apache.commons/io@1.3.4"},
      {{"maven", "mygroup", "myartifact", "1.0.0 Final", {{"mykey", "my value"}}, ""},
       "pkg:maven/mygroup/myartifact@1.0.0%20Final?mykey=my%20value"},
      {{"maven", "net.sf.jacob-project", "jacob", "1.14.3", {{"type", "dll"}, {"classifier", "x86"}}, ""},
       "pkg:maven/net.sf.jacob-project/jacob@1.14.3?classifier=x86&type=dll"},
      {{"rpm", "fedora", "curl", "7.50.3-1.fc25", {{"arch", "i386"}, {"distro", "fedora-25"}}, ""},
       "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25"},
      {{"apk", "alpine", "curl", "7.83.0-r0", {{"arch", "x86"}}, ""}, "pkg:apk/alpine/curl@7.83.0-r0?arch=x86"},
      {{"gem", "", "jruby-launcher", "1.1.2", {{"platform", "java"}}, ""},
       "pkg:gem/jruby-launcher@1.1.2?platform=java"},
      {{"cargo", "", "rand", "0.7.2", {}, ""}, "pkg:cargo/rand@0.7.2"},
      {{"composer", "laravel", "laravel", "5.5.0", {}, ""}, "pkg:composer/laravel/laravel@5.5.0"},
      {{"pypi", "", "django-package", "1.11.1.dev1", {}, ""}, "pkg:pypi/django-package@1.11.1.dev1"},
      {{"conda",
        "",
        "absl-py",
        "0.4.1",
        {{"type", "tar.bz2"}, {"subdir", "linux-64"}, {"channel", "main"}, {"build", "py36h06a4308_0"}},
        ""},
       "pkg:conda/absl-py@0.4.1?build=py36h06a4308_0&channel=main&subdir=linux-64&type=tar.bz2"},
      {{"oci",
        "",
        "debian",
        "sha256:244fd47e07d10",
        {{"arch", "amd64"}, {"repository_url", "docker.io/library/debian"}, {"tag", "latest"}},
        ""},
       "pkg:oci/debian@sha256:244fd47e07d10?arch=amd64&repository_url=docker.io%2Flibrary%2Fdebian&tag=latest"},
      {{"oci",
        "",
        "static",
        "sha256:244fd47e07d10",
        {{"repository_url", "gcr.io/distroless/static"}, {"tag", "latest"}},
        ""},
       "pkg:oci/static@sha256:244fd47e07d10?repository_url=gcr.io%2Fdistroless%2Fstatic&tag=latest"},
      {{"maven", "org.apache.commons", "io", "", {}, ""}, "pkg:maven/org.apache.commons/io"},
      {{"GOLANG", "google.golang.org", "genproto", "", {}, "/googleapis/api/annotations/"},
       "pkg:golang/google.golang.org/genproto#googleapis/api/annotations"},
  };
  for (const auto& c : cases) EXPECT_EQ(build_purl(c.parts), c.expected) << c.expected;
}

TEST(PurlBuild, DropsEmptyQualifiersAndSubpathDots) {
  EXPECT_EQ(build_purl({"npm", "", "a", "1", {{"arch", ""}, {"tag", "x"}}, "./b/../c"}), "pkg:npm/a@1?tag=x#b/c");
  EXPECT_EQ(build_purl({"npm", "//x//y//", "a", "1", {}, ""}), "pkg:npm/x/y/a@1");
}

TEST(PurlBuild, RejectsWhatTheSpecForbids) {
  // Spec: "checks for invalid qualifier keys" (npm-test.json) must fail to build.
  EXPECT_THROW(build_purl({"npm", "", "myartifact", "1.0.0", {{"in production", "true"}}, ""}), Error);
  EXPECT_THROW(build_purl({"npm", "", "", "1.0.0", {}, ""}), Error);
  EXPECT_THROW(build_purl({"", "", "a", "1.0.0", {}, ""}), Error);
}

TEST(PurlBuild, PercentEncodesEverythingButUnreservedAndColon) {
  EXPECT_EQ(build_purl({"generic", "", "a b/c?d#e@f&g=h%i+j", "1:2 ~._-", {{"k", "x/y:z@w"}}, ""}),
            "pkg:generic/a%20b%2Fc%3Fd%23e%40f%26g%3Dh%25i%2Bj@1:2%20~._-?k=x%2Fy:z%40w");
  EXPECT_EQ(build_purl({"generic", "", "caf\xC3\xA9", "", {}, ""}), "pkg:generic/caf%C3%A9");
}

Package pkg(const char* ecosystem, const char* name, const char* version) {
  Package p;
  p.ecosystem = ecosystem;
  p.name = name;
  p.version = version;
  return p;
}

OsRelease os(const char* id, const char* version_id) { return OsRelease{id, version_id, "", ""}; }

TEST(PurlPackage, Deb) {
  auto libc = pkg("deb", "libc6", "2.36-9+deb12u4");
  libc.arch = "amd64";
  libc.source_name = "glibc";
  EXPECT_EQ(purl(libc, os("debian", "12")),
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc");

  // Same source name, older source version (a binNMU): upstream names the source version.
  auto bin = pkg("deb", "libfoo1", "1.0-1+b1");
  bin.source_version = "1.0-1";
  EXPECT_EQ(purl(bin, os("ubuntu", "22.04")),
            "pkg:deb/ubuntu/libfoo1@1.0-1%2Bb1?distro=ubuntu-22.04&upstream=libfoo1%401.0-1");

  auto curl = pkg("deb", "curl", "7.50.3-1");
  curl.arch = "i386";
  curl.source_name = "curl";
  EXPECT_EQ(purl(curl, std::nullopt), "pkg:deb/debian/curl@7.50.3-1?arch=i386");
  EXPECT_EQ(purl(curl, OsRelease{"debian", "", "Debian trixie/sid", "trixie"}),
            "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=debian-trixie");
}

TEST(PurlPackage, Apk) {
  auto musl = pkg("apk", "musl", "1.2.4_git20230717-r4");
  musl.arch = "x86_64";
  EXPECT_EQ(purl(musl, os("alpine", "3.19.1")),
            "pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.1");
  auto ssl = pkg("apk", "libssl3", "3.1.4-r5");
  ssl.source_name = "openssl";
  EXPECT_EQ(purl(ssl, std::nullopt), "pkg:apk/alpine/libssl3@3.1.4-r5?upstream=openssl");
}

TEST(PurlPackage, RpmEpochIsAQualifier) {
  auto ssl = pkg("rpm", "openssl-libs", "1:3.0.7-27.el9");
  ssl.arch = "x86_64";
  ssl.source_name = "openssl";
  EXPECT_EQ(purl(ssl, os("rhel", "9.3")),
            "pkg:rpm/rhel/openssl-libs@3.0.7-27.el9?arch=x86_64&distro=rhel-9.3&epoch=1&upstream=openssl");
  auto curl = pkg("rpm", "curl", "7.50.3-1.fc25");
  curl.arch = "i386";
  EXPECT_EQ(purl(curl, os("Fedora", "25")), "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25");
  EXPECT_EQ(purl(pkg("rpm", "centerim", "4.22.10-1.el6"), std::nullopt), "pkg:rpm/centerim@4.22.10-1.el6");
  // Not an epoch: the colon is not preceded by digits only.
  EXPECT_EQ(purl(pkg("rpm", "x", "a:1"), std::nullopt), "pkg:rpm/x@a:1");
}

TEST(PurlPackage, LanguageEcosystems) {
  const std::optional<OsRelease> debian = os("debian", "12");  // must not leak into language purls
  EXPECT_EQ(purl(pkg("pypi", "Django_package", "1.11.1.dev1"), debian), "pkg:pypi/django-package@1.11.1.dev1");
  EXPECT_EQ(purl(pkg("pypi", "zope.interface", "6.1"), debian), "pkg:pypi/zope-interface@6.1");
  EXPECT_EQ(purl(pkg("pypi", "A__b.-.C", "1"), debian), "pkg:pypi/a-b-c@1");
  EXPECT_EQ(purl(pkg("npm", "@angular/animation", "12.3.1"), debian), "pkg:npm/%40angular/animation@12.3.1");
  EXPECT_EQ(purl(pkg("npm", "@MyScope/MyPackage", "1.0.0"), debian), "pkg:npm/%40myscope/mypackage@1.0.0");
  EXPECT_EQ(purl(pkg("npm", "LoDash", "4.17.21"), debian), "pkg:npm/lodash@4.17.21");
  EXPECT_EQ(purl(pkg("npm", "foobar", "1.2.3-alpha.1+build.456"), debian), "pkg:npm/foobar@1.2.3-alpha.1%2Bbuild.456");
  EXPECT_EQ(purl(pkg("gem", "jruby-launcher", "1.1.2"), debian), "pkg:gem/jruby-launcher@1.1.2");
  EXPECT_EQ(purl(pkg("composer", "Laravel/Framework", "v10.0.0"), debian), "pkg:composer/laravel/framework@v10.0.0");
  EXPECT_EQ(purl(pkg("golang", "github.com/gorilla/context", "v1.1.1"), debian),
            "pkg:golang/github.com/gorilla/context@v1.1.1");
  EXPECT_EQ(purl(pkg("golang", "github.com/Azure/azure-sdk-for-go/sdk/azcore", "v1.9.0"), debian),
            "pkg:golang/github.com/azure/azure-sdk-for-go/sdk/azcore@v1.9.0");
  EXPECT_EQ(purl(pkg("golang", "stdlib", "go1.21.5"), debian), "pkg:golang/stdlib@go1.21.5");
  EXPECT_EQ(purl(pkg("maven", "org.apache.commons:io", "1.3.4"), debian), "pkg:maven/org.apache.commons/io@1.3.4");
  EXPECT_EQ(purl(pkg("maven", "HTTPClient:HTTPClient", "0.3-3"), debian), "pkg:maven/HTTPClient/HTTPClient@0.3-3");
  EXPECT_EQ(purl(pkg("cargo", "rand", "0.7.2"), debian), "pkg:cargo/rand@0.7.2");
}

TEST(PurlPackage, OddCharactersAreEncoded) {
  EXPECT_EQ(purl(pkg("gem", "a/b c", "1.0+local#frag?x%y"), std::nullopt),
            "pkg:gem/a%2Fb%20c@1.0%2Blocal%23frag%3Fx%25y");
  EXPECT_EQ(purl(pkg("npm", "@s/\xE2\x9C\x93", "1"), std::nullopt), "pkg:npm/%40s/%E2%9C%93@1");
}

TEST(PurlPackage, NoPurlWithoutTypeOrName) {
  EXPECT_EQ(purl(pkg("nuget", "Newtonsoft.Json", "13.0.1"), std::nullopt), "");
  EXPECT_EQ(purl(pkg("npm", "", "1.0.0"), std::nullopt), "");
  EXPECT_EQ(purl(pkg("maven", "group:", "1.0.0"), std::nullopt), "");
  EXPECT_EQ(purl(pkg("golang", "github.com/foo/", "v1"), std::nullopt), "");
}

}  // namespace
}  // namespace moat::inventory
