// Hostile policy files through the rule reader; a policy that loads is then run over a fixed
// manifest and Dockerfile, so the evaluator sees every path, operator and placeholder the reader
// accepts. Only moat::Error may come out.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"
#include "misconfig/custom_policy.h"
#include "misconfig/dockerfile.h"
#include "misconfig/yaml_doc.h"

namespace {

constexpr std::string_view kManifest =
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop, labels: {app: web}}\n"
    "spec:\n  replicas: 1\n  template:\n    spec:\n      hostNetwork: true\n      containers:\n"
    "        - name: app\n          image: nginx\n          args: [a, b]\n"
    "          ports: [{name: http, containerPort: 80}]\n";
constexpr std::string_view kDockerfile =
    "FROM debian AS build\nLABEL maintainer=x\nRUN wget x\nCOPY --chown=root a b\nFROM build\nUSER 1\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static const moat::misconfig::YamlStream stream = moat::misconfig::load_yaml_stream(kManifest, "m.yaml");
  static const moat::misconfig::Dockerfile dockerfile = moat::misconfig::parse_dockerfile(kDockerfile, "Dockerfile");
  try {
    moat::misconfig::PolicySet policies;
    policies.add(input, "fuzz.yaml");
    for (const auto& f : policies.check_kubernetes(stream, "m.yaml").findings) {
      if (f.rule_id.empty() || f.where.line == 0) __builtin_trap();
    }
    for (const auto& f : policies.check_dockerfile(dockerfile, "Dockerfile").findings) {
      if (f.rule_id.empty() || f.where.line == 0) __builtin_trap();
    }
  } catch (const moat::Error&) {
  }
  return 0;
}
