#include "report/cyclonedx.h"

#include <gtest/gtest.h>

#include <algorithm>
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
  write_cyclonedx(inv, out, options);
  return out.str();
}

const json* find_component(const json& components, const std::string& name) {
  for (const auto& c : components) {
    if (c.value("name", "") == name) return &c;
  }
  return nullptr;
}

const json* property(const json& component, const std::string& name) {
  if (!component.contains("properties")) return nullptr;
  for (const auto& p : component["properties"]) {
    if (p["name"] == name) return &p["value"];
  }
  return nullptr;
}

void collect_refs(const json& components, std::vector<std::string>& refs) {
  for (const auto& c : components) {
    refs.push_back(c["bom-ref"]);
    if (c.contains("components")) collect_refs(c["components"], refs);
  }
}

TEST(CycloneDx, Header) {
  const json bom = json::parse(render(image_inventory()));
  EXPECT_EQ(bom["bomFormat"], "CycloneDX");
  EXPECT_EQ(bom["specVersion"], "1.5");
  EXPECT_EQ(bom["serialNumber"], "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79");
  EXPECT_EQ(bom["version"], 1);
  EXPECT_EQ(bom["metadata"]["timestamp"], "2024-01-02T03:04:05Z");
  const json tool = bom["metadata"]["tools"]["components"][0];
  EXPECT_EQ(tool["name"], "moat");
  EXPECT_EQ(tool["version"], "0.1.0");
}

TEST(CycloneDx, ImageIsTheContainerComponent) {
  const json root = json::parse(render(image_inventory()))["metadata"]["component"];
  EXPECT_EQ(root["type"], "container");
  EXPECT_EQ(root["name"], "docker.io/library/debian");
  EXPECT_EQ(root["version"], "12");
  EXPECT_EQ(root["purl"],
            "pkg:oci/debian@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
            "?arch=amd64&repository_url=docker.io%2Flibrary%2Fdebian&tag=12");
  EXPECT_EQ(root["bom-ref"], root["purl"]);
}

TEST(CycloneDx, DirectoryIsAnApplication) {
  const json bom = json::parse(render(testing::directory_inventory()));
  const json root = bom["metadata"]["component"];
  EXPECT_EQ(root["type"], "application");
  EXPECT_EQ(root["name"], "/srv/my app");
  EXPECT_FALSE(root.contains("purl"));
  EXPECT_FALSE(root.contains("version"));
  ASSERT_EQ(bom["components"].size(), 1u);  // no OS component without os-release
  EXPECT_EQ(bom["components"][0]["purl"], "pkg:npm/express@4.18.2");
}

TEST(CycloneDx, OperatingSystemComponent) {
  const json os = json::parse(render(image_inventory()))["components"][0];
  EXPECT_EQ(os["type"], "operating-system");
  EXPECT_EQ(os["name"], "debian");
  EXPECT_EQ(os["version"], "12");
  EXPECT_EQ(os["description"], "Debian GNU/Linux 12 (bookworm)");
}

