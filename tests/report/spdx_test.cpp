#include "report/spdx.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "sbom_fixture.h"

namespace moat::report {
namespace {

using nlohmann::json;
using testing::image_inventory;
using testing::pinned_options;

std::string render(const inventory::Inventory& inv, const SbomOptions& options = pinned_options()) {
  std::ostringstream out;
  write_spdx(inv, out, options);
  return out.str();
}

const json* find_package(const json& doc, const std::string& name) {
  for (const auto& p : doc["packages"]) {
    if (p["name"] == name) return &p;
  }
  return nullptr;
}

bool has_relationship(const json& doc, const std::string& from, const std::string& type, const std::string& to) {
  return std::any_of(doc["relationships"].begin(), doc["relationships"].end(), [&](const json& r) {
    return r["spdxElementId"] == from && r["relationshipType"] == type && r["relatedSpdxElement"] == to;
  });
}

TEST(Spdx, DocumentCreationInfo) {
  const json doc = json::parse(render(image_inventory()));
  EXPECT_EQ(doc["spdxVersion"], "SPDX-2.3");
  EXPECT_EQ(doc["dataLicense"], "CC0-1.0");
  EXPECT_EQ(doc["SPDXID"], "SPDXRef-DOCUMENT");
  EXPECT_EQ(doc["name"], "docker.io/library/debian");
  EXPECT_EQ(doc["documentNamespace"],
            "https://spdx.org/spdxdocs/moat-docker.io-library-debian-3e671687-395b-41f5-a30f-a58921a69b79");
  EXPECT_EQ(doc["creationInfo"]["created"], "2024-01-02T03:04:05Z");
  EXPECT_EQ(doc["creationInfo"]["creators"], json::array({"Tool: moat-0.1.0"}));
}

TEST(Spdx, SpdxIdsAreValidAndUnique) {
  const json doc = json::parse(render(image_inventory()));
  // The pattern of the SPDX 2.3.1 schema, stricter than the 2.3 one validated against below.
  const std::regex id("SPDXRef-[a-zA-Z0-9.-]+");
  std::set<std::string> ids;
  for (const auto& p : doc["packages"]) {
    const std::string spdx_id = p["SPDXID"];
    EXPECT_TRUE(std::regex_match(spdx_id, id)) << spdx_id;
    EXPECT_TRUE(ids.insert(spdx_id).second) << "duplicate " << spdx_id;
    EXPECT_EQ(p["downloadLocation"], "NOASSERTION");
    EXPECT_EQ(p["filesAnalyzed"], false);
  }
  EXPECT_EQ(ids.size(), image_inventory().packages.size() + 2);  // + the image and the OS
  ids.insert("SPDXRef-DOCUMENT");
  for (const auto& r : doc["relationships"]) {
    EXPECT_EQ(ids.count(r["spdxElementId"]), 1u) << r;
    EXPECT_EQ(ids.count(r["relatedSpdxElement"]), 1u) << r;
  }
}

TEST(Spdx, RootAndOperatingSystem) {
  const json doc = json::parse(render(image_inventory()));
  const json& root = doc["packages"][0];
  EXPECT_EQ(root["SPDXID"], "SPDXRef-Image");
  EXPECT_EQ(root["primaryPackagePurpose"], "CONTAINER");
  EXPECT_EQ(root["versionInfo"], "12");
  EXPECT_EQ(root["externalRefs"][0]["referenceLocator"],
            "pkg:oci/debian@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
            "?arch=amd64&repository_url=docker.io%2Flibrary%2Fdebian&tag=12");
  const json& os = doc["packages"][1];
  EXPECT_EQ(os["SPDXID"], "SPDXRef-OperatingSystem");
  EXPECT_EQ(os["primaryPackagePurpose"], "OPERATING_SYSTEM");
  EXPECT_EQ(os["versionInfo"], "12");
  EXPECT_TRUE(has_relationship(doc, "SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Image"));
  EXPECT_TRUE(has_relationship(doc, "SPDXRef-Image", "CONTAINS", "SPDXRef-OperatingSystem"));

  const json dir = json::parse(render(testing::directory_inventory()));
  EXPECT_EQ(dir["packages"][0]["SPDXID"], "SPDXRef-Filesystem");
  EXPECT_EQ(dir["packages"][0]["primaryPackagePurpose"], "APPLICATION");
  EXPECT_FALSE(dir["packages"][0].contains("externalRefs"));
  EXPECT_TRUE(has_relationship(dir, "SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Filesystem"));
}

TEST(Spdx, PackagesCarryPurlSupplierAndFacts) {
  const json doc = json::parse(render(image_inventory()));
  const json* libc = find_package(doc, "libc6");
  ASSERT_NE(libc, nullptr);
  EXPECT_EQ((*libc)["versionInfo"], "2.36-9+deb12u4");
  EXPECT_EQ((*libc)["supplier"], "Organization: debian");
  EXPECT_EQ((*libc)["primaryPackagePurpose"], "LIBRARY");
  EXPECT_EQ(
      (*libc)["externalRefs"],
      json::parse(
          R"([{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl",)"
          R"("referenceLocator":"pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc"}])"));
  std::set<std::string> comments;
  for (const auto& a : (*libc)["annotations"]) {
    EXPECT_EQ(a["annotationType"], "OTHER");
    EXPECT_EQ(a["annotator"], "Tool: moat-0.1.0");
    EXPECT_EQ(a["annotationDate"], "2024-01-02T03:04:05Z");
    comments.insert(a["comment"]);
  }
  EXPECT_EQ(comments.count("moat:found_in=/var/lib/dpkg/status"), 1u);
  EXPECT_EQ(comments.count("moat:source_name=glibc"), 1u);

