#include "inventory/sbom_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "base/error.h"
#include "report/sbom_fixture.h"

namespace moat::inventory {
namespace {

namespace fs = std::filesystem;

// tests/data/sbom_reader/README.md says where each document comes from.
const fs::path kData = fs::path(MOAT_SOURCE_DIR) / "tests/data/sbom_reader";

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

SbomContents read(const char* file) {
  const fs::path path = kData / file;
  const std::string text = slurp(path);
  EXPECT_FALSE(text.empty()) << path;
  return read_sbom(text, path.string());
}

const Package* find(const SbomContents& sbom, const std::string& ecosystem, const std::string& name) {
  for (const auto& p : sbom.inventory.packages) {
    if (p.ecosystem == ecosystem && p.name == name) return &p;
  }
  ADD_FAILURE() << "no " << ecosystem << " package " << name;
  return nullptr;
}

std::size_t count(const SbomContents& sbom, const std::string& ecosystem) {
  return static_cast<std::size_t>(std::count_if(sbom.inventory.packages.begin(), sbom.inventory.packages.end(),
                                                [&](const Package& p) { return p.ecosystem == ecosystem; }));
}

// ---- moat's own documents: the hand-made inventory of tests/report/sbom_fixture.h, written by
// write_cyclonedx / write_spdx (make-moat-fixtures.cpp) and read back.

void expect_round_trip(const SbomContents& sbom) {
  const Inventory expected = report::testing::image_inventory();
  ASSERT_TRUE(sbom.inventory.os.has_value());
  EXPECT_EQ(sbom.inventory.os->id, "debian");
  EXPECT_EQ(sbom.inventory.os->version_id, "12");
  EXPECT_EQ(sbom.inventory.os->pretty_name, "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(sbom.inventory.kind, "sbom");

  std::size_t matched = 0;
  for (const Package& want : expected.packages) {
    if (want.ecosystem == "nuget") continue;  // no purl type moat writes: counted as without purl
    SCOPED_TRACE(want.ecosystem + ":" + want.name);
    const auto it = std::find_if(sbom.inventory.packages.begin(), sbom.inventory.packages.end(), [&](const Package& p) {
      return p.ecosystem == want.ecosystem && p.name == want.name && p.version == want.version;
    });
    ASSERT_NE(it, sbom.inventory.packages.end());
    const bool os_package = want.ecosystem == "deb" || want.ecosystem == "apk" || want.ecosystem == "rpm";
    EXPECT_EQ(it->arch, want.arch);
    EXPECT_EQ(it->source_name, want.source_name.empty() && os_package ? want.name : want.source_name);
    EXPECT_EQ(it->source_version, want.source_version);
    EXPECT_EQ(it->found_in, want.found_in);
    EXPECT_EQ(it->layer, want.layer);
    EXPECT_EQ(it->owner, want.owner);
    EXPECT_EQ(it->dev, want.dev);
    ++matched;
  }
  EXPECT_EQ(matched, 14u);
  EXPECT_EQ(sbom.inventory.packages.size(), 14u);  // the duplicate cargo package stays two packages
  EXPECT_EQ(sbom.without_purl, 1u);
  EXPECT_EQ(sbom.unsupported_purl, 0u);
  EXPECT_TRUE(sbom.warnings.empty());

  // Licences come back as the writer canonicalised them.
  EXPECT_EQ(find(sbom, "gem", "rails")->license, "MIT");
  EXPECT_EQ(find(sbom, "cargo", "rand")->license, "MIT OR Apache-2.0");
  EXPECT_EQ(find(sbom, "maven", "org.apache.commons:commons-lang3")->license, "Apache License, Version 2.0");
}

TEST(SbomReader, ReadsMoatsCycloneDx) {
  const SbomContents sbom = read("moat-image.cdx.json");
  EXPECT_EQ(sbom.format, "CycloneDX 1.5");
  expect_round_trip(sbom);
}

TEST(SbomReader, ReadsMoatsSpdx) {
  const SbomContents sbom = read("moat-image.spdx.json");
  EXPECT_EQ(sbom.format, "SPDX-2.3");
  expect_round_trip(sbom);
}

// ---- Trivy's documents (make-trivy-fixtures.sh): a root file system assembled from the bookworm
// fixture's files, and the bookworm image itself, trimmed.

void expect_trivy_debs(const SbomContents& sbom) {
  ASSERT_TRUE(sbom.inventory.os.has_value());
  EXPECT_EQ(sbom.inventory.os->id, "debian");
  EXPECT_EQ(sbom.inventory.os->version_id, "12");  // Trivy says 12.15, from /etc/debian_version
  EXPECT_EQ(count(sbom, "deb"), 14u);

  // Each as the dpkg analyzer reports it from the same status file.
  const Package* bsdutils = find(sbom, "deb", "bsdutils");
  ASSERT_NE(bsdutils, nullptr);
  EXPECT_EQ(bsdutils->version, "1:2.38.1-5+deb12u3");
  EXPECT_EQ(bsdutils->arch, "amd64");
  EXPECT_EQ(bsdutils->source_name, "util-linux");
  EXPECT_EQ(bsdutils->source_version, "2.38.1-5+deb12u3");
  const Package* bash = find(sbom, "deb", "bash");
  ASSERT_NE(bash, nullptr);
  EXPECT_EQ(bash->version, "5.2.15-2+b13");
  EXPECT_EQ(bash->source_name, "bash");
  EXPECT_EQ(bash->source_version, "5.2.15-2");
  const Package* libc = find(sbom, "deb", "libc6");
  ASSERT_NE(libc, nullptr);
  EXPECT_EQ(libc->version, "2.36-9+deb12u14");
  EXPECT_EQ(libc->source_name, "glibc");
  EXPECT_EQ(libc->source_version, "");
  const Package* dmsetup = find(sbom, "deb", "dmsetup");
  ASSERT_NE(dmsetup, nullptr);
  EXPECT_EQ(dmsetup->version, "2:1.02.185-2");
  EXPECT_EQ(dmsetup->source_name, "lvm2");
  EXPECT_EQ(dmsetup->source_version, "2.03.16-2");
  const Package* zlib = find(sbom, "deb", "zlib1g");
  ASSERT_NE(zlib, nullptr);
  EXPECT_EQ(zlib->version, "1:1.2.13.dfsg-1");
  EXPECT_EQ(zlib->source_name, "zlib");
  EXPECT_EQ(zlib->source_version, "");
  const Package* tzdata = find(sbom, "deb", "tzdata");
  ASSERT_NE(tzdata, nullptr);
  EXPECT_EQ(tzdata->arch, "all");
}

void expect_trivy_languages(const SbomContents& sbom) {
  EXPECT_EQ(count(sbom, "pypi"), 3u);
  EXPECT_EQ(count(sbom, "gem"), 3u);
  EXPECT_EQ(count(sbom, "golang"), 3u);
  EXPECT_EQ(sbom.inventory.packages.size(), 23u);
  const Package* yaml = find(sbom, "pypi", "PyYAML");  // the purl says "pyyaml"
  ASSERT_NE(yaml, nullptr);
  EXPECT_EQ(yaml->version, "6.0");
  EXPECT_EQ(yaml->license, "MIT");
  EXPECT_EQ(yaml->found_in, "usr/local/lib/python3.11/dist-packages/PyYAML-6.0.dist-info/METADATA");
  const Package* requests = find(sbom, "pypi", "requests");
  ASSERT_NE(requests, nullptr);
  EXPECT_EQ(requests->found_in, "usr/local/lib/python3.11/dist-packages/requests-2.28.1.egg-info/PKG-INFO");
  const Package* webrick = find(sbom, "gem", "webrick");
  ASSERT_NE(webrick, nullptr);
  EXPECT_EQ(webrick->version, "1.8.1");
  EXPECT_EQ(webrick->license, "Ruby AND BSD-2-Clause");
  EXPECT_EQ(webrick->found_in, "usr/local/share/gems/specifications/webrick-1.8.1.gemspec");
  // The purl says "github.com/burntsushi/toml@1.2.1"; Go spells it as below.
  const Package* toml = find(sbom, "golang", "github.com/BurntSushi/toml");
  ASSERT_NE(toml, nullptr);
  EXPECT_EQ(toml->version, "v1.2.1");
  const Package* image = find(sbom, "golang", "github.com/containers/image/v5");
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(image->version, "v5.23.1");
  EXPECT_EQ(sbom.without_purl, 0u);  // Trivy's per-file "application" entries are not packages
  EXPECT_EQ(sbom.unsupported_purl, 0u);
  EXPECT_TRUE(sbom.warnings.empty());
}

TEST(SbomReader, ReadsTrivyCycloneDxOfRootfs) {
  const SbomContents sbom = read("trivy-rootfs.cdx.json");
  EXPECT_EQ(sbom.format, "CycloneDX 1.5");
  expect_trivy_debs(sbom);
  expect_trivy_languages(sbom);
}

TEST(SbomReader, ReadsTrivySpdxOfRootfs) {
  const SbomContents sbom = read("trivy-rootfs.spdx.json");
  EXPECT_EQ(sbom.format, "SPDX-2.3");
  expect_trivy_debs(sbom);
  expect_trivy_languages(sbom);
}

TEST(SbomReader, ReadsTrivyCycloneDxOfImage) {
  const SbomContents sbom = read("trivy-image.cdx.json");
  expect_trivy_debs(sbom);
  EXPECT_EQ(sbom.inventory.packages.size(), 14u);
  EXPECT_EQ(find(sbom, "deb", "libc6")->layer,
            "sha256:87607170337cd0fcc769ab44abe79ba2aa1a76719856fcb4c5d0a59653b5fb6a");
}

TEST(SbomReader, ReadsTrivySpdxOfImage) {
  const SbomContents sbom = read("trivy-image.spdx.json");
  expect_trivy_debs(sbom);
  EXPECT_EQ(sbom.inventory.packages.size(), 14u);
  EXPECT_EQ(sbom.without_purl, 0u);  // the image itself is the document's subject
}

// ---- Hand-written documents in the shapes Syft writes: CycloneDX 1.4 and SPDX 2.2.

TEST(SbomReader, ReadsCycloneDx14) {
  const SbomContents sbom = read("syft-style-alpine.cdx-1.4.json");
  EXPECT_EQ(sbom.format, "CycloneDX 1.4");
  ASSERT_TRUE(sbom.inventory.os.has_value());
  EXPECT_EQ(sbom.inventory.os->id, "alpine");
  EXPECT_EQ(sbom.inventory.os->version_id, "3.19.1");
  EXPECT_EQ(sbom.inventory.os->pretty_name, "Alpine Linux v3.19");
  EXPECT_EQ(sbom.inventory.packages.size(), 10u);

  const Package* binsh = find(sbom, "apk", "busybox-binsh");
  ASSERT_NE(binsh, nullptr);
  EXPECT_EQ(binsh->source_name, "busybox");
  EXPECT_EQ(binsh->arch, "x86_64");
  EXPECT_EQ(binsh->found_in, "/lib/apk/db/installed");
  EXPECT_EQ(binsh->layer, "sha256:d4fc045c9e3a848011de66f34b81f052d4f2c15a17bb196d637e526349601820");
  EXPECT_EQ(find(sbom, "apk", "libcrypto3")->source_name, "openssl");
  EXPECT_EQ(find(sbom, "apk", "musl")->source_name, "musl");
  const Package* babel = find(sbom, "npm", "@babel/core");
  ASSERT_NE(babel, nullptr);
  EXPECT_EQ(babel->found_in, "/app/node_modules/@babel/core/package.json");
  const Package* semver = find(sbom, "npm", "semver");  // nested inside @babel/core
  ASSERT_NE(semver, nullptr);
  EXPECT_EQ(semver->version, "6.3.1");
  EXPECT_EQ(find(sbom, "maven", "com.fasterxml.jackson.core:jackson-databind")->license, "Apache-2.0");
  EXPECT_EQ(find(sbom, "pypi", "Jinja2")->license, "BSD License");
  EXPECT_EQ(find(sbom, "composer", "monolog/monolog")->version, "3.5.0");
  EXPECT_EQ(find(sbom, "cargo", "openssl")->version, "0.10.62");
  EXPECT_EQ(find(sbom, "golang", "github.com/sirupsen/logrus")->version, "v1.9.3");

  EXPECT_EQ(sbom.unsupported_purl, 1u);  // pkg:github
  EXPECT_EQ(sbom.without_purl, 1u);      // vendored-zlib; the file component is not a package
  ASSERT_EQ(sbom.warnings.size(), 1u);   // the malformed purl
  EXPECT_NE(sbom.warnings[0].find("components[11]"), std::string::npos) << sbom.warnings[0];
  EXPECT_NE(sbom.warnings[0].find("syft-style-alpine.cdx-1.4.json"), std::string::npos) << sbom.warnings[0];
}

TEST(SbomReader, ReadsSpdx22) {
  const SbomContents sbom = read("syft-style-bullseye.spdx-2.2.json");
  EXPECT_EQ(sbom.format, "SPDX-2.2");
  // No OS package: the OS comes from the deb purls' distro= qualifier.
  ASSERT_TRUE(sbom.inventory.os.has_value());
  EXPECT_EQ(sbom.inventory.os->id, "debian");
  EXPECT_EQ(sbom.inventory.os->version_id, "11");
  EXPECT_EQ(sbom.inventory.packages.size(), 5u);

  const Package* libc = find(sbom, "deb", "libc6");
  ASSERT_NE(libc, nullptr);
  EXPECT_EQ(libc->version, "2.31-13+deb11u6");
  EXPECT_EQ(libc->source_name, "glibc");
  EXPECT_EQ(libc->found_in, "/var/lib/dpkg/status");
  EXPECT_EQ(libc->license, "GPL-2.0-only AND LGPL-2.1-only");
  const Package* bsdutils = find(sbom, "deb", "bsdutils");
  ASSERT_NE(bsdutils, nullptr);
  EXPECT_EQ(bsdutils->version, "1:2.36.1-8+deb11u1");
  EXPECT_EQ(bsdutils->source_name, "util-linux");
  EXPECT_EQ(bsdutils->source_version, "2.36.1-8+deb11u1");
  EXPECT_EQ(bsdutils->license, "");  // NOASSERTION
  const Package* urllib3 = find(sbom, "pypi", "urllib3");
  ASSERT_NE(urllib3, nullptr);
  EXPECT_EQ(urllib3->license, "MIT License (see LICENSE.txt)");
  EXPECT_EQ(urllib3->found_in, "/usr/lib/python3/dist-packages/urllib3-1.26.5.egg-info/PKG-INFO");
  EXPECT_EQ(find(sbom, "maven", "org.apache.logging.log4j:log4j-core")->version, "2.14.1");
  EXPECT_EQ(sbom.without_purl, 1u);  // busybox; the described image is not counted
  EXPECT_EQ(sbom.unsupported_purl, 0u);
}

// ---- Malformed documents: each one line of moat::Error naming the file.

std::string nested_components(int levels) {
  std::string doc = R"({"bomFormat":"CycloneDX","specVersion":"1.5","components":[)";
  for (int i = 0; i < levels; ++i) doc += R"({"type":"library","name":"n","purl":"pkg:npm/n@1","components":[)";
  for (int i = 0; i < levels; ++i) doc += "]}";
  return doc + "]}";
}

TEST(SbomReader, RejectsMalformedDocuments) {
  const std::string cdx = R"({"bomFormat":"CycloneDX","specVersion":"1.5",)";
  const std::string spdx = R"({"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT",)";
  const std::string real = slurp(kData / "trivy-rootfs.cdx.json");
  const std::string bad[] = {
      "",
      "not json",
      "[]",
      "\"CycloneDX\"",
      "{}",
      R"({"bomFormat":"CycloneDX"})",
      R"({"bomFormat":"CycloneDX","specVersion":"1.1"})",
      R"({"bomFormat":"CycloneDX","specVersion":"2.0"})",
      R"({"bomFormat":"CycloneDX","specVersion":1.5})",
      R"({"bomFormat":"SPDX","specVersion":"1.5"})",
      R"({"bomFormat":7,"specVersion":"1.5"})",
      cdx + R"("components":{}})",
      cdx + R"("components":[1]})",
      cdx + R"("components":[{"type":"library","purl":"pkg:npm/a@1"}]})",
      cdx + R"("components":[{"name":"a","purl":"pkg:npm/a@1"}]})",
      cdx + R"("components":[{"type":"library","name":5}]})",
      cdx + R"("components":[{"type":"library","name":"a","purl":5}]})",
      cdx + R"("components":[{"type":"library","name":"a","version":["1"],"purl":"pkg:npm/a"}]})",
      cdx + R"("components":[{"type":"library","name":"a","properties":"x"}]})",
      cdx + R"("components":[{"type":"library","name":"a","properties":[{"name":1}]}]})",
      cdx + R"("components":[{"type":"library","name":"a","purl":"pkg:npm/a@1","licenses":[{"license":"MIT"}]}]})",
      cdx + R"("components":[{"type":"library","name":"a","components":[7]}]})",
      cdx + R"("metadata":[]})",
      cdx + R"("metadata":{"component":"x"}})",
      cdx + "\"components\":[{\"type\":\"library\",\"name\":\"\xff\xfe\"}]}",  // not UTF-8
      nested_components(60),
      std::string(100000, '[') + std::string(100000, ']'),
      std::string(3000000, '{'),
      real.substr(0, real.size() / 2),  // truncated
      R"({"spdxVersion":"SPDX-3.0"})",
      R"({"spdxVersion":"SPDX-2.1"})",
      R"({"spdxVersion":2.3})",
      R"({"@context":"https://spdx.org/rdf/3.0.0/spdx-context.jsonld","@graph":[]})",
      spdx + R"("packages":{}})",
      spdx + R"("packages":[{"name":"a"}]})",
      spdx + R"("packages":[{"SPDXID":"SPDXRef-a"}]})",
      spdx + R"("packages":[{"SPDXID":"SPDXRef-a","name":"a","externalRefs":"x"}]})",
      spdx +
          R"("packages":[{"SPDXID":"SPDXRef-a","name":"a","externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl"}]}]})",
      spdx + R"("packages":[{"SPDXID":"SPDXRef-a","name":"a","versionInfo":1}]})",
      spdx + R"("relationships":[{"spdxElementId":"SPDXRef-DOCUMENT","relationshipType":"DESCRIBES"}]})",
      spdx + R"("documentDescribes":"SPDXRef-a"})",
      spdx + R"("documentDescribes":[1]})",
      spdx + R"("files":[{"SPDXID":1}]})",
  };
  for (const auto& doc : bad) {
    SCOPED_TRACE(doc.substr(0, 120));
    try {
      read_sbom(doc, "/in/bom.json");
      ADD_FAILURE() << "no error";
    } catch (const moat::Error& e) {
      const std::string message = e.what();
      EXPECT_TRUE(message.starts_with("/in/bom.json: ")) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
  }
}

TEST(SbomReader, AcceptsRealisticNestingAndBracketsInStrings) {
  const SbomContents sbom = read_sbom(nested_components(40), "deep.json");
  EXPECT_EQ(sbom.inventory.packages.size(), 40u);
  const std::string brackets =
      R"({"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":")" +
      std::string(1000, '[') + R"(\"\\","purl":"pkg:cargo/x@1"}]})";
  EXPECT_EQ(read_sbom(brackets, "brackets.json").inventory.packages.size(), 1u);
}

TEST(SbomReader, EmptyDocumentsAreEmptyInventories) {
  const SbomContents cdx = read_sbom(R"({"bomFormat":"CycloneDX","specVersion":"1.2"})", "a.json");
  EXPECT_TRUE(cdx.inventory.packages.empty());
  EXPECT_FALSE(cdx.inventory.os.has_value());
  EXPECT_EQ(cdx.inventory.target, "a.json");
  const SbomContents spdx = read_sbom(R"({"spdxVersion":"SPDX-2.3","packages":[]})", "b.json");
  EXPECT_TRUE(spdx.inventory.packages.empty());
}

}  // namespace
}  // namespace moat::inventory
