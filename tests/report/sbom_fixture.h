#pragma once
// Inventories built by hand for the SBOM writer tests: every ecosystem, a scoped npm name, names
// and versions that need percent-encoding, SPDX expressions and free-text licences, and language
// packages owned by OS packages.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "inventory/inventory.h"
#include "report/sbom_options.h"

namespace moat::report::testing {

inline inventory::Package make(const char* ecosystem, const char* name, const char* version, const char* license,
                               const char* found_in) {
  inventory::Package p;
  p.ecosystem = ecosystem;
  p.name = name;
  p.version = version;
  p.license = license;
  p.found_in = found_in;
  p.layer = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
  return p;
}

inline inventory::Inventory image_inventory() {
  inventory::Inventory inv;
  inv.target = "docker.io/library/debian:12";
  inv.kind = "image";
  inv.image_id = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  inv.repo_tags = {"docker.io/library/debian:12"};
  inv.repo_digests = {
      "docker.io/library/debian@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"};
  inv.architecture = "amd64";
  inv.os_name = "linux";
  inv.layers = {{"sha256:1111111111111111111111111111111111111111111111111111111111111111", "ADD rootfs.tar.xz /"}};
  inv.os = inventory::OsRelease{"debian", "12", "Debian GNU/Linux 12 (bookworm)", "bookworm"};

  auto libc = make("deb", "libc6", "2.36-9+deb12u4", "LGPL-2.1+ and GPL-2+", "/var/lib/dpkg/status");
  libc.arch = "amd64";
  libc.source_name = "glibc";
  auto pyyaml_deb = make("deb", "python3-yaml", "6.0-3+b2", "MIT", "/var/lib/dpkg/status");
  pyyaml_deb.arch = "amd64";
  pyyaml_deb.source_name = "pyyaml";
  pyyaml_deb.source_version = "6.0-3";
  pyyaml_deb.files = {"/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA"};
  auto apk = make("apk", "musl", "1.2.4_git20230717-r4", "MIT", "/lib/apk/db/installed");
  apk.arch = "x86_64";
  auto rpm = make("rpm", "openssl-libs", "1:3.0.7-27.el9", "ASL 2.0", "/var/lib/rpm/rpmdb.sqlite");
  rpm.arch = "x86_64";
  rpm.source_name = "openssl";

  auto pyyaml = make("pypi", "PyYAML", "6.0", "MIT", "/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA");
  pyyaml.owner = "deb:python3-yaml";
  auto orphan = make("pypi", "zope.interface", "6.1", "ZPL-2.1", "/opt/app/zope.interface-6.1.dist-info/METADATA");
  orphan.owner = "deb:not-installed";  // its owner is not in the inventory: stays top level
  auto scoped = make("npm", "@babel/core", "7.23.0", "MIT", "/app/node_modules/@babel/core/package.json");
  auto odd = make("npm", "left pad#?", "1.0.0+build/5", "(MIT OR Apache-2.0) AND BSD-3-Clause",
                  "/app/node_modules/left pad#?/package.json");
  odd.dev = true;
  auto gem = make("gem", "rails", "7.1.2", "mit", "/usr/lib/ruby/gems/3.1.0/specifications/rails-7.1.2.gemspec");
  auto composer = make("composer", "laravel/framework", "v10.0.0", "GPL-2.0-or-later WITH Classpath-exception-2.0",
                       "/var/www/vendor/composer/installed.json");
  auto go = make("golang", "github.com/gorilla/mux", "v1.8.1", "", "/usr/local/bin/app");
  auto maven = make("maven", "org.apache.commons:commons-lang3", "3.14.0", "Apache License, Version 2.0",
                    "/app/lib/commons-lang3-3.14.0.jar");
  auto cargo = make("cargo", "rand", "0.8.5", "MIT OR Apache-2.0", "/app/Cargo.lock");
  auto unknown = make("nuget", "Newtonsoft.Json", "13.0.1", "LicenseRef-Newtonsoft", "/app/packages.lock.json");
  // The same package proven twice by the same file: must still get two distinct identities.
  auto duplicate = cargo;

  inv.packages = {odd,    cargo, libc,     pyyaml, scoped, pyyaml_deb, apk,      rpm,
                  orphan, gem,   composer, go,     maven,  unknown,    duplicate};
  return inv;
}

inline inventory::Inventory directory_inventory() {
  inventory::Inventory inv;
  inv.target = "/srv/my app";
  inv.kind = "filesystem";
  inv.packages = {make("npm", "express", "4.18.2", "MIT", "/srv/my app/package-lock.json")};
  return inv;
}

inline SbomOptions pinned_options() {
  SbomOptions options;
  options.tool_version = "0.1.0";
  options.uuid = "3e671687-395b-41f5-a30f-a58921a69b79";
  options.timestamp = "2024-01-02T03:04:05Z";
  return options;
}

// Runs scripts/validate-sbom.sh on `json` written to a temporary file. Returns the exit status
// (0 valid, 1 invalid, 77 node/npm missing, anything else broken) and the validator's output.
inline int validate(const std::string& format, const std::string& json, std::string& output) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(MOAT_BINARY_DIR) / "sbom-validate";
  fs::create_directories(dir);
  // Named by the test, so that tests running in parallel never share a file.
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  const fs::path doc = dir / (format + "-" + test->test_suite_name() + "-" + test->name() + ".json");
  const fs::path log = fs::path(doc).replace_extension(".log");
  std::ofstream(doc) << json;
  // The validator's npm packages are cached in the build directory, installed by the first test.
  const std::string command = "MOAT_VALIDATOR_DIR='" + (fs::path(MOAT_BINARY_DIR) / "sbom-validator").string() +
                              "' bash '" + MOAT_SOURCE_DIR + "/scripts/validate-sbom.sh' " + format + " '" +
                              doc.string() + "' >'" + log.string() + "' 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream in(log);
  output.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  fs::remove(doc);
  fs::remove(log);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace moat::report::testing
