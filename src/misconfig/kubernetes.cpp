#include "misconfig/kubernetes.h"

#include <algorithm>
#include <array>

namespace moat::misconfig {
namespace {

bool cluster_scoped(std::string_view kind) {
  static constexpr std::array<std::string_view, 16> kinds = {
      "ClusterRole",          "ClusterRoleBinding",
      "Namespace",            "Node",
      "PersistentVolume",     "StorageClass",
      "CustomResourceDefinition", "PriorityClass",
      "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
      "APIService",           "CSIDriver",
      "IngressClass",         "RuntimeClass",
      "PodSecurityPolicy",    "CertificateSigningRequest"};
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

// A List holds objects under items; kubectl prints "List", typed lists ("PodList") look the same.
bool is_list(const YamlNode& node, std::string_view kind) {
  return kind.size() >= 4 && kind.substr(kind.size() - 4) == "List" && node.get("items") != nullptr &&
         node.get("items")->is_sequence();
}

void collect(const YamlNode& node, int list_depth, std::vector<KubernetesObject>& out) {
  if (!node.is_map()) return;
  KubernetesObject object;
  object.api_version = node.string_at("apiVersion");
  object.kind = node.string_at("kind");
  if (object.api_version.empty() || object.kind.empty()) return;
  if (is_list(node, object.kind)) {
    if (list_depth > 2) return;  // Lists of Lists of Lists are not something kubectl makes
    for (const YamlNode* item : node.get("items")->items()) collect(*item, list_depth + 1, out);
    return;
  }
  object.name = node.string_at("metadata", "name");
  if (object.name.empty()) object.name = node.string_at("metadata", "generateName");
  if (!cluster_scoped(object.kind)) {
    object.namespace_name = node.string_at("metadata", "namespace");
    if (object.namespace_name.empty()) object.namespace_name = "default";
  }
  object.node = &node;
  out.push_back(std::move(object));
}

}  // namespace

std::string KubernetesObject::id() const {
  if (namespace_name.empty()) return kind + "/" + name;
  return kind + "/" + namespace_name + "/" + name;
}

std::vector<KubernetesObject> kubernetes_objects(const YamlStream& stream) {
  std::vector<KubernetesObject> objects;
  for (const YamlDocument& document : stream.documents) collect(*document.root, 0, objects);
  return objects;
}

PodTemplate pod_template(const KubernetesObject& object) {
  const YamlNode& node = *object.node;
  const std::string& kind = object.kind;
  const YamlNode* pod = nullptr;  // the object that has metadata + spec of a pod
  bool completes = false;
  if (kind == "Pod") {
    pod = &node;
    // A bare pod that is not restarted (Helm tests, one-off tasks) runs to completion like a Job.
    const YamlNode* policy = node.get("spec", "restartPolicy");
    completes = policy != nullptr && policy->is_scalar() && policy->text() != "Always";
  } else if (kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet" || kind == "ReplicaSet" ||
             kind == "ReplicationController" || kind == "Job") {
    pod = node.get("spec", "template");
    completes = kind == "Job";
  } else if (kind == "CronJob") {
    pod = node.get("spec", "jobTemplate", "spec", "template");
    completes = true;
  } else if (kind == "PodTemplate") {
    pod = node.get("template");
  }
  if (pod == nullptr || !pod->is_map()) return {};
  const YamlNode* spec = pod->get("spec");
  if (spec == nullptr || !spec->is_map()) return {};
  const YamlNode* metadata = pod->get("metadata");
  return {metadata != nullptr && metadata->is_map() ? metadata : nullptr, spec, completes};
}

std::vector<ContainerRef> containers_of(const YamlNode& pod_spec) {
  std::vector<ContainerRef> out;
  for (std::string_view list : {std::string_view("initContainers"), std::string_view("containers"),
                                std::string_view("ephemeralContainers")}) {
    const YamlNode* items = pod_spec.get(list);
    if (items == nullptr || !items->is_sequence()) continue;
    for (const YamlNode* item : items->items()) {
      if (item->is_map()) out.push_back({item, list, item->string_at("name")});
    }
  }
  return out;
}

}  // namespace moat::misconfig
