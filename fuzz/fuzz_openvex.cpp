// Hostile OpenVEX documents through the parser and the policy: only moat::Error may come out.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/error.h"
#include "match/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    moat::match::Policy policy;
    policy.today = "2024-03-15";
    policy.vex.push_back(moat::match::parse_openvex(input, "fuzz.json"));
    moat::match::VulnReport report;
    report.inventory.kind = "image";
    report.inventory.image_id = "sha256:aa";
    report.inventory.repo_tags = {"docker.io/library/debian:12"};
    moat::match::Finding f;
    f.id = "CVE-2023-5678";
    f.aliases = {"DSA-5585-1"};
    f.purl = "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12";
    report.findings.push_back(f);
    static_cast<void>(moat::match::apply_policy(policy, report));
  } catch (const moat::Error&) {
  }
  return 0;
}