  const json* scoped = find_package(doc, "@babel/core");
  ASSERT_NE(scoped, nullptr);
  EXPECT_FALSE(scoped->contains("supplier"));
  EXPECT_EQ((*scoped)["externalRefs"][0]["referenceLocator"], "pkg:npm/%40babel/core@7.23.0");
  EXPECT_FALSE(find_package(doc, "Newtonsoft.Json")->contains("externalRefs"));
}

TEST(Spdx, LicencesAreExpressionsOrExtractedRefs) {
  const json doc = json::parse(render(image_inventory()));
  const auto declared = [&](const char* name) -> std::string {
    const json* p = find_package(doc, name);
    return p != nullptr ? (*p)["licenseDeclared"].get<std::string>() : "(no package " + std::string(name) + ")";
  };
  EXPECT_EQ(declared("rails"), "MIT");
  EXPECT_EQ(declared("left pad#?"), "(MIT OR Apache-2.0) AND BSD-3-Clause");
  EXPECT_EQ(declared("laravel/framework"), "GPL-2.0-or-later WITH Classpath-exception-2.0");
  EXPECT_EQ(declared("Newtonsoft.Json"), "LicenseRef-Newtonsoft");
  EXPECT_EQ(declared("github.com/gorilla/mux"), "NOASSERTION");

  std::map<std::string, std::string> extracted;
  for (const auto& info : doc["hasExtractedLicensingInfos"]) extracted[info["licenseId"]] = info["extractedText"];
  const std::string libc = declared("libc6");
  const std::regex ref("LicenseRef-[A-Za-z0-9.-]+");
  EXPECT_TRUE(std::regex_match(libc, ref)) << libc;
  EXPECT_EQ(extracted[libc], "LGPL-2.1+ and GPL-2+");
  EXPECT_EQ(extracted[declared("org.apache.commons:commons-lang3")], "Apache License, Version 2.0");
  EXPECT_EQ(extracted[declared("openssl-libs")], "ASL 2.0");
  EXPECT_EQ(extracted.size(), 3u);  // one per distinct free text
}

TEST(Spdx, RootContainsEveryPackageAndOwnersContainWhatTheyOwn) {
  const json doc = json::parse(render(image_inventory()));
  for (const auto& p : doc["packages"]) {
    if (p["SPDXID"] == "SPDXRef-Image") continue;
    EXPECT_TRUE(has_relationship(doc, "SPDXRef-Image", "CONTAINS", p["SPDXID"])) << p["SPDXID"];
  }
  const std::string deb = (*find_package(doc, "python3-yaml"))["SPDXID"];
  const std::string owned = (*find_package(doc, "PyYAML"))["SPDXID"];
  EXPECT_TRUE(has_relationship(doc, deb, "CONTAINS", owned));
  const std::string orphan = (*find_package(doc, "zope.interface"))["SPDXID"];
  for (const auto& r : doc["relationships"]) {
    if (r["relatedSpdxElement"] == orphan) {
      EXPECT_EQ(r["spdxElementId"], "SPDXRef-Image");
    }
  }
}

TEST(Spdx, DeterministicWhateverTheInputOrder) {
  auto inv = image_inventory();
  const std::string first = render(inv);
  std::reverse(inv.packages.begin(), inv.packages.end());
  EXPECT_EQ(render(inv), first);
  SbomOptions fresh;
  EXPECT_NE(json::parse(render(inv, fresh))["documentNamespace"], json::parse(render(inv, fresh))["documentNamespace"]);
}

void expect_valid(const std::string& document) {
  std::string output;
  const int status = testing::validate("spdx", document, output);
  if (status == 77) GTEST_SKIP() << "node/npm not installed, SPDX schema validation skipped: " << output;
  EXPECT_EQ(status, 0) << output;
}

TEST(SpdxSchema, ImageDocumentIsValid) { expect_valid(render(image_inventory())); }

TEST(SpdxSchema, DirectoryDocumentIsValid) { expect_valid(render(testing::directory_inventory(), SbomOptions{})); }

TEST(SpdxSchema, ValidatorRejectsABrokenDocument) {
  json doc = json::parse(render(image_inventory()));
  doc["packages"][2].erase("SPDXID");
  doc["relationships"][0]["relationshipType"] = "OWNS";
  std::string output;
  const int status = testing::validate("spdx", doc.dump(), output);
  if (status == 77) GTEST_SKIP() << "node/npm not installed: " << output;
  EXPECT_EQ(status, 1) << output;
  EXPECT_NE(output.find("SPDXID"), std::string::npos) << output;
}

// The schema is moat's own reading of the specification, so check that it really rejects what the
// specification forbids, one fault at a time, and names the offending field.
void expect_rejected(const json& doc, const std::string& mentions) {
  std::string output;
  const int status = testing::validate("spdx", doc.dump(), output);
  if (status == 77) GTEST_SKIP() << "node/npm not installed: " << output;
  EXPECT_EQ(status, 1) << output;
  EXPECT_NE(output.find(mentions), std::string::npos) << output;
}

TEST(SpdxSchema, RejectsAnIdentifierWithForbiddenCharacters) {
  json doc = json::parse(render(image_inventory()));
  doc["packages"][2]["SPDXID"] = "SPDXRef-Package/deb libc6";
  expect_rejected(doc, "/packages/2/SPDXID");
}

TEST(SpdxSchema, RejectsAnUnknownRelationshipType) {
  json doc = json::parse(render(image_inventory()));
  doc["relationships"][1]["relationshipType"] = "INCLUDES";
  expect_rejected(doc, "/relationships/1/relationshipType");
}

TEST(SpdxSchema, RejectsAPackageWithoutDownloadLocation) {
  json doc = json::parse(render(image_inventory()));
  doc["packages"][2].erase("downloadLocation");
  expect_rejected(doc, "downloadLocation");
}

TEST(SpdxSchema, RejectsAnUnknownTopLevelField) {
  json doc = json::parse(render(image_inventory()));
  doc["vulnerabilities"] = json::array();
  expect_rejected(doc, "vulnerabilities");
}

TEST(SpdxSchema, RejectsACreationTimeThatIsNotUtc) {
  json doc = json::parse(render(image_inventory()));
  doc["creationInfo"]["created"] = "2024-01-02T04:04:05+01:00";
  expect_rejected(doc, "/creationInfo/created");
}

}  // namespace
}  // namespace moat::report
