// Hostile .moatignore.yaml files through the parser and the policy: only moat::Error may come out.
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
    policy.ignore_files.push_back(moat::match::parse_ignore_file(input, "fuzz.yaml"));
    moat::match::VulnReport report;
    moat::match::Finding f;
    f.id = "CVE-2023-5678";
    f.aliases = {"DSA-5585-1"};
    f.package.name = "libssl3";
    f.package.source_name = "openssl";
    f.purl = "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12";
    report.findings.push_back(f);
    static_cast<void>(moat::match::apply_policy(policy, report));
  } catch (const moat::Error&) {
  }
  return 0;
}
