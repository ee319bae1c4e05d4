#include "misconfig/yaml_doc.h"

#include <gtest/gtest.h>

#include <string>

namespace moat::misconfig {
namespace {

TEST(YamlDoc, KeepsPositionsOfKeysAcrossDocuments) {
  const std::string text =
      "# leading comment\n"
      "apiVersion: v1\n"
      "kind: Pod\n"
      "---\n"
      "apiVersion: apps/v1\n"
      "kind: Deployment\n"
      "spec:\n"
      "  template:\n"
      "    spec:\n"
      "      hostPID: true\n";
  const YamlStream stream = load_yaml_stream(text, "multi.yaml");
  ASSERT_FALSE(stream.error) << *stream.error;
  ASSERT_EQ(stream.documents.size(), 2u);
  const YamlNode& second = *stream.documents[1].root;
  EXPECT_EQ(second.string_at("kind"), "Deployment");
  const YamlEntry* host_pid = second.get("spec", "template", "spec")->find("hostPID");
  ASSERT_NE(host_pid, nullptr);
  EXPECT_EQ(host_pid->key->where().line, 10);
  EXPECT_EQ(host_pid->key->where().column, 7);
  EXPECT_EQ(host_pid->value->where().column, 16);
  EXPECT_EQ(host_pid->value->as_bool(), true);
  EXPECT_EQ(stream.documents[0].root->find("kind")->key->where().line, 3);
}

TEST(YamlDoc, JsonParsesWithPositions) {
  const std::string text =
      "{\n"
      "  \"apiVersion\": \"v1\",\n"
      "  \"kind\": \"Pod\",\n"
      "  \"spec\": {\"hostNetwork\": true, \"containers\": [{\"name\": \"a\"}]}\n"
      "}\n";
  const YamlStream stream = load_yaml_stream(text, "pod.json");
  ASSERT_FALSE(stream.error) << *stream.error;
  ASSERT_EQ(stream.documents.size(), 1u);
  const YamlNode& root = *stream.documents[0].root;
  const YamlEntry* host_network = root.get("spec")->find("hostNetwork");
  ASSERT_NE(host_network, nullptr);
  EXPECT_EQ(host_network->key->where().line, 4);
  EXPECT_EQ(host_network->key->where().column, 12);  // the opening quote of the key
  EXPECT_EQ(host_network->value->as_bool(), true);
  EXPECT_EQ(root.get("spec", "containers")->items().at(0)->string_at("name"), "a");
}

TEST(YamlDoc, QuotedScalarsAreNotBooleans) {
  const YamlStream stream = load_yaml_stream("a: \"true\"\nb: yes\nc: Off\nd: 42\ne: '0'\n", "s.yaml");
  const YamlNode& root = *stream.documents.at(0).root;
  EXPECT_FALSE(root.get("a")->as_bool().has_value());
  EXPECT_EQ(root.get("b")->as_bool(), true);
  EXPECT_EQ(root.get("c")->as_bool(), false);
  EXPECT_EQ(root.get("d")->as_int(), 42);
  EXPECT_EQ(root.get("e")->as_int(), 0);
}

TEST(YamlDoc, AliasesAndMergeKeysResolve) {
  const std::string text =
      "base: &base\n"
      "  runAsNonRoot: true\n"
      "ctx:\n"
      "  <<: *base\n"
      "  runAsUser: 1000\n"
      "copy: *base\n";
  const YamlStream stream = load_yaml_stream(text, "alias.yaml");
  ASSERT_FALSE(stream.error) << *stream.error;
  const YamlNode& root = *stream.documents.at(0).root;
  EXPECT_EQ(root.get("ctx", "runAsNonRoot")->as_bool(), true);
  EXPECT_EQ(root.get("ctx", "runAsUser")->as_int(), 1000);
  EXPECT_EQ(root.get("copy", "runAsNonRoot")->as_bool(), true);
}

TEST(YamlDoc, EmptyDocumentsAreNullRoots) {
  const YamlStream stream = load_yaml_stream("---\n---\na: 1\n", "empty.yaml");
  ASSERT_FALSE(stream.error) << *stream.error;
  ASSERT_EQ(stream.documents.size(), 2u);
  EXPECT_TRUE(stream.documents[0].root->is_null());
  EXPECT_EQ(stream.documents[0].root->get("a"), nullptr);
}

TEST(YamlDoc, MalformedDocumentKeepsEarlierOnesAndNamesPosition) {
  const YamlStream stream = load_yaml_stream("a: 1\n---\nb: [1, 2\n", "broken.yaml");
  ASSERT_TRUE(stream.error);
  EXPECT_NE(stream.error->find("broken.yaml:"), std::string::npos) << *stream.error;
  ASSERT_EQ(stream.documents.size(), 1u);
  EXPECT_EQ(stream.documents[0].root->get("a")->as_int(), 1);
}

TEST(YamlDoc, BillionLaughsIsRejected) {
  std::string text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  char previous = 'a';
  for (char name = 'b'; name <= 'i'; ++name) {
    text += std::string(1, name) + ": &" + name + " [";
    for (int i = 0; i < 9; ++i) text += std::string(i ? "," : "") + "*" + previous;
    text += "]\n";
    previous = name;
  }
  const YamlStream stream = load_yaml_stream(text, "lol.yaml");
  ASSERT_TRUE(stream.error);
  EXPECT_NE(stream.error->find("YAML bomb"), std::string::npos) << *stream.error;
}

TEST(YamlDoc, DeepFlowNestingIsRejected) {
  const std::string text = std::string(10000, '[') + std::string(10000, ']');
  const YamlStream stream = load_yaml_stream(text, "deep.json");
  ASSERT_TRUE(stream.error);
  EXPECT_NE(stream.error->find("nesting deeper"), std::string::npos) << *stream.error;
}

TEST(YamlDoc, DeepBlockNestingIsRejected) {
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "- ";
  text += "x\n";
  const YamlStream stream = load_yaml_stream(text, "deep.yaml");
  ASSERT_TRUE(stream.error);
  EXPECT_NE(stream.error->find("deep.yaml"), std::string::npos) << *stream.error;
}

TEST(YamlDoc, DeepMapNestingIsRejected) {
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "{a: ";
  text += "1" + std::string(10000, '}');
  const YamlStream stream = load_yaml_stream(text, "deep-map.yaml");
  ASSERT_TRUE(stream.error);
}

TEST(YamlDoc, RecursiveAliasIsRejectedOrHarmless) {
  const YamlStream stream = load_yaml_stream("a: &a\n  b: *a\n", "loop.yaml");
  EXPECT_TRUE(stream.error.has_value());
}

TEST(YamlDoc, BinaryContentIsRejected) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 131 + 7) % 256));
  const YamlStream stream = load_yaml_stream(garbage, "blob.bin");
  ASSERT_TRUE(stream.error);
  EXPECT_NE(stream.error->find("blob.bin"), std::string::npos);
  EXPECT_TRUE(stream.documents.empty());
}