TEST(CycloneDx, PackagesCarryPurlGroupAndProperties) {
  const json components = json::parse(render(image_inventory()))["components"];
  const json* libc = find_component(components, "libc6");
  ASSERT_NE(libc, nullptr);
  EXPECT_EQ((*libc)["type"], "library");
  EXPECT_EQ((*libc)["version"], "2.36-9+deb12u4");
  EXPECT_EQ((*libc)["purl"], "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc");
  EXPECT_EQ(*property(*libc, "moat:found_in"), "/var/lib/dpkg/status");
  EXPECT_EQ(*property(*libc, "moat:source_name"), "glibc");
  EXPECT_EQ(*property(*libc, "moat:layer"), "sha256:1111111111111111111111111111111111111111111111111111111111111111");
  EXPECT_EQ(property(*libc, "moat:dev"), nullptr);

  const json* babel = find_component(components, "core");
  ASSERT_NE(babel, nullptr);
  EXPECT_EQ((*babel)["group"], "@babel");
  EXPECT_EQ((*babel)["purl"], "pkg:npm/%40babel/core@7.23.0");

  const json* odd = find_component(components, "left pad#?");
  ASSERT_NE(odd, nullptr);
  EXPECT_EQ((*odd)["purl"], "pkg:npm/left%20pad%23%3F@1.0.0%2Bbuild%2F5");
  EXPECT_EQ(*property(*odd, "moat:dev"), "true");

  const json* lang3 = find_component(components, "commons-lang3");
  ASSERT_NE(lang3, nullptr);
  EXPECT_EQ((*lang3)["group"], "org.apache.commons");
  EXPECT_EQ((*lang3)["purl"], "pkg:maven/org.apache.commons/commons-lang3@3.14.0");

  const json* rpm = find_component(components, "openssl-libs");
  ASSERT_NE(rpm, nullptr);
  EXPECT_EQ((*rpm)["purl"],
            "pkg:rpm/debian/openssl-libs@3.0.7-27.el9?arch=x86_64&distro=debian-12&epoch=1&upstream=openssl");

  EXPECT_EQ((*find_component(components, "github.com/gorilla/mux"))["purl"],
            "pkg:golang/github.com/gorilla/mux@v1.8.1");
  EXPECT_EQ((*find_component(components, "laravel/framework"))["purl"], "pkg:composer/laravel/framework@v10.0.0");
  EXPECT_EQ((*find_component(components, "rails"))["purl"], "pkg:gem/rails@7.1.2");
  EXPECT_EQ((*find_component(components, "musl"))["purl"],
            "pkg:apk/debian/musl@1.2.4_git20230717-r4?arch=x86_64&distro=debian-12");
  EXPECT_FALSE(find_component(components, "Newtonsoft.Json")->contains("purl"));  // nuget: no purl type
}

TEST(CycloneDx, LicencesAreIdsExpressionsOrNames) {
  const json components = json::parse(render(image_inventory()))["components"];
  const auto licenses = [&](const char* name) { return (*find_component(components, name))["licenses"]; };
  EXPECT_EQ(licenses("rails"), json::parse(R"([{"license":{"id":"MIT"}}])"));  // "mit" canonicalised
  EXPECT_EQ(licenses("left pad#?"), json::parse(R"([{"expression":"(MIT OR Apache-2.0) AND BSD-3-Clause"}])"));
  EXPECT_EQ(licenses("laravel/framework"),
            json::parse(R"([{"expression":"GPL-2.0-or-later WITH Classpath-exception-2.0"}])"));
  EXPECT_EQ(licenses("libc6"), json::parse(R"([{"license":{"name":"LGPL-2.1+ and GPL-2+"}}])"));
  EXPECT_EQ(licenses("commons-lang3"), json::parse(R"([{"license":{"name":"Apache License, Version 2.0"}}])"));
  EXPECT_EQ(licenses("Newtonsoft.Json"), json::parse(R"([{"expression":"LicenseRef-Newtonsoft"}])"));
  EXPECT_FALSE(find_component(components, "github.com/gorilla/mux")->contains("licenses"));
}

TEST(CycloneDx, OwnedPackageIsNestedInItsOwner) {
  const json bom = json::parse(render(image_inventory()));
  const json& components = bom["components"];
  EXPECT_EQ(find_component(components, "PyYAML"), nullptr);  // not at the top level
  const json* deb = find_component(components, "python3-yaml");
  ASSERT_NE(deb, nullptr);
  ASSERT_EQ((*deb)["components"].size(), 1u);
  const json& owned = (*deb)["components"][0];
  EXPECT_EQ(owned["name"], "PyYAML");
  EXPECT_EQ(owned["purl"], "pkg:pypi/pyyaml@6.0");
  EXPECT_EQ(*property(owned, "moat:owner"), "deb:python3-yaml");

  // An owner that is not installed: the package stays at the top level, its claim kept.
  const json* orphan = find_component(components, "zope.interface");
  ASSERT_NE(orphan, nullptr);
  EXPECT_EQ(*property(*orphan, "moat:owner"), "deb:not-installed");
}

