#pragma once
// Kubernetes objects found in YAML/JSON documents, and for workloads the pod template they run:
// what every Kubernetes check walks. Lists (kind: List, *List) are expanded to their items.
#include <string>
#include <string_view>
#include <vector>

#include "misconfig/yaml_doc.h"

namespace moat::misconfig {

struct KubernetesObject {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string namespace_name;  // "default" for a namespaced object without one; "" for cluster-scoped
  const YamlNode* node = nullptr;  // the whole object

  // "Kind/namespace/name", or "Kind/name" for cluster-scoped kinds.
  std::string id() const;
};

// Objects of every document, in order; documents without apiVersion and kind are not objects.
std::vector<KubernetesObject> kubernetes_objects(const YamlStream& stream);

struct PodTemplate {
  const YamlNode* metadata = nullptr;  // of the pod (annotations carry AppArmor and old seccomp settings); may be null
  const YamlNode* spec = nullptr;      // the pod spec
  bool runs_to_completion = false;     // Job and CronJob pods finish: probes do not apply
};

// The pod a workload runs (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController,
// Job, CronJob, PodTemplate); spec is null for other kinds or when the template is missing.
PodTemplate pod_template(const KubernetesObject& object);

struct ContainerRef {
  const YamlNode* node = nullptr;
  std::string_view list;  // "containers", "initContainers" or "ephemeralContainers"
  std::string name;
};

// Every container of a pod spec, init and ephemeral ones included.
std::vector<ContainerRef> containers_of(const YamlNode& pod_spec);

}  // namespace moat::misconfig
