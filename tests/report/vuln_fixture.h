#pragma once
// A vulnerability report built by hand, shaped like a real scan of a Debian 12 image: OpenSSL's
// libssl3 with Debian-rated findings (one without a fix), urllib3 from PyPI owned by a deb with a
// GHSA/PYSEC-aliased finding, and a release the database does not cover.
#include <string>

#include "inventory/purl.h"
#include "match/finding.h"

namespace moat::report::testing {

inline inventory::Package vuln_package(const char* eco, const char* name, const char* version, const char* found_in) {
  inventory::Package p;
  p.ecosystem = eco;
  p.name = name;
  p.version = version;
  p.found_in = found_in;
  p.layer = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
  return p;
}

inline match::Finding vuln_finding(const inventory::Inventory& inv, const inventory::Package& p, const char* id,
                                   match::Severity severity, double score, const char* vector, const char* fixed) {
  match::Finding f;
  f.id = id;
  f.package = p;
  f.purl = inventory::purl(p, inv.os);
  f.severity = severity;
  f.score = score;
  f.cvss_vector = vector;
  f.fixed_version = fixed;
  f.severity_source = score >= 0 ? "cvss" : "Debian:12";
  f.data_source = p.ecosystem == "deb" ? "Debian:12" : "PyPI";
  return f;
}

inline match::VulnReport debian_report() {
  match::VulnReport r;
  auto& inv = r.inventory;
  inv.target = "docker.io/library/debian:12";
  inv.kind = "image";
  inv.image_id = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  inv.repo_tags = {"docker.io/library/debian:12"};
  inv.repo_digests = {"docker.io/library/debian@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"};
  inv.architecture = "amd64";
  inv.os_name = "linux";
  inv.os = inventory::OsRelease{"debian", "12", "Debian GNU/Linux 12 (bookworm)", "bookworm"};

  auto libssl = vuln_package("deb", "libssl3", "3.0.11-1~deb12u2", "/var/lib/dpkg/status");
  libssl.arch = "amd64";
  libssl.source_name = "openssl";
  libssl.license = "Apache-2.0";
  auto urllib3_deb = vuln_package("deb", "python3-urllib3", "1.26.12-1", "/var/lib/dpkg/status");
  urllib3_deb.arch = "all";
  urllib3_deb.source_name = "python-urllib3";
  auto urllib3 = vuln_package("pypi", "urllib3", "1.26.12",
                              "/usr/lib/python3/dist-packages/urllib3-1.26.12.egg-info/PKG-INFO");
  urllib3.owner = "deb:python3-urllib3";
  auto zlib = vuln_package("deb", "zlib1g", "1:1.2.13.dfsg-1", "/var/lib/dpkg/status");
  inv.packages = {libssl, urllib3_deb, urllib3, zlib};

  auto dh = vuln_finding(inv, libssl, "CVE-2023-5678", match::Severity::Medium, 5.3,
                         "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", "3.0.13-1~deb12u1");
  dh.aliases = {"DSA-5585-1"};
  dh.summary = "Excessive time spent in DH check / generation with large Q parameter value";
  dh.references = {"https://security-tracker.debian.org/tracker/CVE-2023-5678",
                   "https://www.openssl.org/news/secadv/20231106.txt"};
  dh.published = "2023-11-06T16:15:42Z";
  dh.modified = "2024-05-01T18:15:12Z";
  auto pkcs12 = vuln_finding(inv, libssl, "CVE-2024-0727", match::Severity::Medium, 5.5,
                             "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H", "3.0.13-1~deb12u1");
  pkcs12.summary = "PKCS12 Decoding crashes: processing a maliciously formatted PKCS12 file may lead OpenSSL to crash "
                   "leading to a potential Denial of Service attack";
  pkcs12.references = {"https://security-tracker.debian.org/tracker/CVE-2024-0727"};
  auto unfixed = vuln_finding(inv, libssl, "CVE-2024-2511", match::Severity::Low, -1, "", "");
  unfixed.summary = "Unbounded memory growth with session handling in TLSv1.3";
  auto redirect = vuln_finding(inv, urllib3, "CVE-2023-43804", match::Severity::High, 8.1,
                               "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", "1.26.17");
  redirect.aliases = {"GHSA-v845-jxx5-vc9f", "PYSEC-2023-192"};
  redirect.summary = "Cookie HTTP header isn't stripped on cross-origin redirects";
  redirect.severity_source = "cvss";
  redirect.references = {"https://github.com/urllib3/urllib3/security/advisories/GHSA-v845-jxx5-vc9f",
                         "https://nvd.nist.gov/vuln/detail/CVE-2023-43804"};
  redirect.published = "2023-10-02T23:15:00Z";
  r.findings = {dh, pkcs12, unfixed, redirect};

  r.not_covered = {{"Alpine:v3.19", "no advisories for this release", 14}};
  r.database_updated = "2024-03-01T06:00:00Z";
  return r;
}

}  // namespace moat::report::testing