TEST(CycloneDx, BomRefsAreUniqueAndDependenciesResolve) {
  const json bom = json::parse(render(image_inventory()));
  std::vector<std::string> refs;
  collect_refs(bom["components"], refs);
  EXPECT_EQ(refs.size(), image_inventory().packages.size() + 1);  // + the OS
  const std::set<std::string> unique(refs.begin(), refs.end());
  EXPECT_EQ(unique.size(), refs.size());

  ASSERT_EQ(bom["dependencies"].size(), 1u);
  const json& dependency = bom["dependencies"][0];
  EXPECT_EQ(dependency["ref"], bom["metadata"]["component"]["bom-ref"]);
  EXPECT_EQ(dependency["dependsOn"].size(), bom["components"].size());
  for (const auto& ref : dependency["dependsOn"]) EXPECT_EQ(unique.count(ref), 1u) << ref;
}

TEST(CycloneDx, DeterministicWhateverTheInputOrder) {
  auto inv = image_inventory();
  const std::string first = render(inv);
  std::reverse(inv.packages.begin(), inv.packages.end());
  EXPECT_EQ(render(inv), first);
  // bom-refs do not depend on what else is installed.
  const json before = json::parse(first)["components"];
  inv.packages.erase(inv.packages.begin());
  const json after = json::parse(render(inv))["components"];
  EXPECT_EQ((*find_component(before, "libc6"))["bom-ref"], (*find_component(after, "libc6"))["bom-ref"]);
}

TEST(CycloneDx, UnpinnedSerialAndTimestampAreFresh) {
  SbomOptions options;
  const json a = json::parse(render(image_inventory(), options));
  const json b = json::parse(render(image_inventory(), options));
  const std::regex uuid("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  EXPECT_TRUE(std::regex_match(a["serialNumber"].get<std::string>(), uuid)) << a["serialNumber"];
  EXPECT_NE(a["serialNumber"], b["serialNumber"]);
  const std::regex time("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z");
  EXPECT_TRUE(std::regex_match(a["metadata"]["timestamp"].get<std::string>(), time));
}

TEST(CycloneDx, InvalidUtf8IsReplacedNotFatal) {
  auto inv = testing::directory_inventory();
  inv.packages[0].name = "bad\xff\xfename";
  inv.packages[0].found_in = "/x/\xc3";
  const std::string out = render(inv);
  EXPECT_TRUE(json::accept(out));
}

void expect_valid(const std::string& document) {
  std::string output;
  const int status = testing::validate("cyclonedx", document, output);
  if (status == 77) GTEST_SKIP() << "node/npm not installed, CycloneDX schema validation skipped: " << output;
  EXPECT_EQ(status, 0) << output;
}

TEST(CycloneDxSchema, ImageDocumentIsValid) { expect_valid(render(image_inventory())); }

TEST(CycloneDxSchema, DirectoryDocumentIsValid) { expect_valid(render(testing::directory_inventory(), SbomOptions{})); }

TEST(CycloneDxSchema, ValidatorRejectsABrokenDocument) {
  json bom = json::parse(render(image_inventory()));
  bom["components"][1]["type"] = "not-a-type";
  bom["serialNumber"] = "not-a-urn";
  std::string output;
  const int status = testing::validate("cyclonedx", bom.dump(), output);
  if (status == 77) GTEST_SKIP() << "node/npm not installed: " << output;
  EXPECT_EQ(status, 1) << output;
  EXPECT_NE(output.find("serialNumber"), std::string::npos) << output;
}

}  // namespace
}  // namespace moat::report
