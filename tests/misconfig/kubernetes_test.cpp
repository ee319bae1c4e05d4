#include "misconfig/kubernetes.h"

#include <gtest/gtest.h>

#include <string>

namespace moat::misconfig {
namespace {

const std::string kPodSpec =
    "containers:\n"
    "- name: main\n"
    "  image: nginx:1.25\n"
    "initContainers:\n"
    "- name: init\n"
    "  image: busybox:1.36\n"
    "ephemeralContainers:\n"
    "- name: debug\n"
    "  image: busybox:1.36\n";

std::string indented(const std::string& text, std::size_t by) {
  std::string out;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = text.find('\n', start);
    out += std::string(by, ' ') + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

// A manifest of `kind` with kPodSpec where that kind keeps its pod spec.
std::string workload(const std::string& kind) {
  const std::string head = "apiVersion: apps/v1\nkind: " + kind + "\nmetadata:\n  name: w\n  namespace: prod\n";
  if (kind == "Pod") return head + "spec:\n" + indented(kPodSpec, 2);
  if (kind == "CronJob") {
    return head + "spec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n" +
           indented(kPodSpec, 10);
  }
  return head + "spec:\n  template:\n    metadata:\n      labels: {app: w}\n    spec:\n" + indented(kPodSpec, 6);
}

class EveryWorkloadKind : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryWorkloadKind, ReachesThePodTemplateAndAllContainers) {
  const std::string text = workload(GetParam());
  const YamlStream stream = load_yaml_stream(text, "w.yaml");
  ASSERT_FALSE(stream.error) << *stream.error;
  const std::vector<KubernetesObject> objects = kubernetes_objects(stream);
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0].id(), GetParam() + "/prod/w");
  const PodTemplate pod = pod_template(objects[0]);
  ASSERT_NE(pod.spec, nullptr) << text;
  const std::vector<ContainerRef> containers = containers_of(*pod.spec);
  ASSERT_EQ(containers.size(), 3u);
  EXPECT_EQ(containers[0].list, "initContainers");
  EXPECT_EQ(containers[1].name, "main");
  EXPECT_EQ(containers[2].list, "ephemeralContainers");
  EXPECT_EQ(pod.runs_to_completion, GetParam() == "Job" || GetParam() == "CronJob");
}

INSTANTIATE_TEST_SUITE_P(Kinds, EveryWorkloadKind,
                         ::testing::Values("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
                                           "ReplicationController", "Job", "CronJob"));

TEST(KubernetesObjects, ListItemsAreExpanded) {
  const std::string text =
      "apiVersion: v1\n"
      "kind: List\n"
      "items:\n"
      "- apiVersion: v1\n"
      "  kind: ServiceAccount\n"
      "  metadata: {name: app, namespace: shop}\n"
      "- apiVersion: rbac.authorization.k8s.io/v1\n"
      "  kind: ClusterRole\n"
      "  metadata: {name: reader}\n"
      "- apiVersion: v1\n"
      "  kind: ConfigMapList\n"
      "  items:\n"
      "  - {apiVersion: v1, kind: ConfigMap, metadata: {name: cm}}\n";
  const YamlStream stream = load_yaml_stream(text, "list.yaml");
  const std::vector<KubernetesObject> objects = kubernetes_objects(stream);
  ASSERT_EQ(objects.size(), 3u);
  EXPECT_EQ(objects[0].id(), "ServiceAccount/shop/app");
  EXPECT_EQ(objects[1].id(), "ClusterRole/reader");
  EXPECT_EQ(objects[2].id(), "ConfigMap/default/cm");
}

TEST(KubernetesObjects, NonKubernetesDocumentsAreSkipped) {
  const YamlStream stream = load_yaml_stream("name: chart\nversion: 1.0.0\n---\n- a\n---\nplain\n", "Chart.yaml");
  EXPECT_TRUE(kubernetes_objects(stream).empty());
}

TEST(KubernetesObjects, WorkloadWithoutTemplateHasNoPod) {
  const YamlStream stream =
      load_yaml_stream("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 1}\n", "d.yaml");
  const std::vector<KubernetesObject> objects = kubernetes_objects(stream);
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(pod_template(objects[0]).spec, nullptr);
}

}  // namespace
}  // namespace moat::misconfig