TEST(YamlDoc, HugeFileIsRejectedBeforeParsing) {
  const std::string huge(50u << 20, 'a');
  const YamlStream stream = load_yaml_stream(huge, "huge.yaml");
  ASSERT_TRUE(stream.error);
  EXPECT_NE(stream.error->find("larger than"), std::string::npos) << *stream.error;
}

// Found by fuzz_k8s_yaml: yaml-cpp 0.7 emits empty documents at one position forever on this input.
TEST(YamlDoc, ParserThatStopsAdvancingIsAnError) {
  const std::string text =
      "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"metadata\": {\n    ners\": [\n      {\n"
      "        \"name\": \"web\"\n      }\n    ]\n  }\n},\n{\n  \"apiVersion\": \"v1\",\n";
  const YamlStream stream = load_yaml_stream(text, "stuck.json");
  ASSERT_TRUE(stream.error);
  EXPECT_LT(stream.documents.size(), 3u);
}

TEST(YamlDoc, NodeCountIsBounded) {
  std::string text = "[";
  for (int i = 0; i < 3000; ++i) text += "1,";
  text += "1]";
  YamlLimits limits;
  limits.max_nodes = 1000;
  const YamlStream stream = load_yaml_stream(text, "many.yaml", limits);
  ASSERT_TRUE(stream.error);
  EXPECT_NE(stream.error->find("1000 YAML nodes"), std::string::npos) << *stream.error;
}

}  // namespace
}  // namespace moat::misconfig
