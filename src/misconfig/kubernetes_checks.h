#pragma once
// Security checks over Kubernetes manifests (plain, Helm-rendered or kustomize output; YAML or JSON):
// Pod Security Standards baseline and restricted controls, CIS Kubernetes section 5 policies, RBAC,
// and workload hygiene. Rule ids are MOAT-K8S-NNN; every finding names its profile in references.
//
// Suppression: an object annotated `moat.dev/ignore.MOAT-K8S-NNN: "<reason>"` drops that rule's
// findings for that object; an empty reason does not suppress and is itself reported (MOAT-K8S-099).
#include <string>
#include <string_view>
#include <vector>

#include "misconfig/check_result.h"

namespace moat::misconfig {

using KubernetesRule = Rule;

// Every rule the checks can report, in id order.
const std::vector<KubernetesRule>& kubernetes_rules();

// Checks every document of one manifest file. Problems reading the file (malformed YAML, a YAML bomb,
// binary content, a huge file) go to `errors`; documents read before the problem are still checked.
// When suppressed is given, it is increased by the findings that in-place annotations removed.
std::vector<ConfigFinding> check_kubernetes(std::string_view text, const std::string& file,
                                            std::vector<FileError>& errors, size_t* suppressed = nullptr);

}  // namespace moat::misconfig
